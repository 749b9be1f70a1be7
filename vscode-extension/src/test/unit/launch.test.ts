import assert from "node:assert/strict";
import { test } from "node:test";
import { bundledPythonPath, installCommand, resolveLaunch, RestartPolicy } from "../../common/launch";

const base = { path: "", interpreter: [], pythonExtension: undefined, args: [] };

test("parlint.path wins over everything and runs `<path> server`", () => {
  const launch = resolveLaunch({ ...base, path: "/opt/parlint", interpreter: ["/usr/bin/python3"], args: ["-v"] });
  assert.deepEqual(launch, { command: "/opt/parlint", args: ["server", "-v"], source: "parlint.path", python: undefined });
});

test("parlint.interpreter runs `-m parlint server` with its own arguments", () => {
  const launch = resolveLaunch({ ...base, interpreter: ["/venv/bin/python", "-X", "utf8"], pythonExtension: ["/other"] });
  assert.equal(launch.command, "/venv/bin/python");
  assert.deepEqual(launch.args, ["-X", "utf8", "-m", "parlint", "server"]);
  assert.equal(launch.source, "parlint.interpreter");
  assert.deepEqual(launch.python, ["/venv/bin/python", "-X", "utf8"]);
});

test("the Python extension's interpreter comes next, then python3", () => {
  assert.equal(resolveLaunch({ ...base, pythonExtension: ["/env/bin/python"] }).source, "python-extension");
  const fallback = resolveLaunch(base);
  assert.equal(fallback.command, "python3");
  assert.equal(fallback.source, "python3");
});

test("blank settings count as unset", () => {
  assert.equal(resolveLaunch({ ...base, path: "  ", interpreter: [""] }).source, "python3");
});

test("the install command quotes paths with spaces", () => {
  assert.equal(installCommand(["/usr/bin/python3"]), "/usr/bin/python3 -m pip install parlint");
  assert.equal(installCommand(["/My Envs/python"]), "'/My Envs/python' -m pip install parlint");
});

test("a crashing server is restarted a bounded number of times per window", () => {
  const policy = new RestartPolicy(3, 1000);
  assert.equal(policy.shouldRestart(0), true);
  assert.equal(policy.shouldRestart(10), true);
  assert.equal(policy.shouldRestart(20), true);
  assert.equal(policy.shouldRestart(30), false);
  assert.equal(policy.shouldRestart(5000), true); // old crashes age out
});

test("the bundled parlint: its libraries and the native build of the interpreter's version", () => {
  const present = new Set(["/ext/bundled/libs", "/ext/bundled/native/cp312"]);
  const exists = (p: string) => present.has(p);
  assert.equal(
    bundledPythonPath("/ext/bundled", "3.12", exists, ":", "/mine"),
    "/ext/bundled/libs:/ext/bundled/native/cp312:/mine",
  );
  assert.equal(bundledPythonPath("/ext/bundled", "3.12", exists), "/ext/bundled/libs:/ext/bundled/native/cp312");
  assert.equal(bundledPythonPath("/ext/bundled", "3.9", exists), undefined); // no build for it
  assert.equal(bundledPythonPath("/ext/bundled", undefined, exists), undefined); // did not run
});
