import net from "node:net";
import crypto from "node:crypto";
import * as encoding from "lib0/encoding";
import { SCHEMA_VERSION, SCHEMA_VERSION_PARAM } from "@confer/shared";

/** A sync path announcing the current schema version (as the editor does), unless it names one itself. */
function withSchema(path: string): string {
  if (!path.startsWith("/collab/") || new RegExp(`[?&]${SCHEMA_VERSION_PARAM}=`).test(path)) return path;
  return `${path}${path.includes("?") ? "&" : "?"}${SCHEMA_VERSION_PARAM}=${SCHEMA_VERSION}`;
}

/** One frame received by a raw client. */
export interface RawFrame {
  opcode: number;
  payload: Buffer;
}

/**
 * A WebSocket client written on a bare TCP socket, for what a well-behaved client library will not do:
 * keep writing after the server's close frame, stop reading, or write before the upgrade answer.
 */
export class RawClient {
  /** The HTTP status line's code (101 when upgraded). */
  status = 0;
  readonly frames: RawFrame[] = [];
  /** The code of the close frame the server sent, if any. */
  closeCode: number | undefined;
  /** Whether the server closed the TCP connection. */
  ended = false;
  /** Frames written (successfully handed to the socket). */
  written = 0;
  private buffer = Buffer.alloc(0);
  private upgraded = false;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("close", () => (this.ended = true));
    socket.on("error", () => (this.ended = true));
  }

  /** Connects and sends the upgrade request; resolves once the HTTP answer's head has arrived. */
  static async open(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<RawClient> {
    const url = new URL(baseUrl);
    const socket = net.connect(Number(url.port), url.hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new RawClient(socket);
    const lines = [
      `GET ${withSchema(path)} HTTP/1.1`,
      `Host: ${url.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}`,
      "Sec-WebSocket-Version: 13",
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(lines.join("\r\n") + "\r\n\r\n");
    const deadline = Date.now() + 10_000;
    while (!client.status && !client.ended) {
      if (Date.now() > deadline) throw new Error("no answer to the upgrade");
      await new Promise((r) => setTimeout(r, 5));
    }
    return client;
  }

  /** Writes one masked binary frame, whatever state the connection is in. */
  send(payload: Uint8Array): boolean {
    if (this.socket.destroyed) return false;
    const len = payload.length;
    const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
    const frame = Buffer.alloc(head + 4 + len);
    frame[0] = 0x82;
    if (len < 126) frame[1] = 0x80 | len;
    else if (len < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(len, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(len), 2);
    }
    const mask = crypto.randomBytes(4);
    mask.copy(frame, head);
    for (let i = 0; i < len; i++) frame[head + 4 + i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(frame);
    this.written++;
    return true;
  }

  /** Writes raw bytes (e.g. before the upgrade answer). */
  sendRaw(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Binary messages received so far. */
  get messages(): Buffer[] {
    return this.frames.filter((f) => f.opcode === 2).map((f) => f.payload);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (!this.upgraded) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString("latin1");
      this.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      this.buffer = this.buffer.subarray(end + 4);
      this.upgraded = true;
    }
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      let len = this.buffer[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        at = 10;
      }
      if (this.buffer.length < at + len) return;
      const payload = Buffer.from(this.buffer.subarray(at, at + len));
      this.buffer = this.buffer.subarray(at + len);
      this.frames.push({ opcode, payload });
      if (opcode === 8 && payload.length >= 2) this.closeCode = payload.readUInt16BE(0);
    }
  }
}

/** `[Sync, kind, payload]`: kind 0 step1 (a state vector), 1 step2, 2 update. */
export function syncFrame(payload: Uint8Array, kind = 2): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, kind);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/** `[Awareness, update]` with the given entries (states as JSON strings, or objects). */
export function awarenessFrame(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  const u = encoding.createEncoder();
  encoding.writeVarUint(u, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(u, e.clientId);
    encoding.writeVarUint(u, e.clock);
    encoding.writeVarString(u, typeof e.state === "string" ? e.state : JSON.stringify(e.state));
  }
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, encoding.toUint8Array(u));
  return encoding.toUint8Array(e);
}
