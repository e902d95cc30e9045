import WebSocket from "ws";
import { AccessToken, type VideoGrant } from "livekit-server-sdk";
import { SignalRequest, SignalResponse } from "@livekit/protocol";
import type { LiveKitDouble } from "../src/index.ts";

/** A participant token as a product server would mint it (devkey/secret unless told). */
export async function joinToken(
  double: LiveKitDouble,
  identity: string,
  room: string,
  extra: { grant?: VideoGrant; name?: string; attributes?: Record<string, string>; secret?: string } = {},
): Promise<string> {
  const at = new AccessToken(double.apiKey, extra.secret ?? double.apiSecret, { identity, name: extra.name ?? identity, attributes: extra.attributes, ttl: 600 });
  at.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true, ...extra.grant });
  return at.toJwt();
}

/** A signal-only client: the /rtc WebSocket, its decoded messages, and what the upgrade answered. */
export interface SignalClient {
  ws: WebSocket;
  messages: SignalResponse["message"][];
  /** Resolves with the first message of `kind`. */
  next<K extends NonNullable<SignalResponse["message"]["case"]>>(kind: K): Promise<Extract<SignalResponse["message"], { case: K }>["value"]>;
  send(message: SignalRequest["message"]): void;
  closed: Promise<number>;
}

/** Opens `/rtc` with a token; rejects with the HTTP status when the upgrade is refused. */
export function signalConnect(double: LiveKitDouble, token: string, query = ""): Promise<SignalClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${double.url}/rtc?access_token=${encodeURIComponent(token)}${query}`);
    const messages: SignalResponse["message"][] = [];
    const waiters: Array<() => void> = [];
    ws.on("message", (data: Buffer) => {
      messages.push(SignalResponse.fromBinary(new Uint8Array(data)).message);
      for (const w of waiters.splice(0)) w();
    });
    ws.on("unexpected-response", (_req, res) => reject(Object.assign(new Error(`refused: ${res.statusCode}`), { status: res.statusCode })));
    ws.on("error", reject);
    const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
    ws.on("open", () =>
      resolve({
        ws,
        messages,
        closed,
        send: (message) => ws.send(new SignalRequest({ message }).toBinary()),
        next: (kind) =>
          new Promise((res2, rej2) => {
            const timer = setTimeout(() => rej2(new Error(`no ${kind} message`)), 5000);
            const check = () => {
              const m = messages.find((x) => x.case === kind);
              if (m) {
                clearTimeout(timer);
                res2(m.value as never);
              } else waiters.push(check);
            };
            check();
          }),
      }),
    );
  });
}

/** Polls until `check` is truthy (fails after 5 s). */
export async function until<T>(check: () => T, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
