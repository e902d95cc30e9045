// Lint rules for the whole workspace. The import restrictions keep the layering honest:
// client and server never import each other, and shared imports neither.
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

const crossImport = (forbidden) => ({
  "no-restricted-imports": [
    "error",
    {
      patterns: forbidden.map((name) => ({
        group: [`@confer/${name}`, `@confer/${name}/*`, `**/${name}/src/**`, `../../${name}/**`, `../${name}/**`],
        message: `This workspace may not import from ${name}/.`,
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "data/**", "**/test-results/**", "**/playwright-report/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  { files: ["client/**"], rules: crossImport(["server"]) },
  // The rules of hooks (and the React Compiler's checks on purity, refs and effects) for the client.
  { files: ["client/**/*.{ts,tsx}"], ...reactHooks.configs.flat["recommended-latest"] },
  // The compiler's stricter checks are errors in all of the client.
  {
    files: ["client/**/*.{ts,tsx}"],
    rules: Object.fromEntries(["react-hooks/set-state-in-effect", "react-hooks/purity", "react-hooks/refs", "react-hooks/immutability"].map((r) => [r, "error"])),
  },
  { files: ["server/**"], rules: crossImport(["client"]) },
  { files: ["shared/**"], rules: crossImport(["client", "server"]) },
  { files: ["bench/**", "e2e/**", ".ci/**", "scripts/**"], rules: { "no-console": "off" } },
  // Tests read untyped JSON responses.
  { files: ["**/tests/**", "**/*.test.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
