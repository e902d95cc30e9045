import { ms, printTable, ratio, bytes } from "../lib/format.ts";
import type { FanoutResults, FanoutScenario } from "./fanout.ts";
import type { IdleMemoryResult } from "./idleMemory.ts";
import type { MeetingsResult } from "./meetings.ts";
import type { MinutesResult } from "./minutes.ts";
import { LIGHT_PAGE_TARGET, type BundleResult } from "./bundleSize.ts";
import type { TraceResult } from "./traceReplay.ts";
import { SERVER_TITLES, type ServerKind } from "../lib/serverKinds.ts";

/** Everything a run measured, for the targets table. */
export interface RunResults {
  traces?: TraceResult[];
  fanout?: { scenario: FanoutScenario; results: FanoutResults }[];
  idle?: Partial<Record<ServerKind, IdleMemoryResult | { error: string }>>;
  meetings?: MeetingsResult;
  minutes?: MinutesResult;
  bundle?: BundleResult;
}

const ok = (met: boolean | undefined) => (met === undefined ? "–" : met ? "met" : "MISSED");

/** Median over runs of the per-run p99. */
function p99(results: FanoutResults, kind: ServerKind): number | undefined {
  const r = results[kind];
  return r && !("error" in r) ? r.p99.median : undefined;
}

/** Prints Confer's targets with the measured value and whether each was met. */
export function printTargets(r: RunResults): void {
  const rows: string[][] = [];
  for (const t of r.traces ?? []) {
    const c = t.servers.confer;
    if (!c || "error" in c) continue;
    const x = c.totalMs / t.floor.ms;
    rows.push([`trace replay ${t.trace} within 2× in-process floor`, `${ratio(x)} (${ms(c.totalMs)} vs ${ms(t.floor.ms)})`, ok(x <= 2)]);
  }
  for (const { scenario, results } of r.fanout ?? []) {
    if (scenario.id === "stress") continue;
    const h = p99(results, "hocuspocus");
    const y = p99(results, "y-websocket-server");
    for (const kind of ["confer", "confer-disk"] as const) {
      const c = p99(results, kind);
      if (c === undefined) continue;
      const who = `${scenario.id}, ${SERVER_TITLES[kind]}`;
      if (h !== undefined) rows.push([`${who}: median p99 better than Hocuspocus`, `${ms(c)} vs ${ms(h)}`, ok(c < h)]);
      if (y !== undefined) rows.push([`${who}: median p99 no worse than @y/websocket-server`, `${ms(c)} vs ${ms(y)}`, ok(c <= y)]);
      if (scenario.docs === 1 && scenario.clients >= 200) rows.push([`${who}: p99 < 100 ms`, ms(c), ok(c < 100)]);
    }
  }
  const idle = r.idle?.confer;
  if (idle && !("error" in idle)) {
    rows.push(["memory per loaded idle small document < 50 kB (no connection)", `${bytes(idle.idle.heap)} heap`, ok(idle.idle.heap < 50_000)]);
    rows.push(["memory per loaded small document < 50 kB (with its idle connection)", `${bytes(idle.connected.heap)} heap`, ok(idle.connected.heap < 50_000)]);
    rows.push(["idle documents unloaded", `${idle.later.loaded} of ${idle.docs} still loaded after ${ms(idle.later.afterMs)}`, ok(idle.later.loaded === 0)]);
  }
  if (r.minutes) {
    const m = r.minutes;
    rows.push([
      "minutes: word error rate with biasing ≤ 10% (flite speech, held-out lines)",
      `${(m.heldOut.biased * 100).toFixed(1)}% (without: ${(m.heldOut.plain * 100).toFixed(1)}%; tuning lines ${(m.tuning.biased * 100).toFixed(1)}%)`,
      ok(m.heldOut.biased <= 0.1),
    ]);
    rows.push(["minutes: speakers 100% right", `${m.speakersRight}/${m.speakersTotal}`, ok(m.speakersTotal > 0 && m.speakersRight === m.speakersTotal)]);
    rows.push(["minutes: 30 min × 4 speakers → minutes < 2 min (projected from the RTF)", `${(m.projected30x4Ms / 1000).toFixed(0)} s`, ok(m.projected30x4Ms < 120_000)]);
  }
  if (r.meetings) {
    rows.push([`Start meeting → live notice on ${r.meetings.pages} pages: p99 < 1 s`, ms(r.meetings.notice.p99), ok(r.meetings.notice.p99 < 1000)]);
    const t = r.meetings.tokenServer;
    rows.push(["token request, server time < 5 ms (median)", `${ms(t.p50)} (p99 ${ms(t.p99)})`, ok(t.p50 < 5)]);
  }
  for (const page of r.bundle?.pages ?? []) {
    if (page.route === "/d/:id") continue;
    const total = page.js + page.css;
    rows.push([`${page.name} page < ${bytes(LIGHT_PAGE_TARGET)} gzipped (JS + CSS)`, bytes(total), ok(total < LIGHT_PAGE_TARGET)]);
  }
  printTable("Targets (Confer)", ["target", "measured", "verdict"], rows);
}
