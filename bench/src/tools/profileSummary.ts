// Summarises a V8 .cpuprofile (from BENCH_PROF=...): self time by function, and total (inclusive)
// time of the functions that matter most. Usage: node --import tsx src/tools/profileSummary.ts <file> [top]
// With `--stalls <ms>`: the stretches where the event loop did not go idle for at least <ms>
// (what blocked every document at once), each with the functions it spent its time in.
// When the profile's directory holds windows.jsonl (written by profiled bench servers), only the
// samples inside those measuring windows count.
import fs from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const argv = process.argv.slice(2);
const stallAt = argv.indexOf("--stalls");
const stallMs = stallAt >= 0 ? Number(argv[stallAt + 1]) : undefined;
if (stallAt >= 0) argv.splice(stallAt, 2);
const file = argv[0];
const top = Number(argv[1] ?? 25);
if (!file) {
  console.error("usage: profileSummary.ts <file.cpuprofile> [top]");
  process.exit(1);
}
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const windowsFile = path.join(path.dirname(file), "windows.jsonl");
const windows = fs.existsSync(windowsFile)
  ? fs
      .readFileSync(windowsFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { start: number; end: number })
  : [];
/** Absolute time (µs, the profile's clock) of each sample. */
const sampleAt: number[] = [];
{
  let t = profile.startTime;
  for (const dt of profile.timeDeltas) sampleAt.push((t += dt));
}
const inWindow = (i: number) => !windows.length || windows.some((w) => sampleAt[i]! >= w.start && sampleAt[i]! <= w.end);
if (windows.length) console.log(`Only samples inside ${windows.length} measuring window(s): ${windows.map((w) => `${((w.end - w.start) / 1e6).toFixed(1)} s`).join(", ")}`);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const f = n.callFrame;
  const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : "";
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(f.url)?.[1];
  return `${f.functionName || "(anonymous)"} ${pkg ? `[${pkg}] ` : ""}${where}`.trim();
};

const self = new Map<string, number>();
const total = new Map<string, number>();
let sum = 0;
profile.samples.forEach((id, i) => {
  if (!inWindow(i)) return;
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  sum += dt;
  const node = byId.get(id)!;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
});

const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (of ${sum.toFixed(0)} ms sampled)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${v.toFixed(0).padStart(8)} ms ${((v / sum) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
};
print("Self time", self);
print("Total time (inclusive)", total);

/** Busy stretches: consecutive samples without an "(idle)" one, longer than `min` ms. */
function stalls(min: number): void {
  const streaks: { start: number; ms: number; ids: number[]; dts: number[] }[] = [];
  let cur: { start: number; ms: number; ids: number[]; dts: number[] } | undefined;
  let t = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    t += dt;
    if (!inWindow(i)) {
      if (cur && cur.ms >= min) streaks.push(cur);
      cur = undefined;
      return;
    }
    const idle = byId.get(id)!.callFrame.functionName === "(idle)";
    if (idle) {
      if (cur && cur.ms >= min) streaks.push(cur);
      cur = undefined;
      return;
    }
    cur ??= { start: t, ms: 0, ids: [], dts: [] };
    cur.ms += dt;
    cur.ids.push(id);
    cur.dts.push(dt);
  });
  if (cur && cur.ms >= min) streaks.push(cur);
  const overall = new Map<string, number>();
  let stalled = 0;
  console.log(`\nStretches without idle >= ${min} ms: ${streaks.length} (profile ${(t / 1000).toFixed(1)} s)`);
  for (const s of streaks) {
    stalled += s.ms;
    const incl = new Map<string, number>();
    s.ids.forEach((id, i) => {
      const seen = new Set<string>();
      for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) {
        const l = label(byId.get(c)!);
        if (seen.has(l) || l.startsWith("(root)")) continue;
        seen.add(l);
        incl.set(l, (incl.get(l) ?? 0) + s.dts[i]!);
        overall.set(l, (overall.get(l) ?? 0) + s.dts[i]!);
      }
    });
    const heads = [...incl].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(0)}`);
    console.log(`  at ${(s.start / 1000).toFixed(2)} s, ${s.ms.toFixed(0)} ms: ${heads.join(" | ")}`);
  }
  console.log(`\nInclusive time inside those stretches (of ${stalled.toFixed(0)} ms)`);
  for (const [k, v] of [...overall].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${v.toFixed(0).padStart(8)} ms ${((v / stalled) * 100).toFixed(1).padStart(5)}%  ${k}`);
  }
}
if (stallMs !== undefined) stalls(stallMs);
