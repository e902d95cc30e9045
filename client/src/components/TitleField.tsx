import { useEffect, useRef, useState } from "react";
import { UNTITLED } from "@confer/shared";
import { messageOf, renameDoc } from "../api/index.ts";

interface TitleFieldProps {
  docId: string;
  title: string;
  canRename: boolean;
  onRenamed(title: string): void;
}

/** The document title, editable in place: saved on Enter or when leaving the field, Escape reverts. */
export function TitleField({ docId, title, canRename, onRenamed }: TitleFieldProps) {
  const [value, setValue] = useState(title);
  const [error, setError] = useState<string>();
  const saved = useRef(title);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    saved.current = title;
    if (document.activeElement !== inputRef.current) setValue(title);
  }, [title]);

  if (!canRename) return <h1 className="doc-title-text">{title || UNTITLED}</h1>;

  const commit = async () => {
    const next = value.trim();
    if (next === saved.current) {
      setValue(next || saved.current);
      return;
    }
    try {
      const doc = await renameDoc(docId, next);
      saved.current = doc.title;
      setValue(doc.title);
      setError(undefined);
      onRenamed(doc.title);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <div className="doc-title">
      <input
        ref={inputRef}
        className="doc-title-input"
        aria-label="Document title"
        value={value}
        placeholder={UNTITLED}
        maxLength={200}
        aria-invalid={error ? true : undefined}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => void commit()}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            e.currentTarget.blur();
          } else if (e.key === "Escape") {
            setValue(saved.current);
            setError(undefined);
            requestAnimationFrame(() => inputRef.current?.blur());
          }
        }}
      />
      {error && (
        <span role="alert" className="title-error">
          {error}
        </span>
      )}
    </div>
  );
}
