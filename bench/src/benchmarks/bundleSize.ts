// What the browser downloads to show each page: builds the client, then follows Vite's manifest
// from the entry (and, for a lazily loaded page, from its chunk) through static imports, and sums
// the gzipped JS and CSS. Dynamic imports are not followed: they load only when a page needs them.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { bytes, printTable } from "../lib/format.ts";

const clientDir = fileURLToPath(new URL("../../../client", import.meta.url));
const dist = path.join(clientDir, "dist");

/**
 * Before route splitting (commit ae04f3c): every page loaded one script and one stylesheet
 * (727.7 kB + 21.2 kB raw). Gzipped as this module measures (zlib, default level) on that commit's
 * build: 220.5 kB + 5.2 kB; Vite's build report said 222.85 kB + 5.18 kB (the "223 kB").
 */
export const SINGLE_BUNDLE_GZIP = { js: 220_542, css: 5_160 };
/** The same, as Vite's build report gave it. */
const SINGLE_BUNDLE_VITE_REPORT = { js: 222_850, css: 5_180 };

/** The size target for the pages a person sees before opening a document. */
export const LIGHT_PAGE_TARGET = 130_000;

/** Pages measured: the route, and the source file of its page component. */
const ROUTES = [
  { route: "/login", name: "sign-in", page: "src/pages/LoginPage.tsx" },
  { route: "/", name: "documents list", page: "src/pages/DocsPage.tsx" },
  { route: "/d/:id", name: "document", page: "src/pages/DocPage.tsx" },
] as const;

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
  isEntry?: boolean;
  isDynamicEntry?: boolean;
}
type Manifest = Record<string, ManifestChunk>;

/** One page's download, gzipped. */
export interface PageWeight {
  route: string;
  name: string;
  js: number;
  css: number;
  files: number;
}

/** The result of the bundle section. */
export interface BundleResult {
  pages: PageWeight[];
  /** Everything the service worker stores at install (all chunks), gzipped. */
  allFiles: number;
}

/** Files loaded for `keys` (manifest keys) and everything they import statically. */
export function filesFor(manifest: Manifest, keys: string[]): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(key)) return;
    seen.add(key);
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  keys.forEach(visit);
  return files;
}

const gzipped = (file: string) => gzipSync(fs.readFileSync(path.join(dist, file))).length;

function weigh(files: Iterable<string>): { js: number; css: number; files: number } {
  let js = 0;
  let css = 0;
  let n = 0;
  for (const f of files) {
    n++;
    if (f.endsWith(".css")) css += gzipped(f);
    else if (f.endsWith(".js")) js += gzipped(f);
  }
  return { js, css, files: n };
}

function build(): void {
  const run = spawnSync("pnpm", ["--filter", "@confer/client", "build"], { cwd: clientDir, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`client build failed:\n${run.stdout}\n${run.stderr}`);
}

/** Builds the client and prints what each page downloads, beside the single bundle of before. */
export function runBundleSize(): BundleResult {
  build();
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, ".vite", "manifest.json"), "utf8")) as Manifest;
  const entries = Object.keys(manifest).filter((k) => manifest[k]!.isEntry);
  const pages = ROUTES.map(({ route, name, page }) => {
    // A page in its own chunk (React.lazy) adds that chunk's graph; otherwise it is in the entry.
    const keys = manifest[page]?.isDynamicEntry ? [...entries, page] : entries;
    return { route, name, ...weigh(filesFor(manifest, keys)) };
  });
  const all = new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]));
  const allFiles = weigh(all);
  const before = SINGLE_BUNDLE_GZIP.js + SINGLE_BUNDLE_GZIP.css;
  printTable(
    "Page weight (gzipped JS + CSS a first visit downloads)",
    ["page", "files", "JS", "CSS", "total now", "before (one bundle)", "change"],
    pages.map((p) => [
      `${p.name} (${p.route})`,
      String(p.files),
      bytes(p.js),
      bytes(p.css),
      bytes(p.js + p.css),
      bytes(before),
      `${(((p.js + p.css - before) / before) * 100).toFixed(0)}%`,
    ]),
    [
      `Before (commit ae04f3c): one script of ${bytes(SINGLE_BUNDLE_GZIP.js)} and a stylesheet of ${bytes(SINGLE_BUNDLE_GZIP.css)} gzipped on every page, measured the same way (Vite's report: ${bytes(SINGLE_BUNDLE_VITE_REPORT.js)} + ${bytes(SINGLE_BUNDLE_VITE_REPORT.css)}).`,
      `All files of the build (what the service worker stores at install): ${bytes(allFiles.js + allFiles.css)} gzipped in ${allFiles.files} files.`,
    ],
  );
  return { pages, allFiles: allFiles.js + allFiles.css };
}
