import { expect, test } from "vitest";
import { safeHref } from "@confer/shared/schema";
import { normalizeHref } from "./LinkPopover.tsx";

test("safeHref keeps http, https and mailto links, normalised", () => {
  expect(safeHref("https://example.com")).toBe("https://example.com/");
  expect(safeHref("http://example.com/a?b=c#d")).toBe("http://example.com/a?b=c#d");
  expect(safeHref("mailto:ana@example.com")).toBe("mailto:ana@example.com");
});

test("safeHref refuses scripts, data, relative and oversized links, and non-strings", () => {
  for (const bad of ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,<b>x</b>", "vbscript:x", "file:///etc/passwd", "/relative", "example.com", ""]) {
    expect(safeHref(bad), bad).toBeNull();
  }
  expect(safeHref(`https://example.com/${"a".repeat(2048)}`)).toBeNull();
  expect(safeHref(undefined)).toBeNull();
  expect(safeHref({ href: "https://example.com" })).toBeNull();
});

test("normalizeHref accepts what people type: bare domains get https, emails get mailto", () => {
  expect(normalizeHref("example.com/brief")).toBe("https://example.com/brief");
  expect(normalizeHref("  https://example.com  ")).toBe("https://example.com/");
  expect(normalizeHref("ana@example.com")).toBe("mailto:ana@example.com");
  expect(normalizeHref("mailto:ana@example.com")).toBe("mailto:ana@example.com");
});

test("normalizeHref refuses empty input and other schemes instead of wrapping them", () => {
  expect(normalizeHref("")).toBeNull();
  expect(normalizeHref("   ")).toBeNull();
  expect(normalizeHref("javascript:alert(1)")).toBeNull();
  expect(normalizeHref("ftp://example.com")).toBeNull();
});
