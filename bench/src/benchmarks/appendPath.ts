import { int, ms, printTable, ratio } from "../lib/format.ts";
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

/** Results per scenario and engine. */
export type AppendPathResults = Record<string, Partial<Record<ServerKind, AppendPathResult>>>;

/**
 * `pnpm bench append`: the update log's append path on each engine, measured inside a real Confer
 * server process (its own DocumentStorage, group commit included; no network). The PostgreSQL run
 * gets a fresh database on 127.0.0.1:5432 (BENCH_PG_URL).
 */
export async function runAppendPath(): Promise<AppendPathResults> {
  const trace = traceFiles().find((f) => f.includes("automerge-paper")) ?? traceFiles()[0]!;
  const results: AppendPathResults = { stream: {}, docs: {} };
  for (const kind of KINDS) {
    const server = await ServerUnderTest.start(kind, { label: `append-${kind}` });
    try {
      const [docId] = await server.newDocs(1, "append stream");
      results.stream![kind] = await server.request<AppendPathResult>("appendPath", { scenario: "stream", docId, trace, limit: STREAM_LIMIT }, 300_000);
      const docIds = await server.newDocs(DOCS, "append docs");
      results.docs![kind] = await server.request<AppendPathResult>("appendPath", { scenario: "docs", docIds, perDoc: PER_DOC }, 300_000);
    } catch (err) {
      console.error(`append path on ${kind} failed:`, err);
    } finally {
      await server.stop();
    }
  }
  const titles: Record<string, string> = {
    stream: `Append path: one document, ${int(STREAM_LIMIT)} trace updates, one append each, 200 per turn`,
    docs: `Append path: ${DOCS} documents at once, ${PER_DOC} appends each, each waiting for its acknowledgement`,
  };
  for (const [scenario, byKind] of Object.entries(results)) {
    const cols = KINDS.filter((k) => byKind[k]);
    const row = (label: string, f: (r: AppendPathResult) => string) => [label, ...cols.map((k) => f(byKind[k]!))];
    printTable(titles[scenario]!, ["", ...cols.map((k) => SERVER_TITLES[k])], [
      row("total time", (r) => ms(r.totalMs)),
      row("appends per second", (r) => int((r.appends / r.totalMs) * 1000)),
      row("group commits", (r) => int(r.commits)),
      row("acknowledgement p50 / p99 / max", (r) => `${ms(r.p50Ms)} / ${ms(r.p99Ms)} / ${ms(r.maxMs)}`),
      ["total time / SQLite at the same durability (target PostgreSQL ≤ 1.5×)", ...cols.map((k) => {
        const base = byKind[BASELINE[k]!];
        return base ? ratio(byKind[k]!.totalMs / base.totalMs) : "–";
      })],
    ]);
  }
  return results;
}
