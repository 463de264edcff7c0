// How the panel reaches its host: VS Code's postMessage inside a webview, the HTTP API of `workspace-rag serve`
// in a browser. The panel itself (panel.ts) sees only the typed messages of src/protocol/webview.ts either way.
import type { UserAction } from '../src/protocol/errorCodes';
import type { HostMessage, WebviewMessage } from '../src/protocol/webview';
import { HttpHost } from './httpHost';

export interface HostConnection {
  post(message: WebviewMessage): void;
  /** Whether the host can carry out an error's action; the panel offers only those (all, when absent). */
  handles?(action: UserAction): boolean;
}

interface VsCodeApi { postMessage(message: WebviewMessage): void }
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

/** Connects to whichever host runs the page; `receive` gets every message the host sends. */
export function connectHost(receive: (message: HostMessage) => void): HostConnection {
  if (typeof acquireVsCodeApi === 'function') {
    const vscode = acquireVsCodeApi();
    window.addEventListener('message', (event: MessageEvent<HostMessage>) => receive(event.data));
    return { post: (message) => vscode.postMessage(message) };
  }
  return new HttpHost(receive);
}
