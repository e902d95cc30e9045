import { WebSocket, type RawData } from "ws";
import { SCHEMA_VERSION, SCHEMA_VERSION_PARAM } from "@confer/shared";
import { isConfer, type ServerKind } from "./serverKinds.ts";

/** Where and how clients reach one running server. */
export interface Target {
  kind: ServerKind;
  port: number;
  /** Headers every WebSocket upgrade sends (Confer: the session cookie). */
  headers: Record<string, string>;
}

/** The wire format a server speaks: plain y-websocket, or Hocuspocus's (document name before every message). */
export type WireProtocol = "y-websocket" | "hocuspocus";

/** The wire format of `kind`. */
export const wireProtocol = (kind: ServerKind): WireProtocol => (kind === "hocuspocus" ? "hocuspocus" : "y-websocket");

/** Base URL a y-websocket provider appends `/<docName>` to. */
export function providerBaseUrl(t: Target): string {
  return isConfer(t.kind) ? `ws://127.0.0.1:${t.port}/collab` : `ws://127.0.0.1:${t.port}`;
}

/**
 * Query parameters a client of `t` sends on the socket URL: Confer's clients announce the schema
 * version they write, as the editor does (without it Confer keeps them read-only).
 */
export function socketParams(t: Target): Record<string, string> {
  return isConfer(t.kind) ? { [SCHEMA_VERSION_PARAM]: String(SCHEMA_VERSION) } : {};
}

/** The WebSocket URL for one document (Hocuspocus multiplexes documents on one URL). */
export function socketUrl(t: Target, docName: string): string {
  if (t.kind === "hocuspocus") return `ws://127.0.0.1:${t.port}`;
  const query = new URLSearchParams(socketParams(t)).toString();
  return `${providerBaseUrl(t)}/${encodeURIComponent(docName)}${query ? `?${query}` : ""}`;
}

/** Frames and bytes one client sent and received (WebSocket payloads, without frame headers). */
export interface WireCounter {
  framesOut: number;
  bytesOut: number;
  framesIn: number;
  bytesIn: number;
}

/** A zeroed counter. */
export const newWireCounter = (): WireCounter => ({ framesOut: 0, bytesOut: 0, framesIn: 0, bytesIn: 0 });

/** Payload size of a received ws message. */
export function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.byteLength, 0);
  return data.byteLength;
}

type SendData = Parameters<WebSocket["send"]>[0];
type SendOptions = { mask?: boolean; binary?: boolean; compress?: boolean; fin?: boolean };
type SendCallback = (err?: Error) => void;

/** A WebSocket constructor as the stock providers call it. */
export type WebSocketClass = new (url: string | URL, protocols?: string | string[]) => WebSocket;

/**
 * A `ws` WebSocket class for the stock providers' `WebSocketPolyfill` option that sends `headers`
 * on the upgrade and counts every frame into `counter`.
 */
export function countingWebSocket(counter: WireCounter, headers: Record<string, string>): WebSocketClass {
  return class CountingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers, perMessageDeflate: false });
      this.on("message", (data: RawData) => {
        counter.framesIn++;
        counter.bytesIn += rawSize(data);
      });
    }

    override send(data: SendData, cb?: SendCallback): void;
    override send(data: SendData, options: SendOptions, cb?: SendCallback): void;
    override send(data: SendData, optionsOrCb?: SendOptions | SendCallback, cb?: SendCallback): void {
      const sized = data as { byteLength?: number; length?: number };
      counter.framesOut++;
      counter.bytesOut += sized.byteLength ?? sized.length ?? 0;
      if (typeof optionsOrCb === "function" || optionsOrCb === undefined) super.send(data, optionsOrCb);
      else super.send(data, optionsOrCb, cb);
    }
  };
}
