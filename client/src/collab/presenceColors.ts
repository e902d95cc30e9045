import type { Awareness } from "y-protocols/awareness";

/** Colours for people in a document: distinct hues that read with white or near-black text. */
export const PRESENCE_PALETTE = [
  "#e5484d", // red
  "#0090ff", // blue
  "#30a46c", // green
  "#8e4ec6", // purple
  "#f76b15", // orange
  "#12a594", // teal
  "#d6409f", // pink
  "#3e63dd", // indigo
  "#ad7f58", // brown
  "#e2a336", // amber
] as const;

/** FNV-1a: a small stable hash, so a person's preferred colour is the same in every browser. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Gives each person present a colour, different from everyone else's while there are colours left.
 * Everyone computes it from the same set of people, in the same order (by id), so every browser
 * shows the same person in the same colour. Each person starts from a colour of their own (by
 * hash), so colours move only when two people would clash.
 */
export function assignColors(personIds: Iterable<string>): Map<string, string> {
  const ids = [...new Set(personIds)].sort();
  const taken = new Set<number>();
  const colors = new Map<string, string>();
  for (const id of ids) {
    const start = hash(id) % PRESENCE_PALETTE.length;
    let index = start;
    for (let step = 0; step < PRESENCE_PALETTE.length && taken.has(index); step++) index = (start + step + 1) % PRESENCE_PALETTE.length;
    if (taken.size >= PRESENCE_PALETTE.length) index = start; // more people than colours: repeats are unavoidable
    taken.add(index);
    colors.set(id, PRESENCE_PALETTE[index]!);
  }
  return colors;
}

/** The person id in an awareness state (`user.id`, stamped by the server), or a per-connection stand-in. */
export function personIdOf(clientId: number, state: unknown): string {
  const id = (state as { user?: { id?: unknown } } | null)?.user?.id;
  return typeof id === "string" && id ? id : `client:${clientId}`;
}

/** The colours of everyone present in `awareness` right now, by person id. */
export function presenceColors(awareness: Awareness): Map<string, string> {
  const ids: string[] = [];
  for (const [clientId, state] of awareness.getStates()) if ((state as { user?: unknown }).user) ids.push(personIdOf(clientId, state));
  return assignColors(ids);
}
