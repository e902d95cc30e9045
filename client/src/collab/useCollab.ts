import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { IndexeddbPersistence } from "y-indexeddb";
import { closeEventFor, CloseCodes, NOTICE_MESSAGE, readNotice, roleRank, SCHEMA_VERSION, SCHEMA_VERSION_PARAM, type CloseEvent, type Me, type MeetingNotice, type MinutesNotice, type Role } from "@confer/shared";
import { onTabMessage } from "../auth/tabChannel.ts";
import { forgetDocMeta, lastKnownRole, rememberRole } from "../pwa/lastKnownDocs.ts";
import { describeConnection, type ConnectionStatus } from "./status.ts";
import { readUnsynced, writeUnsynced } from "./unsynced.ts";
import { forgetLocalCopy, localCopyName, registerLocalCopy } from "./localCopies.ts";
import { checkRefusal } from "./refusal.ts";

/** After this long without a connection we say "Offline" instead of "Reconnecting…". */
const OFFLINE_AFTER_MS = 4000;

/** At most one "why could the socket not open?" question to the REST API per this long. */
const CHECK_REFUSAL_EVERY_MS = 5000;

/** Closes after which this device must not keep its copy of the document. */
const FORGET_ON: readonly number[] = [CloseCodes.Forbidden.code, CloseCodes.AccessRevoked.code, CloseCodes.NotFound.code];

/** Shown when another tab removed this document's copy from the device (signed out or deleted it there). */
export const COPY_REMOVED: CloseEvent = {
  code: 0,
  reason: "This document was closed here because another tab removed its copy from this device.",
  final: true,
};

/** The live parts of an open document. */
export interface CollabSession {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  persistence: IndexeddbPersistence;
  /** Listens to the meeting and minutes notices the server sends on this socket, until the returned function is called. */
  onMeetingNotice(listener: (notice: MeetingNotice | MinutesNotice) => void): () => void;
}

/** This person's role in the open document, and where we learnt it. */
export interface KnownRole {
  role: Role;
  /** Whether the server treats this role as read-only (its updates are dropped). */
  readOnly: boolean;
  /** `live`: the sync socket said so; `server`: the REST API did; `last-known`: remembered on this device. */
  source: "live" | "server" | "last-known";
}

/** What the document page shows about syncing. */
export interface CollabState {
  session: CollabSession | undefined;
  status: ConnectionStatus;
  /** A close that stopped syncing for good (no access, deleted, signed out); its reason is shown as a banner. */
  finalClose: CloseEvent | undefined;
  /** A passing close reason worth showing while we reconnect (e.g. "The server is restarting."). */
  transientReason: string | undefined;
  /** Whether this device's copy has been loaded from IndexedDB. */
  localLoaded: boolean;
  /** The role and read-only state the sync server last announced, live (e.g. after a role change). */
  access: { role: Role; readOnly: boolean; outdated?: boolean } | undefined;
  /** The title as last announced by the server (someone renamed the document while it was open). */
  liveTitle: string | undefined;
  /** The person's role as best known now (live, from the server, or last seen on this device). */
  role: KnownRole | undefined;
  /**
   * Whether the role is known at all. Until it is (offline, never opened here before), the editor
   * must be read-only: a viewer's offline edits would be dropped by the server and their copy would
   * differ from everyone's for good.
   */
  roleKnown: boolean;
  /** Whether the person may type: role known and not read-only, and syncing has not stopped for good. */
  canEdit: boolean;
}

/** The WebSocket origin of this page: ws://host or wss://host. */
export function wsOrigin(): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
}

const isReadOnlyRole = (role: Role) => roleRank(role) < roleRank("editor");

/**
 * Holds the session that is open now. The session's parts live outside React (a socket, an
 * IndexedDB connection): the effect that opens and closes them publishes it here, and the
 * component reads it with useSyncExternalStore.
 */
class SessionStore {
  private session: CollabSession | undefined;
  private readonly listeners = new Set<() => void>();

  readonly get = (): CollabSession | undefined => this.session;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  set(session: CollabSession | undefined): void {
    this.session = session;
    for (const listener of this.listeners) listener();
  }
}

/**
 * Opens a document for collaboration: a Y.Doc kept on this device (IndexedDB) and synced with the
 * server (y-websocket), with the connection's state in words. `startOffline` says the server was
 * already unreachable, so the page says "Offline" at once rather than "Connecting…". `knownRole` is
 * the role the page read from the server's metadata, when it could.
 */
