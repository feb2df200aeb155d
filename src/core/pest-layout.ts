// The PEST (PE state table) word layout, powernv-opal.md §3.5 — defined once here because
// two layers need it and may not import each other: the PHB models write PESTA/PESTB when
// they freeze a PE (ioda/pest.ts), and the diag-data decoder reads them (log/opal/pest.ts).
// IBM bit numbering. IODA1 and IODA2 share the layout; bits 12 and 17 are IODA1-only.

import { field, ppcBit } from "./bits.js";

/** PESTA single-bit flags, by IBM bit number. */
export const PESTA_BITS = {
  mmioFrozen: 0,
  mmioCause: 2,
  cfgRead: 3,
  cfgWrite: 4,
  /** CA (completer abort) return / UTL RTOS timeout — one bit, two names. */
  caOrTimeout: 8,
  ur: 9,
  utlNonFatal: 10,
  utlFatal: 11,
  /** IODA1 only. */
  tagReuse: 12,
  parityUe: 13,
  utlCorrectable: 14,
  utlInterrupt: 15,
  /** MMIO translation error / IODA error — one bit, two names. */
  mmioXlateOrIodaError: 16,
  /** IODA1 only. */
  tvtExtError: 17,
  tcePageFault: 18,
  tceAccessFault: 19,
  dmaRespTimeout: 20,
  aibSizeInvalid: 21,
} as const;

export type PestAFlag = keyof typeof PESTA_BITS;

export const PESTA_TTYPE = field(5, 7);
export const PESTA_LEM_BIT = field(26, 31);
export const PESTA_RID = field(32, 47);
export const PESTA_MSI_DATA = field(48, 63);
export const PESTB_DMA_STOPPED_BIT = 0;
export const PESTB_FAIL_ADDR = field(3, 63);

/** Bit 0 of either word: PESTA = MMIO frozen, PESTB = DMA stopped. */
export const PEST_FROZEN = ppcBit(0);
/** Linux's test for "stopped" on either word (PNV_IODA_STOPPED_STATE). */
export const PNV_IODA_STOPPED_STATE = 0x8000000000000000n;

/** Transaction types of PESTA bits 5..7 (6 is not defined). */
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

export const PEST_TTYPE_NAMES: Readonly<Record<number, string>> = {
  0: "DMA write",
  1: "MSI",
  2: "DMA read",
  3: "DMA read response",
  4: "MMIO load",
  5: "MMIO store",
  7: "other",
};
