import { int, ms, printTable, ratio, spread, spreadMs } from "../lib/format.ts";
import { ServerUnderTest } from "../lib/ServerUnderTest.ts";
import { SERVER_TITLES, type ServerKind } from "../lib/serverKinds.ts";
import { traceFiles } from "../lib/traces.ts";
import type { AppendPathResult } from "./appendPathRun.ts";

/** The engines compared, each with DURABILITY=process and disk: SQLite and PostgreSQL. */
const KINDS: ServerKind[] = ["confer", "confer-pg", "confer-disk", "confer-pg-disk"];
/** Each engine and durability is compared with SQLite at the same durability. */
const BASELINE: Partial<Record<ServerKind, ServerKind>> = { confer: "confer", "confer-pg": "confer", "confer-disk": "confer-disk", "confer-pg-disk": "confer-disk" };
/** Transactions of the trace streamed into one document. */
const STREAM_LIMIT = 20_000;
const DOCS = 100;
const PER_DOC = 50;

/** Rounds per engine (BENCH_REPS overrides): each round runs both scenarios on every engine, the order alternating. */
const ROUNDS = 5;

/** Results per scenario and engine: one per round. */
export type AppendPathResults = Record<string, Partial<Record<ServerKind, AppendPathResult[]>>>;

/**
 * `pnpm bench append`: the update log's append path on each engine, measured inside a real Confer
 * server process (its own DocumentStorage, group commit included; no network). The PostgreSQL runs
 * get a fresh database on 127.0.0.1:5432 (BENCH_PG_URL). All four servers run side by side; each
 * round measures every engine, in reversed order every other round, so that a change of load on a
 * shared machine falls on all of them; the tables give the median round and the spread.
 */
export async function runAppendPath(): Promise<AppendPathResults> {
  const trace = traceFiles().find((f) => f.includes("automerge-paper")) ?? traceFiles()[0]!;
  const rounds = Number(process.env.BENCH_REPS) || ROUNDS;
  const results: AppendPathResults = { stream: {}, docs: {} };
  const servers = new Map<ServerKind, ServerUnderTest>();
  try {
    for (const kind of KINDS) servers.set(kind, await ServerUnderTest.start(kind, { label: `append-${kind}` }));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? KINDS : [...KINDS].reverse();
      for (const kind of order) {
        const server = servers.get(kind)!;
        try {
          const [docId] = await server.newDocs(1, `append stream ${round}`);
          const stream = await server.request<AppendPathResult>("appendPath", { scenario: "stream", docId, trace, limit: STREAM_LIMIT }, 300_000);
          const docIds = await server.newDocs(DOCS, `append docs ${round}`);
          const docs = await server.request<AppendPathResult>("appendPath", { scenario: "docs", docIds, perDoc: PER_DOC }, 300_000);
          (results.stream![kind] ??= []).push(stream);
          (results.docs![kind] ??= []).push(docs);
        } catch (err) {
          console.error(`append path on ${kind} failed:`, err);
        }
      }
      console.error(`append path: round ${round + 1}/${rounds} done`);
    }
  } finally {
    for (const server of servers.values()) await server.stop();
  }
  const titles: Record<string, string> = {
    stream: `Append path: one document, ${int(STREAM_LIMIT)} trace updates, one append each, 200 per turn (${rounds} rounds, order alternating)`,
    docs: `Append path: ${DOCS} documents at once, ${PER_DOC} appends each, each waiting for its acknowledgement (${rounds} rounds, order alternating)`,
  };
  for (const [scenario, byKind] of Object.entries(results)) {
    const cols = KINDS.filter((k) => byKind[k]?.length);
    const total = (k: ServerKind) => median(byKind[k]!.map((r) => r.totalMs));
    const row = (label: string, f: (r: AppendPathResult[]) => string) => [label, ...cols.map((k) => f(byKind[k]!))];
    printTable(titles[scenario]!, ["", ...cols.map((k) => SERVER_TITLES[k])], [
      row("total time: median (min–max)", (rs) => spreadMs(spread(rs.map((r) => r.totalMs)))),
      row("total time of each round", (rs) => rs.map((r) => ms(r.totalMs)).join(" / ")),
      row("appends per second (median round)", (rs) => int((rs[0]!.appends / median(rs.map((r) => r.totalMs))) * 1000)),
      row("group commits (median)", (rs) => int(median(rs.map((r) => r.commits)))),
      row("acknowledgement p50 / p99 (medians)", (rs) => `${ms(median(rs.map((r) => r.p50Ms)))} / ${ms(median(rs.map((r) => r.p99Ms)))}`),
      ["median total time / SQLite's at the same durability (target PostgreSQL ≤ 1.5×)", ...cols.map((k) => {
        const base = BASELINE[k]!;
        return byKind[base]?.length ? ratio(total(k) / total(base)) : "–";
      })],
    ]);
  }
  return results;
}

const median = (xs: number[]) => spread(xs).median;
