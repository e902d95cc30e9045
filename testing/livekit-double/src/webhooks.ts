import { createHash, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { WebhookEvent, type EgressInfo, type ParticipantInfo, type Room, type TrackInfo } from "@livekit/protocol";

/** LiveKit's webhook content type: a custom one, so the signature is checked before parsing. */
export const WEBHOOK_CONTENT_TYPE = "application/webhook+json";

/** How to sign a webhook; the defaults are LiveKit's (valid for 5 minutes from now). */
export interface SignOptions {
  apiKey: string;
  apiSecret: string;
  validForSeconds?: number;
  /** Signing time in ms (default: now); an old one makes a stale signature. */
  at?: number;
}

/**
 * The `Authorization` header LiveKit sends with a webhook body: a raw (no "Bearer") HS256 JWT from
 * the API key, with the base64 SHA-256 of the exact body bytes in its `sha256` claim
 * (livekit/protocol `webhook/url_notifier.go`).
 */
export async function signWebhook(body: string, opts: SignOptions): Promise<string> {
  const sha256 = createHash("sha256").update(body).digest("base64");
  const at = Math.floor((opts.at ?? Date.now()) / 1000);
  return new SignJWT({ sha256 })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(opts.apiKey)
    .setIssuedAt(at)
    .setNotBefore(at)
    .setExpirationTime(at + (opts.validForSeconds ?? 300))
    .sign(new TextEncoder().encode(opts.apiSecret));
}

/** A webhook event as the double makes it: LiveKit's event names, a unique id and a creation time. */
export function webhookEvent(event: string, parts: { room?: Room; participant?: ParticipantInfo; track?: TrackInfo; egressInfo?: EgressInfo }): WebhookEvent {
  return new WebhookEvent({
    event,
    id: `EV_${randomUUID()}`,
    createdAt: BigInt(Math.floor(Date.now() / 1000)),
    room: parts.room?.clone(),
    participant: parts.participant?.clone(),
    track: parts.track?.clone(),
    egressInfo: parts.egressInfo?.clone(),
  });
}

/** One delivery attempt, as recorded for tests. */
export interface Delivery {
  event: WebhookEvent;
  body: string;
  authorization: string;
  /** HTTP status of the receiver, or the network error's message. */
  status: number | string;
}

/**
 * Sends the double's webhooks, one at a time and in order, to `url` (when set), signed as LiveKit
 * signs them. `hold()` keeps events back (to deliver them later, in any order, or twice).
 */
export class WebhookSender {
  /** Where events go; unset: they are only recorded. */
  url: string | undefined;
  /** Every delivery so far, oldest first. */
  readonly deliveries: Delivery[] = [];
  /** Events kept back while held. */
  readonly held: WebhookEvent[] = [];
  private holding = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly signing: SignOptions, url?: string) {
    this.url = url;
  }

  /** Queues an event for delivery (or keeps it back while held). */
  emit(event: WebhookEvent): void {
    if (this.holding) {
      this.held.push(event);
      return;
    }
    this.queue = this.queue.then(() => this.deliver(event).then(() => undefined));
  }

  /** Keeps events back until `release()`. */
  hold(): void {
    this.holding = true;
  }

  /** Stops holding and delivers the held events, in `order` (default: as they happened). */
  async release(order?: (held: WebhookEvent[]) => WebhookEvent[]): Promise<void> {
    this.holding = false;
    const events = order ? order([...this.held]) : [...this.held];
    this.held.length = 0;
    for (const e of events) this.emit(e);
    await this.idle();
  }

  /** Stops holding and drops the held events: they are lost, as when a receiver was down for good. */
  discard(): void {
    this.holding = false;
    this.held.length = 0;
  }

  /** Resolves once every queued event has been delivered (or failed). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Signs and posts one event now; `sign` overrides the signing (to forge or age it). */
  async deliver(event: WebhookEvent, sign: Partial<SignOptions> = {}): Promise<Delivery> {
    const body = event.toJsonString();
    const authorization = await signWebhook(body, { ...this.signing, ...sign });
    return this.post({ event, body, authorization });
  }

  /** Posts a body with a given Authorization header as is (a replay, or a tampered body). */
  async post(d: Omit<Delivery, "status">): Promise<Delivery> {
    const delivery: Delivery = { ...d, status: "not sent" };
    if (this.url) {
      try {
        const res = await fetch(this.url, {
          method: "POST",
          headers: { Authorization: d.authorization, "Content-Type": WEBHOOK_CONTENT_TYPE, "User-Agent": "LiveKit" },
          body: d.body,
        });
        await res.arrayBuffer();
        delivery.status = res.status;
      } catch (err) {
        delivery.status = (err as Error).message;
      }
    }
    this.deliveries.push(delivery);
    return delivery;
  }
}
