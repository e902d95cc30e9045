import type { Speaker } from "@confer/shared";
import type { AttendanceRow } from "../../store/meetings.ts";

/** One person who attended, with their stays folded together. */
export interface Attendee {
  userId: string;
  name: string;
  company: string;
  external: boolean;
  /** First join and last leave (null while still there), ISO. */
  joinedAt: string;
  leftAt: string | null;
}

/** Folds the attendance timeline (one row per stay) into one entry per person, in joining order. */
export function attendeesOf(stays: AttendanceRow[]): Attendee[] {
  const byUser = new Map<string, Attendee>();
  for (const s of stays) {
    const a = byUser.get(s.userId);
    if (!a) {
      byUser.set(s.userId, { userId: s.userId, name: s.name, company: s.company, external: s.external, joinedAt: s.joinedAt, leftAt: s.leftAt });
      continue;
    }
    if (s.joinedAt < a.joinedAt) a.joinedAt = s.joinedAt;
    if (a.leftAt !== null) a.leftAt = s.leftAt === null ? null : s.leftAt > a.leftAt ? s.leftAt : a.leftAt;
  }
  return [...byUser.values()].sort((x, y) => x.joinedAt.localeCompare(y.joinedAt) || x.name.localeCompare(y.name));
}

const lower = (s: string) => s.toLowerCase().replace(/[^a-z' ]/g, "").trim();

/**
 * Finds the attendee a spoken name refers to: a full name, or a first or last name only one attendee
 * has. An unknown or ambiguous name is nobody (never the wrong person).
 */
export function matchAttendee(spoken: string, attendees: Pick<Attendee, "userId" | "name">[]): Speaker | null {
  const said = lower(spoken);
  if (!said) return null;
  const full = attendees.filter((a) => lower(a.name) === said);
  if (full.length === 1) return { userId: full[0]!.userId, name: full[0]!.name };
  if (full.length > 1) return null;
  const parts = attendees.filter((a) => lower(a.name).split(/\s+/).includes(said));
  return parts.length === 1 ? { userId: parts[0]!.userId, name: parts[0]!.name } : null;
}

/** Every single word that names an attendee (first names, last names), for the cue rules. */
export function nameWords(attendees: Pick<Attendee, "name">[]): Set<string> {
  return new Set(attendees.flatMap((a) => lower(a.name).split(/\s+/)).filter((w) => w.length > 1));
}

/** What a person is called in an action item: their first name when no other attendee shares it. */
export function shortName(person: Speaker, attendees: Pick<Attendee, "name">[]): string {
  const first = person.name.trim().split(/\s+/)[0] ?? person.name;
  const same = attendees.filter((a) => a.name.trim().split(/\s+/)[0]?.toLowerCase() === first.toLowerCase());
  return same.length <= 1 ? first : person.name;
}
