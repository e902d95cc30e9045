import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Plugin } from "vite";

/** One entry of Vite's build manifest (`build.manifest`). */
interface ManifestChunk {
  file: string;
  css?: string[];
  assets?: string[];
}

const PLACEHOLDER = /\/\* confer:build \*\/ \{ version: "dev", precache: \[\] \}/;

/** Every file the built app can load: entry and lazy chunks, their CSS and assets. */
export function buildFiles(manifest: Record<string, ManifestChunk>): string[] {
  const files = new Set<string>();
  for (const chunk of Object.values(manifest)) {
    files.add(chunk.file);
    for (const f of chunk.css ?? []) files.add(f);
    for (const f of chunk.assets ?? []) files.add(f);
  }
  return [...files].map((f) => `/${f}`).sort();
}

/** The service worker source with this build's version and precache list written in. */
export function fillServiceWorker(template: string, build: { version: string; precache: string[] }): string {
  if (!PLACEHOLDER.test(template)) throw new Error("The service worker source has lost its build placeholder.");
  return template.replace(PLACEHOLDER, () => JSON.stringify(build));
}

/**
 * Writes `dist/sw.js` from `src/pwa/sw.js` after the build, with the precache list taken from the
 * manifest and a version derived from it: a new build is a new service worker, whose cache replaces
 * the old one's.
 */
export function serviceWorker(source: string): Plugin {
  let outDir = "dist";
  return {
    name: "confer-service-worker",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle: {
      sequential: true,
      order: "post",
      handler() {
        const manifestPath = path.join(outDir, ".vite", "manifest.json");
        const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as Record<string, ManifestChunk>;
        const template = fs.readFileSync(source, "utf8");
        const precache = ["/index.html", "/favicon.svg", ...buildFiles(manifest)];
        const version = createHash("sha256")
          .update(JSON.stringify(precache))
          .update(template)
          .update(fs.readFileSync(path.join(outDir, "index.html")))
          .digest("hex")
          .slice(0, 12);
        fs.writeFileSync(path.join(outDir, "sw.js"), fillServiceWorker(template, { version, precache }));
      },
    },
  };
}
