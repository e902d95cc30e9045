import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import type { DB } from "./store/db.ts";
import type { UserStore } from "./store/users.ts";
import type { DocumentStore } from "./store/documents.ts";
import type { DocumentStorage } from "./store/DocumentStorage.ts";
import type { MemberStore } from "./store/members.ts";
import type { InviteStore } from "./store/invites.ts";
import type { ActivityStore } from "./store/activity.ts";
import type { OrgStore } from "./store/orgs.ts";
import type { Authenticator } from "./auth/session.ts";
import type { CollabServer } from "./collab/CollabServer.ts";
import type { AccountService } from "./accounts/AccountService.ts";
import type { AuthLimits } from "./accounts/limits.ts";
import type { OrgInviteStore } from "./store/orgInvites.ts";
import type { MeetingService } from "./meetings/MeetingService.ts";
import type { MinutesService } from "./minutes/MinutesService.ts";
import type { HealthChecks } from "./http/health.ts";

/** Everything a route or the sync server needs, built once in `createServer`. */
export interface Services {
  config: Config;
  log: Logger;
  db: DB;
  users: UserStore;
  documents: DocumentStore;
  storage: DocumentStorage;
  members: MemberStore;
  invites: InviteStore;
  activity: ActivityStore;
  orgs: OrgStore;
  auth: Authenticator;
  collab: CollabServer;
  accounts: AccountService;
  orgInvites: OrgInviteStore;
  /** Rate limits shared by every route that signs in or creates an account. */
  limits: AuthLimits;
  meetings: MeetingService;
  minutes: MinutesService;
  /** What /healthz checks: register a dependency with `health.register(name, check, opts)`. */
  health: HealthChecks;
}
