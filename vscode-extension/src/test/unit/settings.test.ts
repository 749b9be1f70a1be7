import assert from "node:assert/strict";
import { test } from "node:test";
import { needsRestart, readSettings, resolveVariables, serverSettings } from "../../common/settings";

const vars = { workspaceFolder: "/work/app", userHome: "/home/ada", env: { VENV: "/venvs/app" } };

function reader(values: Record<string, unknown>) {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

test("defaults when nothing is set", () => {
  const settings = readSettings(reader({}), "", vars);
  assert.deepEqual(settings, {
    workspace: "",
    enable: true,
    path: "",
    interpreter: [],
    args: [],
    lintOn: "type",
    select: [],
    ignore: [],
    unsafeFixes: false,
  });
});

test("variables in paths and interpreters are resolved per folder", () => {
  assert.equal(resolveVariables("${workspaceFolder}/.venv/bin/python", vars), "/work/app/.venv/bin/python");
  assert.equal(resolveVariables("${env:VENV}/bin/python", vars), "/venvs/app/bin/python");
  assert.equal(resolveVariables("~/bin/parlint", vars), "/home/ada/bin/parlint");
  const settings = readSettings(reader({ interpreter: ["${env:VENV}/bin/python"], path: "${userHome}/p" }), "file:///work/app", vars);
  assert.deepEqual(settings.interpreter, ["/venvs/app/bin/python"]);
  assert.equal(settings.path, "/home/ada/p");
});

test("bad values fall back to defaults", () => {
  const settings = readSettings(reader({ lintOn: "sometimes", select: "PAR1", ignore: ["PAR105", 3] }), "", vars);
  assert.equal(settings.lintOn, "type");
  assert.deepEqual(settings.select, []);
  assert.deepEqual(settings.ignore, ["PAR105"]);
});

test("what the server receives: an empty select means no override", () => {
  const settings = readSettings(reader({ ignore: ["PAR105"], lintOn: "save", unsafeFixes: true }), "file:///w", vars);
  assert.deepEqual(serverSettings(settings), {
    workspace: "file:///w",
    enable: true,
    lintOn: "save",
    select: null,
    ignore: ["PAR105"],
    unsafeFixes: true,
  });
});

test("only launch settings restart the server", () => {
  assert.equal(needsRestart((key) => key === "parlint.interpreter"), true);
  assert.equal(needsRestart((key) => key === "parlint.ignore"), false);
});
