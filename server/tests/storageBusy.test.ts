import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import Database from "better-sqlite3";
import { api, connect, createDoc, signup, spawnServer, synced, tempDir, waitFor } from "./helpers.ts";
import { onPostgres } from "./testDatabase.ts";

const children: ChildProcess[] = [];
const dirs: string[] = [];
const clients: { destroy(): void }[] = [];
const locks: Database.Database[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const l of locks.splice(0)) if (l.open) l.close();
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill("SIGKILL");
      await new Promise((r) => c.once("exit", r));
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A server process on `dataDir` (fresh when omitted), cleaned up after the test. */
async function serverOn(env: Record<string, string>, dataDir: string = tempDir()) {
  if (!dirs.includes(dataDir)) dirs.push(dataDir);
  const server = await spawnServer(dataDir, env);
  children.push(server.child);
  return { ...server, dataDir };
}

/** A server, a document on it, and two of its owner's pages in sync that have exchanged `firstEdit` (if any). */
async function twoEditors(env: Record<string, string>, firstEdit = "a") {
  const first = await serverOn(env);
  const alice = await signup(first.url);
  const docId = await createDoc(first.url, alice);
  const writer = connect(first.url, docId, alice.cookie);
  const watcher = connect(first.url, docId, alice.cookie);
  clients.push(writer, watcher);
  await Promise.all([synced(writer.provider), synced(watcher.provider)]);
  if (firstEdit) {
    writer.text.insert(0, firstEdit);
    await waitFor(() => watcher.text.toString() === firstEdit, "first edit relayed");
  }
  return { first, alice, docId, writer, watcher };
}

/** Another program's connection to the server's database, holding its write lock until `release`. */
function holdWriteLock(dataDir: string) {
  const other = new Database(path.join(dataDir, "confer.sqlite"));
  locks.push(other);
  other.pragma("busy_timeout = 5000");
  other.exec("BEGIN IMMEDIATE");
  let held = true;
  return {
    get held() {
      return held;
    },
    count(docId: string): number {
      return other.prepare("SELECT count(*) FROM doc_updates WHERE doc_id = ?").pluck().get(docId) as number;
    },
    release() {
      if (!held) return;
      held = false;
      other.exec("ROLLBACK");
      other.close();
    },
  };
}

/** A rename while the write lock is held is refused with a message a person can act on. */
async function expectRestRefused(url: string, docId: string, cookie: string): Promise<void> {
  const rename = await api(url, "PATCH", `/api/docs/${docId}`, { cookie, body: { title: "Renamed" } });
  expect(rename.status).toBe(503);
  expect(rename.json.error.id).toBe("storage_busy");
  expect(rename.json.error.message).toMatch(/try again/);
}

/** Log entries of `docId` in the database file (read through the lock holder's connection when given). */
function storedUpdates(dataDir: string, docId: string, lock?: { count(docId: string): number }): number {
  if (lock) return lock.count(docId);
  const db = new Database(path.join(dataDir, "confer.sqlite"), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) FROM doc_updates WHERE doc_id = ?").pluck().get(docId) as number);
  } finally {
    db.close();
  }
}

async function killed(child: ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
}

