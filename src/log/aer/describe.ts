// A readable account of assembled AER reports, for `eeh-emu decode` (aer-xen.md §1, §2):
// each report with its severity and source, each device with its status decoded to bit
// names (short and long), the TLP header, and the recovery lines after it.

import type { AerLogEvent, AerReport } from "./parse-log.js";
import { printAerBody } from "./print.js";
import { AER_COR_NAMES, AER_COR_NAMES_OLD, AER_UNCOR_NAMES, AER_UNCOR_NAMES_OLD, AER_UNKNOWN_ERROR_BIT, setBits, severityString, type AerLogFormat } from "./names.js";

const h4 = (n: number): string => (n >>> 0).toString(16).padStart(4, "0");
const h8 = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");

/** `bit N Short (Long)` for every bit of `word`. */
export function describeAerBits(kind: "correctable" | "uncorrectable", word: number): { readonly bit: number; readonly text: string }[] {
  const [short, long] = kind === "correctable" ? [AER_COR_NAMES, AER_COR_NAMES_OLD] : [AER_UNCOR_NAMES, AER_UNCOR_NAMES_OLD];
  return setBits(word).map((bit) => {
    const s = short[bit];
    const l = long[bit];
    return { bit, text: `bit ${bit} ${s ?? AER_UNKNOWN_ERROR_BIT}${l && l !== s ? ` (${l})` : ""}` };
  });
}

function formatOf(r: AerReport): AerLogFormat {
  return r.formats.length === 1 ? r.formats[0]! : r.formats.includes("mainline") ? "mainline" : r.formats[0] ?? "mainline";
}

export function describeAerReport(r: AerReport): string[] {
  const fmt = formatOf(r);
  const sev = r.root?.severity ?? r.devices[0]?.severity;
  const src = r.root === undefined ? "(no root port line)" : typeof r.root.source === "number" ? `id ${h4(r.root.source)}` : r.root.source;
  const out = [
    `== AER ${sev ? severityString(sev, fmt) : "error"}${r.root?.multiple ? " (multiple)" : ""} from ${src}${r.root?.port ? `, root port ${r.root.port.address}` : ""} (line ${r.line}, ${r.formats.join("/")} format) ==`,
  ];
  if (r.noSource !== undefined) out.push(`  no source device found for id ${h4(r.noSource)}`);
  if (r.root?.noDetails) out.push("  no device had error details");
  if (r.exceeded !== undefined) out.push(`  more than ${r.exceeded} devices reported errors; the rest were not logged`);
  for (const d of r.devices) {
    const who = d.dev ? `${d.dev.address} (${d.dev.driver})` : "device";
    const ids = d.vendor !== undefined ? ` [${h4(d.vendor)}:${h4(d.device ?? 0)}]` : "";
    if (d.inaccessible) {
      out.push(`  ${who}: registers not read (link may be down): type Inaccessible`);
      continue;
    }
    out.push(`  ${who}${ids}: ${d.layer ?? "?"}, ${d.agent ?? "?"}${d.firmwareFirst ? " (firmware first)" : ""}${d.reportedFirst ? ", reported first" : ""}`);
    if (d.status !== undefined) {
      const kind = d.severity === "correctable" ? "correctable" : "uncorrectable";
      const shown = (d.status & ~(d.mask ?? 0)) >>> 0;
      out.push(`    ${kind === "correctable" ? "CE" : "UE"} status ${h8(d.status)} mask ${h8(d.mask ?? 0)}`);
      for (const b of describeAerBits(kind, shown)) {
        const first = d.bits.some((x) => x.bit === b.bit && x.first);
        out.push(`      ${b.text}${first ? "  (First)" : ""}`);
      }
    } else for (const b of d.bits) out.push(`    [${b.bit}] ${b.name}${b.first ? " (First)" : ""}`);
    if (d.uncorSeverity !== undefined) out.push(`    UE severity ${h8(d.uncorSeverity)}`);
    if (d.tlp) out.push(`    TLP header ${d.tlp.dwords.map(h8).join(" ")}${d.tlp.prefixes.length ? `, prefixes ${d.tlp.prefixes.map(h8).join(" ")}` : ""}`);
  }
  return out;
}

export function describeAerEvents(events: readonly AerLogEvent[]): string[] {
  if (events.length === 0) return [];
  return [
    `== AER recovery lines (${events.length}) ==`,
    ...events.map((e) => `  line ${e.line}: ${e.body.kind}  ${e.dev ? `${e.dev.address}: ` : ""}${printAerBody(e.body, "v4.19")}`),
  ];
}
