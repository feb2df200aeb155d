// PHB-wide state from the FIRs (powernv-opal.md §6.1, §6.2): the PBCQ NFIR (PHB3/PHB4) and
// the PHB LEM, classified DEAD → PHB_DEAD, FENCED (P7IOC: class PHB) → PHB_FENCE,
// INF → INFORMATIONAL; ER-class LEM bits are handed back for the PE rules (an ER froze a
// PE, it does not stop the PHB); bits in no class → UNKNOWN. A FIR that reads all-ones is
// a failed XSCOM/ASB read → PHB_DEAD, and its bits mean nothing.

import { ppcBit } from "../../core/bits.js";
import { PCI_ERR_UNC_MALF_TLP } from "../../pci/regs.js";
import { ibmBitList } from "./bit-names.js";
import type { DiagView, FirView } from "./diag-view.js";
import type { Draft, Drafts } from "./draft.js";
import {
  PHB3_LEM_MALFORMED_ESCALATION_BIT,
  PHB3_NFIR_AIB_FENCED,
  PHB4_NFIR_PFIR_FREEZE,
  firBitsToClassify,
  isAllOnes64,
  splitFirBits,
} from "./fir-classes.js";
import { rootPortUnreadable } from "./root-port-image.js";

export interface FirOutcome {
  /** ER-class LEM bits (after skiboot's mask rule), for the PE rules to attribute. */
  readonly lemEr: bigint;
}

export function applyFirRules(v: DiagView, f: Drafts): FirOutcome {
  if (v.nfir) classifyFir(v, f, v.nfir);
  const lemEr = classifyFir(v, f, v.lem);
  if (v.model === "PHB3") malformedTlpEscalation(v, f);
  return { lemEr };
}

/** Classify one FIR; returns its ER-class bits. */
function classifyFir(v: DiagView, f: Drafts, fir: FirView): bigint {
  const firValue = v.value(fir.fir);
  const wof = v.value(fir.wof);
  if (isAllOnes64(firValue)) {
    const d = f.dead();
    f.cite(d, fir.fir, firValue);
    f.note(d, fir.label === "NFIR" ? "NFIR reads all-ones (XSCOM read failed)" : "LEM FIR reads all-ones (ASB read failed)");
    return 0n;
  }
  const bits = firBitsToClassify(firValue, wof, v.value(fir.mask));
  if (bits === 0n) return 0n;
  const cite = (d: Draft, m: bigint): void => {
    f.cite(d, fir.fir, firValue & m);
    f.cite(d, fir.wof, wof & m);
  };
  const { byClass, unclassified } = splitFirBits(bits, fir.classes);
  const dead = byClass.get("dead");
  if (dead) {
    const d = f.dead();
    cite(d, dead);
    f.note(d, `${fir.label} DEAD-class ${ibmBitList(dead)}`);
  }
  const fenced = byClass.get("fenced");
  if (fenced) {
    const d = f.fence();
    cite(d, fenced);
    f.note(d, fenceNote(v, fir, fenced));
  }
  const inf = byClass.get("inf");
  if (inf) {
    const d = f.get("INFORMATIONAL", "INFORMATIONAL", () => ({ describe: (x) => `Informational PHB error: ${x.notes.join("; ")}` }));
    cite(d, inf);
    f.note(d, `${fir.label} INF-class ${ibmBitList(inf)}`);
  }
  if (unclassified) {
    const d = f.unknown(`fir:${fir.label}`, `${fir.label} bits in no severity class`);
    cite(d, unclassified);
  }
  return byClass.get("er") ?? 0n;
}

function fenceNote(v: DiagView, fir: FirView, bits: bigint): string {
  if (fir.label === "NFIR" && v.model === "PHB4" && bits === PHB4_NFIR_PFIR_FREEZE) return "NFIR bit 16 (PFIR_freeze)";
  if (fir.label === "NFIR" && (bits & PHB3_NFIR_AIB_FENCED) !== 0n) return `NFIR FENCED-class ${ibmBitList(bits)} (bit 16 = AIB fenced)`;
  // P7IOC calls its fencing LEM class "PHB" (§6.2).
  const cls = v.model === "P7IOC" && fir.label === "LEM" ? "PHB-class" : "FENCED-class";
  return `${fir.label} ${cls} ${ibmBitList(bits)}`;
}

/**
 * PHB3: skiboot turns an ER into a fence when LEM bit 60 is set and the root port's AER UE
 * status has Malformed TLP (§2.3 step 6). The spec states it for PHB3 only; P7IOC's
 * variant ("malformed-TLP escalation to class PHB") does not name its LEM bit.
 */
function malformedTlpEscalation(v: DiagView, f: Drafts): void {
  const bit = ppcBit(PHB3_LEM_MALFORMED_ESCALATION_BIT);
  const lem = v.value("lemFir");
  const ue = v.value("uncorrErrorStatus");
  if (isAllOnes64(lem) || rootPortUnreadable(v)) return;
  if ((lem & bit) === 0n || (ue & BigInt(PCI_ERR_UNC_MALF_TLP)) === 0n) return;
  const d = f.fence();
  f.cite(d, "lemFir", bit);
  f.cite(d, "uncorrErrorStatus", BigInt(PCI_ERR_UNC_MALF_TLP));
  f.note(d, "ER escalated by skiboot (LEM bit 60 with root-port MalfTLP)");
}
