import { defineConfig } from "vitest/config";

// One vitest run covers shared/, client/ and server/ (unit and integration); e2e/ uses Playwright.
// Client tests that need a DOM say so per file (`// @vitest-environment happy-dom`).
export default defineConfig({
  test: {
    include: [
      "shared/src/**/*.test.ts",
      "client/src/**/*.test.ts",
      "client/src/**/*.test.tsx",
      "client/vite/**/*.test.ts",
      "server/src/**/*.test.ts",
      "server/tests/**/*.test.ts",
      "testing/*/src/**/*.test.ts",
      "testing/*/tests/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // With TEST_DATABASE=postgres: names the run and drops its PostgreSQL databases at the end.
    globalSetup: ["server/tests/pgGlobalSetup.ts"],
  },
});
