export * from "./document.ts";
export * from "./membership.ts";
export * from "./invite.ts";
export * from "./org.ts";
export * from "./meeting.ts";
export * from "./minutes.ts";
