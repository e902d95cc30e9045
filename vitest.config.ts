import { defineConfig } from "vitest/config";

// One vitest run covers shared/ and server/ (unit and integration); e2e/ uses Playwright.
export default defineConfig({
  test: {
    include: ["shared/src/**/*.test.ts", "server/src/**/*.test.ts", "server/tests/**/*.test.ts", "testing/*/src/**/*.test.ts", "testing/*/tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
