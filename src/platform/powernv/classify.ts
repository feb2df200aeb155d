// skiboot's error classification (powernv-opal.md §6.1 PHB3, §6.2 P7IOC): which class a
// pending PHB error belongs to — DEAD, FENCED, ER (PE freeze) or INF — and which bit
// decided it. Start from the WOF (restricted to unmasked bits when any unmasked bit is
// set), fall back to the FIR the same way; walk the classes in order and take the first
// (lowest IBM-numbered) bit of the first class that intersects.

import { setBits } from "../../core/bits.js";
import {
  P7IOC_LEM_ER,
  P7IOC_LEM_INF,
  P7IOC_LEM_PHB,
  PHB3_LEM_ER,
  PHB3_LEM_FENCED,
  PHB3_LEM_INF,
  PHB3_NFIR_DEAD,
  PHB3_NFIR_FENCED,
} from "../../ioda/lem.js";
import type { Ioda2State } from "../../ioda/ioda2/phb3.js";
import type { PhbState } from "../../ioda/phb-engine.js";

export type ErrSource = "none" | "pbcq" | "phb";
export type ErrClass = "none" | "dead" | "fenced" | "er" | "inf";

export interface Classified {
  readonly src: ErrSource;
  readonly cls: ErrClass;
  /** skiboot's err_bit = 63 − n of the deciding IBM bit n; −1 when none. */
  readonly bit: number;
}

const ONES = 0xffffffffffffffffn;
const NONE: Classified = { src: "none", cls: "none", bit: -1 };

/** WOF restricted to unmasked bits when any is set, else WOF; then the same for FIR. */
function effectiveBits(fir: bigint, mask: bigint, wof: bigint): bigint {
  for (const w of [wof, fir]) {
    if (w === 0n) continue;
    const unmasked = w & ~mask;
    return unmasked !== 0n ? unmasked : w;
  }
  return 0n;
}

function firstOf(bits: bigint, classes: ReadonlyArray<readonly [ErrClass, bigint]>, src: ErrSource): Classified | undefined {
  for (const [cls, mask] of classes) {
    const hit = bits & mask;
    if (hit !== 0n) return { src, cls, bit: 63 - setBits(hit)[0]! };
  }
  return undefined;
}

/** phb3_err_check_pbcq then phb3_err_check_lem. */
export function classifyPhb3(hw: Ioda2State): Classified {
  if (hw.nfir === ONES) return { src: "none", cls: "dead", bit: -1 };
  const nfir = effectiveBits(hw.nfir, hw.nfirMask, hw.nfirWof);
  const p = firstOf(nfir, [["dead", PHB3_NFIR_DEAD], ["fenced", PHB3_NFIR_FENCED]], "pbcq");
  if (p) return p;
  if (hw.regs.lemFir === ONES) return { src: "phb", cls: "dead", bit: -1 };
  const lem = effectiveBits(hw.regs.lemFir, hw.regs.lemErrorMask, hw.regs.lemWof);
  return firstOf(lem, [["fenced", PHB3_LEM_FENCED], ["er", PHB3_LEM_ER], ["inf", PHB3_LEM_INF]], "phb") ?? NONE;
}

/**
 * p7ioc_check_LEM for a PHB unit: class PHB is reported as *fenced* (there is no
 * LEM-derived "dead" on P7IOC), then ER, then INF.
 */
export function classifyP7ioc(hw: PhbState): Classified {
  const lem = effectiveBits(hw.regs.lemFir, hw.regs.lemErrorMask, hw.regs.lemWof);
  return firstOf(lem, [["fenced", P7IOC_LEM_PHB], ["er", P7IOC_LEM_ER], ["inf", P7IOC_LEM_INF]], "phb") ?? NONE;
}

export function classify(hw: PhbState): Classified {
  return hw.model === "ioda2" ? classifyPhb3(hw as Ioda2State) : classifyP7ioc(hw);
}
