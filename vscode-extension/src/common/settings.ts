// Reading and resolving parlint's settings per workspace folder (pure, unit-tested).

export interface ParlintSettings {
  /** The folder these settings belong to (a URI), or "" for the global settings. */
  workspace: string;
  enable: boolean;
  importStrategy: "useBundled" | "fromEnvironment";
  path: string;
  interpreter: string[];
  args: string[];
  lintOn: "type" | "save";
  select: string[];
  extendSelect: string[];
  ignore: string[];
  unsafeFixes: boolean;
  configurationPreference: string;
  debounce: number;
  severity: Record<string, string>;
  showNotifications: Notifications;
}

export type Notifications = "off" | "onError" | "onWarning" | "always";
const NOTIFICATIONS: Notifications[] = ["off", "onError", "onWarning", "always"];

/** Whether a message of `level` is shown as a notification under `setting`. */
export function shouldNotify(setting: Notifications, level: "error" | "warning" | "info"): boolean {
  const needed: Record<typeof level, number> = { error: 1, warning: 2, info: 3 };
  return NOTIFICATIONS.indexOf(setting) >= needed[level];
}

/** The subset of `WorkspaceConfiguration` this module needs, so tests can fake it. */
export interface ConfigReader {
  get<T>(key: string): T | undefined;
}

export interface FolderVariables {
  workspaceFolder: string;
  userHome: string;
  env: Record<string, string | undefined>;
}

/** `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`. */
export function resolveVariables(value: string, vars: FolderVariables): string {
  let result = value.replace(/\$\{workspaceFolder\}/g, vars.workspaceFolder);
  result = result.replace(/\$\{userHome\}/g, vars.userHome);
  result = result.replace(/\$\{env:([^}]+)\}/g, (_match, name: string) => vars.env[name] ?? "");
  if (result === "~" || result.startsWith("~/")) {
    result = vars.userHome + result.slice(1);
  }
  return result;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

export function readSettings(config: ConfigReader, workspace: string, vars: FolderVariables): ParlintSettings {
  const lintOn = config.get<string>("lintOn");
  return {
    workspace,
    enable: config.get<boolean>("enable") ?? true,
    importStrategy: config.get<string>("importStrategy") === "fromEnvironment" ? "fromEnvironment" : "useBundled",
    path: resolveVariables(config.get<string>("path") ?? "", vars),
    interpreter: stringList(config.get("interpreter")).map((part) => resolveVariables(part, vars)),
    args: stringList(config.get("args")),
    lintOn: lintOn === "save" ? "save" : "type",
    select: stringList(config.get("select")),
    extendSelect: stringList(config.get("extendSelect")),
    ignore: stringList(config.get("ignore")),
    unsafeFixes: config.get<boolean>("unsafeFixes") ?? false,
    configurationPreference: config.get<string>("configurationPreference") ?? "editorFirst",
    debounce: config.get<number>("debounce") ?? 100,
    severity: plainObject(config.get("severity")),
    showNotifications: NOTIFICATIONS.find((n) => n === config.get<string>("showNotifications")) ?? "onWarning",
  };
}

function plainObject(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {};
  }
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** What the server receives for a folder: the keys it reads (`select` empty = no override). */
export function serverSettings(settings: ParlintSettings): Record<string, unknown> {
  return {
    workspace: settings.workspace,
    enable: settings.enable,
    lintOn: settings.lintOn,
    select: settings.select.length > 0 ? settings.select : null,
    extendSelect: settings.extendSelect,
    ignore: settings.ignore,
    unsafeFixes: settings.unsafeFixes,
    configurationPreference: settings.configurationPreference,
    debounce: settings.debounce,
    severity: settings.severity,
    showNotifications: settings.showNotifications,
  };
}

/** Settings only the extension reads (how to start the server, and VS Code's own tracing). */
export const CLIENT_ONLY_KEYS = ["importStrategy", "path", "interpreter", "args", "trace.server"];

/** Settings whose change needs a new server process (the others are sent to the running one). */
export const RESTART_KEYS = ["parlint.importStrategy", "parlint.path", "parlint.interpreter", "parlint.args"];

export function needsRestart(affects: (key: string) => boolean): boolean {
  return RESTART_KEYS.some((key) => affects(key));
}
