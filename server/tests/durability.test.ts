import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import type { ChildProcess } from "node:child_process";
import { connect, createDoc, signup, spawnServer, synced, tempDir, waitFor } from "./helpers.ts";

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill("SIGKILL");
      await new Promise((r) => c.once("exit", r));
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A server process on a fresh data directory, cleaned up after the test. */
async function serverOn(dataDir: string = tempDir(), env: Record<string, string> = {}) {
  if (!dirs.includes(dataDir)) dirs.push(dataDir);
  const server = await spawnServer(dataDir, env);
  children.push(server.child);
  return { ...server, dataDir };
}

describe("durability", () => {
  for (const durability of ["process", "disk"] as const) {
    it(`an edit that reached other clients survives kill -9 of the server (DURABILITY=${durability})`, async () => {
      const first = await serverOn(tempDir(), { DURABILITY: durability });
      const alice = await signup(first.url);
      const docId = await createDoc(first.url, alice);
      const writer = connect(first.url, docId, alice.cookie);
      const watcher = connect(first.url, docId, alice.cookie);
      await Promise.all([synced(writer.provider), synced(watcher.provider)]);
      writer.text.insert(0, "written just before the crash");
      // The server broadcasts only after the update is stored: once the watcher sees it, it is durable.
      await waitFor(() => watcher.text.toString() === "written just before the crash", "edit relayed");
      first.child.kill("SIGKILL");
      await new Promise((r) => first.child.once("exit", r));
      writer.destroy();
      watcher.destroy();

      const second = await serverOn(first.dataDir);
      const reader = connect(second.url, docId, alice.cookie);
      await synced(reader.provider);
      expect(reader.text.toString()).toBe("written just before the crash");
      reader.destroy();
    }, 60_000);
  }

  it("graceful shutdown (SIGTERM) flushes and compacts; sessions survive the restart", async () => {
    const first = await serverOn();
    const alice = await signup(first.url);
    const docId = await createDoc(first.url, alice);
    const writer = connect(first.url, docId, alice.cookie);
    await synced(writer.provider);
    for (let i = 0; i < 50; i++) writer.text.insert(writer.text.length, `${i} `);
    await new Promise((r) => setTimeout(r, 200));
    first.child.kill("SIGTERM");
    const code = await new Promise((r) => first.child.once("exit", r));
    expect(code).toBe(0);
    writer.destroy();

    const second = await serverOn(first.dataDir);
    const reader = connect(second.url, docId, alice.cookie);
    await synced(reader.provider);
    expect(reader.text.toString()).toBe(Array.from({ length: 50 }, (_, i) => `${i} `).join(""));
    const me = await fetch(`${second.url}/api/me`, { headers: { cookie: alice.cookie } });
    expect(me.status).toBe(200);
    reader.destroy();
  }, 60_000);
});
