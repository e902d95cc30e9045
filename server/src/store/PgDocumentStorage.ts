import type pg from "pg";
import { isBusyError, now } from "./db.ts";
import type { CommitInfo, DocumentStorage, StorageOptions, StorageStats, StoredState } from "./DocumentStorage.ts";
import { Backoff, countCommit, type Job, type JobSpec } from "./groupCommit.ts";

type Append = Job & { kind: "append" };

/** First and longest pause between attempts while the database cannot be reached. */
const FIRST_RETRY_MS = 10;
const MAX_RETRY_MS = 500;

/**
 * One statement (so one implicit transaction, one round trip) for a run of appends: marks the
 * documents edited, and inserts the updates of those that still exist, in the order given (ids
 * are assigned as the sorted rows are inserted). The updates travel as one bytea parameter (a
 * Buffer, which pg sends in binary) cut by offsets and lengths: a bytea[] would be hex text. The UPDATE locks the documents' rows until the
 * statement commits, so a document deleted meanwhile by another transaction takes no writes.
 */
const APPEND_SQL = `
with touched as (
  update documents set updated_at = $1 where id = any($2::text[]) returning id
), inserted as (
  insert into doc_updates (doc_id, data)
  select ($2::text[])[u.doc], substring($3::bytea from u.off + 1 for u.len)
  from unnest($4::int[], $5::int[], $6::int[]) with ordinality as u(doc, off, len, n)
  where ($2::text[])[u.doc] in (select id from touched)
  order by u.n
  returning id, doc_id
)
select id, doc_id from inserted order by id`;

/** The snapshot (k = 0) and the log entries (k = 1), in one statement so they are read as of one moment. */
const LOAD_SQL = `
select 0 as k, 0::bigint as id, data from doc_snapshots where doc_id = $1
union all
select 1 as k, id, data from doc_updates where doc_id = $1
order by k, id`;

/**
 * The PostgreSQL document storage (DATABASE_URL): the same tables and semantics as the SQLite one.
 *
 * Writes are group-committed: whatever was requested while the previous commit was in flight (or in
 * one turn of the event loop) goes into one transaction — a run of appends is a single multi-row
 * INSERT statement — and each write is acknowledged only after its COMMIT returned. One commit is
 * in flight at a time, so writes land in the order requested. What a COMMIT survives is set on the
 * pool (`openPostgres`): flushed to the disk with DURABILITY=disk (the default on PostgreSQL), in
 * PostgreSQL's hands but not yet flushed with DURABILITY=process.
 *
 * When the database cannot be reached (a restart, a network cut, a failover) the batch is kept,
 * unacknowledged, and retried with backoff for up to `busyTimeoutMs`; then every waiting write fails
 * with an error `isBusyError` recognises, so the rooms close and clients keep their edits to send
 * again. A batch whose COMMIT was sent but whose answer was lost may be applied twice: appending a
 * Yjs update twice is harmless, and compaction and deletion are idempotent (a compaction applied
 * twice is skipped the second time: its snapshot already covers its upToId).
 */
