import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Config } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { openStorage } from "./store/openStorage.ts";
import { UserStore } from "./store/users.ts";
import { SessionStore } from "./store/sessions.ts";
import { DocumentStore } from "./store/documents.ts";
import { MemberStore } from "./store/members.ts";
import { InviteStore } from "./store/invites.ts";
import { ActivityStore } from "./store/activity.ts";
import { OrgStore } from "./store/orgs.ts";
import { memberRoutes } from "./routes/members/index.ts";
import { inviteRoutes } from "./routes/invites/index.ts";
import { orgRoutes } from "./routes/orgs/index.ts";
import { Authenticator } from "./auth/session.ts";
import { CollabServer } from "./collab/CollabServer.ts";
import { errorHandler, notFound } from "./errors.ts";
import { originCheck } from "./http/origin.ts";
import { securityHeaders } from "./http/securityHeaders.ts";
import { requestLog } from "./http/requestLog.ts";
import { authRoutes } from "./routes/auth/index.ts";
import { docRoutes } from "./routes/docs/index.ts";
import type { Services } from "./services.ts";
import { AccountService } from "./accounts/AccountService.ts";
import { createAuthLimits } from "./accounts/limits.ts";
import { Mailer } from "./mail/Mailer.ts";
import { EmailVerificationStore } from "./store/emailVerifications.ts";
import { OrgInviteStore } from "./store/orgInvites.ts";
import { orgInviteRoutes } from "./routes/orgInvites/index.ts";
import { MeetingService } from "./meetings/MeetingService.ts";
import { liveKitHttpOrigin } from "./meetings/rooms.ts";
import { meetingRoutes } from "./routes/meetings/index.ts";
import { meetingWebhookRoutes } from "./routes/meetings/webhook.ts";
import { MinutesService } from "./minutes/MinutesService.ts";
import { minutesRoutes } from "./routes/minutes/index.ts";
import { observability } from "./http/observability.ts";
import { RedisCluster } from "./scale/RedisCluster.ts";

/** How often expired sign-in sessions are deleted (also once at start-up). */
const SESSION_PURGE_MS = 60 * 60_000;

/** A running Confer server. */
export interface ConferServer {
  url: string;
  port: number;
  services: Services;
  /** The METRICS_PORT listener's port, when configured. */
  metricsPort: number | undefined;
  /** Graceful shutdown: stops accepting, flushes every document, closes the database. */
  close(): Promise<void>;
}

/** Builds and starts the server: REST API, sync endpoint and (when built) the client, on one port. */
export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<ConferServer> {
  // SQLite under DATA_DIR, or PostgreSQL with DATABASE_URL (issue 10).
  const { db, storage } = await openStorage(config, log);
  const users = new UserStore(db);
  const documents = new DocumentStore(db);
  const sessions = new SessionStore(db, config.sessionDays);
  await sessions.purgeExpired();
  const stopPurging = sessions.purgeEvery(SESSION_PURGE_MS, (err) => log.warn({ err }, "purging expired sessions failed"));
  const auth = new Authenticator(sessions, users);
  // Several processes (REDIS_URL): rooms, access changes and notices cross processes through Redis.
  const cluster = config.redis && new RedisCluster(config.redis, log);
  await cluster?.started();
  const collab = new CollabServer({ config, log, auth, documents, storage, cluster });
  const mailer = config.smtp && new Mailer(config.smtp.url, config.smtp.from);
  const meetings = new MeetingService({ settings: config.livekit, log, db, documents, users, collab });
  // /healthz and /metrics; other parts register their own checks on services.health.
  const ops = observability({ config, log, db, storage, collab, livekit: () => meetings.livekit, cluster: cluster || undefined });
  const accounts = new AccountService({ users, verifications: new EmailVerificationStore(db), mailer, publicUrl: config.publicUrl, log });
  const services: Services = {
    config,
    log,
    db,
    users,
    documents,
    storage,
    members: new MemberStore(db),
    invites: new InviteStore(db),
    activity: new ActivityStore(db),
    orgs: new OrgStore(db),
    auth,
    collab,
    accounts,
    orgInvites: new OrgInviteStore(db),
    limits: createAuthLimits(config.signupsPerHour),
    meetings,
    minutes: new MinutesService({ config, log, db, meetings, collab, documents, users }),
    health: ops.health,
  };

  await services.meetings.init();
  await services.minutes.init();

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.use(securityHeaders(config.publicUrl, liveKitHttpOrigin(config.livekit.url)));
  app.use(ops.routes);

  app.use("/api", (_req, res, next) => {
    storage.beginRequest().then((end) => {
      res.once("finish", end);
      res.once("close", end);
      next();
    }, next);
  });
  // LiveKit's webhooks carry a raw, signed body: mounted before the API's JSON parser.
  app.use(meetingWebhookRoutes(services));
  const api = express.Router();
  api.use(requestLog(log));
  api.use(express.json({ limit: "100kb" }));
  api.use(originCheck(config.publicUrl));
  api.use(auth.middleware());
  api.use((_req, res, next) => {
    res.set("Cache-Control", "no-store");
    next();
  });
  api.use(authRoutes(services));
  api.use(docRoutes(services));
  api.use(memberRoutes(services));
  api.use(inviteRoutes(services));
  api.use(orgRoutes(services));
  api.use(orgInviteRoutes(services));
  api.use(meetingRoutes(services));
  api.use(minutesRoutes(services));
  api.use((_req, _res, next) => next(notFound("No such API endpoint.")));
  app.use("/api", api);

  if (config.clientDist && fs.existsSync(path.join(config.clientDist, "index.html"))) {
    const dist = config.clientDist;
    app.use(express.static(dist, { index: false, maxAge: "1h", setHeaders: noCacheForShell }));
    // Client-side routes all load the app shell.
    app.get(/^\/(?!api\/|collab\/).*/, (_req, res) => {
      res.set("Cache-Control", "no-cache");
      res.sendFile(path.join(dist, "index.html"));
    });
  }
  app.use(errorHandler(log));

  const server = http.createServer(app);
  server.on("upgrade", (req, socket, head) => {
    const secure = config.publicUrl?.startsWith("https:") ?? false;
    collab.handleUpgrade(req, socket, head, secure);
  });
  server.on("clientError", (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  log.info({ url, dataDir: config.dataDir }, "Confer is listening");
  const metricsPort = await ops.listen();
  services.meetings.startReconciling();
  await services.minutes.start();

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    services,
    metricsPort,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        services.meetings.stop();
        await services.minutes.stop();
        stopPurging();
        await collab.close();
        await cluster?.close();
        server.closeAllConnections();
        await stopped;
        await ops.close();
        await storage.close();
        mailer?.close();
        await db.destroy();
        log.info("Confer stopped");
      })()),
  };
}

function noCacheForShell(res: http.ServerResponse, file: string): void {
  if (file.endsWith("index.html") || file.endsWith("sw.js")) res.setHeader("Cache-Control", "no-cache");
}
