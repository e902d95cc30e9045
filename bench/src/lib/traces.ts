import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import * as Y from "yjs";

/** Where the shared editing traces live. */
export const TRACE_DIR = "/work/shared/data/editing-traces";

/** One patch: delete `del` characters at `pos`, then insert `ins` there. */
export type Patch = [pos: number, del: number, ins: string];

/** A real-world editing history (josephg/editing-traces format). */
export interface Trace {
  name: string;
  file: string;
  startContent: string;
  endContent: string;
  txns: { patches: Patch[] }[];
}

/** The trace files, sorted by name (only those named in BENCH_TRACES=a,b when set). */
export function traceFiles(): string[] {
  const only = (process.env.BENCH_TRACES ?? "").split(",").filter(Boolean);
  return fs
    .readdirSync(TRACE_DIR)
    .filter((f) => f.endsWith(".json.gz") && (only.length === 0 || only.includes(f.replace(/\.json\.gz$/, ""))))
    .sort()
    .map((f) => path.join(TRACE_DIR, f));
}

/** Reads and parses one gzipped trace. */
export function readTrace(file: string): Trace {
  const parsed = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString("utf8")) as Omit<Trace, "name" | "file">;
  return { ...parsed, name: path.basename(file, ".json.gz"), file };
}

/** Applies one transaction's patches to a Y.Text (call inside a transaction). */
export function applyPatches(text: Y.Text, patches: Patch[]): void {
  for (const [pos, del, ins] of patches) {
    if (del > 0) text.delete(pos, del);
    if (ins) text.insert(pos, ins);
  }
}
