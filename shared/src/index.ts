export * from "./schema.ts";
export * from "./closeCodes.ts";
export * from "./roles.ts";
export * from "./contracts.ts";
export * from "./sharing.ts";
export * from "./messages.ts";
export * from "./meetings.ts";
