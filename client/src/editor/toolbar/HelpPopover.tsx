import { useEffect, useId, useRef, useState } from "react";
import { CircleHelp } from "lucide-react";
import { SHORTCUT_HELP, formatKeyPhrase } from "../shortcuts.ts";

/** The "?" button and the popover listing every shortcut and markdown-style rule. */
export function HelpButton() {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    panelRef.current?.focus();
    const onPointer = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!panelRef.current?.contains(t) && !buttonRef.current?.contains(t)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  return (
    <span className="help">
      <button
        ref={buttonRef}
        type="button"
        className="tool"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts"
        aria-expanded={open}
        aria-controls={id}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
      >
        <CircleHelp size={18} aria-hidden />
      </button>
      {open && (
        <div
          id={id}
          ref={panelRef}
          className="popover help-popover"
          role="dialog"
          aria-label="Keyboard shortcuts"
          tabIndex={-1}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              close();
            }
          }}
        >
          <div className="help-head">
            <h2>Keyboard shortcuts</h2>
            <button type="button" className="button ghost small" onClick={close}>
              Close
            </button>
          </div>
          {SHORTCUT_HELP.map((group) => (
            <section key={group.title}>
              <h3>{group.title}</h3>
              {group.note && <p className="help-note">{group.note}</p>}
              <table>
                <tbody>
                  {group.rows.map((row) => (
                    <tr key={row.what}>
                      <th scope="row">{row.what}</th>
                      <td>{row.keys && <kbd>{formatKeyPhrase(row.keys)}</kbd>}</td>
                      <td>{row.typed && <code>{row.typed}</code>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
      )}
    </span>
  );
}
