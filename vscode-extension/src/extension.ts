// Wiring only: settings, the server and the commands live in ./common.
import * as vscode from "vscode";
import { LanguageClient } from "vscode-languageclient/node";
import { DISPLAY_NAME, FIX_ALL_KIND, RESTART_DEBOUNCE_MS } from "./common/constants";
import { registerLogger, traceError, traceInfo } from "./common/log/logging";
import { onDidChangeInterpreter } from "./common/python";
import { RestartQueue } from "./common/restart";
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
// Restarts run one at a time, debounced: two overlapping ones (a settings change and the
// Restart command) would each start a server and leave the first one running.
let restarts: RestartQueue | undefined;
let extensionPath = "";

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
    // vscode-languageclient then logs that the old process "exited successfully".
    traceInfo("Restarting: stopping the running server first.");
    await client.stop().catch((error) => traceError(`Stopping the server: ${error}`));
    client = undefined;
  }
  const global = settingsFor(getWorkspaceFolders()[0]);
  if (!global.enable) {
    traceInfo("parlint.enable is off: the server is not started.");
    return;
  }
  const folders = getWorkspaceFolders().map((folder) => settingsFor(folder));
  client = await createServer(extensionPath, global, folders, output, (reason) => {
    if (shouldNotify(global.showNotifications, "error")) {
      void showErrorMessage(reason, "Show Output");
    }
  });
  if (client) {
    const started = client;
    await started
      .start()
      .then(() => traceInfo("The server is running."))
      .catch((error) => traceError(`Starting the server: ${error}`));
  }
}

/** The one way to restart (see RestartQueue); `delay` 0 for the Restart command. */
function scheduleRestart(output: vscode.LogOutputChannel, delay = RESTART_DEBOUNCE_MS): Promise<void> {
  restarts ??= new RestartQueue(
    () => restart(output),
    (error) => traceError(`Restarting: ${error}`),
  );
  return restarts.request(delay);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  const output = createOutputChannel(DISPLAY_NAME);
  registerLogger(output);
  context.subscriptions.push(
    output,
    registerCommand("parlint.restart", () => scheduleRestart(output, 0)),
    registerCommand("parlint.showOutput", () => output.show()),
    registerCommand("parlint.fixAll", () =>
      executeCommand("editor.action.codeAction", { kind: FIX_ALL_KIND, apply: "first" }),
    ),
    onDidChangeConfiguration((event) => {
      if (needsRestart((key) => event.affectsConfiguration(key)) || event.affectsConfiguration("parlint.enable")) {
        void scheduleRestart(output);
      }
      // Other parlint.* settings reach the running server through workspace/configuration.
    }),
  );
  const interpreterWatch = await onDidChangeInterpreter(() => void scheduleRestart(output));
  if (interpreterWatch) {
    context.subscriptions.push(interpreterWatch);
  }
  await scheduleRestart(output, 0);
}

export async function deactivate(): Promise<void> {
  await restarts?.dispose();
  await client?.stop();
}
