// `pnpm bench`: Confer's benchmarks, printed as tables. Not part of the test suite.
// Select sections with BENCH_ONLY=bundle,trace,longlog,fanout,idle (default: all); BENCH_PROF=confer
// writes CPU profiles of the Confer server children to bench/profiles/.
import os from "node:os";
import { killAllChildren } from "./lib/Child.ts";
import { ms, printTable } from "./lib/format.ts";
import { machineInfo } from "./lib/machine.ts";
import { removeTempDirs } from "./lib/ServerUnderTest.ts";
import { runTraceReplay } from "./benchmarks/traceReplay.ts";
import { runLongLog } from "./benchmarks/longLog.ts";
import { runFanout } from "./benchmarks/fanout.ts";
import { runIdleMemory } from "./benchmarks/idleMemory.ts";
import { runBundleSize } from "./benchmarks/bundleSize.ts";
import { printTargets, type RunResults } from "./benchmarks/targets.ts";

const SECTIONS = ["bundle", "trace", "longlog", "fanout", "idle"] as const;
type Section = (typeof SECTIONS)[number];

function selected(): Set<Section> {
  const only = (process.env.BENCH_ONLY ?? "").split(",").filter(Boolean);
  return new Set(only.length ? (only as Section[]) : SECTIONS);
}

/** Hard cap on the whole run, so a hung server can never keep the bench alive. */
const RUN_TIMEOUT_MS = 15 * 60_000;

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
  if (sections.has("longlog")) await runLongLog();
  if (sections.has("fanout")) results.fanout = await runFanout();
  if (sections.has("idle")) results.idle = await runIdleMemory();
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
