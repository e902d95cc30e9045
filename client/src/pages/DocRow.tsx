import { useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { FileText, Pencil, Trash2 } from "lucide-react";
import { UNTITLED, type DocSummary } from "@confer/shared";
import { relativeTime } from "../components/relativeTime.ts";

interface DocRowProps {
  doc: DocSummary;
  meId: string;
  now: number;
  onRename(title: string): Promise<void>;
  onDelete(): void;
}

/** One document in the list: a link with its title, owner and last edit, plus rename and delete. */
export function DocRow({ doc, meId, now, onRename, onDelete }: DocRowProps) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(doc.title);
  const inputRef = useRef<HTMLInputElement>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const title = doc.title || UNTITLED;
  const canRename = doc.role === "owner" || doc.role === "editor";

  useEffect(() => {
    if (editing) inputRef.current?.select();
  }, [editing]);

  const finish = async (save: boolean) => {
    if (!editing) return;
    setEditing(false);
    requestAnimationFrame(() => renameButton.current?.focus());
    if (save && value.trim() !== doc.title) await onRename(value.trim());
    else setValue(doc.title);
  };

  return (
    <li className="doc-row">
      <FileText className="doc-icon" size={18} aria-hidden />
      <div className="doc-main">
        {editing ? (
          <input
            ref={inputRef}
            className="input doc-rename"
            aria-label={`Rename “${title}”`}
            value={value}
            maxLength={200}
            onChange={(e) => setValue(e.target.value)}
            onBlur={() => void finish(true)}
            onKeyDown={(e) => {
              if (e.key === "Enter") void finish(true);
              if (e.key === "Escape") void finish(false);
            }}
          />
        ) : (
          <Link to={`/d/${doc.id}`} className="doc-link">
            {title}
          </Link>
        )}
        <span className="doc-meta">
          {doc.ownerId === meId ? "You" : doc.ownerName} · edited <time dateTime={doc.updatedAt}>{relativeTime(doc.updatedAt, now)}</time>
          {doc.role === "viewer" && " · view only"}
        </span>
      </div>
      <div className="doc-actions">
        {canRename && (
          <button
            ref={renameButton}
            type="button"
            className="icon-button"
            aria-label={`Rename “${title}”`}
            title="Rename"
            onClick={() => {
              setValue(doc.title);
              setEditing(true);
            }}
          >
            <Pencil size={16} aria-hidden />
          </button>
        )}
        {doc.role === "owner" && (
          <button type="button" className="icon-button danger" aria-label={`Delete “${title}”`} title="Delete" onClick={onDelete}>
            <Trash2 size={16} aria-hidden />
          </button>
        )}
      </div>
    </li>
  );
}
