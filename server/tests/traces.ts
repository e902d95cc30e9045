import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { testDataPath } from "./sharedData.ts";

/** One real editing history from ../shared/data/editing-traces. */
export interface EditingTrace {
  name: string;
  startContent: string;
  endContent: string;
  txns: { patches: [number, number, string][] }[];
}

/** Where the shared editing traces live; throws a readable error naming the path when they are missing. */
export function tracesDir(): string {
  return testDataPath("shared", "data/editing-traces", "the editing traces (data/editing-traces/*.json.gz)");
}

/** Reads every trace in the shared traces folder; an empty folder is an error too, never a silent pass. */
export function loadTraces(): EditingTrace[] {
  const dir = tracesDir();
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json.gz"))
    .sort();
  if (files.length === 0) throw new Error(`Test data missing: ${dir} holds no *.json.gz editing traces. Restore the shared data folder.`);
  return files.map((file) => {
    const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, file))).toString("utf8"));
    return { name: file.replace(/\.json\.gz$/, ""), ...json } as EditingTrace;
  });
}
