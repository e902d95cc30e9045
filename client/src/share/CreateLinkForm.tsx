import { useId, useState, type FormEvent } from "react";
import { Link2 } from "lucide-react";
import { CreateInviteRequest, type InviteCreated, type Role } from "@confer/shared";
import { createInvite, messageOf } from "../api/index.ts";
import { ROLE_LABEL, grantableRoles } from "./roles.ts";

const EXPIRY = [
  { hours: 24, label: "1 day" },
  { hours: 24 * 7, label: "7 days" },
  { hours: 24 * 30, label: "30 days" },
] as const;

interface CreateLinkFormProps {
  docId: string;
  ownRole: Role;
  onCreated(invite: InviteCreated): void;
}

/** The form that makes a new invite link: its role (never above your own), how long it lasts, how often it works. */
export function CreateLinkForm({ docId, ownRole, onCreated }: CreateLinkFormProps) {
  const id = useId();
  const [role, setRole] = useState<Role>(ownRole === "viewer" ? "viewer" : "editor");
  const [hours, setHours] = useState<number>(24 * 7);
  const [maxUses, setMaxUses] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = CreateInviteRequest.safeParse({ role, expiresInHours: hours, maxUses: maxUses.trim() ? Number(maxUses) : null });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message.replace("maxUses", "Max uses") ?? "Check the form and try again.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await createInvite(docId, parsed.data));
      setMaxUses("");
    } catch (err) {
      setError(messageOf(err));
    }
    setBusy(false);
  };

  return (
    <form className="link-form" onSubmit={(e) => void onSubmit(e)} noValidate>
      <div className="link-form-fields">
        <div className="field">
          <label htmlFor={`${id}-role`}>Link gives</label>
          <select id={`${id}-role`} className="select small" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {grantableRoles(ownRole).map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-expiry`}>Expires after</label>
          <select id={`${id}-expiry`} className="select small" value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {EXPIRY.map((x) => (
              <option key={x.hours} value={x.hours}>
                {x.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-uses`}>Max uses</label>
          <input
            id={`${id}-uses`}
            className="input small"
            type="number"
            inputMode="numeric"
            min={1}
            max={10000}
            placeholder="No limit"
            value={maxUses}
            onChange={(e) => setMaxUses(e.target.value)}
          />
        </div>
      </div>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <button type="submit" className="button small" disabled={busy}>
        <Link2 size={14} aria-hidden />
        Create link
      </button>
    </form>
  );
}
