// Creating, starting and restarting the language client for `parlint server`.
import { execFile } from "node:child_process";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from "vscode-languageclient/node";
import { CRASH_WINDOW_MS, DISPLAY_NAME, EXTENSION_ID, MAX_RESTARTS } from "./constants";
import { installCommand, LaunchCommand, resolveLaunch, RestartPolicy } from "./launch";
import { traceError, traceInfo, traceWarn } from "./log/logging";
import { activeInterpreter } from "./python";
import { ParlintSettings, serverSettings, shouldNotify } from "./settings";
import { createTerminal, showErrorMessage } from "./vscodeapi";

const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "python" },
  { scheme: "untitled", language: "python" },
  { scheme: "vscode-notebook-cell", language: "python" },
];

function importsParlint(python: string[]): Promise<boolean> {
  const [command, ...args] = python;
  return new Promise((resolve) => {
    execFile(command, [...args, "-c", "import parlint.server"], { timeout: 30000 }, (error) => resolve(!error));
  });
}

/** Interpreters we already told the user about: one notification each, no loop. */
const reported = new Set<string>();

async function offerInstall(python: string[], notify: boolean): Promise<void> {
  const key = python.join(" ");
  if (reported.has(key)) {
    return;
  }
  reported.add(key);
  const command = installCommand(python);
  traceError(`parlint is not installed for ${key}. Install it with: ${command}`);
  if (!notify) {
    return;
  }
  const choice = await showErrorMessage(
    `parlint is not installed for the interpreter ${key}. Install it with: ${command}`,
    "Install",
  );
  if (choice === "Install") {
    const terminal = createTerminal("parlint install");
    terminal.show();
    terminal.sendText(command);
  }
}

export async function launchCommand(settings: ParlintSettings, resource?: vscode.Uri): Promise<LaunchCommand> {
  const fromExtension =
    settings.path === "" && settings.interpreter.length === 0 ? await activeInterpreter(resource) : undefined;
  return resolveLaunch({
    path: settings.path,
    interpreter: settings.interpreter,
    pythonExtension: fromExtension,
    args: settings.args,
  });
}

export async function createServer(
  global: ParlintSettings,
  folders: ParlintSettings[],
  output: vscode.LogOutputChannel,
  onGiveUp: (reason: string) => void,
): Promise<LanguageClient | undefined> {
  const launch = await launchCommand(global);
  traceInfo(`Starting the server (${launch.source}): ${launch.command} ${launch.args.join(" ")}`);
  if (launch.python && !(await importsParlint(launch.python))) {
    await offerInstall(launch.python, shouldNotify(global.showNotifications, "error"));
    return undefined;
  }
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    options: { cwd: folders[0] ? vscode.Uri.parse(folders[0].workspace).fsPath : process.cwd() },
  };
  const policy = new RestartPolicy(MAX_RESTARTS, CRASH_WINDOW_MS);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // Tells the server to read `parlint.*` again (workspace/configuration) when it changes.
    synchronize: { configurationSection: "parlint" },
    initializationOptions: {
      globalSettings: serverSettings(global),
      settings: folders.map(serverSettings),
    },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        if (policy.shouldRestart(Date.now())) {
          traceWarn(`The parlint server stopped unexpectedly; restarting (${policy.recentCrashes}/${MAX_RESTARTS}).`);
          return { action: CloseAction.Restart };
        }
        const reason = `The parlint server crashed ${policy.recentCrashes} times in a few minutes; it stays stopped. Run "parlint: Restart Server" after fixing the cause (see the output above).`;
        traceError(reason);
        onGiveUp(reason);
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
  };
  return new LanguageClient(EXTENSION_ID, DISPLAY_NAME, serverOptions, clientOptions);
}
