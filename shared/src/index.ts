export * from "./schema.ts";
export * from "./closeCodes.ts";
export * from "./roles.ts";
export * from "./contracts.ts";
