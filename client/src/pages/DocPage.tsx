import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import type { EditorView } from "prosemirror-view";
import { forgetLocalCopy } from "../collab/localCopies.ts";
import { CloseCodes, UNTITLED, type DocSummary } from "@confer/shared";
import { ApiRequestError, getDoc, messageOf } from "../api/index.ts";
import { useAuth, useMe } from "../auth/AuthContext.tsx";
import { useCollab } from "../collab/useCollab.ts";
import { usePresence } from "../collab/usePresence.ts";
import { DocNotice } from "../components/DocNotice.tsx";
import { FullPageMessage } from "../components/FullPageMessage.tsx";
import { Editor } from "../editor/Editor.tsx";
import { SharePanel } from "../share/SharePanel.tsx";
import { useMembers } from "../share/useMembers.ts";
import { DocTopBar } from "./DocTopBar.tsx";
import { useDocMeetings } from "../meetings/useDocMeetings.ts";
import { MeetingBanner } from "../meetings/MeetingBanner.tsx";
import { MeetingButton } from "../meetings/MeetingButton.tsx";
import { MeetingSide } from "../meetings/MeetingSide.tsx";
import { useMeetingShortcut } from "../meetings/useMeetingShortcut.ts";
import { RecordingPlayer } from "../meetings/RecordingPlayer.tsx";

/** Closes after which the person is no longer in the document (and so no longer in its meeting). */
const ACCESS_ENDED: readonly number[] = [CloseCodes.AccessRevoked.code, CloseCodes.Forbidden.code, CloseCodes.NotFound.code];

type Meta =
  | { status: "loading" }
  | { status: "ready"; doc: DocSummary }
  /** The server could not be reached: open this device's copy. */
  | { status: "offline" }
  | { status: "missing"; message: string }
  | { status: "error"; message: string };

declare global {
  interface Window {
    /** Debug handle for tests and the console; harmless to expose. */
    __confer?: { ydoc: unknown; provider: unknown; view: EditorView | undefined };
  }
}

