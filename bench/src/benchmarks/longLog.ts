import fs from "node:fs";
import { performance } from "node:perf_hooks";
import * as Y from "yjs";
import { sleep } from "../lib/Child.ts";
import { bytes, int, ms, printTable } from "../lib/format.ts";
import { makeTempDir, ServerUnderTest } from "../lib/ServerUnderTest.ts";
import { connectStock, TEXT_NAME } from "../lib/stockClient.ts";
import { applyPatches, readTrace, TRACE_DIR } from "../lib/traces.ts";

/** Updates appended to the log: the first transactions of the automerge-paper trace. */
const LOG_UPDATES = 50_000;
const APPEND_CHUNK = 5_000;

/** Timings of opening a document whose update log is long. */
export interface LongLogResult {
  entries: number;
  logBytes: number;
  textLength: number;
  appendMs: number;
  /** Restarted server, first client: connect until its text equals the expected content. */
  firstSyncMs: number;
  /** Same document after the server unloaded (and so compacted) it: second open. */
  secondSyncMs: number;
  snapshotBytes: number;
  /** The steps of Room.load, timed inside a server on a copy of the same data. */
  loadMs: number;
  applyMs: number;
  encodeMs: number;
  compactMs: number;
}

async function timeFirstSync(server: ServerUnderTest, docId: string, expected: string): Promise<number> {
  const t0 = performance.now();
  const client = connectStock(server.target, docId);
  try {
    await client.whenSynced(60_000);
    for (let i = 0; i < 600 && client.text.toString() !== expected; i++) await sleep(50);
    if (client.text.toString() !== expected) throw new Error("synced text differs from the appended log");
    return performance.now() - t0;
  } finally {
    client.destroy();
  }
}

/** Appends a long log to one Confer document, restarts the server and times the first open. */
export async function runLongLog(): Promise<LongLogResult> {
  const trace = readTrace(`${TRACE_DIR}/automerge-paper.json.gz`);
  const doc = new Y.Doc();
  const text = doc.getText(TEXT_NAME);
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  for (const txn of trace.txns.slice(0, LOG_UPDATES)) doc.transact(() => applyPatches(text, txn.patches));
  const expected = text.toString();

  const dir = makeTempDir("longlog");
  const copy = makeTempDir("longlog-copy");
  let server = await ServerUnderTest.start("confer", { label: "longlog-fill", dataDir: dir, unloadAfterMs: 300 });
  const cookie = server.api!.cookie;
  let docId: string;
  let appendMs: number;
  try {
    [docId] = (await server.newDocs(1, "long log")) as [string];
    const t0 = performance.now();
    for (let i = 0; i < updates.length; i += APPEND_CHUNK) {
      await server.request("append", { docId, updates: updates.slice(i, i + APPEND_CHUNK) }, 60_000);
    }
    appendMs = performance.now() - t0;
  } finally {
    await server.stop();
  }
  fs.cpSync(dir, copy, { recursive: true });

  let firstSyncMs: number;
  let secondSyncMs: number;
  let snapshotBytes: number;
  server = await ServerUnderTest.start("confer", { label: "longlog-open", dataDir: dir, unloadAfterMs: 300, cookie });
  try {
    firstSyncMs = await timeFirstSync(server, docId, expected);
    for (let i = 0; i < 200 && (await server.loadedDocs()) > 0; i++) await sleep(100);
    secondSyncMs = await timeFirstSync(server, docId, expected);
    const stored = await server.request<{ snapshotBytes: number }>("stored", { docId });
    snapshotBytes = stored.snapshotBytes;
  } finally {
    await server.stop();
  }

  server = await ServerUnderTest.start("confer", { label: "longlog-timeload", dataDir: copy, cookie });
  try {
    const t = await server.request<Omit<LongLogResult, "appendMs" | "firstSyncMs" | "secondSyncMs" | "snapshotBytes">>(
      "timeLoad",
      { docId, compact: true },
      120_000,
    );
    const result: LongLogResult = { ...t, appendMs, firstSyncMs, secondSyncMs, snapshotBytes };
    printLongLog(result);
    return result;
  } finally {
    await server.stop();
  }
}

function printLongLog(r: LongLogResult): void {
  printTable(
    `Load of a long log: ${int(r.entries)} updates (${bytes(r.logBytes)}), ${int(r.textLength)} characters, Confer`,
    ["", "time"],
    [
      ["append the log (storage.append, 5,000 per call)", ms(r.appendMs)],
      ["restart, first client: connect → synced text", ms(r.firstSyncMs)],
      ["  storage.load (read the log)", ms(r.loadMs)],
      ["  apply every entry in one transaction", ms(r.applyMs)],
      ["  encodeStateAsUpdate (snapshot)", ms(r.encodeMs)],
      ["  storage.compact (write snapshot, delete log)", ms(r.compactMs)],
      ["after unload/compaction, next open: connect → synced", ms(r.secondSyncMs)],
      ["snapshot size after compaction", bytes(r.snapshotBytes)],
    ],
    ["The first client's SyncStep2 waits for the queued compaction (Room.receive → whenFlushed), so the first open includes it."],
  );
}
