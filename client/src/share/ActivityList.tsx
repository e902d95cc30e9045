import { useEffect, useState } from "react";
import type { ActivityEntry } from "@confer/shared";
import { listActivity, messageOf } from "../api/index.ts";
import { relativeTime, useNow } from "../components/relativeTime.ts";
import { describeActivity } from "./activityText.ts";

/** The document's sharing history in sentences, newest first; read again whenever `refreshKey` changes. */
export function ActivityList({ docId, refreshKey }: { docId: string; refreshKey: unknown }) {
  const now = useNow(); // re-rendered now and then so relative times stay true
  const [entries, setEntries] = useState<ActivityEntry[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    listActivity(docId).then(
      (list) => {
        if (cancelled) return;
        setEntries([...list].sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.id - a.id));
        setError(undefined);
      },
      (err: unknown) => !cancelled && setError(messageOf(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [docId, refreshKey]);

  if (error)
    return (
      <p role="alert" className="form-error">
        {error}
      </p>
    );
  if (!entries)
    return (
      <p className="muted" role="status">
        Loading activity…
      </p>
    );
  if (entries.length === 0) return <p className="share-note">Nothing has happened yet. Adding people and creating links shows up here.</p>;
  return (
    <ol className="activity-list" aria-label="Sharing activity">
      {entries.map((e) => (
        <li key={e.id} className="activity-item">
          <span>{describeActivity(e, now)}</span>
          <time className="member-meta" dateTime={e.at} title={new Date(e.at).toLocaleString()}>
            {relativeTime(e.at, now)}
          </time>
        </li>
      ))}
    </ol>
  );
}
