import type SQLite from "better-sqlite3";
import { UpdateJournal, type JournalRecord } from "./UpdateJournal.ts";

/** The next free log id: above every id stored, handed out, or folded into a snapshot. */
const NEXT_ID_SQL = `SELECT max(
  coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'doc_updates'), 0),
  coalesce((SELECT max(id) FROM doc_updates), 0),
  coalesce((SELECT max(upto_id) FROM doc_snapshots), 0)) + 1`;
/** Folds a journal record left by a crash: not twice (same id), not into a deleted document or below its snapshot. */
const REPLAY_SQL = `INSERT OR IGNORE INTO doc_updates (id, doc_id, data) SELECT @id, @doc, @data
  WHERE EXISTS (SELECT 1 FROM documents WHERE id = @doc)
  AND NOT EXISTS (SELECT 1 FROM doc_snapshots WHERE doc_id = @doc AND upto_id >= @id)`;

/** What the start found in the edit journal: appends acknowledged before a crash and folded now. */
export interface JournalRecovery {
  records: number;
  /** Updates stored from them (a record folded before the crash is not stored again). */
  updates: number;
  /** A torn last write (interrupted by the crash, so never acknowledged), dropped. */
  tornBytes: number;
}

/**
 * Opens the SQLite storage's edit journal and folds what a crash left in it into the database (one
 * transaction), then empties it. Returns it with what was found and the next free log id.
 */
export function openJournal(sqlite: SQLite.Database, file: string): { journal: UpdateJournal; recovered: JournalRecovery; nextId: number } {
  const { journal, left, tornBytes } = UpdateJournal.open(file);
  let updates = 0;
  if (left.length) {
    const replay = sqlite.prepare<{ id: number; doc: string; data: Buffer }>(REPLAY_SQL);
    sqlite
      .transaction((records: JournalRecord[]) => {
        for (const r of records) {
          r.updates.forEach((u, i) => (updates += replay.run({ id: r.firstId + i, doc: r.docId, data: Buffer.from(u.buffer, u.byteOffset, u.byteLength) }).changes));
        }
      })
      .immediate(left);
  }
  journal.clear();
  const nextId = sqlite.prepare(NEXT_ID_SQL).pluck().get() as number;
  return { journal, recovered: { records: left.length, updates, tornBytes }, nextId };
}
