import { useId, useState, type FormEvent } from "react";
import { AddMemberRequest, type Role } from "@confer/shared";
import { addMember, messageOf } from "../api/index.ts";
import { ROLE_LABEL, grantableRoles, roleVerb } from "./roles.ts";

interface AddMemberFormProps {
  docId: string;
  company: string;
  ownRole: Role;
  onAdded(): Promise<void>;
}

/** Owners add colleagues from their own company by email; people from elsewhere get an invite link. */
export function AddMemberForm({ docId, company, ownRole, onAdded }: AddMemberFormProps) {
  const id = useId();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDone(undefined);
    const parsed = AddMemberRequest.safeParse({ email, role });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Check the email and try again.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const added = await addMember(docId, parsed.data.email, parsed.data.role);
      setEmail("");
      setDone(`${added.name} can now ${roleVerb(added.role)} this document.`);
      await onAdded();
    } catch (err) {
      setError(messageOf(err));
    }
    setBusy(false);
  };

  return (
    <section className="share-section">
      <h3>Add people from {company}</h3>
      <form className="share-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <label htmlFor={`${id}-email`} className="sr-only">
          Email of the person to add
        </label>
        <input
          id={`${id}-email`}
          className="input small"
          type="email"
          placeholder="name@company.com"
          autoComplete="off"
          value={email}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor={`${id}-role`} className="sr-only">
          Role for the person to add
        </label>
        <select id={`${id}-role`} className="select small" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {grantableRoles(ownRole).map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </select>
        <button type="submit" className="button primary small" disabled={busy}>
          Add
        </button>
      </form>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {done && (
        <p role="status" className="share-done">
          {done}
        </p>
      )}
    </section>
  );
}
