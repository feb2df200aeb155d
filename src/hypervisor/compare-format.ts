// The comparison as text: a side-by-side table (one column per model; rows for the host's
// handling, what the guest saw, its final state, whether it survived, time to recovery),
// then each model's notes, host log and guest log.

import type { ComparisonReport, ModelReport } from "./compare.js";

const LABEL = 18;
const COL = 40;

/** Wrap `text` into lines of at most `width` characters (breaking long words). */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (let word of para.split(" ")) {
      while (word.length > width) {
        if (line) {
          out.push(line);
          line = "";
        }
        out.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function cells(m: ModelReport): Record<string, string> {
  return {
    platform: m.platform,
    host: m.hostHandling,
    "guest saw": m.guestSaw.length ? m.guestSaw.map((o) => `t=${seconds(o.time)} ${o.what}`).join("\n") : "nothing",
    "guest state": m.guestState,
    survived: m.survived ? "yes" : "no",
    "time to recovery": m.recoveryMs === undefined ? "never" : seconds(m.recoveryMs),
    "host log lines": String(m.hostLog.length),
  };
}

export function formatComparison(r: ComparisonReport, opts: { readonly logs?: boolean } = {}): string[] {
  const f = r.fault;
  const out = [
    `Fault: ${f.error}${f.bit !== undefined ? ` (0x${f.bit.toString(16).padStart(8, "0")}, ${f.kind})` : ` (${f.kind})`} on ${f.device}${f.severity ? `, severity forced ${f.severity}` : ""}`,
    `Guest driver: ${r.driver}`,
    "",
  ];
  const cols = r.models.map(cells);
  const rule = `${"-".repeat(LABEL)}-+-${r.models.map(() => "-".repeat(COL)).join("-+-")}`;
  out.push(`${"".padEnd(LABEL)} | ${r.models.map((m) => m.model.padEnd(COL)).join(" | ")}`, rule);
  for (const row of Object.keys(cols[0] ?? {})) {
    const wrapped = cols.map((c) => wrapText(c[row] ?? "", COL));
    const h = Math.max(...wrapped.map((w) => w.length));
    for (let i = 0; i < h; i++) out.push(`${(i === 0 ? row : "").padEnd(LABEL)} | ${wrapped.map((w) => (w[i] ?? "").padEnd(COL)).join(" | ")}`.trimEnd());
    out.push(rule);
  }
  for (const m of r.models) {
    if (m.notes.length) out.push("", `== ${m.model}: notes ==`, ...m.notes.map((n) => `  ${n}`));
    if (opts.logs ?? true) {
      out.push("", `== ${m.model}: host log ==`, ...m.hostLog.map((l) => `  ${l}`));
      out.push("", `== ${m.model}: guest log ==`, ...(m.guestLog.length ? m.guestLog.map((l) => `  ${l}`) : ["  (empty)"]));
    }
  }
  return out;
}
