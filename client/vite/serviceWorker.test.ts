import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { buildFiles, fillServiceWorker } from "./serviceWorker.ts";

const source = fs.readFileSync(new URL("../src/pwa/sw.js", import.meta.url), "utf8");

describe("service worker build", () => {
  it("precaches every chunk of the manifest, lazy ones and their CSS included, once each", () => {
    const files = buildFiles({
      "index.html": { file: "assets/index-a.js", css: ["assets/index-a.css"] },
      "src/pages/DocPage.tsx": { file: "assets/DocPage-b.js", css: ["assets/DocPage-b.css"], assets: ["assets/font-c.woff2"] },
      _shared: { file: "assets/shared-d.js", css: ["assets/index-a.css"] },
    });
    expect(files).toEqual([
      "/assets/DocPage-b.css",
      "/assets/DocPage-b.js",
      "/assets/font-c.woff2",
      "/assets/index-a.css",
      "/assets/index-a.js",
      "/assets/shared-d.js",
    ]);
  });

  it("writes the version and the list into the real source, which stays valid JavaScript", () => {
    const out = fillServiceWorker(source, { version: "abc123", precache: ["/index.html", "/assets/x.js"] });
    expect(out).toContain('const BUILD = {"version":"abc123","precache":["/index.html","/assets/x.js"]};');
    expect(() => new Function(out)).not.toThrow();
  });

  it("refuses a source that lost its placeholder instead of shipping a worker without a precache list", () => {
    expect(() => fillServiceWorker(source.replace("/* confer:build */", ""), { version: "v", precache: [] })).toThrow(/placeholder/);
  });
});
