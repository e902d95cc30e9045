import fs from "node:fs";

/**
 * Who made a scratch directory, as far as another process on the same machine can check it: the
 * boot and the pid namespace (so a pid means the same process to both), the pid, and the process'
 * start time (so a pid the system has given to a new process since is not taken for the owner).
 */
export interface ScratchOwner {
  /** `<boot id>/<pid namespace>`: pids compare only within one. */
  space: string;
  pid: number;
  /** The process' start, in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  start: string;
}

/** This process as a scratch directory's owner; undefined where /proc does not tell (not Linux). */
export function thisProcess(): ScratchOwner | undefined {
  try {
    const boot = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const ns = fs.readlinkSync("/proc/self/ns/pid");
    const start = startOf(process.pid);
    return start ? { space: `${boot}/${ns}`, pid: process.pid, start } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `owner` lives: "gone" when it ran where `me` runs (same boot, same pid namespace) and its
 * pid is now free or another process'; "alive" when its pid is still that process; "unknown" when it
 * ran elsewhere (another host or container sharing DATA_DIR): then only its mark's age tells.
 */
export function ownerState(owner: ScratchOwner, me: ScratchOwner | undefined): "gone" | "alive" | "unknown" {
  if (!me || owner.space !== me.space) return "unknown";
  const start = startOf(owner.pid);
  if (start !== undefined) return start === owner.start ? "alive" : "gone";
  // /proc may hide other users' processes (hidepid): only a pid that surely is free means gone.
  return pidExists(owner.pid) ? "unknown" : "gone";
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Reads an owner written by `JSON.stringify`; undefined for anything else. */
export function parseOwner(text: string): ScratchOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<ScratchOwner> | null;
    if (o && typeof o.space === "string" && Number.isSafeInteger(o.pid) && typeof o.start === "string") return { space: o.space, pid: o.pid!, start: o.start };
  } catch {
    // not an owner
  }
  return undefined;
}

/** The start time of process `pid`, undefined when there is none. */
function startOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: fields are counted after it.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}
