import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isBusyError, openPostgres, type DB } from "./db.ts";
import { PgDocumentStorage } from "./PgDocumentStorage.ts";
import { UserStore } from "./users.ts";
import { DocumentStore } from "./documents.ts";
import { freshDatabase, dropDatabase, onPostgres } from "../../tests/testDatabase.ts";
import { startTcpProxy } from "../../tests/tcpProxy.ts";
import type pg from "pg";

let url: string;
let db: DB;
let pool: pg.Pool;
let storage: PgDocumentStorage;
let owner: { id: string; orgId: string };
const cleanups: (() => Promise<unknown> | void)[] = [];

const bytes = (...xs: number[]) => new Uint8Array(xs);
const newDoc = async () => (await new DocumentStore(db).create(owner, "Doc")).id;
const rows = async (docId: string) =>
  (await db.selectFrom("doc_updates").select(["id", "data"]).where("doc_id", "=", docId).orderBy("id").execute()).map((r) => [...r.data]);

// Needs PostgreSQL: runs in `pnpm test:unit:pg` (TEST_DATABASE=postgres), on a fresh database per test.
describe.runIf(onPostgres)("the PostgreSQL document storage", () => {
  beforeEach(async () => {
    url = await freshDatabase();
    ({ db, pool } = await openPostgres(url));
    storage = new PgDocumentStorage(pool, { durability: "process", busyTimeoutMs: 5000 });
    owner = await new UserStore(db).create({ name: "O", email: "o@acme.io", passwordHash: "x", verified: true, placement: { company: "Acme" }, maxUnconfirmed: 3 });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await storage.close();
    await db.destroy();
    await dropDatabase(url);
  });

  it("group-commits every append requested in one turn: one commit, ids in request order per document", async () => {
    const [a, b] = [await newDoc(), await newDoc()];
    const commits = storage.stats.commits;
    const acks = Array.from({ length: 60 }, (_, i) => storage.append(i % 2 ? a : b, [bytes(i), bytes(i, i)]));
    const ids = await Promise.all(acks);
    expect(storage.stats.commits - commits).toBe(1);
    for (const docId of [a, b]) {
      const mine = ids.filter((_, i) => (i % 2 ? a : b) === docId);
      expect([...mine].sort((x, y) => x - y)).toEqual(mine); // later requests, later ids
    }
    const loaded = await storage.load(a);
    expect(loaded.updates.map((u) => [...u])).toEqual(Array.from({ length: 30 }, (_, k) => [[2 * k + 1], [2 * k + 1, 2 * k + 1]]).flat());
    expect(loaded.lastId).toBe(Math.max(...ids.filter((_, i) => i % 2)));
  });

  it("acknowledges only what another connection can already read; what comes while a commit is in flight is the next group", async () => {
    const docId = await newDoc();
    const other = await openPostgres(url);
    cleanups.push(() => other.db.destroy());
    const visible = async () => Number((await other.db.selectFrom("doc_updates").select((eb) => eb.fn.countAll<number>().as("n")).where("doc_id", "=", docId).executeTakeFirstOrThrow()).n);
    const commits = storage.stats.commits;
    const first = storage.append(docId, [bytes(1)]);
    // Requested after the first group left (the commit is in flight): must wait for a second commit.
    await new Promise((r) => setImmediate(r));
    const second = Promise.all([storage.append(docId, [bytes(2)]), storage.append(docId, [bytes(3)])]);
    await first;
    expect(await visible()).toBeGreaterThanOrEqual(1);
    await second;
    expect(await visible()).toBe(3);
    expect(storage.stats.commits - commits).toBe(2);
  });

  it("keeps the order of mixed writes in one group: an append to a deleted document stores nothing, compaction keeps later entries", async () => {
    const [gone, kept] = [await newDoc(), await newDoc()];
    expect(await storage.append("no-such-document", [bytes(9)])).toBe(0);
    const upTo = await storage.append(kept, [bytes(1), bytes(2)]);
    const [, , afterDelete, , later] = await Promise.all([
      storage.append(gone, [bytes(1)]),
      storage.deleteDocument(gone),
      storage.append(gone, [bytes(2)]),
      storage.compact(kept, bytes(7, 7), upTo),
      storage.append(kept, [bytes(3)]),
    ]);
    expect(afterDelete).toBe(0);
    expect(await rows(gone)).toEqual([]);
    expect(later).toBeGreaterThan(upTo);
    const loaded = await storage.load(kept);
    expect(loaded.snapshot && [...loaded.snapshot]).toEqual([7, 7]);
    expect(loaded.updates.map((u) => [...u])).toEqual([[3]]);
    expect(loaded.lastId).toBe(later);
  });

  it("while the database is unreachable, appends wait unacknowledged, then go through when it is back", async () => {
    const docId = await newDoc();
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: Number(new URL(url).port || 5432) });
    cleanups.push(() => proxy.close());
    const via = new URL(url);
    via.host = `127.0.0.1:${proxy.port}`;
    const behind = await openPostgres(via.toString(), { connectTimeoutMs: 1000 });
    cleanups.push(() => behind.db.destroy());
    const s = new PgDocumentStorage(behind.pool, { durability: "process", busyTimeoutMs: 10_000 });
    cleanups.push(() => s.close());
    expect(await s.append(docId, [bytes(1)])).toBeGreaterThan(0);

    await proxy.cut();
    let acked = false;
    const pending = s.append(docId, [bytes(2)]).then((id) => ((acked = true), id));
    await new Promise((r) => setTimeout(r, 500));
    expect(acked).toBe(false);
    expect(s.stats.busyRetries).toBeGreaterThan(0);
    await proxy.restore();
    expect(await pending).toBeGreaterThan(0);
    expect(await rows(docId)).toEqual([[1], [2]]);
  });

  it("past the busy timeout, the waiting appends fail with an error the server answers as storage_busy", async () => {
    const docId = await newDoc();
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: Number(new URL(url).port || 5432) });
    cleanups.push(() => proxy.close());
    const via = new URL(url);
    via.host = `127.0.0.1:${proxy.port}`;
    const behind = await openPostgres(via.toString(), { connectTimeoutMs: 1000 });
    cleanups.push(() => behind.db.destroy());
    const s = new PgDocumentStorage(behind.pool, { durability: "process", busyTimeoutMs: 300 });
    cleanups.push(() => s.close());
    await proxy.cut();
    const err = await s.append(docId, [bytes(1)]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(isBusyError(err)).toBe(true);
    expect(await rows(docId)).toEqual([]);
  });
});
