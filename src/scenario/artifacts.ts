// The files `eeh-emu run --out DIR` writes (DESIGN.md "Public surfaces"): host.log (the
// host's Linux-style lines with dmesg timestamps), guest-<name>.log, timeline.json, and
// every platform log as logs/NNNN-<kind>.bin with its decoding beside it as .json.

import type { RunResult } from "./run.js";

export interface Artifact {
  /** Relative to the output directory. */
  readonly path: string;
  readonly content: string | Uint8Array;
}

const dmesgStamp = (t: number): string => `[${(t / 1000).toFixed(6).padStart(12)}]`;

export function runArtifacts(r: RunResult): Artifact[] {
  const tl = r.timeline;
  const bySource = new Map<string, string[]>();
  for (const l of tl.lines) {
    const list = bySource.get(l.source) ?? [];
    list.push(`${dmesgStamp(l.t)} ${l.line}`);
    bySource.set(l.source, list);
  }
  const text = (lines: readonly string[] | undefined): string => (lines && lines.length ? `${lines.join("\n")}\n` : "");
  const out: Artifact[] = [{ path: "host.log", content: text(bySource.get("host")) }];
  for (const g of tl.guests) out.push({ path: `guest-${g.name}.log`, content: text(bySource.get(`guest-${g.name}`)) });
  out.push({ path: "timeline.json", content: `${JSON.stringify(tl, null, 2)}\n` });
  for (const l of tl.logs) {
    out.push({ path: l.file, content: r.logBytes[l.index]! });
    const { hex: _hex, ...rest } = l;
    void _hex;
    out.push({ path: l.file.replace(/\.bin$/, ".json"), content: `${JSON.stringify(rest, null, 2)}\n` });
  }
  return out;
}
