import { defineConfig } from "vitest/config";

// One vitest run covers shared/, server/ (unit and integration) and the client's pure modules and
// build plugins; e2e/ uses Playwright for everything that needs a browser.
export default defineConfig({
  test: {
    include: [
      "shared/src/**/*.test.ts",
      "server/src/**/*.test.ts",
      "server/tests/**/*.test.ts",
      "client/src/**/*.test.ts",
      "client/vite/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
