import { spawn } from "node:child_process";
import fs from "node:fs";
import { TranscriptionError } from "./types.ts";

/** Most bytes of a helper program's stderr kept for an error message. */
const MAX_STDERR = 4096;

/** How to run a helper program. */
export interface RunOptions {
  /** Killed after this long. */
  timeoutMs: number;
  /** Called with each complete line of stdout as it comes. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Runs a program (no shell), streaming its stdout by line; rejects with a TranscriptionError naming
 * the program when it cannot start, fails, or runs past its time.
 */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], signal: opts.signal });
    let stderr = "";
    let rest = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) opts.onLine?.(line);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr = (stderr + chunk).slice(-MAX_STDERR);
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new TranscriptionError(`${cmd} could not run: ${err.message}`));
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      if (rest) opts.onLine?.(rest);
      if (code === 0) return resolve();
      const last = stderr.trim().split("\n").slice(-2).join(" ").slice(0, 300);
      reject(new TranscriptionError(sig ? `${cmd} was stopped (${sig})` : `${cmd} failed (exit ${code})${last ? `: ${last}` : ""}`));
    });
  });
}

/** Whether a program is installed (an executable of that name on PATH, or an absolute path). */
export function installed(cmd: string): boolean {
  const dirs = cmd.includes("/") ? [""] : (process.env.PATH ?? "").split(":");
  return dirs.some((d) => {
    try {
      fs.accessSync(d ? `${d}/${cmd}` : cmd, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
