// interpretParsedDump: interpret a PHB diag dump read from Linux text, and say what the
// text could not show (powernv-opal.md §4.2–§4.4). Linux prints a line only when its gate
// word is non-zero and a PE only when it is stopped, so "not printed" reads as zero — exact
// for a gate word, unknown for the other words of that line.

import { hex3 } from "./labels.js";
import { assemble, interpretPhbDiag } from "./interpret.js";
import { DIAG_PRINT_MODELS } from "../dmesg/diag-lines.js";
import { toPhbDiagData, type ParsedPhbDump } from "../dmesg/parsed-dump.js";
import { PHB_DIAG_IOTYPE_OF } from "../opal/constants.js";
import { phbDiagLayout } from "../opal/layout.js";
import type { PhbDiagScalarName } from "../opal/types.js";
import type { Interpretation, Limit } from "./types.js";

/**
 * Words the rules read whose value a missing line hides (logs and TLP header words are
 * not interpreted, so their absence limits nothing).
 */
const READ_BY_RULES: ReadonlySet<PhbDiagScalarName> = new Set<PhbDiagScalarName>([
  "lemErrorMask",
  "lemWOF",
  "nFirMask",
  "nFirWOF",
  "phbFirstErrorStatus",
  "mmioFirstErrorStatus",
  "dma0FirstErrorStatus",
  "dma1FirstErrorStatus",
  "phbTxeFirstErrorStatus",
  "phbRxeArbFirstErrorStatus",
  "phbRxeMrgFirstErrorStatus",
  "phbRxeTceFirstErrorStatus",
  "phbPblFirstErrorStatus",
  "phbRegbFirstErrorStatus",
]);

export function interpretParsedDump(dump: ParsedPhbDump): Interpretation {
  const d = toPhbDiagData(dump);
  const limits = dumpLimits(dump);
  if (d === undefined) {
    const summary = "PHB diag dump without its header: model unknown, registers not interpreted";
    return assemble("unknown", [{ type: "UNKNOWN", flags: 0, evidence: [], summary }], limits);
  }
  return interpretPhbDiag(d, { limits });
}

/** The limits of a parsed dump, in LIMIT_KINDS order. */
export function dumpLimits(dump: ParsedPhbDump): Limit[] {
  const out: Limit[] = [];
  if (dump.model !== undefined) {
    const unprinted = unprintedFields(dump);
    if (unprinted.length) {
      out.push({
        kind: "unprinted-fields",
        fields: unprinted,
        message: `Linux prints these words only beside a non-zero gate word; their lines were not printed, so they read as zero but are unknown: ${unprinted.join(", ")}`,
      });
    }
    const tail = pestTail(dump);
    if (tail) out.push(tail);
  }
  if (dump.problems.length) {
    const first = dump.problems[0]!;
    const n = dump.problems.length;
    out.push({
      kind: "damaged-dump",
      fields: [],
      message: `${n} damaged or lost dump line${n > 1 ? "s" : ""} (first: line ${first.line}, ${first.message}); words on them read as zero`,
    });
  }
  if (dump.model === undefined) {
    out.push({ kind: "no-header", fields: [], message: "The dump header was lost: without the model the register lines cannot be placed" });
  }
  return out;
}

/** Non-gate words of the lines that were not printed, limited to what the rules read. */
function unprintedFields(dump: ParsedPhbDump): string[] {
  const model = dump.model!;
  const seen = new Set(dump.labels);
  const present = new Set(phbDiagLayout(PHB_DIAG_IOTYPE_OF[model]).entries.map((e) => ("name" in e ? e.name : "")));
  const out: string[] = [];
  for (const line of DIAG_PRINT_MODELS[model].lines) {
    if (seen.has(line.label)) continue;
    for (const field of line.fields) {
      if (!line.gate.includes(field) && READ_BY_RULES.has(field) && present.has(field)) out.push(field);
    }
  }
  return out;
}

/**
 * §4.4: a run of identical stopped entries that reaches the last PE never gets its "as
 * above" line, so the PEs after the last printed entry may be frozen exactly like it. Only
 * the de-duplicating (mainline) format has this blind spot.
 */
function pestTail(dump: ParsedPhbDump): Limit | undefined {
  if (dump.format === "legacy") return undefined;
  const last = dump.pest[dump.pest.length - 1];
  const count = phbDiagLayout(PHB_DIAG_IOTYPE_OF[dump.model!]).pestCount;
  if (!last || last.asAbove || last.index >= count - 1) return undefined;
  const first = last.index + 1;
  const range = first === count - 1 ? hex3(first) : `${hex3(first)}..${hex3(count - 1)}`;
  const pes = first === count - 1 ? `PE#${first.toString(16)} may` : `PE#${first.toString(16)}..PE#${(count - 1).toString(16)} may`;
  return {
    kind: "pest-tail",
    fields: [`pestA[${range}]`, `pestB[${range}]`],
    message: `${pes} also be frozen with the same words as PE#${last.index.toString(16)}: Linux never prints the "as above" line of a run that reaches the last PE`,
  };
}
