import { SignupRequest } from "@confer/shared";
import { Field } from "./Field.tsx";

/**
 * The account fields shared by sign-up and joining through an invitation: name, email, password and,
 * unless the company is already known (an organisation's invitation), company.
 */
export function SignupFields({ companyHint }: { companyHint?: string }) {
  return (
    <>
      <Field label="Name" name="name" autoComplete="name" required autoFocus maxLength={100} />
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 8 characters." />
      {companyHint !== undefined && <Field label="Company" name="company" autoComplete="organization" required maxLength={100} hint={companyHint} />}
    </>
  );
}

/** Reads and checks `SignupFields` with the server's own schema; an error is the first problem, in words. */
export function readSignupFields(form: HTMLFormElement): { data: SignupRequest } | { error: string } {
  const fields = new FormData(form);
  const parsed = SignupRequest.safeParse({
    name: fields.get("name"),
    email: fields.get("email"),
    password: fields.get("password"),
    // Without a Company field (an organisation's invitation), the inviting company is used; this only satisfies the check.
    company: fields.get("company") ?? "-",
  });
  return parsed.success ? { data: parsed.data } : { error: parsed.error.issues[0]?.message ?? "Check the form and try again." };
}
