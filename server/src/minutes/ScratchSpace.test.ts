import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import type { Logger } from "../logger.ts";
import { ScratchSpace, STALE_MS, UNOWNED_MAX_AGE_MS, sweepLeftovers } from "./ScratchSpace.ts";
import { thisProcess, type ScratchOwner } from "./scratchOwner.ts";

let root: string;
let dataDir: string;
let tmpDir: string;
let systemTmp: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "confer-scratch-test-"));
  dataDir = path.join(root, "data");
  tmpDir = path.join(dataDir, "tmp");
  systemTmp = path.join(root, "system-tmp");
  fs.mkdirSync(tmpDir, { recursive: true });
  fs.mkdirSync(systemTmp, { recursive: true });
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Writes `bytes` bytes at `file` (its directories made), last changed `ageMs` ago. */
function put(file: string, bytes: number, ageMs = 0): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(bytes, 1));
  age(file, ageMs);
  return file;
}

function age(p: string, ageMs: number): void {
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(p, t, t);
}

/** A run directory as a process makes it: a recording, an engine work directory, and the mark renewed `markAgeMs` ago. */
function runDir(markAgeMs: number, owner?: ScratchOwner): { dir: string; bytes: number } {
  const dir = path.join(tmpDir, `run-4242-${randomUUID()}`);
  put(path.join(dir, `recording-${randomUUID()}.ogg`), 3000);
  put(path.join(dir, "confer-asr-AbC123", "audio.wav"), 700);
  const mark = owner ? JSON.stringify(owner) : "";
  fs.writeFileSync(path.join(dir, "alive"), mark);
  age(path.join(dir, "alive"), markAgeMs);
  return { dir, bytes: 3700 + Buffer.byteLength(mark) };
}

