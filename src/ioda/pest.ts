// PEST (PE state table) words, powernv-opal.md §3.5. PESTA bit 0 = MMIO frozen, PESTB bit 0
// = DMA stopped; the rest of PESTA records the cause of the freeze, PESTB the failing
// address. IODA1 and IODA2 share the layout (IODA1 adds bits 12 and 17).

import { field, getField, getFieldNum, ppcBit, setField } from "../core/bits.js";

export const PEST_FROZEN = ppcBit(0); // PESTA: MMIO frozen; PESTB: DMA stopped
export const PNV_IODA_STOPPED_STATE = 0x8000000000000000n; // Linux's test for "stopped"

export const PESTA_MMIO_CAUSE = ppcBit(2);
export const PESTA_CFG_READ = ppcBit(3);
export const PESTA_CFG_WRITE = ppcBit(4);
export const PESTA_TTYPE = field(5, 7);
export const PESTA_CA_RETURN = ppcBit(8); // completer abort / UTL RTOS timeout
export const PESTA_UR_RETURN = ppcBit(9);
export const PESTA_UTL_NONFATAL = ppcBit(10);
export const PESTA_UTL_FATAL = ppcBit(11);
export const PESTA_TAG_REUSE = ppcBit(12); // IODA1 only
export const PESTA_PARITY_UE = ppcBit(13);
export const PESTA_UTL_CORRECTABLE = ppcBit(14);
export const PESTA_UTL_INTERRUPT = ppcBit(15);
export const PESTA_MMIO_XLATE = ppcBit(16); // MMIO translation error / IODA error
export const PESTA_TVT_EXT_ERROR = ppcBit(17); // IODA1 only
export const PESTA_TCE_PAGE_FAULT = ppcBit(18);
export const PESTA_TCE_ACCESS_FAULT = ppcBit(19);
export const PESTA_DMA_RESP_TIMEOUT = ppcBit(20);
export const PESTA_AIB_SIZE_INVALID = ppcBit(21);
export const PESTA_LEM_BIT = field(26, 31);
export const PESTA_RID = field(32, 47);
export const PESTA_MSI_DATA = field(48, 63);

export const PESTB_FAIL_ADDR = field(3, 63);

/** Transaction types of PESTA bits 5..7. */
export const TTYPE = {
  DMA_WRITE: 0,
  MSI: 1,
  DMA_READ: 2,
  DMA_READ_RESPONSE: 3,
  MMIO_LOAD: 4,
  MMIO_STORE: 5,
  OTHER: 7,
} as const;
export type Ttype = (typeof TTYPE)[keyof typeof TTYPE];

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
