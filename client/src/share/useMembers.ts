import { useCallback, useEffect, useRef, useState } from "react";
import type { Member } from "@confer/shared";
import { listMembers, messageOf } from "../api/index.ts";

/** A document's member list as last read from the server. */
export interface MembersState {
  members: Member[] | undefined;
  /** Why the last read failed, in words; cleared by the next successful read. */
  error: string | undefined;
  /** Reads the list again now (e.g. after a change). */
  reload(): Promise<void>;
}

/**
 * Loads a document's members once `enabled`, and again every `pollMs` while that is set (the share
 * panel polls so "online" stays true). Answers that arrive out of order are dropped.
 */
export function useMembers(docId: string, enabled: boolean, pollMs: number | undefined): MembersState {
  const [members, setMembers] = useState<Member[]>();
  const [error, setError] = useState<string>();
  const seq = useRef(0);

  const reload = useCallback(() => {
    const mine = ++seq.current;
    // State changes only when the answer arrives, so the effect below can start a read.
    return listMembers(docId).then(
      (list) => {
        if (mine !== seq.current) return;
        setMembers(list);
        setError(undefined);
      },
      (err: unknown) => {
        if (mine === seq.current) setError(messageOf(err));
      },
    );
  }, [docId]);

  useEffect(() => {
    if (!enabled) return;
    void reload();
    if (!pollMs) return;
    const id = setInterval(() => void reload(), pollMs);
    return () => clearInterval(id);
  }, [enabled, pollMs, reload]);

  useEffect(
    () => () => {
      // Anything still in flight belongs to a page that is gone.
      seq.current++;
    },
    [],
  );

  return { members, error, reload };
}
