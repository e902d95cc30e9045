import { WebSocket, type RawData } from "ws";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";
import type { LatencyBook } from "./LatencyBook.ts";
import { socketUrl, wireProtocol, type Target, type WireProtocol } from "./wire.ts";
import { TEXT_NAME } from "./stockClient.ts";

const MSG_SYNC = 0;
const MSG_AWARENESS = 1;
const MSG_AUTH = 2;
const MSG_SYNC_REPLY = 4; // Hocuspocus: a sync message that asks for no SyncStep1 back
const MSG_CLOSE = 7; // Hocuspocus
const MSG_SYNC_STATUS = 8; // Hocuspocus: ack of an applied update
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;
const AUTH_TOKEN = 0;
const AUTH_PERMISSION_DENIED = 1;

/**
 * A protocol-level load client: speaks the y-websocket (or Hocuspocus) sync protocol directly and,
 * unlike a real editor, never applies what it receives — it only timestamps arrivals. It types
 * into a private Y.Doc holding only its own characters, so each edit is a valid, tiny update
 * (a run of its own characters in the shared text).
 */
export class LightClient {
  private readonly doc = new Y.Doc();
  private readonly text = this.doc.getText(TEXT_NAME);
  private readonly ws: WebSocket;
  private readonly protocol: WireProtocol;
  /** Resolves when the server's SyncStep2 arrived. */
  readonly synced: Promise<void>;
  /** Set when the server refused or closed the connection unexpectedly. */
  failure: string | undefined;
  private closing = false;
  private awarenessClock = 0;

  constructor(
    target: Target,
    private readonly docName: string,
    private readonly book: LatencyBook,
    /** Send presence on connect, as providers do (renew it with `sendAwareness`). */
    private readonly presence = false,
  ) {
    this.protocol = wireProtocol(target.kind);
    this.ws = new WebSocket(socketUrl(target, docName), { headers: target.headers, perMessageDeflate: false });
    this.ws.binaryType = "nodebuffer";
    let resolveSynced!: () => void;
    let rejectSynced!: (e: Error) => void;
    this.synced = new Promise((resolve, reject) => {
      resolveSynced = resolve;
      rejectSynced = reject;
    });
    this.synced.catch(() => undefined);
    const fail = (reason: string) => {
      if (this.closing) return;
      this.failure ??= reason;
      rejectSynced(new Error(reason));
    };

    this.ws.on("open", () => {
      if (this.protocol === "hocuspocus") {
        this.send((e) => {
          encoding.writeVarUint(e, MSG_AUTH);
          encoding.writeVarUint(e, AUTH_TOKEN);
          encoding.writeVarString(e, "");
        });
      }
      this.sendSync(SYNC_STEP1, Y.encodeStateVector(this.doc));
      if (this.presence) this.sendAwareness();
    });
    this.ws.on("message", (data: RawData) => {
      try {
        this.receive(data as Buffer, resolveSynced);
      } catch (err) {
        fail(`bad message: ${(err as Error).message}`);
      }
    });
    this.ws.on("error", (err) => fail(err.message));
    this.ws.on("close", (code, reason) => fail(`closed ${code} ${reason.toString()}`));
    this.doc.on("update", (update: Uint8Array) => {
      this.book.recordSend(update);
      this.sendSync(SYNC_UPDATE, update);
    });
  }

  /** This client's Yjs client id. */
  get clientId(): number {
    return this.doc.clientID;
  }

  /** Appends one character (one update) to this client's run. */
  type(ch: string): void {
    this.text.insert(this.text.length, ch);
  }

  /**
   * Sends this client's presence (an awareness update with a new clock), as a y-protocols
   * Awareness does on a change and renews every 15 s.
   */
  sendAwareness(): void {
    const state = JSON.stringify({ user: { name: `Load client ${this.doc.clientID % 10_000}`, color: "#30bced" }, cursor: null });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, this.doc.clientID);
    encoding.writeVarUint(e, ++this.awarenessClock);
    encoding.writeVarString(e, state);
    const update = encoding.toUint8Array(e);
    this.send((m) => {
      encoding.writeVarUint(m, MSG_AWARENESS);
      encoding.writeVarUint8Array(m, update);
    });
  }

  /** Bytes queued in the socket but not yet sent. */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  close(): void {
    this.closing = true;
    this.ws.terminate();
    this.doc.destroy();
  }

  private send(write: (e: encoding.Encoder) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const e = encoding.createEncoder();
    if (this.protocol === "hocuspocus") encoding.writeVarString(e, this.docName);
    write(e);
    this.ws.send(encoding.toUint8Array(e));
  }

  private sendSync(sub: number, payload: Uint8Array, type = MSG_SYNC): void {
    this.send((e) => {
      encoding.writeVarUint(e, type);
      encoding.writeVarUint(e, sub);
      encoding.writeVarUint8Array(e, payload);
    });
  }

  private receive(data: Uint8Array, onSynced: () => void): void {
    const now = performance.now();
    const d = decoding.createDecoder(data);
    if (this.protocol === "hocuspocus") decoding.readVarString(d);
    const type = decoding.readVarUint(d);
    switch (type) {
      case MSG_SYNC:
      case MSG_SYNC_REPLY: {
        const sub = decoding.readVarUint(d);
        const payload = decoding.readVarUint8Array(d);
        if (sub === SYNC_UPDATE) this.book.recordArrival(payload, this.doc.clientID, now);
        else if (sub === SYNC_STEP2) onSynced();
        else if (sub === SYNC_STEP1) {
          const reply = this.protocol === "hocuspocus" ? MSG_SYNC_REPLY : MSG_SYNC;
          this.sendSync(SYNC_STEP2, Y.encodeStateAsUpdate(this.doc, payload), reply);
        }
        return;
      }
      case MSG_AUTH:
        if (this.protocol === "hocuspocus" && decoding.readVarUint(d) === AUTH_PERMISSION_DENIED) throw new Error("permission denied");
        return;
      case MSG_CLOSE:
        throw new Error("server closed the document");
      case MSG_AWARENESS:
      case MSG_SYNC_STATUS:
      default:
        return;
    }
  }
}
