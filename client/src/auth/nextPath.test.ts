// @vitest-environment happy-dom
import { expect, test } from "vitest";
import { nextPath } from "./RequireAuth.tsx";

test("nextPath returns a path on this site from ?next=", () => {
  expect(nextPath("?next=%2Fd%2Fabc")).toBe("/d/abc");
  expect(nextPath("?next=/invite/xyz?x=1%23h")).toBe("/invite/xyz?x=1#h");
  expect(nextPath("?next=/d/abc%3Fq%3D1")).toBe("/d/abc?q=1");
});

test("nextPath falls back to the list for anything that could leave the site", () => {
  for (const next of ["", "https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "d/abc"]) {
    expect(nextPath(`?next=${encodeURIComponent(next)}`), next).toBe("/");
  }
  expect(nextPath("")).toBe("/");
});
