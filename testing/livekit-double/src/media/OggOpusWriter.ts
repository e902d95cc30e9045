import fs from "node:fs";

/** CRC-32 of Ogg pages (polynomial 0x04c11db7, no reflection). */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, i) => {
  let r = i << 24;
  for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});
export function crc32(buf: Uint8Array): number {
  let c = 0;
  for (const b of buf) c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ b) & 0xff]!) >>> 0;
  return c;
}

/** Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716 §3.1). */
export function opusSamples(p: Uint8Array): number {
  const config = p[0]! >> 3;
  const code = p[0]! & 3;
  const frame = config < 12 ? [480, 960, 1920, 2880][config & 3]! : config < 16 ? [480, 960][config & 1]! : [120, 240, 480, 960][config & 3]!;
  const frames = code === 0 ? 1 : code === 3 ? (p[1] ?? 0) & 0x3f : 2;
  return frame * frames;
}

/** Fillers for gaps in the RTP clock (DTX, loss): a 20 ms CELT silence frame, else TOC-only packets (decoded as silence). */
const FILL: [number, Buffer][] = [
  [960, Buffer.from([0xf8, 0xff, 0xfe])],
  [480, Buffer.from([0xf0])],
  [240, Buffer.from([0xe8])],
  [120, Buffer.from([0xe0])],
];
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

/** The RTP packet fields the writer reads (werift's RtpPacket has them). */
export interface RtpLike {
  header: { timestamp: number; sequenceNumber: number };
  payload: Buffer;
}

/**
 * An Ogg/Opus file (RFC 7845) from RTP Opus packets (RFC 7587), one packet per page, as LiveKit's
 * Track Egress exports an Opus track without transcoding. Granule positions follow the RTP clock and
 * gaps are filled with silence, so file time is RTP time (a speaker's silences keep their length).
 */
export class OggOpusWriter {
  private readonly fd: number;
  private readonly serial = (Math.random() * 2 ** 32) >>> 0;
  private pageSeq = 0;
  private granule = 0n;
  private nextTs: number | undefined;
  private lastSeq: number | undefined;
  private held: [Buffer, bigint] | undefined;
  private closed = false;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, "w");
  }

  /** Seconds of audio written so far. */
  get seconds(): number {
    return Number(this.granule) / 48000;
  }

  /** Whether any audio arrived. */
  get started(): boolean {
    return this.nextTs !== undefined;
  }

  /** Adds one RTP packet; late or duplicate packets are dropped. */
  push(rtp: RtpLike): void {
    if (this.closed || !rtp.payload.length) return;
    const { timestamp: ts, sequenceNumber: seq } = rtp.header;
    if (this.lastSeq !== undefined && ((seq - this.lastSeq) & 0xffff) >= 0x8000) return;
    this.lastSeq = seq;
    if (this.nextTs === undefined) {
      this.nextTs = ts;
      this.headers(rtp.payload[0]! & 4 ? 2 : 1);
    }
    let gap = (ts - this.nextTs) >>> 0;
    if (gap > 48000 * 60) gap = 0; // a jump of the clock, not a silence
    for (const [n, pkt] of FILL) {
      while (gap >= n) {
        this.audio(pkt, n);
        gap -= n;
      }
    }
    const samples = opusSamples(rtp.payload);
    this.audio(Buffer.from(rtp.payload), samples);
    this.nextTs = (ts + samples) >>> 0;
  }

  /** Ends the stream (the last page carries end-of-stream) and closes the file; returns its length in seconds. */
  close(): number {
    if (this.closed) return Number(this.granule) / 48000;
    this.closed = true;
    if (this.held) this.page(this.held[0], this.held[1], 0x04);
    fs.closeSync(this.fd);
    return Number(this.granule) / 48000;
  }

  private headers(channels: number): void {
    const head = Buffer.alloc(19);
    head.write("OpusHead", 0);
    head[8] = 1;
    head[9] = channels;
    head.writeUInt16LE(312, 10);
    head.writeUInt32LE(48000, 12);
    this.page(head, 0n, 0x02);
    const vendor = Buffer.from("confer-livekit-double");
    this.page(Buffer.concat([Buffer.from("OpusTags"), u32(vendor.length), vendor, u32(0)]), 0n);
  }

  /** Holds one page back, so that the last one can carry end-of-stream. */
  private audio(pkt: Buffer, samples: number): void {
    if (this.held) this.page(this.held[0], this.held[1]);
    this.granule += BigInt(samples);
    this.held = [pkt, this.granule];
  }

  private page(data: Buffer, granule: bigint, flags = 0): void {
    const segments: number[] = [];
    let n = data.length;
    do {
      segments.push(Math.min(n, 255));
      n -= 255;
    } while (n >= 0 && segments[segments.length - 1] === 255);
    const h = Buffer.alloc(27 + segments.length);
    h.write("OggS", 0);
    h[5] = flags;
    h.writeBigInt64LE(granule, 6);
    h.writeUInt32LE(this.serial, 14);
    h.writeUInt32LE(this.pageSeq++, 18);
    h[26] = segments.length;
    Buffer.from(segments).copy(h, 27);
    const page = Buffer.concat([h, data]);
    page.writeUInt32LE(crc32(page), 22);
    fs.writeSync(this.fd, page);
  }
}
