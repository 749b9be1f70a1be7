// One output channel for everything the extension and the server report.
import type * as vscode from "vscode";

let channel: vscode.LogOutputChannel | undefined;

export function registerLogger(output: vscode.LogOutputChannel): void {
  channel = output;
}

export function traceInfo(...parts: unknown[]): void {
  channel?.info(parts.map(String).join(" "));
}

export function traceWarn(...parts: unknown[]): void {
  channel?.warn(parts.map(String).join(" "));
}

export function traceError(...parts: unknown[]): void {
  channel?.error(parts.map(String).join(" "));
}
