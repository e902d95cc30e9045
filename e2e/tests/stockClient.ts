import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { SCHEMA_VERSION, SCHEMA_VERSION_PARAM } from "@confer/shared";
import type { BrowserContext } from "@playwright/test";

/** A stock y-websocket client (Node side of a test) on a document, signed in with a browser context's cookies. */
export async function stockClient(ctx: BrowserContext, baseURL: string, docId: string) {
  const cookie = (await ctx.cookies(baseURL)).map((c) => `${c.name}=${c.value}`).join("; ");
  const headers = { cookie, origin: baseURL };
  const Socket = class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(baseURL.replace(/^http/, "ws") + "/collab", docId, doc, {
    WebSocketPolyfill: Socket as never,
    disableBc: true,
    // Announces this version's schema, as the editor does (the server keeps older clients read-only).
    params: { [SCHEMA_VERSION_PARAM]: String(SCHEMA_VERSION) },
  });
  await until(() => provider.synced, "the stock client's first sync");
  return {
    doc,
    provider,
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Polls `check` until it holds (for Node-side state; page state uses Playwright's expect). */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