// SQLite only: another program holding the database file's write lock. The PostgreSQL counterpart
// (the database unreachable for a few seconds) is postgresOutage.test.ts.
describe.skipIf(onPostgres)("another program holding the database's write lock", () => {
  it("blocks no document (DURABILITY=disk): /healthz answers, edits wait unacknowledged, REST writes get 503, and every edit is stored after", async () => {
    const { first, alice, docId, writer, watcher } = await twoEditors({ STORAGE_BUSY_TIMEOUT_MS: "60000", DURABILITY: "disk" });

    const lock = holdWriteLock(first.dataDir);
    // A server that waits for the lock on its event loop answers nothing until the lock goes:
    // this release is what it would be waiting for (its old busy_timeout was 5 s).
    const safety = setTimeout(() => lock.release(), 4000);
    let healthzWhileHeld = false;
    let restWhileHeld = false;
    try {
      for (const ch of "bcdef") writer.text.insert(writer.text.length, ch);
      writer.provider.awareness.setLocalStateField("cursor", { anchor: 6 });
      // The awareness frame followed the edits on the same socket: once it is relayed, the server
      // has received the edits and tried to store them.
      await waitFor(() => watcher.provider.awareness.getStates().get(writer.doc.clientID)?.cursor, "awareness relayed");
      const health = await fetch(`${first.url}/healthz`);
      healthzWhileHeld = lock.held;
      expect(health.status).toBe(200);
      // Stored before broadcast: nothing of the waiting edits has reached the other client.
      expect(watcher.text.toString()).toBe("a");
      await expectRestRefused(first.url, docId, alice.cookie);
      restWhileHeld = lock.held;
    } finally {
      clearTimeout(safety);
      lock.release();
    }
    expect(healthzWhileHeld).toBe(true);
    expect(restWhileHeld).toBe(true);

    await waitFor(() => watcher.text.toString() === "abcdef", "edits relayed after the lock went");
    expect(writer.closes).toEqual([]);
    await killed(first.child);

    const second = await serverOn({ DURABILITY: "disk" }, first.dataDir);
    const reader = connect(second.url, docId, alice.cookie);
    clients.push(reader);
    await synced(reader.provider);
    expect(reader.text.toString()).toBe("abcdef");
  }, 90_000);

  it("blocks no edit (DURABILITY=process): edits are journaled and relayed while the lock is held, and survive kill -9 before they reach the database", async () => {
    const { first, alice, docId, writer, watcher } = await twoEditors({ STORAGE_BUSY_TIMEOUT_MS: "60000" });
    await waitFor(() => storedUpdates(first.dataDir, docId) > 0, "first edit folded into the database");
    const before = storedUpdates(first.dataDir, docId);

    const lock = holdWriteLock(first.dataDir);
    const safety = setTimeout(() => lock.release(), 8000);
    let relayedWhileHeld = false;
    try {
      for (const ch of "bcdef") writer.text.insert(writer.text.length, ch);
      await waitFor(() => watcher.text.toString() === "abcdef", "edits relayed while the lock is held");
      relayedWhileHeld = lock.held;
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      await expectRestRefused(first.url, docId, alice.cookie);
      // Acknowledged, and not in the database: only in the journal, when the server is killed.
      expect(storedUpdates(first.dataDir, docId, lock)).toBe(before);
      expect(writer.closes).toEqual([]);
      await killed(first.child);
    } finally {
      clearTimeout(safety);
      lock.release();
    }
    expect(relayedWhileHeld).toBe(true);

    const second = await serverOn({}, first.dataDir);
    const reader = connect(second.url, docId, alice.cookie);
    clients.push(reader);
    await synced(reader.provider);
    expect(reader.text.toString()).toBe("abcdef");
    // Folded into the database at the start, once each.
    expect(storedUpdates(first.dataDir, docId)).toBe(before + 5);
  }, 90_000);

  it("past STORAGE_BUSY_TIMEOUT_MS the document closes cleanly; the clients' edits are stored once they reconnect", async () => {
    // Durability "disk" waits for every commit; with "process" only a full journal would (UpdateJournal.test.ts).
    const { first, alice, docId, writer, watcher } = await twoEditors({ STORAGE_BUSY_TIMEOUT_MS: "300", DURABILITY: "disk" }, "");

    const lock = holdWriteLock(first.dataDir);
    try {
      writer.text.insert(0, "xyz");
      await waitFor(() => writer.closes.length > 0, "the document closed its connections");
      const health = await fetch(`${first.url}/healthz`);
      expect(health.status).toBe(200);
      expect(lock.held).toBe(true);
      expect(watcher.text.toString()).toBe("");
    } finally {
      lock.release();
    }
    // The providers reconnect by themselves and send what the server lacks.
    await waitFor(() => watcher.text.toString() === "xyz", "edit stored and relayed after reconnecting", 20_000);
    await killed(first.child);

    const second = await serverOn({ DURABILITY: "disk" }, first.dataDir);
    const reader = connect(second.url, docId, alice.cookie);
    clients.push(reader);
    await synced(reader.provider);
    expect(reader.text.toString()).toBe("xyz");
  }, 90_000);
});
