import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MissingTestData, sharedDirCandidates, testDataPath } from "./sharedData.ts";
import { tempDir } from "./helpers.ts";

const dirs: string[] = [];
const made = (d: string) => (dirs.push(d), d);
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("test data helper", () => {
  it("finds the shared editing traces the replay test reads", () => {
    const dir = testDataPath("shared", "data/editing-traces", "the editing traces");
    expect(fs.readdirSync(dir).some((f) => f.endsWith(".json.gz"))).toBe(true);
  });

  it("names the missing path and what to do, instead of failing with ENOENT", () => {
    const previous = process.env.CONFER_SHARED_DIR;
    process.env.CONFER_SHARED_DIR = "/nonexistent/shared";
    try {
      expect(() => testDataPath("shared", "data/editing-traces", "the editing traces")).toThrow(MissingTestData);
      expect(() => testDataPath("shared", "data/editing-traces", "the editing traces")).toThrow(
        /the editing traces was not found at \/nonexistent\/shared\/data\/editing-traces.*set CONFER_SHARED_DIR/,
      );
    } finally {
      if (previous === undefined) delete process.env.CONFER_SHARED_DIR;
      else process.env.CONFER_SHARED_DIR = previous;
    }
    expect(() => testDataPath("repo", "server/tests/no-such-fixture.json", "a fixture")).toThrow(/a fixture should be at .*server\/tests\/no-such-fixture\.json/);
    expect(testDataPath("repo", "server/tests/sharedData.ts", "this file")).toMatch(/server\/tests\/sharedData\.ts$/);
  });

  it("looks beside the repository, then beside the main checkout of a git worktree", () => {
    const plain = made(tempDir());
    expect(sharedDirCandidates({}, path.join(plain, "repo"))).toEqual([path.join(plain, "shared")]);
    const worktree = made(tempDir());
    fs.writeFileSync(path.join(worktree, ".git"), "gitdir: /srv/main/.git/worktrees/feature\n");
    expect(sharedDirCandidates({}, worktree)).toEqual([path.resolve(worktree, "..", "shared"), "/srv/shared"]);
    expect(sharedDirCandidates({ CONFER_SHARED_DIR: "/data/s" }, worktree)).toEqual(["/data/s"]);
  });
});
