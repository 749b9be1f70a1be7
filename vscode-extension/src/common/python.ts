// The Python extension's active interpreter: optional, never required.
import * as vscode from "vscode";
import { getExtension } from "./vscodeapi";
import { traceInfo } from "./log/logging";

interface PythonEnvironmentsApi {
  environments: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(path: { path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

async function api(): Promise<PythonEnvironmentsApi | undefined> {
  const extension = getExtension("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    const exports = (extension.isActive ? extension.exports : await extension.activate()) as PythonEnvironmentsApi;
    return exports?.environments ? exports : undefined;
  } catch (error) {
    traceInfo(`The Python extension's API is not available: ${error}`);
    return undefined;
  }
}

/** The active interpreter for `resource`, or undefined when the Python extension is absent. */
export async function activeInterpreter(resource?: vscode.Uri): Promise<string[] | undefined> {
  const python = await api();
  if (!python) {
    return undefined;
  }
  const environment = await python.environments.resolveEnvironment(
    python.environments.getActiveEnvironmentPath(resource),
  );
  const executable = environment?.executable.uri?.fsPath;
  return executable ? [executable] : undefined;
}

export async function onDidChangeInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
  const python = await api();
  return python?.environments.onDidChangeActiveEnvironmentPath(() => listener());
}
