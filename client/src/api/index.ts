export * from "./errors.ts";
export * from "./auth.ts";
export * from "./docs.ts";
export * from "./sharing.ts";
export * from "./orgInvites.ts";
export * from "./meetings.ts";
export * from "./minutes.ts";
