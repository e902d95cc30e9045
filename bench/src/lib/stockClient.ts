import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import { countingWebSocket, newWireCounter, providerBaseUrl, socketParams, socketUrl, type Target, type WireCounter } from "./wire.ts";

/** Name of the Y.Text every benchmark edits. */
export const TEXT_NAME = "bench";

/** A full client as an application would run it: the server's own provider over a Y.Doc. */
export interface StockClient {
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly wire: WireCounter;
  /** Whether a transaction origin means "received from the server". */
  isRemote(origin: unknown): boolean;
  /** Resolves once the first sync with the server completed. */
  whenSynced(timeoutMs: number): Promise<void>;
  destroy(): void;
}

/**
 * Connects a stock provider: `y-websocket`'s `WebsocketProvider` for Confer and @y/websocket-server
 * (BroadcastChannel off, so clients in one process only meet through the server), or
 * `@hocuspocus/provider` for Hocuspocus.
 */
export function connectStock(target: Target, docName: string): StockClient {
  const doc = new Y.Doc();
  const wire = newWireCounter();
  const Polyfill = countingWebSocket(wire, target.headers);
  let isSynced: () => boolean;
  let onSynced: (cb: () => void) => void;
  let destroy: () => void;
  let remote: unknown;
  if (target.kind === "hocuspocus") {
    const socket = new HocuspocusProviderWebsocket({ url: socketUrl(target, docName), WebSocketPolyfill: Polyfill });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: docName, document: doc });
    provider.attach();
    remote = provider;
    isSynced = () => provider.isSynced;
    onSynced = (cb) => provider.on("synced", cb);
    destroy = () => {
      provider.destroy();
      socket.destroy();
    };
  } else {
    const provider = new WebsocketProvider(providerBaseUrl(target), docName, doc, {
      // The provider's type names the DOM WebSocket; `ws` implements the part it uses.
      WebSocketPolyfill: Polyfill as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      params: socketParams(target),
    });
    remote = provider;
    isSynced = () => provider.synced;
    onSynced = (cb) => provider.on("sync", (s: boolean) => s && cb());
    destroy = () => provider.destroy();
  }
  return {
    doc,
    text: doc.getText(TEXT_NAME),
    wire,
    isRemote: (origin) => origin === remote,
    whenSynced: (timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (isSynced()) return resolve();
        const timer = setTimeout(() => reject(new Error(`${target.kind}: stock client not synced within ${timeoutMs} ms`)), timeoutMs);
        onSynced(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
    destroy,
  };
}
