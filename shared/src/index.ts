// The ProseMirror schema is not re-exported here: it pulls prosemirror-model into every page that
// imports a contract. Import it from "@confer/shared/schema" (the editor and the server's writers).
export * from "./closeCodes.ts";
export * from "./roles.ts";
export * from "./contracts.ts";
export * from "./sharing.ts";
export * from "./messages.ts";
export * from "./schemaVersion.ts";
export * from "./accounts.ts";
export * from "./meetings.ts";
export * from "./minutes.ts";
