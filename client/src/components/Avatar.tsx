import { textColorOn } from "../editor/cursors.ts";

/** Up to two initials of a name, e.g. "Ada Lovelace" → "AL"; symbols are skipped. */
export function initials(name: string): string {
  const firstLetter = (word: string) => /[\p{L}\p{N}]/u.exec(word)?.[0] ?? "";
  const words = name.trim().split(/\s+/).map(firstLetter).filter(Boolean);
  const picked = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return picked.join("").toUpperCase() || "?";
}

/** A circle in the person's colour with their initials. Names are rendered as text only. */
export function Avatar({ name, color, size = 28 }: { name: string; color: string; size?: number }) {
  return (
    <span
      className="avatar-circle"
      aria-hidden="true"
      style={{ background: color, color: textColorOn(color), width: size, height: size, fontSize: size * 0.42 }}
    >
      {initials(name)}
    </span>
  );
}
