import assert from "node:assert/strict";
import { test } from "node:test";
import { RestartQueue } from "../../common/restart";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

test("a burst of requests is one restart, and every caller is answered", async () => {
  let restarts = 0;
  const queue = new RestartQueue(async () => {
    restarts += 1;
  }, () => undefined);
  await Promise.all([queue.request(20), queue.request(20), queue.request(0)]);
  assert.equal(restarts, 1);
});

test("a restart requested while one runs waits for it: never two at once", async () => {
  let running = 0;
  let most = 0;
  let restarts = 0;
  const queue = new RestartQueue(async () => {
    running += 1;
    most = Math.max(most, running);
    await sleep(30);
    running -= 1;
    restarts += 1;
  }, () => undefined);
  const first = queue.request(0);
  await sleep(10); // the first is running now
  await Promise.all([first, queue.request(0)]);
  assert.equal(restarts, 2);
  assert.equal(most, 1);
});

test("a failed restart is reported and the next one still runs", async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const queue = new RestartQueue(async () => {
    calls += 1;
    if (calls === 1) {
      throw new Error("no interpreter");
    }
  }, (error) => errors.push(error));
  await queue.request(0);
  await queue.request(0);
  assert.equal(calls, 2);
  assert.equal(errors.length, 1);
});
