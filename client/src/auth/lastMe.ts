import { Me } from "@confer/shared";

const KEY = "confer:me";

/** The last signed-in person seen on this device, used to open documents while offline. */
export function readLastMe(): Me | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return undefined;
    const parsed = Me.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers (or, with undefined, forgets) the signed-in person on this device. */
export function writeLastMe(me: Me | undefined): void {
  try {
    if (me) localStorage.setItem(KEY, JSON.stringify(me));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage can be full or disabled; offline sign-in memory is a convenience only.
  }
}

/**
 * Whether `userId` is still the person signed in on this device. Late answers (a list, a role, an
 * offline count) check this before writing, so nothing of theirs is written back after a sign-out.
 */
export function isCurrentPerson(userId: string): boolean {
  return readLastMe()?.id === userId;
}
