// A run as text for a terminal: the machine's PEs, then every event in time order with the
// log lines that came with it, then the expectations. Times print as seconds.milliseconds
// of virtual time, like a dmesg timestamp.

import type { Timeline, TimelineEvent, TimelineLine } from "./timeline.js";

const stamp = (t: number): string => `[${(t / 1000).toFixed(3).padStart(10)}]`;

export interface FormatOptions {
  /** Print the host's and guests' log lines between the events (default true). */
  readonly lines?: boolean;
}

export function formatTimeline(tl: Timeline, options: FormatOptions = {}): string[] {
  const out: string[] = [];
  out.push(`scenario ${tl.scenario.name} (${tl.scenario.platform}, seed ${tl.scenario.seed})`);
  if (tl.scenario.description) out.push(`  ${tl.scenario.description}`);
  for (const p of tl.phbs) out.push(`  PHB#${p.id.toString(16)} ${p.model.toUpperCase()} (${p.chip}), ${p.numPes} PEs`);
  for (const pe of tl.pes) out.push(`    ${pe.id.padEnd(14)} ${pe.type.join("|").padEnd(8)} ${pe.devices.join(", ")}${pe.owner ? `  [guest ${pe.owner}]` : ""}`);
  for (const g of tl.guests) out.push(`  guest ${g.name} (${g.hypervisor})`);
  out.push("");
  const lines = options.lines ?? true ? tl.lines : [];
  // Merge events and lines by time; at one time, events first (they cause the lines).
  type Item = { t: number; order: number; text: string };
  const items: Item[] = [
    ...tl.events.filter((e) => e.kind !== "expectation").map((e: TimelineEvent, i): Item => ({ t: e.t, order: i, text: `${stamp(e.t)} ${e.kind.padEnd(8)} ${e.text}` })),
    ...lines.map((l: TimelineLine, i): Item => ({ t: l.t, order: tl.events.length + i, text: `${stamp(l.t)}   ${l.source === "host" ? "" : `${l.source}: `}${l.line}` })),
  ];
  items.sort((a, b) => a.t - b.t || a.order - b.order);
  for (const it of items) out.push(it.text);
  out.push("");
  if (tl.logs.length) {
    out.push(`platform logs (${tl.logs.length}):`);
    for (const l of tl.logs) out.push(`  ${l.file}  ${stamp(l.t)} ${l.kind} from ${l.source}${l.pe ? ` for ${l.pe}` : ""}: ${l.headline}`);
    out.push("");
  }
  if (tl.expectations.length) {
    const failed = tl.expectations.filter((e) => !e.ok).length;
    out.push(`expectations: ${tl.expectations.length - failed} of ${tl.expectations.length} held`);
    for (const e of tl.expectations) out.push(`  ${e.ok ? "ok    " : "FAILED"} ${e.path}: ${e.description} (${e.detail})`);
  }
  return out;
}
