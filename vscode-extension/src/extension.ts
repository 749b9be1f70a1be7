// Wiring only: settings, the server and the commands live in ./common.
import * as vscode from "vscode";
import { LanguageClient } from "vscode-languageclient/node";
import { DISPLAY_NAME, FIX_ALL_KIND, RESTART_DEBOUNCE_MS } from "./common/constants";
import { registerLogger, traceError, traceInfo } from "./common/log/logging";
import { onDidChangeInterpreter } from "./common/python";
import { createServer } from "./common/server";
import { needsRestart, ParlintSettings, readSettings, shouldNotify } from "./common/settings";
import {
  createOutputChannel,
  executeCommand,
  getConfiguration,
  getWorkspaceFolders,
  onDidChangeConfiguration,
  registerCommand,
  showErrorMessage,
} from "./common/vscodeapi";

let client: LanguageClient | undefined;
let restartTimer: NodeJS.Timeout | undefined;

function settingsFor(folder?: vscode.WorkspaceFolder): ParlintSettings {
  const vars = {
    workspaceFolder: folder?.uri.fsPath ?? "",
    userHome: process.env.HOME ?? process.env.USERPROFILE ?? "",
    env: process.env,
  };
  return readSettings(getConfiguration("parlint", folder?.uri), folder?.uri.toString() ?? "", vars);
}

async function restart(output: vscode.LogOutputChannel): Promise<void> {
  if (client) {
    await client.stop().catch((error) => traceError(`Stopping the server: ${error}`));
    client = undefined;
  }
  const global = settingsFor(getWorkspaceFolders()[0]);
  if (!global.enable) {
    traceInfo("parlint.enable is off: the server is not started.");
    return;
  }
  const folders = getWorkspaceFolders().map((folder) => settingsFor(folder));
  client = await createServer(global, folders, output, (reason) => {
    if (shouldNotify(global.showNotifications, "error")) {
      void showErrorMessage(reason, "Show Output");
    }
  });
  if (client) {
    await client.start().catch((error) => traceError(`Starting the server: ${error}`));
  }
}

function scheduleRestart(output: vscode.LogOutputChannel): void {
  if (restartTimer) {
    clearTimeout(restartTimer);
  }
  restartTimer = setTimeout(() => void restart(output), RESTART_DEBOUNCE_MS);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = createOutputChannel(DISPLAY_NAME);
  registerLogger(output);
  context.subscriptions.push(
    output,
    registerCommand("parlint.restart", () => restart(output)),
    registerCommand("parlint.showOutput", () => output.show()),
    registerCommand("parlint.fixAll", () =>
      executeCommand("editor.action.codeAction", { kind: FIX_ALL_KIND, apply: "first" }),
    ),
    onDidChangeConfiguration((event) => {
      if (needsRestart((key) => event.affectsConfiguration(key)) || event.affectsConfiguration("parlint.enable")) {
        scheduleRestart(output);
      }
      // Other parlint.* settings reach the running server through workspace/configuration.
    }),
  );
  const interpreterWatch = await onDidChangeInterpreter(() => scheduleRestart(output));
  if (interpreterWatch) {
    context.subscriptions.push(interpreterWatch);
  }
  await restart(output);
}

export async function deactivate(): Promise<void> {
  if (restartTimer) {
    clearTimeout(restartTimer);
  }
  await client?.stop();
}
