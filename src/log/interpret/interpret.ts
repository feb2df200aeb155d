// interpretPhbDiag: the "well-defined blob" of seed 004 in structured form — a PHB diag
// structure (P7IOC, PHB3 or PHB4; from a binary blob or from Linux text) read into
// findings of the catalogue. The rules run in a fixed order because later ones attribute
// bits to findings earlier ones made:
//
//   1. FIRs: dead / fence / informational / ER bits           (rules-fir.ts, §6)
//   2. root-port image all-ones → dead                         (rules-root-port.ts)
//   3. PEST: frozen PEs and their causes                       (rules-pest.ts, §3.5)
//   4. root port: link, PCIe UE/CE                             (rules-root-port.ts, aer-xen §1)
//   5. attribution of unnamed error-status bits and ER bits    (rules-routing.ts)
//
// Never throws on a structure decodePhbDiag or toPhbDiagData produced.

import { FINDING_TYPES, severityOfGroup } from "./catalogue.js";
import { diagView } from "./diag-view.js";
import { Drafts } from "./draft.js";
import { applyFirRules } from "./rules-fir.js";
import { applyPestRules } from "./rules-pest.js";
import { applyRootPortRules, checkRootPortImage } from "./rules-root-port.js";
import { applyRoutingRules } from "./rules-routing.js";
import type { PhbDiagData } from "../opal/types.js";
import type { Finding, Interpretation, Limit } from "./types.js";

export interface InterpretOptions {
  /** What the input could not show, copied into the result (interpretParsedDump passes these). */
  readonly limits?: readonly Limit[];
}

export const NOTHING_RECORDED = "No error recorded in the diag data";

export function interpretPhbDiag(d: PhbDiagData, opts: InterpretOptions = {}): Interpretation {
  const view = diagView(d);
  const drafts = new Drafts(view);
  const { lemEr } = applyFirRules(view, drafts);
  checkRootPortImage(view, drafts);
  applyPestRules(view, drafts);
  applyRootPortRules(view, drafts);
  applyRoutingRules(view, drafts, lemEr);
  return assemble(view.model, drafts.finish(), opts.limits ?? []);
}

/** Severity and headline from ordered findings. */
export function assemble(model: Interpretation["model"], findings: readonly Finding[], limits: readonly Limit[]): Interpretation {
  const first = findings[0];
  const more = findings.length - 1;
  return {
    model,
    severity: first ? severityOfGroup(FINDING_TYPES[first.type].group) : "none",
    headline: first ? `${first.summary}${more > 0 ? ` (+${more} more finding${more > 1 ? "s" : ""})` : ""}` : NOTHING_RECORDED,
    findings,
    limits,
  };
}
