// The `ras:aer_event` trace record as its TP_printk prints it (aer-xen.md §7): what
// rasdaemon and `perf trace` see for every reported device, even when the printk was
// ratelimited. Flag names are the trace's own naming scheme (names.ts AER_TRACE_*).
// Assumption (not in the spec): the TLP header prints as __print_array does, `{0x…,0x…}`.

import { AER_TRACE_COR_NAMES, AER_TRACE_UNCOR_NAMES, setBits, type AerSeverity } from "./names.js";

export interface AerTraceRecord {
  readonly devName: string;
  /** status & ~mask */
  readonly status: number;
  readonly severity: AerSeverity;
  readonly tlpHeaderValid: boolean;
  readonly tlpHeader: readonly number[];
}

const SEVERITY: Readonly<Record<AerSeverity, string>> = { correctable: "Corrected", fatal: "Fatal", nonfatal: "Uncorrected, non-fatal" };

export function printAerTraceEvent(t: AerTraceRecord): string {
  const names = t.severity === "correctable" ? AER_TRACE_COR_NAMES : AER_TRACE_UNCOR_NAMES;
  // __print_flags prints the named bits joined by "|", then any remaining bits in hex.
  let rest = t.status >>> 0;
  const flags: string[] = [];
  for (const b of setBits(rest)) {
    const n = names[b];
    if (n) {
      flags.push(n);
      rest &= ~(1 << b);
    }
  }
  if (rest >>> 0) flags.push(`0x${(rest >>> 0).toString(16)}`);
  const tlp = t.tlpHeaderValid ? `{${t.tlpHeader.map((d) => `0x${(d >>> 0).toString(16)}`).join(",")}}` : "Not available";
  return `${t.devName} PCIe Bus Error: severity=${SEVERITY[t.severity]}, ${flags.join("|")}, TLP Header=${tlp}`;
}
