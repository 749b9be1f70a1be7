// Creating, starting and restarting the language client for `parlint server`.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
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
import { bundledPythonPath, installCommand, LaunchCommand, resolveLaunch, RestartPolicy } from "./launch";
import { traceError, traceInfo, traceWarn } from "./log/logging";
import { activeInterpreter } from "./python";
import { ParlintSettings, serverSettings, shouldNotify } from "./settings";
import { showErrorMessage } from "./vscodeapi";

const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "python" },
  { scheme: "untitled", language: "python" },
  { scheme: "vscode-notebook-cell", language: "python" },
];

/** The interpreter's `major.minor`, or undefined when it does not run. */
function pythonVersion(python: string[]): Promise<string | undefined> {
  const [command, ...args] = python;
  return new Promise((resolve) => {
    const code = "import sys; print('%d.%d' % sys.version_info[:2])";
    execFile(command, [...args, "-c", code], { timeout: 30000 }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim()),
    );
  });
}

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
  // Said on every start (a restart must not look like it worked), shown once.
  traceError(
    `parlint is not installed for ${key} (parlint.importStrategy is fromEnvironment). ` +
      `Set parlint.importStrategy to useBundled, or install parlint there: ${installCommand(python)}`,
  );
  if (reported.has(key) || !notify) {
    return;
  }
  reported.add(key);
  const choice = await showErrorMessage(
    `parlint is not installed for the interpreter ${key}. Use the parlint bundled with this extension, or install parlint into that environment.`,
    USE_BUNDLED,
  );
  if (choice === USE_BUNDLED) {
    await vscode.workspace
      .getConfiguration("parlint")
      .update("importStrategy", "useBundled", vscode.ConfigurationTarget.Global);
  }
}

const USE_BUNDLED = "Use the bundled parlint";

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
  extensionPath: string,
  global: ParlintSettings,
  folders: ParlintSettings[],
  output: vscode.LogOutputChannel,
  onGiveUp: (reason: string) => void,
): Promise<LanguageClient | undefined> {
  const launch = await launchCommand(global);
  let env: NodeJS.ProcessEnv | undefined;
  let which = "";
  if (launch.python && global.importStrategy === "useBundled") {
    const version = await pythonVersion(launch.python);
    const pythonPath = bundledPythonPath(
      path.join(extensionPath, "bundled"),
      version,
      existsSync,
      path.delimiter,
      process.env.PYTHONPATH,
    );
    if (pythonPath !== undefined) {
      env = { ...process.env, PYTHONPATH: pythonPath };
      which = `the bundled parlint, CPython ${version}`;
    } else {
      traceWarn(
        `The bundled parlint runs on CPython 3.10 to 3.13; ${launch.python.join(" ")} is ` +
          `${version ?? "not runnable"}: using the parlint installed in its environment.`,
      );
    }
  }
  if (env === undefined && launch.python && !(await importsParlint(launch.python))) {
    await offerInstall(launch.python, shouldNotify(global.showNotifications, "error"));
    return undefined;
  }
  which = which || (launch.python ? "parlint from the interpreter's environment" : "parlint.path");
  traceInfo(`Starting the server (${launch.source}, ${which}): ${launch.command} ${launch.args.join(" ")}`);
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    options: { cwd: folders[0] ? vscode.Uri.parse(folders[0].workspace).fsPath : process.cwd(), env },
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
