import * as decoding from "lib0/decoding";

/** The first (client, clock) an update carries, or undefined for an update with no structs. */
export function updateHead(update: Uint8Array): { client: number; clock: number } | undefined {
  // Update v1: varuint #clients, then per client: varuint #structs, varuint client, varuint clock, structs...
  const d = decoding.createDecoder(update);
  if (decoding.readVarUint(d) === 0) return undefined;
  decoding.readVarUint(d);
  const client = decoding.readVarUint(d);
  const clock = decoding.readVarUint(d);
  return { client, clock };
}

/**
 * End-to-end latency of updates, matched by (clientID, clock): senders note when they sent each
 * update, receivers look the update's head up on arrival. All clients share this process's clock.
 */
export class LatencyBook {
  private readonly sentAt = new Map<number, number[]>();
  private samples = new Float64Array(1 << 16);
  /** Updates delivered to a client other than their sender, with a known send time. */
  delivered = 0;

  /** Notes that `update` (one local edit) is being sent now. */
  recordSend(update: Uint8Array, now = performance.now()): void {
    const head = updateHead(update);
    if (!head) return;
    let times = this.sentAt.get(head.client);
    if (!times) this.sentAt.set(head.client, (times = []));
    times[head.clock] = now;
  }

  /** Notes `update` arriving at the client with id `self`; echoes of its own edits are ignored. */
  recordArrival(update: Uint8Array, self: number, now = performance.now()): void {
    const head = updateHead(update);
    if (!head || head.client === self) return;
    const sent = this.sentAt.get(head.client)?.[head.clock];
    if (sent === undefined) return;
    if (this.delivered === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.delivered++] = now - sent;
  }

  /** Latencies recorded so far, in ms, sorted ascending. */
  sorted(): Float64Array {
    return this.samples.slice(0, this.delivered).sort();
  }
}

/** The `p`-th percentile (0..100) of an ascending array; NaN when empty. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
