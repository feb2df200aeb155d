// Severity classes of the PBCQ NFIR and the PHB LEM (powernv-opal.md §6.1, §6.2), and the
// bit selection skiboot applies before classifying.
//
// The masks themselves live in core/fir-classes.ts, shared with the OPAL firmware model.
//
// PHB4: §6.5 says "same class scheme" but gives no masks; the only PHB4 FIR bit the spec
// names is NFIR bit 16 "PFIR_freeze" (§3.4). Everything else of a PHB4 FIR is unclassified.

import {
  PHB3_NFIR_DEAD,
  PHB3_NFIR_FENCED,
  PHB3_LEM_FENCED,
  PHB3_LEM_ER,
  PHB3_LEM_INF,
  P7IOC_LEM_PHB,
  P7IOC_LEM_ER,
  P7IOC_LEM_INF,
  PHB4_NFIR_PFIR_FREEZE,
} from "../../core/fir-classes.js";

export {
  PHB3_NFIR_DEAD,
  PHB3_NFIR_FENCED,
  PHB3_NFIR_AIB_FENCED,
  PHB3_LEM_FENCED,
  PHB3_LEM_ER,
  PHB3_LEM_INF,
  P7IOC_LEM_PHB,
  P7IOC_LEM_ER,
  P7IOC_LEM_INF,
  PHB4_NFIR_PFIR_FREEZE,
  PHB3_LEM_MALFORMED_ESCALATION_BIT,
} from "../../core/fir-classes.js";

const ALL_ONES = (1n << 64n) - 1n;

export function isAllOnes64(v: bigint): boolean {
  return v === ALL_ONES;
}

export type FirClass = "dead" | "fenced" | "er" | "inf";

/** A FIR's class masks, walked in order (the first class is the most severe). */
export type FirClassTable = readonly { readonly cls: FirClass; readonly mask: bigint }[];

export const PHB3_NFIR_CLASSES: FirClassTable = [
  { cls: "dead", mask: PHB3_NFIR_DEAD },
  { cls: "fenced", mask: PHB3_NFIR_FENCED },
];
export const PHB3_LEM_CLASSES: FirClassTable = [
  { cls: "fenced", mask: PHB3_LEM_FENCED },
  { cls: "er", mask: PHB3_LEM_ER },
  { cls: "inf", mask: PHB3_LEM_INF },
];
export const P7IOC_LEM_CLASSES: FirClassTable = [
  { cls: "fenced", mask: P7IOC_LEM_PHB },
  { cls: "er", mask: P7IOC_LEM_ER },
  { cls: "inf", mask: P7IOC_LEM_INF },
];
export const PHB4_NFIR_CLASSES: FirClassTable = [{ cls: "fenced", mask: PHB4_NFIR_PFIR_FREEZE }];
export const PHB4_LEM_CLASSES: FirClassTable = [];

/**
 * The bits skiboot classifies (§6.1): unmasked bits if any is set, else all set bits. We
 * take FIR | WOF rather than skiboot's "WOF, else FIR" so that an error accumulated after
 * the first one is reported too; the mask rule is skiboot's.
 */
export function firBitsToClassify(fir: bigint, wof: bigint, mask: bigint): bigint {
  const bits = fir | wof;
  const unmasked = bits & ~mask;
  return unmasked !== 0n ? unmasked : bits;
}

export interface FirSplit {
  readonly byClass: ReadonlyMap<FirClass, bigint>;
  /** Bits in no class of the table. */
  readonly unclassified: bigint;
}

/** Split `bits` by class. A bit is in at most one class in every spec table. */
export function splitFirBits(bits: bigint, table: FirClassTable): FirSplit {
  const byClass = new Map<FirClass, bigint>();
  let rest = bits;
  for (const { cls, mask } of table) {
    const hit = rest & mask;
    if (hit !== 0n) byClass.set(cls, (byClass.get(cls) ?? 0n) | hit);
    rest &= ~mask;
  }
  return { byClass, unclassified: rest };
}
