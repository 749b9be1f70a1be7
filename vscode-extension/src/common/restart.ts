// One restart at a time, through one debounced path (pure logic, unit-tested).

/**
 * Restarts requested in a burst (a settings change, the Restart command, a new interpreter)
 * become one restart after `delay` ms of quiet; a restart requested while one runs waits for
 * it. Every caller's promise resolves once a restart that began after its request is done.
 */
export class RestartQueue {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiting: Array<() => void> = [];
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly restart: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(delay: number): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const done = this.waiting;
        this.waiting = [];
        this.running = this.running.then(() => this.restart()).catch(this.onError);
        void this.running.then(() => done.forEach((resolveOne) => resolveOne()));
      }, delay);
    });
  }

  /** Cancel a pending restart and wait for the running one. */
  async dispose(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.running;
  }
}
