import { useEffect, useState } from "react";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { IndexeddbPersistence } from "y-indexeddb";
import { closeEventFor, CloseCodes, NOTICE_MESSAGE, readNotice, SCHEMA_VERSION, SCHEMA_VERSION_PARAM, type CloseEvent, type Me, type Role } from "@confer/shared";
import { describeConnection, type ConnectionStatus } from "./status.ts";
import { readUnsynced, writeUnsynced } from "./unsynced.ts";
import { localCopyName } from "./localCopies.ts";

/** After this long without a connection we say "Offline" instead of "Reconnecting…". */
const OFFLINE_AFTER_MS = 4000;

/** Closes after which this device must not keep its copy of the document. */
const FORGET_ON: readonly number[] = [CloseCodes.Forbidden.code, CloseCodes.AccessRevoked.code, CloseCodes.NotFound.code];

/** The live parts of an open document. */
export interface CollabSession {
  ydoc: Y.Doc;
  provider: WebsocketProvider;
  persistence: IndexeddbPersistence;
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
}

/** The WebSocket origin of this page: ws://host or wss://host. */
export function wsOrigin(): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
}

/**
 * Opens a document for collaboration: a Y.Doc kept on this device (IndexedDB) and synced with the
 * server (y-websocket), with the connection's state in words. `startOffline` says the server was
 * already unreachable, so the page says "Offline" at once rather than "Connecting…".
 */
export function useCollab(docId: string, me: Me, enabled: boolean, startOffline: boolean): CollabState {
  const [session, setSession] = useState<CollabSession>();
  const [socket, setSocket] = useState<"connecting" | "connected" | "disconnected">("connecting");
  const [synced, setSynced] = useState(false);
  const [everConnected, setEverConnected] = useState(false);
  const [waitedLong, setWaitedLong] = useState(startOffline);
  const [online, setOnline] = useState(() => navigator.onLine);
  const [unsynced, setUnsynced] = useState(() => readUnsynced(docId));
  const [finalClose, setFinalClose] = useState<CloseEvent>();
  const [transientReason, setTransientReason] = useState<string>();
  const [localLoaded, setLocalLoaded] = useState(false);
  const [access, setAccess] = useState<{ role: Role; readOnly: boolean; outdated?: boolean }>();
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
    const persistence = new IndexeddbPersistence(localCopyName(me.id, docId), ydoc);
    // `notices=1` asks the server for Confer's access notices (role changes) on the same socket;
    // `schema` announces this page's schema version, so the server keeps an outdated page read-only.
    const params = { notices: "1", [SCHEMA_VERSION_PARAM]: String(SCHEMA_VERSION) };
    const provider = new WebsocketProvider(`${wsOrigin()}/collab`, docId, ydoc, { maxBackoffTime: 5000, params });
    provider.messageHandlers[NOTICE_MESSAGE] = (_encoder, decoder) => {
      const notice = readNotice(decoder);
      if (notice?.type === "access") {
        // `outdated` is set by a server whose schema is newer than this page's (read without the
        // shared type so this works before and after the type learns the field).
        const outdated = (notice as { outdated?: unknown }).outdated === true;
        setAccess({ role: notice.role, readOnly: notice.readOnly, outdated });
      }
      else if (notice?.type === "title") setLiveTitle(notice.title);
    };
    let forgotten = false;
    let count = readUnsynced(docId);
    let offlineTimer: ReturnType<typeof setTimeout> | undefined;
    const armOfflineTimer = () => {
      clearTimeout(offlineTimer);
      offlineTimer = setTimeout(() => setWaitedLong(true), OFFLINE_AFTER_MS);
    };
    armOfflineTimer();

    provider.awareness.setLocalStateField("user", { id: me.id, name: me.name, company: me.company, color: me.color, external: false });
    void persistence.whenSynced.then(() => setLocalLoaded(true));

    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin === provider || origin === persistence || provider.wsconnected) return;
      count++;
      writeUnsynced(docId, count);
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
      writeUnsynced(docId, 0);
      setUnsynced(0);
      setTransientReason(undefined);
    };
    const onClose = (event: { code: number; reason: string } | null) => {
      if (!event) return;
      const known = closeEventFor(event.code);
      if (known?.final) {
        closedForGood = true;
        provider.disconnect();
        clearTimeout(offlineTimer);
        setFinalClose(known);
        if (FORGET_ON.includes(known.code) && !forgotten) {
          forgotten = true;
          writeUnsynced(docId, 0);
          void persistence.clearData();
        }
        return;
      }
      const reason = known?.reason ?? event.reason;
      if (reason) setTransientReason(reason);
    };

    // When the browser knows it is offline, stop using the socket at once: edits then count as
    // unsynced (and stay on this device) instead of going into a socket that may never deliver them.
    let closedForGood = false;
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
    setSession({ ydoc, provider, persistence });

    return () => {
      clearTimeout(offlineTimer);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      ydoc.off("update", onUpdate);
      provider.off("status", onStatus);
      provider.off("sync", onSync);
      provider.off("connection-close", onClose);
      provider.destroy();
      if (!forgotten) void persistence.destroy();
      ydoc.destroy();
      setSession(undefined);
      setSynced(false);
      setSocket("connecting");
      setLocalLoaded(false);
      setAccess(undefined);
    };
  }, [docId, me.id, me.name, me.company, me.color, enabled]);

  const status = describeConnection({
    socket,
    synced,
    everConnected,
    offline: !online || waitedLong,
    unsynced,
    finalClose,
  });
  return { session, status, finalClose, transientReason, localLoaded, access, liveTitle };
}
