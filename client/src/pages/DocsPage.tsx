import { useCallback, useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";
import { Plus } from "lucide-react";
import { UNTITLED, type DocSummary } from "@confer/shared";
import { ApiRequestError, createDoc, deleteDoc, listDocs, messageOf, renameDoc } from "../api/index.ts";
import { useAuth, useMe } from "../auth/AuthContext.tsx";
import { AppTopBar } from "../components/AppTopBar.tsx";
import { DocNotice } from "../components/DocNotice.tsx";
import { relativeTime, useNow } from "../components/relativeTime.ts";
import { forgetLocalCopy } from "../collab/localCopies.ts";
import { forgetDocMeta, lastKnownDocList, rememberDocList } from "../pwa/lastKnownDocs.ts";
import { DocRow } from "./DocRow.tsx";
import { OrgSettingsControl } from "./OrgSettingsControl.tsx";

type ListState =
  | { status: "loading" }
  | { status: "ready"; docs: DocSummary[] }
  /** The server is unreachable: the list as this device last saw it, labelled as such. */
  | { status: "stale"; docs: DocSummary[]; savedAt: string }
  | { status: "error"; message: string };

/** The documents list: everything the person can open, most recently edited first. */
export function DocsPage() {
  const me = useMe();
  const { refresh } = useAuth();
  const navigate = useNavigate();
  const now = useNow();
  const [list, setList] = useState<ListState>({ status: "loading" });
  const [actionError, setActionError] = useState<string>();
  const [creating, setCreating] = useState(false);

  /** Reads the list from the server; what to show next, or undefined when the session has ended. */
  const readList = useCallback(async (): Promise<ListState | undefined> => {
    try {
      const docs = await listDocs();
      rememberDocList(me.id, docs);
      return { status: "ready", docs };
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 401) {
        refresh();
        return undefined;
      }
      const last = err instanceof ApiRequestError && err.isNetwork ? lastKnownDocList(me.id) : undefined;
      return last ? { status: "stale", ...last } : { status: "error", message: messageOf(err) };
    }
  }, [refresh, me.id]);

  const load = async () => {
    const next = await readList();
    if (next) setList(next);
  };

  useEffect(() => {
    document.title = "Documents — Confer";
  }, []);

  // The first read; an answer that arrives after the page has gone (or the person changed) is dropped.
  useEffect(() => {
    let current = true;
    void readList().then((next) => {
      if (current && next) setList(next);
    });
    return () => {
      current = false;
    };
  }, [readList]);

  const onCreate = async () => {
    setCreating(true);
    setActionError(undefined);
    try {
      const doc = await createDoc();
      navigate(`/d/${doc.id}`);
    } catch (err) {
      setActionError(messageOf(err));
      setCreating(false);
    }
  };

  const onRename = async (doc: DocSummary, title: string) => {
    setActionError(undefined);
    try {
      await renameDoc(doc.id, title);
    } catch (err) {
      setActionError(messageOf(err));
    }
    await load();
  };

  const onDelete = async (doc: DocSummary) => {
    // The browser's own confirm: modal, keyboard-first and read out by screen readers.
    if (!window.confirm(`Delete “${doc.title || UNTITLED}”? It will be gone for everyone it is shared with. This cannot be undone.`)) return;
    setActionError(undefined);
    try {
      await deleteDoc(doc.id);
      // Gone for everyone: this device keeps nothing of it either.
      forgetDocMeta(me.id, doc.id);
      void forgetLocalCopy(me.id, doc.id);
    } catch (err) {
      setActionError(messageOf(err));
    }
    await load();
  };

  return (
    <div className="app">
      <AppTopBar />
      <main className="page">
        <div className="page-head">
          <h1>Documents</h1>
          <button type="button" className="button primary" onClick={() => void onCreate()} disabled={creating}>
            <Plus size={16} aria-hidden />
            New document
          </button>
        </div>
        {actionError && (
          <p role="alert" className="form-error">
            {actionError}
          </p>
        )}
        {list.status === "loading" && (
          <p className="muted" role="status">
            Loading documents…
          </p>
        )}
        {list.status === "error" && (
          <div className="empty" role="alert">
            <p>{list.message}</p>
            <button type="button" className="button" onClick={() => void load()}>
              Try again
            </button>
          </div>
        )}
        {list.status === "stale" && (
          <DocNotice tone="warn">
            Offline — this is the list as this device last saw it, {relativeTime(list.savedAt, now)}; it may be out of date.{" "}
            <button type="button" className="link-button" onClick={() => void load()}>
              Try again
            </button>
          </DocNotice>
        )}
        {list.status === "ready" && list.docs.length === 0 && (
          <div className="empty">
            <p className="empty-title">No documents yet</p>
            <p className="muted">Create one with “New document” and invite people to write with you.</p>
          </div>
        )}
        {(list.status === "ready" || list.status === "stale") && list.docs.length > 0 && (
          <ul className="doc-list" aria-label="Documents">
            {list.docs.map((doc) => (
              <DocRow
                key={doc.id}
                doc={doc}
                meId={me.id}
                now={now}
                onRename={(title) => onRename(doc, title)}
                onDelete={() => void onDelete(doc)}
              />
            ))}
          </ul>
        )}
        <OrgSettingsControl />
      </main>
    </div>
  );
}
