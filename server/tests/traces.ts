import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

/** One real editing history from ../shared/data/editing-traces. */
export interface EditingTrace {
  name: string;
  startContent: string;
  endContent: string;
  txns: { patches: [number, number, string][] }[];
}

/** Where the shared editing traces live, from the repository root. */
export const TRACES_DIR = fileURLToPath(new URL("../../../shared/data/editing-traces", import.meta.url));

/** Reads every trace in the shared traces folder. */
export function loadTraces(): EditingTrace[] {
  return fs
    .readdirSync(TRACES_DIR)
    .filter((f) => f.endsWith(".json.gz"))
    .sort()
    .map((file) => {
      const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(TRACES_DIR, file))).toString("utf8"));
      return { name: file.replace(/\.json\.gz$/, ""), ...json } as EditingTrace;
    });
}
