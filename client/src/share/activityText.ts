import { ROLES, type ActivityEntry, type Role } from "@confer/shared";
import { relativeTime } from "../components/relativeTime.ts";
import { withArticle } from "./roles.ts";

const asRole = (v: unknown): Role | undefined => (ROLES as readonly unknown[]).includes(v) ? (v as Role) : undefined;

/** The link details of an invite_created entry: "(expires in 7 days, up to 5 uses)". */
function linkTerms(detail: Record<string, unknown>, now: number): string {
  const parts: string[] = [];
  if (typeof detail.expiresAt === "string") {
    const when = relativeTime(detail.expiresAt, now);
    if (when) parts.push(Date.parse(detail.expiresAt) > now ? `expires ${when}` : `expired ${when}`);
  }
  if (typeof detail.maxUses === "number") parts.push(`up to ${detail.maxUses} ${detail.maxUses === 1 ? "use" : "uses"}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** One activity entry as a sentence a person reads, e.g. "Alice changed Bob from editor to viewer". */
export function describeActivity(entry: ActivityEntry, now: number = Date.now()): string {
  const actor = entry.actor.name;
  const target = entry.target?.name ?? "someone";
  const role = asRole(entry.detail.role);
  switch (entry.action) {
    case "member_added":
      return `${actor} added ${target}${role ? ` as ${role}` : ""}`;
    case "member_removed":
      return entry.target && entry.target.id === entry.actor.id ? `${actor} left the document` : `${actor} removed ${target}`;
    case "role_changed": {
      const from = asRole(entry.detail.from);
      const to = asRole(entry.detail.to);
      return `${actor} changed ${target}${from ? ` from ${from}` : ""}${to ? ` to ${to}` : ""}`;
    }
    case "invite_created":
      return `${actor} created ${role ? `${withArticle(role)} link` : "an invite link"}${linkTerms(entry.detail, now)}`;
    case "invite_used":
      return `${actor} joined through a link${role ? ` as ${role}` : ""}`;
    case "invite_revoked":
      return `${actor} revoked ${role ? `${withArticle(role)} link` : "an invite link"}`;
    default:
      return assertNever(entry.action);
  }
}

function assertNever(x: never): never {
  throw new Error(`Unknown activity: ${String(x)}`);
}