/** A pid no process has any more: a child's that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

/** A logger whose lines are kept. */
function capture(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log: Logger = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

describe("sweepLeftovers", () => {
  it("removes the run directories of dead owners, counting their bytes; live owners' and unrelated files stay", async () => {
    const dead = runDir(STALE_MS + 60_000);
    const live = runDir(5_000);
    const oldRecording = put(path.join(tmpDir, `recording-${randomUUID()}.ogg`), 500, UNOWNED_MAX_AGE_MS + 60_000);
    const newRecording = put(path.join(tmpDir, `recording-${randomUUID()}.ogg`), 500, 60_000);
    const unrelated = [
      put(path.join(tmpDir, "notes.txt"), 10, UNOWNED_MAX_AGE_MS * 2),
      put(path.join(tmpDir, "run-backup", "alive"), 10, UNOWNED_MAX_AGE_MS * 2),
      put(path.join(systemTmp, "other-app-AbC123", "x"), 10, UNOWNED_MAX_AGE_MS * 2),
    ];
    for (const file of unrelated) age(path.dirname(file), UNOWNED_MAX_AGE_MS * 2);
    const oldAsr = put(path.join(systemTmp, "confer-asr-Qw3rty", "audio.wav"), 250, UNOWNED_MAX_AGE_MS + 60_000);
    age(path.dirname(oldAsr), UNOWNED_MAX_AGE_MS + 60_000);
    // Old directory, but a file written into it a minute ago: a job is still at work there.
    const busyAsr = put(path.join(systemTmp, "confer-asr-Zx9bnm", "warm.wav"), 250, 60_000);
    age(path.dirname(busyAsr), UNOWNED_MAX_AGE_MS + 60_000);

    const result = await sweepLeftovers({ tmpDir, systemTmpDir: systemTmp });

    expect(result).toEqual({ removed: 3, bytes: dead.bytes + 500 + 250 });
    expect(fs.existsSync(dead.dir)).toBe(false);
    expect(fs.existsSync(oldRecording)).toBe(false);
    expect(fs.existsSync(path.dirname(oldAsr))).toBe(false);
    for (const kept of [path.join(live.dir, "alive"), newRecording, busyAsr, ...unrelated]) expect(fs.existsSync(kept), kept).toBe(true);
  });

  it("never removes the sweeping process' own directory, nor a dead owner's without a mark that is young", async () => {
    const own = runDir(STALE_MS * 2);
    const starting = path.join(tmpDir, `run-77-${randomUUID()}`);
    fs.mkdirSync(starting); // made a moment ago, its mark not written yet
    expect(await sweepLeftovers({ tmpDir, keep: own.dir })).toEqual({ removed: 0, bytes: 0 });
    expect(fs.existsSync(own.dir) && fs.existsSync(starting)).toBe(true);
  });

  it("removes at once what a dead process of this machine left, though its mark is fresh; a live one's stays though its mark is old", async () => {
    const me = thisProcess()!;
    expect(me).toBeDefined();
    const exited = runDir(1000, { ...me, pid: deadPid() });
    const reused = runDir(1000, { ...me, start: "1" }); // this pid, given to this process since the owner's end
    const live = runDir(STALE_MS * 4, me);
    const result = await sweepLeftovers({ tmpDir, me });
    expect(result).toEqual({ removed: 2, bytes: exited.bytes + reused.bytes });
    expect([exited.dir, reused.dir, live.dir].map((d) => fs.existsSync(d))).toEqual([false, false, true]);
  });

  it("judges an owner on another host or in another container by its mark's age alone", async () => {
    const me = thisProcess()!;
    const elsewhere = { space: "another-boot/pid:[1]", pid: deadPid(), start: "1" };
    const fresh = runDir(STALE_MS - 60_000, elsewhere);
    const stale = runDir(STALE_MS + 60_000, elsewhere);
    expect(await sweepLeftovers({ tmpDir, me })).toEqual({ removed: 1, bytes: stale.bytes });
    expect([fresh.dir, stale.dir].map((d) => fs.existsSync(d))).toEqual([true, false]);
  });

  it("finds nothing when DATA_DIR/tmp was never made", async () => {
    expect(await sweepLeftovers({ tmpDir: path.join(root, "nowhere"), systemTmpDir: systemTmp })).toEqual({ removed: 0, bytes: 0 });
  });
});

describe("ScratchSpace", () => {
  it("at start, removes what a dead process left and logs one line with the count and bytes; stop removes its own directory", async () => {
    const dead = runDir(STALE_MS + 60_000);
    const { log, lines } = capture();
    const scratch = new ScratchSpace(dataDir, log, { systemTmpDir: systemTmp });
    expect(await scratch.start()).toEqual({ removed: 1, bytes: dead.bytes });
    try {
      expect(fs.existsSync(dead.dir)).toBe(false);
      expect(fs.existsSync(path.join(scratch.dir, "alive"))).toBe(true);
      expect(path.basename(scratch.dir)).toMatch(new RegExp(`^run-${process.pid}-`));
      const swept = lines.filter((l) => String(l.msg).includes("removed"));
      expect(swept).toHaveLength(1);
      expect(swept[0]).toMatchObject({ removed: 1, bytes: dead.bytes });
    } finally {
      await scratch.stop();
    }
    expect(fs.existsSync(scratch.dir)).toBe(false);
  });

  it("renews its mark while it lives, so that other hosts keep its files however long its job runs", async () => {
    const { log } = capture();
    const scratch = new ScratchSpace(dataDir, log, { systemTmpDir: systemTmp, heartbeatMs: 20 });
    await scratch.start();
    try {
      const mark = path.join(scratch.dir, "alive");
      expect(thisProcess()).toEqual(JSON.parse(fs.readFileSync(mark, "utf8")));
      age(mark, STALE_MS * 2);
      await new Promise((r) => setTimeout(r, 200));
      expect(Date.now() - fs.statSync(mark).mtimeMs).toBeLessThan(5_000);
      // Were the directory removed (a host whose clock is far ahead), the next heartbeat makes it again.
      fs.rmSync(scratch.dir, { recursive: true });
      await new Promise((r) => setTimeout(r, 200));
      expect(fs.existsSync(mark)).toBe(true);
    } finally {
      await scratch.stop();
    }
  });
});
