// One benchmark row: a figure, its unit, an optional baseline and ratio, and a target.
export interface BenchResult {
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: string;
  readonly ratio?: number;
  readonly target?: { readonly max?: number; readonly min?: number };
}

export function met(r: BenchResult): string {
  if (!r.target || r.ratio === undefined) return "";
  if (r.target.max !== undefined && r.ratio > r.target.max) return "NOT MET";
  if (r.target.min !== undefined && r.ratio < r.target.min) return "NOT MET";
  return "met";
}

export function formatTable(rows: readonly BenchResult[]): string[] {
  const cells = rows.map((r) => [
    r.figure,
    `${r.value >= 100 ? Math.round(r.value).toLocaleString("en-US") : r.value.toFixed(2)} ${r.unit}`,
    r.baseline ?? "",
    r.ratio === undefined ? "" : r.ratio.toFixed(2),
    r.target ? `ratio ${r.target.max !== undefined ? `≤ ${r.target.max}` : `≥ ${r.target.min}`}` : "",
    met(r),
  ]);
  const head = ["figure", "value", "baseline", "ratio", "target", "met"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => "| " + c.map((x, i) => x.padEnd(widths[i]!)).join(" | ") + " |";
  return [line(head), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...cells.map(line)];
}