export function useCollab(docId: string, me: Me, enabled: boolean, startOffline: boolean, knownRole?: Role): CollabState {
  const [sessions] = useState(() => new SessionStore());
  const session = useSyncExternalStore(sessions.subscribe, sessions.get);
  const [socket, setSocket] = useState<"connecting" | "connected" | "disconnected">("connecting");
  const [synced, setSynced] = useState(false);
  const [everConnected, setEverConnected] = useState(false);
  const [waitedLong, setWaitedLong] = useState(startOffline);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [unsynced, setUnsynced] = useState(() => readUnsynced(me.id, docId));
  const [finalClose, setFinalClose] = useState<CloseEvent>();
  const [transientReason, setTransientReason] = useState<string>();
  const [localLoaded, setLocalLoaded] = useState(false);
  const [access, setAccess] = useState<{ role: Role; readOnly: boolean; outdated?: boolean }>();
  const [checkedRole, setCheckedRole] = useState<Role>();
  const [liveTitle, setLiveTitle] = useState<string>();

  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);

  useEffect(() => {
    if (!enabled) return;
    const ydoc = new Y.Doc();
    const copyName = localCopyName(me.id, docId);
    registerLocalCopy(me.id, docId);
    const persistence = new IndexeddbPersistence(copyName, ydoc);
    // `notices=1` asks the server for Confer's access notices (role changes) on the same socket;
    // `schema` announces this page's schema version, so the server keeps an outdated page read-only.
    const params = { notices: "1", [SCHEMA_VERSION_PARAM]: String(SCHEMA_VERSION) };
    const provider = new WebsocketProvider(`${wsOrigin()}/collab`, docId, ydoc, { maxBackoffTime: 5000, params });
    const meetingListeners = new Set<(notice: MeetingNotice | MinutesNotice) => void>();
    const onMeetingNotice = (listener: (notice: MeetingNotice | MinutesNotice) => void) => {
      meetingListeners.add(listener);
      return () => void meetingListeners.delete(listener);
    };
    provider.messageHandlers[NOTICE_MESSAGE] = (_encoder, decoder) => {
      const notice = readNotice(decoder);
      if (notice?.type === "access") {
        // `outdated` is set by a server whose schema is newer than this page's (read without the
        // shared type so this works before and after the type learns the field).
        const outdated = (notice as { outdated?: unknown }).outdated === true;
        setAccess({ role: notice.role, readOnly: notice.readOnly, outdated });
      }
      else if (notice?.type === "title") setLiveTitle(notice.title);
      else if (notice?.type === "meeting" || notice?.type === "minutes") for (const l of meetingListeners) l(notice);
    };
    let disposed = false;
    let forgotten = false;
    let closedForGood = false;
    let count = readUnsynced(me.id, docId);
    let offlineTimer: ReturnType<typeof setTimeout> | undefined;
    const armOfflineTimer = () => {
      clearTimeout(offlineTimer);
      offlineTimer = setTimeout(() => setWaitedLong(true), OFFLINE_AFTER_MS);
    };
    armOfflineTimer();

    provider.awareness.setLocalStateField("user", { id: me.id, name: me.name, company: me.company, color: me.color, external: false });
    void persistence.whenSynced.then(() => setLocalLoaded(true));

    /** Stops syncing for good and shows why; `forget` also removes this device's copy. */
    const stop = (close: CloseEvent, forget: boolean) => {
      if (closedForGood) return;
      closedForGood = true;
      provider.disconnect();
      clearTimeout(offlineTimer);
      setFinalClose(close);
      if (forget && !forgotten) {
        forgotten = true;
        forgetDocMeta(me.id, docId);
        // Close our own connection first, or it would block the delete.
        void persistence.destroy().then(() => forgetLocalCopy(me.id, docId));
      }
    };
    /** Another tab is deleting this copy: let go of it (an open connection blocks the delete). */
    const removedElsewhere = () => {
      if (forgotten) return;
      forgotten = true;
      void persistence.destroy();
      stop(COPY_REMOVED, false);
    };
    persistence._db.then(
      (db) => db.addEventListener("versionchange", removedElsewhere),
      () => undefined,
    );
    const stopListening = onTabMessage((m) => {
      if (m.type === "close-copies" && m.names.includes(copyName)) removedElsewhere();
    });

    // A socket refused at the upgrade closes with 1006 before it opens, like a network failure.
    // The REST API tells which it was; without this the provider would retry forever.
    let checking = false;
    let lastCheck = -Infinity;
    const checkWhyRefused = async () => {
      if (checking || closedForGood || !navigator.onLine || performance.now() - lastCheck < CHECK_REFUSAL_EVERY_MS) return;
      checking = true;
      lastCheck = performance.now();
      const result = await checkRefusal(docId);
      checking = false;
      if (disposed) return;
      if (result.kind === "refused") stop(result.close, FORGET_ON.includes(result.close.code));
      else if (result.kind === "allowed") setCheckedRole(result.role);
    };

    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === provider || origin === persistence || provider.wsconnected) return;
      count++;
      writeUnsynced(me.id, docId, count);
      setUnsynced(count);
    };
    const onStatus = ({ status }: { status: "connecting" | "connected" | "disconnected" }) => {
      setSocket(status);
      if (status === "connected") {
        setEverConnected(true);
        clearTimeout(offlineTimer);
        setWaitedLong(false);
      } else if (status === "disconnected") armOfflineTimer();
    };
    const onSync = (isSynced: boolean) => {
      setSynced(isSynced);
      if (!isSynced) return;
      // The handshake exchanged both sides' missing updates: our offline edits are on the server now.
      count = 0;
      writeUnsynced(me.id, docId, 0);
      setUnsynced(0);
      setTransientReason(undefined);
    };
    const onClose = (event: { code: number; reason: string } | null) => {
      if (!event) return;
      const known = closeEventFor(event.code);
      if (known?.final) return stop(known, FORGET_ON.includes(known.code));
      const reason = known?.reason ?? event.reason;
      if (reason) setTransientReason(reason);
      // `wsconnected` still says whether this socket had opened: it is reset after this event.
      if (!provider.wsconnected) void checkWhyRefused();
    };

    // When the browser knows it is offline, stop using the socket at once: edits then count as
    // unsynced (and stay on this device) instead of going into a socket that may never deliver them.
    const onOffline = () => provider.disconnect();
    const onOnline = () => {
      if (!closedForGood) provider.connect();
    };
    window.addEventListener("offline", onOffline);
    window.addEventListener("online", onOnline);

    ydoc.on("update", onUpdate);
    provider.on("status", onStatus);
    provider.on("sync", onSync);
    provider.on("connection-close", onClose);
    sessions.set({ ydoc, provider, persistence, onMeetingNotice });

    return () => {
      disposed = true;
      clearTimeout(offlineTimer);
      stopListening();
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      ydoc.off("update", onUpdate);
      provider.off("status", onStatus);
      provider.off("sync", onSync);
      provider.off("connection-close", onClose);
      provider.destroy();
      if (!forgotten) void persistence.destroy();
      ydoc.destroy();
      sessions.set(undefined);
      setSynced(false);
      setSocket("connecting");
      setLocalLoaded(false);
      setAccess(undefined);
      setCheckedRole(undefined);
    };
  }, [sessions, docId, me.id, me.name, me.company, me.color, enabled]);

  // The live notice wins (it follows role changes), then what the server said, then this device's memory.
  const fromServer = access?.role ?? knownRole ?? checkedRole;
  const remembered = useMemo(() => (enabled ? lastKnownRole(me.id, docId) : undefined), [enabled, me.id, docId]);
  const role = useMemo<KnownRole | undefined>(() => {
    if (access) return { ...access, source: "live" };
    const fresh = knownRole ?? checkedRole;
    if (fresh) return { role: fresh, readOnly: isReadOnlyRole(fresh), source: "server" };
    return remembered ? { role: remembered, readOnly: isReadOnlyRole(remembered), source: "last-known" } : undefined;
  }, [access, knownRole, checkedRole, remembered]);
  useEffect(() => {
    if (enabled && fromServer) rememberRole(me.id, docId, fromServer);
  }, [enabled, fromServer, me.id, docId]);

  const status = describeConnection({
    socket,
    synced,
    everConnected,
    offline: !online || waitedLong,
    unsynced,
    finalClose,
  });
  const canEdit = !!role && !role.readOnly && !finalClose;
  return { session, status, finalClose, transientReason, localLoaded, access, liveTitle, role, roleKnown: !!role, canEdit };
}
