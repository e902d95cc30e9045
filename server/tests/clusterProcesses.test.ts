import fs from "node:fs";
import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { connect, createDoc, signup, spawnServer, synced, tempDir, waitFor } from "./helpers.ts";
import { loadTraces } from "./traces.ts";
import { freshPrefix, REDIS_URL, startBalancer, startRedis } from "./clusterHelpers.ts";

/** Ports of this file's processes (4300-4399 are ours). */
const PORTS = [4311, 4312, 4313];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Three server processes on one data directory and one Redis prefix. */
async function threeProcesses(redisUrl = REDIS_URL) {
  const dataDir = tempDir("confer-procs-");
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const prefix = freshPrefix();
  const procs: { url: string; port: number; child: ChildProcess }[] = [];
  for (const port of PORTS) {
    const p = await spawnServer(dataDir, { PORT: String(port), REDIS_URL: redisUrl, REDIS_PREFIX: prefix, LOG_LEVEL: "info" });
    cleanups.push(async () => {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill("SIGKILL");
        await new Promise((r) => p.child.once("exit", r));
      }
    });
    procs.push({ ...p, port });
  }
  return procs;
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

function client(...args: Parameters<typeof connect>) {
  const c = connect(...args);
  cleanups.push(() => c.destroy());
  return c;
}

/** Words typed by one writer, each unique, appended at the end of the text. */
function typist(c: ReturnType<typeof connect>, name: string) {
  const typed: string[] = [];
  let n = 0;
  const timer = setInterval(() => {
    const word = `${name}${n++} `;
    typed.push(word);
    c.text.insert(c.text.length, word);
  }, 10);
  cleanups.push(() => clearInterval(timer));
  return { typed, stop: () => clearInterval(timer) };
}

describe("three server processes, stock clients spread over them", () => {
  it("a replayed editing trace, written in turns on every process, converges everywhere to endContent", { timeout: 300_000 }, async () => {
    const trace = loadTraces().find((t) => t.name === "sveltecomponent")!;
    const procs = await threeProcesses();
    const alice = await signup(procs[0]!.url);
    const docId = await createDoc(procs[0]!.url, alice, trace.name);
    const writers = procs.map((p) => client(p.url, docId, alice.cookie));
    await Promise.all(writers.map((w) => synced(w.provider)));
    const CHUNK = 2000;
    let turn = 0;
    let writer = writers[0]!;
    if (trace.startContent) writer.text.insert(0, trace.startContent);
    for (let i = 0; i < trace.txns.length; i++) {
      if (i > 0 && i % CHUNK === 0) {
        // The next writer, on the next process, continues once it has everything (it arrived through Redis).
        const next = writers[++turn % writers.length]!;
        const want = writer.text.toString();
        await waitFor(() => next.text.toString() === want, `writer ${turn % writers.length} caught up at txn ${i}`, 60_000);
        writer = next;
      }
      const text = writer.text;
      writer.doc.transact(() => {
        for (const [pos, del, ins] of trace.txns[i]!.patches) {
          if (del) text.delete(pos, del);
          if (ins) text.insert(pos, ins);
        }
      });
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(writer.text.toString()).toBe(trace.endContent);
    await waitFor(() => writers.every((w) => w.text.toString() === trace.endContent), "every process's client converges", 120_000);
  });

  it("SIGKILL of one process while its clients type: they reconnect to another, nothing acknowledged is lost", { timeout: 120_000 }, async () => {
    const procs = await threeProcesses();
    const balancer = await startBalancer(4320, () => procs.filter((p) => alive(p.child)).map((p) => p.port));
    cleanups.push(() => balancer.close());
    const alice = await signup(procs[0]!.url);
    const docId = await createDoc(procs[0]!.url, alice);
    // Round robin: one writer per process.
    const writers = [0, 1, 2].map(() => client(balancer.url, docId, alice.cookie));
    await Promise.all(writers.map((w) => synced(w.provider)));
    const watcher = client(procs[1]!.url, docId, alice.cookie);
    await synced(watcher.provider);
    const typists = writers.map((w, i) => typist(w, `w${i}-`));
    await new Promise((r) => setTimeout(r, 1500));
    procs[0]!.child.kill("SIGKILL");
    await new Promise((r) => procs[0]!.child.once("exit", r));
    // Acknowledged: relayed to a client of another process, which happens only once stored.
    const acknowledged = watcher.text.toString();
    await new Promise((r) => setTimeout(r, 2000));
    typists.forEach((t) => t.stop());
    const all = typists.flatMap((t) => t.typed);
    await waitFor(() => all.every((w) => watcher.text.toString().includes(w)), "every typed word on the watcher", 30_000);
    for (const word of acknowledged.split(" ").filter(Boolean)) expect(watcher.text.toString()).toContain(word + " ");
    await waitFor(() => writers.every((w) => w.text.toString() === watcher.text.toString()), "writers converge", 30_000);
    // And it is stored: a newcomer on the third process reads all of it.
    const late = client(procs[2]!.url, docId, alice.cookie);
    await synced(late.provider);
    expect(late.text.toString()).toBe(watcher.text.toString());
  });

  it("Redis restarted in the middle of typing: documents converge with no restart of Confer", { timeout: 120_000 }, async () => {
    let redis = await startRedis(4330);
    cleanups.push(() => redis.stop());
    const procs = await threeProcesses(redis.url);
    const alice = await signup(procs[0]!.url);
    const docId = await createDoc(procs[0]!.url, alice);
    const writers = procs.map((p) => client(p.url, docId, alice.cookie));
    await Promise.all(writers.map((w) => synced(w.provider)));
    const typists = writers.map((w, i) => typist(w, `p${i}-`));
    await new Promise((r) => setTimeout(r, 500));
    await redis.stop();
    // Typing goes on while Redis is gone: stored on each process, not relayed.
    await new Promise((r) => setTimeout(r, 1500));
    // Nothing typed after the restart: what crossed no process while Redis was gone must be repaired from storage.
    typists.forEach((t) => t.stop());
    redis = await startRedis(4330);
    const all = typists.flatMap((t) => t.typed);
    await waitFor(() => writers.every((w) => all.every((word) => w.text.toString().includes(word))), "every word on every process's client", 30_000);
    await waitFor(() => writers.every((w) => w.text.toString() === writers[0]!.text.toString()), "identical texts", 10_000);
    expect(procs.every((p) => alive(p.child))).toBe(true);
  });
});
