import type { ClusterRoom, RoomLink } from "../collab/cluster.ts";
import { readAwarenessUpdate } from "../collab/protocol.ts";
import { writeDocMessage, type DocMessage } from "./messages.ts";

/** Bytes of messages held for a room while it loads; past this they are dropped and the room repairs from storage once loaded. */
export const MAX_HELD_BYTES = 8 * 1024 * 1024;
/** Publishers (rooms of other processes) whose sequence a room follows; the oldest is forgotten past this. */
const MAX_TRACKED_PUBLISHERS = 1024;
/** Presence ids whose process is remembered (to drop them if it dies); the oldest is forgotten past this. */
const MAX_TRACKED_PRESENCE = 4096;

/** What a link needs of the process-wide Redis connection. */
export interface LinkHub {
  /** This process's id in the cluster. */
  readonly id: string;
  /** Publishes on a channel; `dropped` runs if the message could not be sent (Redis down, over the outbound bound). */
  publish(channel: string, data: Uint8Array, dropped: () => void): void;
  exclusive(docId: string, fold: () => Promise<void>): Promise<boolean>;
  unlink(link: DocLink): void;
}

/**
 * One room's membership of the cluster: publishes what the room stored (numbered, so receivers see
 * gaps), and applies what other processes published. Any sign of a missed message (a gap in a
 * publisher's numbers, a `heads` beyond what was seen, a reconnect, a process that died) makes the
 * room repair from storage, which holds every update before it is published.
 */
export class DocLink implements RoomLink {
  ready: Promise<void> = Promise.resolve();
  /** Seq of this link's last update message. */
  private seq = 0;
  /** A publish was dropped: announce `heads` before anything else, so receivers repair. */
  dirty = false;
  private held: DocMessage[] | null = [];
  private heldBytes = 0;
  private repairWhenLive = false;
  /** Last seq seen per publisher (`process/incarnation`). */
  private readonly seen = new Map<string, number>();
  /** Which process relayed each presence id held now. */
  private readonly presence = new Map<number, string>();
  private closed = false;

  constructor(
    private readonly hub: LinkHub,
    readonly room: ClusterRoom,
    readonly channel: string,
    /** Which room of this process this is (rooms of a document come and go). */
    readonly incarnation: number,
  ) {}

  live(): void {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    for (const msg of held) this.handle(msg);
    // Presence is sent when it changes: ask the others for what they hold now.
    this.hub.publish(this.channel, writeDocMessage({ type: "query", process: this.hub.id, incarnation: this.incarnation }), () => undefined);
    if (this.repairWhenLive) {
      this.repairWhenLive = false;
      this.room.repair();
    }
  }

  /** A message from the channel (own messages included; they are ignored here). */
  receive(msg: DocMessage, bytes: number): void {
    if (this.closed || (msg.process === this.hub.id && msg.incarnation === this.incarnation)) return;
    if (this.held) {
      if (this.heldBytes + bytes > MAX_HELD_BYTES) {
        this.held = [];
        this.heldBytes = 0;
        this.repairWhenLive = true;
        return;
      }
      this.held.push(msg);
      this.heldBytes += bytes;
      return;
    }
    this.handle(msg);
  }

  private handle(msg: DocMessage): void {
    const key = `${msg.process}/${msg.incarnation}`;
    switch (msg.type) {
      case "awareness":
        this.trackPresence(msg.update, msg.process);
        this.room.applyRemoteAwareness(msg.update);
        return;
      case "update": {
        const last = this.seen.get(key);
        this.track(key, Math.max(last ?? 0, msg.seq));
        this.room.applyRemote(msg.updates);
        if (last !== undefined && msg.seq > last + 1) this.room.repair();
        return;
      }
      case "query": {
        const presence = this.room.localAwareness();
        if (presence) this.publishAwareness(presence);
        return;
      }
      case "heads": {
        const last = this.seen.get(key);
        this.track(key, Math.max(last ?? 0, msg.seq));
        // Unknown publisher: whether its dropped messages reached this room cannot be told.
        if (last === undefined || msg.seq > last) this.room.repair();
        return;
      }
    }
  }

  private trackPresence(update: Uint8Array, process: string): void {
    try {
      for (const e of readAwarenessUpdate(update).entries) {
        this.presence.delete(e.clientId);
        if (e.state !== null) this.presence.set(e.clientId, process);
      }
    } catch {
      return; // the room refuses it too
    }
    while (this.presence.size > MAX_TRACKED_PRESENCE) this.presence.delete(this.presence.keys().next().value!);
  }

  private track(key: string, seq: number): void {
    this.seen.delete(key);
    this.seen.set(key, seq);
    if (this.seen.size > MAX_TRACKED_PUBLISHERS) this.seen.delete(this.seen.keys().next().value!);
  }

  /** Redis came back (or a process died): what was published meanwhile may be lost; repair and start counting afresh. */
  resync(): void {
    if (this.closed) return;
    this.seen.clear();
    if (this.held) this.repairWhenLive = true;
    else this.room.repair();
  }

  /** A process stopped announcing itself: what it stored and did not publish is in storage. */
  processGone(process: string): void {
    const ids = [...this.presence].filter(([, p]) => p === process).map(([id]) => id);
    for (const id of ids) this.presence.delete(id);
    if (ids.length) this.room.dropRemoteAwareness(ids);
    let had = false;
    for (const key of [...this.seen.keys()]) {
      if (key.startsWith(`${process}/`)) {
        this.seen.delete(key);
        had = true;
      }
    }
    if (had) this.resync();
  }

  publishUpdates(updates: Uint8Array[]): void {
    if (this.closed || !updates.length) return;
    this.announceHeads();
    const seq = ++this.seq;
    this.send({ type: "update", process: this.hub.id, incarnation: this.incarnation, seq, updates });
  }

  publishAwareness(update: Uint8Array): void {
    if (this.closed) return;
    // Presence is renewed by clients every 15 s: a dropped change needs no repair.
    this.hub.publish(this.channel, writeDocMessage({ type: "awareness", process: this.hub.id, incarnation: this.incarnation, update }), () => undefined);
  }

  /** After a dropped publish: tells receivers how far this link has counted, so they repair. */
  announceHeads(): void {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    this.send({ type: "heads", process: this.hub.id, incarnation: this.incarnation, seq: this.seq });
  }

  private send(msg: DocMessage): void {
    this.hub.publish(this.channel, writeDocMessage(msg), () => (this.dirty = true));
  }

  exclusive(fold: () => Promise<void>): Promise<boolean> {
    return this.hub.exclusive(this.room.docId, fold);
  }

  close(): void {
    if (this.closed) return;
    // Best effort: receivers learn of messages this room dropped before it goes.
    this.announceHeads();
    this.closed = true;
    this.held = null;
    this.seen.clear();
    this.hub.unlink(this);
  }
}