export class PgDocumentStorage implements DocumentStorage {
  readonly stats: StorageStats = { commits: 0, commitMs: 0, commitMaxMs: 0, flushes: 0, flushMaxMs: 0, checkpoints: 0, busyRetries: 0 };
  onCommit: ((commit: CommitInfo) => void) | undefined;
  private pending: Job[] = [];
  private scheduled = false;
  private committing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: StorageOptions,
  ) {
    this.backoff = new Backoff(FIRST_RETRY_MS, MAX_RETRY_MS, opts.busyTimeoutMs);
  }

  async load(docId: string): Promise<StoredState> {
    const { rows } = await this.pool.query<{ k: number; id: number; data: Buffer }>({ name: "confer_load", text: LOAD_SQL, values: [docId] });
    let snapshot: Uint8Array | null = null;
    const updates: Uint8Array[] = [];
    let lastId = 0;
    for (const r of rows) {
      if (r.k === 0) snapshot = r.data;
      else {
        updates.push(r.data);
        lastId = Number(r.id);
      }
    }
    return { snapshot, updates, lastId };
  }

  append(docId: string, updates: Uint8Array[]): Promise<number> {
    return this.enqueue({ kind: "append", docId, updates });
  }

  async compact(docId: string, snapshot: Uint8Array, upToId: number): Promise<boolean> {
    return (await this.enqueue({ kind: "compact", docId, snapshot, upToId })) === 1;
  }

  async deleteDocument(docId: string): Promise<void> {
    await this.enqueue({ kind: "delete", docId });
  }

  /** Nothing to defer on PostgreSQL: requests and the log never wait for each other's housekeeping. */
  beginRequest(): Promise<() => void> {
    return Promise.resolve(() => {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    while (this.committing) await this.committing;
    if (this.pending.length) await this.commitPending();
  }

  private enqueue(job: JobSpec): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error("document storage is closed"));
      this.pending.push({ ...job, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.committing || this.retryTimer) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.committing || this.retryTimer || !this.pending.length) return;
      this.committing = this.commitPending().finally(() => {
        this.committing = undefined;
        // What was requested while this commit was in flight is the next group.
        if (this.pending.length) this.schedule();
      });
    });
  }

  /** Commits everything pending as one transaction; on a lost connection keeps it for a retry, up to the bound. */
  private async commitPending(): Promise<void> {
    const jobs = this.pending;
    this.pending = [];
    const started = performance.now();
    let results: number[];
    try {
      results = await this.write(jobs);
    } catch (err) {
      if (isBusyError(err) && !this.closed) return this.retryLater(jobs, err);
      this.backoff.reset();
      for (const j of jobs) j.reject(err);
      return;
    }
    const ms = performance.now() - started;
    countCommit(this.stats, this.onCommit, ms, jobs);
    this.backoff.reset();
    jobs.forEach((j, i) => j.resolve(results[i]!));
  }

  private retryLater(jobs: Job[], cause: unknown): void {
    this.stats.busyRetries++;
    this.pending = jobs.concat(this.pending);
    const next = this.backoff.next();
    if ("gaveUpAfterMs" in next) {
      const waited = next.gaveUpAfterMs;
      const failed = this.pending;
      this.pending = [];
      const reason = (cause as { message?: string } | null)?.message ?? String(cause);
      const err = Object.assign(new Error(`the database could not be reached for ${waited} ms (${reason})`), { code: "ECONNREFUSED", cause });
      for (const j of failed) j.reject(err);
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, next.waitMs);
  }

  /** Runs one group: a lone run of appends is one statement; anything else is one explicit transaction. */
  private async write(jobs: Job[]): Promise<number[]> {
    const segments = segment(jobs);
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      if (segments.length === 1 && segments[0]!.kind === "appends") return await this.appendRun(client, segments[0]!.jobs);
      await client.query("begin");
      try {
        const results: number[] = [];
        const deleted = new Set<string>();
        const ts = now();
        for (const seg of segments) {
          if (seg.kind === "appends") {
            // A document deleted earlier in this group takes no writes (as on SQLite).
            const live = seg.jobs.filter((j) => !deleted.has(j.docId));
            const ids = await this.appendRun(client, live);
            const byJob = new Map(live.map((j, i) => [j, ids[i]!]));
            for (const j of seg.jobs) results.push(byJob.get(j) ?? 0);
          } else if (seg.job.kind === "compact") {
            const { docId, snapshot, upToId } = seg.job;
            // Replaces the snapshot only with one that folds further. The upsert locks the snapshot's
            // row and judges the condition on its latest committed version, so of two compactions
            // racing from two processes the stale one (lower upToId) changes nothing, whichever
            // commits first: it must not put back an older snapshot after the entries it lacks were dropped.
            const { rowCount } = await client.query({
              name: "confer_compact",
              text: `with doc as (select id from documents where id = $1)
                insert into doc_snapshots (doc_id, data, updated_at, upto_id) select id, $2, $3, $4 from doc
                on conflict (doc_id) do update set data = excluded.data, updated_at = excluded.updated_at, upto_id = excluded.upto_id
                where doc_snapshots.upto_id < excluded.upto_id`,
              values: [docId, toBuffer(snapshot), ts, upToId],
            });
            if (!rowCount) {
              results.push(0);
              continue;
            }
            // Only the entries the snapshot was made from: anything appended since stays.
            await client.query({ name: "confer_drop_log_upto", text: "delete from doc_updates where doc_id = $1 and id <= $2", values: [docId, upToId] });
            results.push(1);
          } else {
            await client.query({ name: "confer_drop_log", text: "delete from doc_updates where doc_id = $1", values: [seg.job.docId] });
            await client.query({ name: "confer_drop_snapshot", text: "delete from doc_snapshots where doc_id = $1", values: [seg.job.docId] });
            deleted.add(seg.job.docId);
            results.push(0);
          }
        }
        await client.query("commit");
        return results;
      } catch (err) {
        await client.query("rollback").catch(() => {});
        throw err;
      }
    } catch (err) {
      broken = err;
      throw err;
    } finally {
      // A connection that failed mid-way is thrown away rather than handed to the next caller.
      client.release(broken !== undefined && isBusyError(broken) ? (broken as Error) : undefined);
    }
  }

  /** One multi-row INSERT for a run of appends; returns each job's last log id (0 when its document is gone). */
  private async appendRun(client: pg.PoolClient, jobs: Append[]): Promise<number[]> {
    if (!jobs.length) return [];
    const distinct = [...new Set(jobs.map((j) => j.docId))];
    const index = new Map(distinct.map((d, i) => [d, i + 1]));
    const docs: number[] = [];
    const offsets: number[] = [];
    const lengths: number[] = [];
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (const j of jobs) {
      for (const u of j.updates) {
        docs.push(index.get(j.docId)!);
        offsets.push(offset);
        lengths.push(u.byteLength);
        parts.push(u);
        offset += u.byteLength;
      }
    }
    const blob = Buffer.concat(parts, offset);
    const { rows } = await client.query<{ id: number; doc_id: string }>({
      name: "confer_append",
      text: APPEND_SQL,
      values: [now(), distinct, blob, docs, offsets, lengths],
    });
    // Ids of each document's rows in insertion order, handed out to its jobs' updates in request order.
    const idsByDoc = new Map<string, number[]>();
    for (const r of rows) {
      let ids = idsByDoc.get(r.doc_id);
      if (!ids) idsByDoc.set(r.doc_id, (ids = []));
      ids.push(Number(r.id));
    }
    const taken = new Map<string, number>();
    return jobs.map((j) => {
      const ids = idsByDoc.get(j.docId);
      if (!ids || !j.updates.length) return 0;
      const from = taken.get(j.docId) ?? 0;
      taken.set(j.docId, from + j.updates.length);
      return ids[from + j.updates.length - 1] ?? 0;
    });
  }
}

type Segment = { kind: "appends"; jobs: Append[] } | { kind: "one"; job: Exclude<Job, Append> };

/** Splits a group into runs of consecutive appends and single other writes, keeping the order. */
function segment(jobs: Job[]): Segment[] {
  const out: Segment[] = [];
  for (const job of jobs) {
    const last = out[out.length - 1];
    if (job.kind === "append") {
      if (last?.kind === "appends") last.jobs.push(job);
      else out.push({ kind: "appends", jobs: [job] });
    } else out.push({ kind: "one", job });
  }
  return out;
}

const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
