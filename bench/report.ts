// Benchmark rows and the table they print as. Every row has the same columns: figure,
// value, unit, baseline, ratio, target, met. A missing baseline, ratio or target prints as
// "—"; "met" is yes / no when the row has a target and a ratio, else "—".

/** One benchmark row. */
export interface BenchResult {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  /** What the ratio compares against, with its own figure ("71 µs/cycle at 16 PEs"). */
  readonly baseline?: string;
  /** value ÷ baseline (cost rows: cost ratio; throughput rows: throughput ratio). */
  readonly ratio?: number;
  /** A bound on the ratio. */
  readonly target?: { readonly max?: number; readonly min?: number };
  /** Run-specific detail for the notes under the table (counts, build times…). */
  readonly detail?: string;
}

/** A benchmark's rows and what they mean (printed once under the table). */
export interface BenchGroup {
  readonly title: string;
  readonly note: string;
  readonly rows: readonly BenchResult[];
}

export function met(r: BenchResult): "yes" | "no" | "—" {
  if (!r.target || r.ratio === undefined) return "—";
  if (r.target.max !== undefined && r.ratio > r.target.max) return "no";
  if (r.target.min !== undefined && r.ratio < r.target.min) return "no";
  return "yes";
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString("en-US");
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function targetText(r: BenchResult): string {
  if (!r.target) return "—";
  const parts: string[] = [];
  if (r.target.min !== undefined) parts.push(`≥ ${r.target.min}`);
  if (r.target.max !== undefined) parts.push(`≤ ${r.target.max}`);
  return parts.join(", ");
}

const HEAD = ["figure", "value", "unit", "baseline", "ratio", "target", "met"] as const;
/** Right-aligned columns (numbers). */
const RIGHT = new Set([1, 4]);

function cells(r: BenchResult): string[] {
  return [r.figure, formatValue(r.value), r.unit, r.baseline ?? "—", r.ratio === undefined ? "—" : r.ratio.toFixed(2), targetText(r), met(r)];
}

/** The table as Markdown (also readable as plain text: columns are padded). */
export function formatTable(rows: readonly BenchResult[]): string[] {
  const body = rows.map((r) => cells(r).map((c) => c.replaceAll("|", "\\|")));
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((c) => c[i]!.length)));
  const pad = (x: string, i: number) => (RIGHT.has(i) ? x.padStart(widths[i]!) : x.padEnd(widths[i]!));
  const line = (c: readonly string[]) => "| " + c.map(pad).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (RIGHT.has(i) ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
  return [line(HEAD), rule, ...body.map(line)];
}

/** The notes under the table: each group's explanation, then its rows' details. */
export function formatNotes(groups: readonly BenchGroup[]): string[] {
  const out: string[] = [];
  for (const g of groups) {
    out.push(`### ${g.title}`, "", g.note, "");
    const details = g.rows.filter((r) => r.detail);
    if (details.length > 0) {
      for (const r of details) out.push(`- *${r.figure}*: ${r.detail}`);
      out.push("");
    }
  }
  return out;
}

export function targetsMissed(rows: readonly BenchResult[]): BenchResult[] {
  return rows.filter((r) => met(r) === "no");
}
