// A plain-text rendering of an interpretation, for the CLI and for logs: the headline, one
// block per finding (type, PE, RID, address, flags, summary, evidence), then the limits.

import { describeEvidence } from "./bit-names.js";
import { flagNames } from "./catalogue.js";
import { bdf, hex3 } from "./labels.js";
import type { Interpretation } from "./types.js";

export function formatInterpretation(interp: Interpretation): string[] {
  const out = [`${interp.model} diag data — ${interp.severity}: ${interp.headline}`];
  interp.findings.forEach((f, i) => {
    const tags = [
      f.type === "UNKNOWN" && f.unknownCode !== undefined ? `type code ${f.unknownCode}` : "",
      f.pe !== undefined ? `PE#${hex3(f.pe)}` : "",
      f.rid !== undefined ? `RID ${bdf(f.rid)}` : "",
      f.address !== undefined ? `address 0x${f.address.toString(16)}` : "",
      flagNames(f.flags).join(","),
    ].filter(Boolean);
    out.push(`  ${i + 1}. ${f.type}${tags.length ? `  [${tags.join("  ")}]` : ""}`);
    out.push(`     ${f.summary}`);
    for (const e of f.evidence) out.push(`       · ${describeEvidence(e, interp.model)}`);
  });
  if (interp.limits.length) {
    out.push("  Limits:");
    for (const l of interp.limits) out.push(`   - ${l.kind}: ${l.message}`);
  }
  return out;
}
