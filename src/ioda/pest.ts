// PEST (PE state table) words, powernv-opal.md §3.5. PESTA bit 0 = MMIO frozen, PESTB bit 0
// = DMA stopped; the rest of PESTA records the cause of the freeze, PESTB the failing
// address. IODA1 and IODA2 share the layout (IODA1 adds bits 12 and 17).

import { getField, getFieldNum, ppcBit, setField } from "../core/bits.js";
import { PESTA_BITS, PESTA_LEM_BIT, PESTA_RID, PESTA_TTYPE, PESTB_FAIL_ADDR, PEST_FROZEN, type Ttype } from "../core/pest-layout.js";

export { PEST_FROZEN, PNV_IODA_STOPPED_STATE, PESTA_TTYPE, PESTA_LEM_BIT, PESTA_RID, PESTA_MSI_DATA, PESTB_FAIL_ADDR, TTYPE, type Ttype } from "../core/pest-layout.js";

// Masks of the PESTA flags the models set when they freeze a PE.
export const PESTA_MMIO_CAUSE = ppcBit(PESTA_BITS.mmioCause);
export const PESTA_CFG_READ = ppcBit(PESTA_BITS.cfgRead);
export const PESTA_CFG_WRITE = ppcBit(PESTA_BITS.cfgWrite);
export const PESTA_CA_RETURN = ppcBit(PESTA_BITS.caOrTimeout);
export const PESTA_UR_RETURN = ppcBit(PESTA_BITS.ur);
export const PESTA_UTL_NONFATAL = ppcBit(PESTA_BITS.utlNonFatal);
export const PESTA_UTL_FATAL = ppcBit(PESTA_BITS.utlFatal);
export const PESTA_MMIO_XLATE = ppcBit(PESTA_BITS.mmioXlateOrIodaError);
export const PESTA_TCE_PAGE_FAULT = ppcBit(PESTA_BITS.tcePageFault);
export const PESTA_TCE_ACCESS_FAULT = ppcBit(PESTA_BITS.tceAccessFault);

/** What the hardware records about a freeze, in PESTA/PESTB terms. */
export interface PestCause {
  readonly causeBits: bigint; // PESTA flag bits (2..21)
  readonly ttype: Ttype;
  readonly lemBit: number;
  readonly rid?: number;
  readonly failingAddress?: bigint; // DMA only → PESTB
}

export function pestAWord(c: PestCause): bigint {
  let w = PEST_FROZEN | c.causeBits;
  w = setField(PESTA_TTYPE, w, c.ttype);
  w = setField(PESTA_LEM_BIT, w, c.lemBit);
  if (c.rid !== undefined) w = setField(PESTA_RID, w, c.rid);
  return w;
}

export function pestBWord(c: PestCause): bigint {
  let w = PEST_FROZEN;
  // The failing address field is IBM bits 3..63: the low 61 bits of the address.
  if (c.failingAddress !== undefined) w = setField(PESTB_FAIL_ADDR, w, c.failingAddress & ((1n << 61n) - 1n));
  return w;
}

export function pestRid(a: bigint): number {
  return getFieldNum(PESTA_RID, a);
}

export function pestFailingAddress(b: bigint): bigint {
  return getField(PESTB_FAIL_ADDR, b);
}

export function isFrozenWord(w: bigint): boolean {
  return (w & PEST_FROZEN) !== 0n;
}

