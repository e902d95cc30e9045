import fs from "node:fs";

/** Aggregate CPU counters of the whole machine (Linux /proc/stat), in clock ticks. */
export interface CpuTicks {
  busy: number;
  total: number;
}

/** Reads the machine's CPU counters; undefined where /proc/stat does not exist. */
export function readCpuTicks(): CpuTicks | undefined {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** CPU the whole machine used between two readings, in cores (e.g. 1.4 of 2). */
export function coresBusy(a: CpuTicks | undefined, b: CpuTicks | undefined, cores: number): number {
  if (!a || !b || b.total === a.total) return NaN;
  return ((b.busy - a.busy) / (b.total - a.total)) * cores;
}
