import fs from "node:fs";
import zlib from "node:zlib";

/** One append as the journal keeps it: a document's updates, with the log ids they will be stored under. */
export interface JournalRecord {
  docId: string;
  /** Log id of the first update; the others follow one by one. */
  firstId: number;
  updates: Uint8Array[];
}

/** Header of a record: payload length and its CRC-32, both little-endian. */
const HEADER = 8;
const FORMAT = 1;

/**
 * The edit journal of the SQLite storage with DURABILITY=process: an append-only file next to the
 * database (`<database>-edits`). Each append is written to it with one write(2) before it is
 * acknowledged, so it survives a crash or `kill -9` of the server as soon as the call returns (the
 * kernel holds it), at the cost of a few microseconds instead of an SQLite commit per turn. The
 * storage folds the journal into the database in batches and empties it after each fold; on start
 * it folds whatever a crash left, by log id, so a record folded before the crash is not stored twice.
 *
 * Format: records of [u32 length][u32 CRC-32 of the payload][payload]; payload [u8 format]
 * [f64 first id][u16 document id length][document id, UTF-8][u32 count]([u32 length][update])*.
 * A torn or corrupt tail (the write a crash interrupted, never acknowledged) ends the reading.
 */
export class UpdateJournal {
  /** Bytes written since the journal was last emptied. */
  bytes = 0;
  private constructor(
    private readonly fd: number,
    readonly file: string,
  ) {}

  /** Opens (creating) the journal and reads what a previous run left in it. */
  static open(file: string): { journal: UpdateJournal; left: JournalRecord[]; tornBytes: number } {
    const fd = fs.openSync(file, "a+", 0o600);
    const { records, tornBytes } = decodeJournal(fs.readFileSync(file));
    const journal = new UpdateJournal(fd, file);
    journal.bytes = fs.fstatSync(fd).size;
    return { journal, left: records, tornBytes };
  }

  /** Appends one record; once it returns, the record survives a crash of this process. */
  write(record: JournalRecord): void {
    const buf = encodeRecord(record);
    let off = 0;
    try {
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      // A partial record (a full disk) would end the reading of every record after it: cut it off.
      if (off > 0) fs.ftruncateSync(this.fd, this.bytes);
      throw err;
    }
    this.bytes += buf.length;
  }

  /** Empties the journal: everything in it is committed to the database. */
  clear(): void {
    fs.ftruncateSync(this.fd, 0);
    this.bytes = 0;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

export function encodeRecord({ docId, firstId, updates }: JournalRecord): Buffer {
  const id = Buffer.from(docId, "utf8");
  const payloadLength = 1 + 8 + 2 + id.length + 4 + updates.reduce((n, u) => n + 4 + u.byteLength, 0);
  const buf = Buffer.allocUnsafe(HEADER + payloadLength);
  let o = HEADER;
  o = buf.writeUInt8(FORMAT, o);
  o = buf.writeDoubleLE(firstId, o);
  o = buf.writeUInt16LE(id.length, o);
  o += id.copy(buf, o);
  o = buf.writeUInt32LE(updates.length, o);
  for (const u of updates) {
    o = buf.writeUInt32LE(u.byteLength, o);
    buf.set(u, o);
    o += u.byteLength;
  }
  buf.writeUInt32LE(payloadLength, 0);
  buf.writeUInt32LE(zlib.crc32(buf.subarray(HEADER)), 4);
  return buf;
}

/** Reads records up to the end, or up to the first torn or corrupt one (`tornBytes` from there on). */
export function decodeJournal(buf: Buffer): { records: JournalRecord[]; tornBytes: number } {
  const records: JournalRecord[] = [];
  let o = 0;
  while (o + HEADER <= buf.length) {
    const length = buf.readUInt32LE(o);
    const end = o + HEADER + length;
    if (end > buf.length || zlib.crc32(buf.subarray(o + HEADER, end)) !== buf.readUInt32LE(o + 4)) break;
    const record = decodePayload(buf.subarray(o + HEADER, end));
    if (!record) break;
    records.push(record);
    o = end;
  }
  return { records, tornBytes: buf.length - o };
}

function decodePayload(p: Buffer): JournalRecord | null {
  if (p.length < 15 || p.readUInt8(0) !== FORMAT) return null;
  const firstId = p.readDoubleLE(1);
  const idLength = p.readUInt16LE(9);
  let o = 11 + idLength;
  if (o + 4 > p.length) return null;
  const docId = p.toString("utf8", 11, o);
  const count = p.readUInt32LE(o);
  o += 4;
  const updates: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    if (o + 4 > p.length) return null;
    const length = p.readUInt32LE(o);
    o += 4;
    if (o + length > p.length) return null;
    updates.push(new Uint8Array(p.subarray(o, o + length)));
    o += length;
  }
  return o === p.length && Number.isSafeInteger(firstId) ? { docId, firstId, updates } : null;
}
