import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The machine a run happened on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
  tmpFs: string;
  /** Median time of a small write + fsync in the temp directory (SQLite's commit cost with synchronous=FULL). */
  fsyncMs: number;
}

/** Collects machine facts, including a quick fsync probe of the temp directory. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "confer-bench-fsync-"));
  const times: number[] = [];
  try {
    const fd = fs.openSync(path.join(dir, "probe"), "w");
    for (let i = 0; i < 30; i++) {
      fs.writeSync(fd, Buffer.alloc(512, i));
      const t0 = performance.now();
      fs.fsyncSync(fd);
      times.push(performance.now() - t0);
    }
    fs.closeSync(fd);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  let tmpFs = "unknown";
  try {
    const mounts = fs.readFileSync("/proc/mounts", "utf8").split("\n").map((l) => l.split(" "));
    const tmp = os.tmpdir();
    const best = mounts.filter((m) => m[1] && tmp.startsWith(m[1])).sort((a, b) => b[1]!.length - a[1]!.length)[0];
    if (best) tmpFs = `${best[2]} (${best[0]} on ${best[1]})`;
  } catch {
    /* not Linux */
  }
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    tmpFs: `${os.tmpdir()}: ${tmpFs}`,
    fsyncMs: times[Math.floor(times.length / 2)] ?? NaN,
  };
}
