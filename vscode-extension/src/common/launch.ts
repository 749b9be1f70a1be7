// Which command starts `parlint server`: pure logic, unit-tested without the editor.

export interface LaunchInputs {
  /** `parlint.path`: an executable. */
  path: string;
  /** `parlint.interpreter`: a Python and its arguments. */
  interpreter: string[];
  /** The Python extension's active interpreter, when that extension is installed. */
  pythonExtension: string[] | undefined;
  /** `parlint.args`. */
  args: string[];
}

export type LaunchSource = "parlint.path" | "parlint.interpreter" | "python-extension" | "python3";

export interface LaunchCommand {
  command: string;
  args: string[];
  source: LaunchSource;
  /** The Python that must be able to import parlint (undefined for `parlint.path`). */
  python: string[] | undefined;
}

/** parlint.path, else parlint.interpreter, else the Python extension's interpreter, else python3. */
export function resolveLaunch(inputs: LaunchInputs): LaunchCommand {
  const serverArgs = ["server", ...inputs.args];
  if (inputs.path.trim() !== "") {
    return { command: inputs.path, args: serverArgs, source: "parlint.path", python: undefined };
  }
  const interpreter = inputs.interpreter.filter((part) => part.trim() !== "");
  if (interpreter.length > 0) {
    return fromPython(interpreter, serverArgs, "parlint.interpreter");
  }
  const fromExtension = (inputs.pythonExtension ?? []).filter((part) => part.trim() !== "");
  if (fromExtension.length > 0) {
    return fromPython(fromExtension, serverArgs, "python-extension");
  }
  return fromPython(["python3"], serverArgs, "python3");
}

function fromPython(python: string[], serverArgs: string[], source: LaunchSource): LaunchCommand {
  const [command, ...rest] = python;
  return { command, args: [...rest, "-m", "parlint", ...serverArgs], source, python };
}

/** Where the bundled parlint is for a CPython `version` ("3.12"): PYTHONPATH entries, or
 * undefined when no bundled build fits that interpreter. */
export function bundledPythonPath(
  bundled: string,
  version: string | undefined,
  exists: (path: string) => boolean,
  separator = ":",
  existing?: string,
): string | undefined {
  const match = /^3\.(\d+)$/.exec(version ?? "");
  if (!match) {
    return undefined;
  }
  const libs = `${bundled}/libs`;
  const native = `${bundled}/native/cp3${match[1]}`;
  if (!exists(libs) || !exists(native)) {
    return undefined;
  }
  return [libs, native, ...(existing ? [existing] : [])].join(separator);
}

/** The command a user runs to install parlint for `python`. */
export function installCommand(python: string[]): string {
  return [...python.map(quote), "-m", "pip", "install", "parlint"].join(" ");
}

function quote(part: string): string {
  return /^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, "'\\''")}'`;
}

/**
 * Crash bookkeeping: restart at most `max` times within `windowMs`, then stay stopped.
 * Returns whether the server should be restarted after a crash at `now`.
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  shouldRestart(now: number): boolean {
    this.crashes = this.crashes.filter((time) => now - time < this.windowMs);
    this.crashes.push(now);
    return this.crashes.length <= this.max;
  }

  get recentCrashes(): number {
    return this.crashes.length;
  }
}
