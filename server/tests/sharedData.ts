import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root (the folder holding `server/`, `shared/`, `client/`). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Environment variable that points the tests at the `shared` folder when it is not at `../shared`. */
export const SHARED_DIR_ENV = "CONFER_SHARED_DIR";

/**
 * Where the `shared` folder beside the repository may be, in order: `$CONFER_SHARED_DIR`, `../shared`
 * from the repository root, and, in a git worktree, `../shared` beside the main checkout.
 */
export function sharedDirCandidates(env: NodeJS.ProcessEnv = process.env, root: string = REPO_ROOT): string[] {
  if (env[SHARED_DIR_ENV]) return [path.resolve(env[SHARED_DIR_ENV]!)];
  const candidates = [path.resolve(root, "..", "shared")];
  const main = mainCheckoutOf(root);
  if (main) candidates.push(path.resolve(main, "..", "shared"));
  return candidates;
}

/** In a git worktree `.git` is a file `gitdir: <main>/.git/worktrees/<name>`; the main checkout is `<main>`. */
function mainCheckoutOf(root: string): string | undefined {
  try {
    const text = fs.readFileSync(path.join(root, ".git"), "utf8");
    const m = /^gitdir:\s*(.+?)[\\/]\.git[\\/]worktrees[\\/]/m.exec(text);
    return m ? m[1] : undefined;
  } catch {
    return undefined; // a normal checkout (.git is a folder) or none at all
  }
}

/** Thrown when test data is missing; its message names the path and what to do about it. */
export class MissingTestData extends Error {}

/**
 * The absolute path of data the tests read, from inside the repository (`from: "repo"`) or from the
 * `shared` folder beside it (`from: "shared"`). `what` says in words what the data is, for the error.
 * Throws `MissingTestData` with a message a person can act on when it is not there; never skips.
 */
export function testDataPath(from: "repo" | "shared", relative: string, what: string): string {
  if (from === "repo") {
    const p = path.resolve(REPO_ROOT, relative);
    if (fs.existsSync(p)) return p;
    throw new MissingTestData(
      `Test data missing: ${what} should be at ${p} (${relative} inside the repository). ` +
        `Restore it from git (git checkout -- ${relative}).`,
    );
  }
  const tried = sharedDirCandidates().map((dir) => path.join(dir, relative));
  const found = tried.find((p) => fs.existsSync(p));
  if (found) return found;
  throw new MissingTestData(
    `Test data missing: ${what} was not found at ${tried.join(" or ")}. ` +
      `The tests read it from the "shared" folder that sits beside the repository (../shared from its root). ` +
      `Put that folder there, or set ${SHARED_DIR_ENV}=/path/to/shared.`,
  );
}
