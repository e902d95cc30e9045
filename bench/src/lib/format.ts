/** A table: header row plus data rows, printed as Markdown so it pastes into docs/benchmarks.md. */
export function printTable(title: string, header: string[], rows: string[][], notes: string[] = []): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const r of rows) console.log(line(header.map((_, i) => r[i] ?? "")));
  for (const n of notes) console.log(`\n${n}`);
}

/** Milliseconds, with sensible precision. */
export function ms(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "–";
  if (v >= 1000) return `${Math.round(v).toLocaleString("en-US")} ms`;
  if (v >= 10) return `${v.toFixed(0)} ms`;
  return `${v.toFixed(1)} ms`;
}

/** A byte count as B / kB / MB (decimal). */
export function bytes(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "–";
  const sign = v < 0 ? "-" : "";
  const a = Math.abs(v);
  if (a >= 1e6) return `${sign}${(a / 1e6).toFixed(2)} MB`;
  if (a >= 1e3) return `${sign}${(a / 1e3).toFixed(1)} kB`;
  return `${sign}${a.toFixed(0)} B`;
}

/** An integer with thousands separators. */
export const int = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "–" : Math.round(v).toLocaleString("en-US"));

/** A ratio like `1.73×`. */
export const ratio = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "–" : `${v.toFixed(2)}×`);

/** A percentage. */
export const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "–" : `${(v * 100).toFixed(0)}%`);

/** Median and range of one figure over runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Median, min and max of `values`. */
export function spread(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  if (!v.length) return { median: NaN, min: NaN, max: NaN };
  const mid = v.length >> 1;
  return { median: v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2, min: v[0]!, max: v[v.length - 1]! };
}

/** "median (min–max)" in milliseconds. */
export const spreadMs = (s: Spread) => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
