// `pnpm bench`: Confer's benchmarks, printed as tables. Not part of the test suite.
// `pnpm bench [section|scenario ...]`: sections bundle, trace, append, longlog, fanout, cluster, idle, meetings, minutes (default: all; also
// BENCH_ONLY=...), or fan-out scenario ids (50x10, 1500x500, 200x1, stress), which run the fan-out
// with only those. BENCH_PROF=confer writes CPU profiles of the Confer server children to bench/profiles/.
import os from "node:os";
import { killAllChildren } from "./lib/Child.ts";
import { ms, printTable } from "./lib/format.ts";
import { machineInfo } from "./lib/machine.ts";
import { removeTempDirs } from "./lib/ServerUnderTest.ts";
import { runTraceReplay } from "./benchmarks/traceReplay.ts";
import { runAppendPath } from "./benchmarks/appendPath.ts";
import { runLongLog } from "./benchmarks/longLog.ts";
import { FANOUT_SCENARIOS, runFanout, selectScenarios } from "./benchmarks/fanout.ts";
import { runIdleMemory } from "./benchmarks/idleMemory.ts";
import { runCluster } from "./benchmarks/cluster.ts";
import { runMeetings } from "./benchmarks/meetings.ts";
import { runMinutes } from "./benchmarks/minutes.ts";
import { runBundleSize } from "./benchmarks/bundleSize.ts";
import { printTargets, type RunResults } from "./benchmarks/targets.ts";

const SECTIONS = ["bundle", "trace", "append", "longlog", "fanout", "cluster", "idle", "meetings", "minutes"] as const;
type Section = (typeof SECTIONS)[number];

const args = process.argv.slice(2);
const scenarioArgs = args.filter((a) => FANOUT_SCENARIOS.some((sc) => sc.id === a));
const unknown = args.filter((a) => !scenarioArgs.includes(a) && !(SECTIONS as readonly string[]).includes(a));
if (unknown.length) {
  console.error(`unknown section or scenario: ${unknown.join(", ")}; use ${SECTIONS.join(", ")} or ${FANOUT_SCENARIOS.map((sc) => sc.id).join(", ")}`);
  process.exit(2);
}

function selected(): Set<Section> {
  const named = args.filter((a): a is Section => (SECTIONS as readonly string[]).includes(a));
  if (scenarioArgs.length) named.push("fanout");
  const only = named.length ? named : ((process.env.BENCH_ONLY ?? "").split(",").filter(Boolean) as Section[]);
  return new Set(only.length ? only : SECTIONS);
}

/** Hard cap on the whole run, so a hung server can never keep the bench alive. */
const RUN_TIMEOUT_MS = 45 * 60_000;

function cleanup(): void {
  killAllChildren();
  removeTempDirs();
}

async function main(): Promise<void> {
  const started = performance.now();
  const watchdog = setTimeout(() => {
    console.error(`bench exceeded ${RUN_TIMEOUT_MS / 60_000} minutes; aborting`);
    cleanup();
    process.exit(2);
  }, RUN_TIMEOUT_MS);
  watchdog.unref();

  const m = machineInfo();
  printTable("Machine", ["", "value"], [
    ["CPU", m.cpu],
    ["cores", String(m.cores)],
    ["memory", m.memory],
    ["Node", m.node],
    ["OS", m.os],
    ["temp dir (SQLite data)", m.tmpFs],
    ["fsync of a 512 B write (median)", ms(m.fsyncMs)],
    ["load average at start (1 min)", os.loadavg()[0]!.toFixed(2)],
  ]);

  const sections = selected();
  const results: RunResults = {};
  if (sections.has("bundle")) results.bundle = runBundleSize();
  if (sections.has("trace")) results.traces = await runTraceReplay();
  if (sections.has("append")) await runAppendPath();
  if (sections.has("longlog")) await runLongLog();
  if (sections.has("fanout")) results.fanout = await runFanout(scenarioArgs.length ? selectScenarios(scenarioArgs) : selectScenarios());
  // Several processes on one Redis (and PostgreSQL for Confer); needs a Redis at BENCH_REDIS_URL.
  if (sections.has("cluster")) await runCluster();
  if (sections.has("idle")) results.idle = await runIdleMemory();
  if (sections.has("meetings")) results.meetings = await runMeetings();
  if (sections.has("minutes")) results.minutes = await runMinutes();
  printTargets(results);
  console.log(`\nTotal bench time: ${ms(performance.now() - started)}`);
}

process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});
process.on("SIGTERM", () => {
  cleanup();
  process.exit(143);
});
process.on("exit", () => killAllChildren());

main()
  .then(() => {
    cleanup();
    process.exit(0);
  })
  .catch((err: unknown) => {
    console.error(err);
    cleanup();
    process.exit(1);
  });