/** The document page: top bar, notices, and the collaborative editor. */
export function DocPage() {
  const { id = "" } = useParams();
  const me = useMe();
  const { refresh } = useAuth();
  const [meta, setMeta] = useState<Meta>({ status: "loading" });
  const [view, setView] = useState<EditorView>();
  const [shareOpen, setShareOpen] = useState(false);
  const [metaAttempt, setMetaAttempt] = useState(0);
  const shareButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let cancelled = false;
    getDoc(id).then(
      (doc) => !cancelled && setMeta({ status: "ready", doc }),
      (err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiRequestError && err.isNetwork) return setMeta({ status: "offline" });
        if (err instanceof ApiRequestError && err.status === 401) return refresh();
        if (err instanceof ApiRequestError && err.status === 404) {
          // No access (or deleted): this device must not keep a copy either.
          void forgetLocalCopy(me.id, id);
          return setMeta({ status: "missing", message: err.message });
        }
        setMeta({ status: "error", message: messageOf(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [id, me.id, refresh, metaAttempt]);

  const enabled = meta.status === "ready" || meta.status === "offline";
  const collab = useCollab(id, me, enabled, meta.status === "offline", meta.status === "ready" ? meta.doc.role : undefined);
  const presence = usePresence(collab.session?.provider.awareness);
  // Opened offline: read the metadata again once the server is reachable (nothing caches it).
  const reachable = collab.status.tone === "ok";
  const liveRole = collab.access?.role ?? (meta.status === "ready" ? meta.doc.role : undefined);
  const meetings = useDocMeetings(id, me.id, collab.session, reachable && meta.status === "ready", liveRole, view);
  const [bannerHidden, setBannerHidden] = useState<string>();
  const setJoined = meetings.setJoined;
  const panelMeetingId = meetings.panelFor?.id;
  const onJoinedChange = useCallback((joined: boolean) => setJoined(joined ? panelMeetingId : undefined), [setJoined, panelMeetingId]);
  // Meetings start only from a document the person is in, with its details read from the server.
  const startMeeting = () => meta.status === "ready" && !collab.finalClose && meetings.start();
  useMeetingShortcut(startMeeting);
  useEffect(() => {
    // Reconnecting is an outside event: it starts a new fetch of the metadata, as a retry button would.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (reachable && meta.status === "offline") setMetaAttempt((n) => n + 1);
  }, [reachable, meta.status]);
  // Poll while the share panel is open so "online" stays true; otherwise read once (and after role changes).
  const canShare = meta.status === "ready" && !collab.finalClose;
  const members = useMembers(id, canShare, shareOpen ? 5000 : undefined);
  const reloadMembers = members.reload;
  useEffect(() => {
    if (collab.access && canShare) void reloadMembers();
  }, [collab.access, canShare, reloadMembers]);
  // The server stamps "external" on the presence it relays, but never echoes our own back: take ours
  // from the member list instead.
  const selfExternal = members.members?.find((m) => m.userId === me.id)?.external;
  const users = selfExternal === undefined ? presence : presence.map((u) => (u.isSelf ? { ...u, external: selfExternal } : u));
  // The share panel draws people in the colours their avatars and cursors have.
  const colors = new Map(presence.filter((u) => u.id).map((u) => [u.id, u.color]));
  if (!colors.has(me.id)) colors.set(me.id, me.color);
  const title = meta.status === "ready" ? meta.doc.title || UNTITLED : meta.status === "offline" ? "Offline copy" : "";

  // The browser tab shows the document's title (and stops showing it once the page is left).
  useEffect(() => {
    if (!title) return;
    document.title = `${title} — Confer`;
    return () => {
      document.title = "Confer";
    };
  }, [title]);

  // Someone renamed the document while it is open here: adopt the new title once, when it arrives
  // (adjusting state during render, as React recommends over an effect).
  const liveTitle = collab.liveTitle;
  const [seenLiveTitle, setSeenLiveTitle] = useState(liveTitle);
  if (liveTitle !== seenLiveTitle) {
    setSeenLiveTitle(liveTitle);
    if (liveTitle !== undefined && meta.status === "ready") setMeta({ ...meta, doc: { ...meta.doc, title: liveTitle } });
  }

  useEffect(() => {
    if (!collab.session) return;
    window.__confer = { ydoc: collab.session.ydoc, provider: collab.session.provider, view };
    return () => {
      delete window.__confer;
    };
  }, [collab.session, view]);

  // Opened from this device's copy while offline: once the server is back, read the document's
  // details again, so the title can be edited and Share shows without a reload.
  const backOnline = meta.status === "offline" && collab.status.tone === "ok";
  useEffect(() => {
    if (!backOnline) return;
    let cancelled = false;
    getDoc(id).then(
      (doc) => !cancelled && setMeta({ status: "ready", doc }),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [backOnline, id]);

  if (meta.status === "loading") return <FullPageMessage title="Opening document…" busy />;

  // The socket's live notice wins over the role read at page load (it follows role changes).
  const outdated = !!collab.access?.outdated;
  // An outdated page is read-only too, but because of its version, not its role (the editor says so).
  const viewerRole = !!collab.role?.readOnly && !outdated;
  const readOnly = !collab.canEdit;
  const canRename = meta.status === "ready" && !viewerRole && !collab.finalClose;
  const connected = collab.status.tone === "ok";
  const role = collab.access?.role ?? (meta.status === "ready" ? meta.doc.role : "viewer");
  const closeShare = () => {
    setShareOpen(false);
    requestAnimationFrame(() => shareButton.current?.focus());
  };

  const notice = collab.finalClose ? (
    <DocNotice tone="error">
      {collab.finalClose.reason}{" "}
      {collab.finalClose.code === CloseCodes.Unauthorized.code ? (
        <Link to={`/login?next=${encodeURIComponent(`/d/${id}`)}`}>Sign in</Link>
      ) : (
        <Link to="/">Back to documents</Link>
      )}
    </DocNotice>
  ) : !collab.roleKnown ? (
    <DocNotice tone="info">This device does not know your role in this document yet, so it opens read-only. Editing turns on once Confer reaches the server.</DocNotice>
  ) : viewerRole ? (
    <DocNotice tone="info">You can view this document. Only its editors can change it.</DocNotice>
  ) : collab.transientReason && !connected ? (
    <DocNotice tone="warn">{collab.transientReason} Your changes are kept on this device until it is back.</DocNotice>
  ) : collab.status.tone === "warn" ? (
    <DocNotice tone="warn">{collab.status.detail}</DocNotice>
  ) : null;
  const meetingPanel = meetings.panelFor;

  return (
    <div className="app doc-page">
      <DocTopBar
        docId={id}
        title={title}
        canRename={canRename}
        onRenamed={(t) => {
          if (meta.status === "ready") setMeta({ status: "ready", doc: { ...meta.doc, title: t } });
          // Read it back once so the offline copy the service worker keeps has the new title too.
          void getDoc(id).catch(() => undefined);
        }}
        users={users}
        status={enabled ? collab.status : undefined}
        share={canShare ? { open: shareOpen, onToggle: () => (shareOpen ? closeShare() : setShareOpen(true)) } : undefined}
        shareButtonRef={shareButton}
        meeting={meta.status === "ready" && !collab.finalClose ? <MeetingButton meetings={meetings} panelOpen={!!meetingPanel} /> : undefined}
      />
      <div className="doc-workspace">
        <div className="doc-content">
          {meta.status === "missing" || meta.status === "error" ? (
            <DocNotice tone="error">
              {meta.message} <Link to="/">Back to documents</Link>
            </DocNotice>
          ) : (
            collab.session && (
              <Editor
                ydoc={collab.session.ydoc}
                awareness={collab.session.provider.awareness}
                readOnly={readOnly}
                outdated={outdated}
                onView={setView}
                banner={
                  <>
                    {notice}
                    {!collab.finalClose && <MeetingBanner meetings={meetings} me={me} dismissed={bannerHidden} onDismiss={setBannerHidden} />}
                  </>
                }
                meetingCards={meetings.hub}
                onStartMeeting={startMeeting}
              />
            )
          )}
        </div>
        {meetingPanel && (
          <MeetingSide
            key={meetingPanel.id}
            meeting={meetingPanel}
            me={me}
            isHost={role === "owner" || meetingPanel.startedBy.id === me.id}
            docAccessLost={!!collab.finalClose && ACCESS_ENDED.includes(collab.finalClose.code)}
            awareness={collab.session?.provider.awareness}
            view={view}
            onClose={meetings.closePanel}
            onJoinedChange={onJoinedChange}
            onSetRecording={(on) => meetings.setRecording(meetingPanel.id, on)}
          />
        )}
        {meetings.playing && <RecordingPlayer request={meetings.playing} onClose={meetings.stopPlaying} />}
        {canShare && shareOpen && <SharePanel docId={id} me={me} role={role} members={members} colors={colors} onClose={closeShare} />}
      </div>
    </div>
  );
}
