import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  CLIENT_ONLY_KEYS,
  needsRestart,
  readSettings,
  resolveVariables,
  serverSettings,
  shouldNotify,
} from "../../common/settings";

// out/test/ -> the extension's package.json, the one schema of the settings.
const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));
const declared: Record<string, { default: unknown }> = manifest.contributes.configuration.properties;

const vars = { workspaceFolder: "/work/app", userHome: "/home/ada", env: { VENV: "/venvs/app" } };

function reader(values: Record<string, unknown>) {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

test("defaults when nothing is set", () => {
  const settings = readSettings(reader({}), "", vars);
  assert.deepEqual(settings, {
    workspace: "",
    enable: true,
    importStrategy: "useBundled",
    path: "",
    interpreter: [],
    args: [],
    lintOn: "type",
    select: [],
    extendSelect: [],
    ignore: [],
    unsafeFixes: false,
    configurationPreference: "editorFirst",
    debounce: 100,
    severity: {},
    showNotifications: "onWarning",
  });
});

test("every declared setting is read, with the declared default", () => {
  const settings = readSettings(reader({}), "", vars) as unknown as Record<string, unknown>;
  for (const [key, schema] of Object.entries(declared)) {
    const name = key.replace(/^parlint\./, "");
    if (name === "trace.server") {
      continue; // read by vscode-languageclient itself
    }
    assert.ok(name in settings, `${key} is declared but not read`);
    assert.deepEqual(settings[name], schema.default, `${key}: default`);
  }
});

test("the server receives every declared setting it reads, and no undeclared one", () => {
  const sent = Object.keys(serverSettings(readSettings(reader({}), "", vars))).filter((k) => k !== "workspace");
  const expected = Object.keys(declared)
    .map((key) => key.replace(/^parlint\./, ""))
    .filter((name) => !CLIENT_ONLY_KEYS.includes(name));
  assert.deepEqual([...sent].sort(), [...expected].sort());
});

test("every description is Markdown", () => {
  for (const [key, schema] of Object.entries(declared)) {
    assert.ok("markdownDescription" in schema && !("description" in schema), key);
  }
});

test("notifications by level", () => {
  assert.equal(shouldNotify("off", "error"), false);
  assert.equal(shouldNotify("onError", "error"), true);
  assert.equal(shouldNotify("onError", "warning"), false);
  assert.equal(shouldNotify("onWarning", "warning"), true);
  assert.equal(shouldNotify("always", "info"), true);
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
    extendSelect: [],
    ignore: ["PAR105"],
    unsafeFixes: true,
    configurationPreference: "editorFirst",
    debounce: 100,
    severity: {},
    showNotifications: "onWarning",
  });
});

test("only launch settings restart the server", () => {
  assert.equal(needsRestart((key) => key === "parlint.interpreter"), true);
  assert.equal(needsRestart((key) => key === "parlint.ignore"), false);
});
