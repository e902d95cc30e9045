import type { ActivityAction, ActivityEntry } from "@confer/shared";
import type { DB } from "./db.ts";
import { now } from "./db.ts";

/** One thing that happened to a document's membership. */
export interface ActivityInput {
  docId: string;
  actorId: string;
  action: ActivityAction;
  targetUserId?: string | null;
  inviteId?: string | null;
  detail?: Record<string, unknown>;
}

/** The per-document activity log: who added, removed or changed whom, and what happened to links. */
export class ActivityStore {
  constructor(private readonly db: DB) {}

  async record(entry: ActivityInput): Promise<void> {
    await this.db
      .insertInto("activity")
      .values({
        doc_id: entry.docId,
        actor_id: entry.actorId,
        action: entry.action,
        target_user_id: entry.targetUserId ?? null,
        invite_id: entry.inviteId ?? null,
        detail: JSON.stringify(entry.detail ?? {}),
        created_at: now(),
      })
      .execute();
  }

  /** Newest first. */
  async list(docId: string, limit = 200): Promise<ActivityEntry[]> {
    const rows = await this.db
      .selectFrom("activity as a")
      .innerJoin("users as actor", "actor.id", "a.actor_id")
      .leftJoin("users as target", "target.id", "a.target_user_id")
      .select(["a.id", "a.action", "a.actor_id", "actor.name as actor_name", "a.target_user_id", "target.name as target_name", "a.invite_id", "a.detail", "a.created_at"])
      .where("a.doc_id", "=", docId)
      .orderBy("a.id", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      action: r.action as ActivityAction,
      actor: { id: r.actor_id, name: r.actor_name },
      target: r.target_user_id ? { id: r.target_user_id, name: r.target_name ?? "" } : null,
      inviteId: r.invite_id,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      at: r.created_at,
    }));
  }
}
