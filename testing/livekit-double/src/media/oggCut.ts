import fs from "node:fs";
import { crc32 } from "./OggOpusWriter.ts";

interface Page {
  /** The whole page, header included. */
  bytes: Buffer;
  granule: bigint;
  flags: number;
}

const NO_GRANULE = -1n;

/** The complete pages of an Ogg stream (a page still being written at the end is left out); undefined when it is not Ogg. */
function pages(buf: Buffer): Page[] | undefined {
  const out: Page[] = [];
  let pos = 0;
  while (pos + 27 <= buf.length) {
    if (buf.toString("latin1", pos, pos + 4) !== "OggS") return undefined;
    const n = buf[pos + 26]!;
    if (pos + 27 + n > buf.length) break;
    let body = 0;
    for (let i = 0; i < n; i++) body += buf[pos + 27 + i]!;
    const end = pos + 27 + n + body;
    if (end > buf.length) break;
    out.push({ bytes: buf.subarray(pos, end), granule: buf.readBigInt64LE(pos + 6), flags: buf[pos + 5]! });
    pos = end;
  }
  return out.length ? out : undefined;
}

/**
 * Writes the part of an Ogg/Opus file between `fromS` and `toS` seconds (whole pages) to `out`,
 * as a stream of its own: the same headers, granule positions counted from the first page kept,
 * pages renumbered, the last one ending the stream. Returns where in the source the copy starts
 * (seconds), "empty" when nothing of it falls in the window (nothing is written), or undefined when
 * the source is not Ogg/Opus.
 */
export function cutOggOpus(source: string, out: string, fromS: number, toS: number): { startS: number } | "empty" | undefined {
  const all = pages(fs.readFileSync(source));
  const head = all?.[0];
  if (!all || !head || head.bytes.toString("latin1", 27 + head.bytes[26]!, 27 + head.bytes[26]! + 8) !== "OpusHead") return undefined;
  const preSkip = BigInt(head.bytes.readUInt16LE(27 + head.bytes[26]! + 10));
  // Headers: the pages before the first that ends an audio packet (granule > 0).
  const firstAudio = all.findIndex((p, i) => i > 0 && p.granule > 0n);
  if (firstAudio < 0) return "empty";
  const headers = all.slice(0, firstAudio);
  const kept: { page: Page; startG: bigint }[] = [];
  let prevG = 0n;
  for (const page of all.slice(firstAudio)) {
    const endG = page.granule === NO_GRANULE ? prevG : page.granule;
    const startS = Number(prevG - preSkip) / 48000;
    const endS = Number(endG - preSkip) / 48000;
    // A page that starts with the rest of a packet cannot begin the copy.
    if (endS > fromS && startS < toS && (kept.length || !(page.flags & 0x01))) kept.push({ page, startG: prevG });
    prevG = endG;
  }
  if (!kept.length) return "empty";
  const s0 = kept[0]!.startG;
  const chunks = headers.map((h) => h.bytes);
  kept.forEach(({ page }, i) => {
    const b = Buffer.from(page.bytes);
    if (page.granule !== NO_GRANULE) b.writeBigInt64LE(page.granule - s0, 6);
    b.writeUInt32LE(headers.length + i, 18);
    b[5] = (page.flags & 0x01) | (i === kept.length - 1 ? 0x04 : 0);
    b.writeUInt32LE(0, 22);
    b.writeUInt32LE(crc32(b), 22);
    chunks.push(b);
  });
  fs.writeFileSync(out, Buffer.concat(chunks));
  return { startS: Math.max(0, Number(s0) / 48000) };
}
