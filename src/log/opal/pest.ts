// What a PESTA/PESTB word pair says about a PE (powernv-opal.md §3.5), decoded into named
// fields and encoded back. IBM bit numbering (bit 0 = MSB). IODA1 (P7IOC) and IODA2 (PHB3)
// share the layout except bits 12 and 17, which only IODA1 defines; PHB4/IODA3 keeps bit 0,
// ttype, CA/UR and PESTB bit 0 (§3.5 note) — the decoder reports every bit regardless of
// model and leaves the model-specific reading to the caller.
//
// The layout itself lives in core/pest-layout.ts, shared with the PHB models that write it.

import { getField, getFieldNum, ppcBit, ppcMask, setField, testBit } from "../../core/bits.js";
import {
  PESTA_BITS,
  PESTA_TTYPE,
  PESTA_LEM_BIT,
  PESTA_RID,
  PESTA_MSI_DATA,
  PESTB_DMA_STOPPED_BIT,
  PESTB_FAIL_ADDR,
  PEST_TTYPE_NAMES,
  type PestAFlag,
} from "../../core/pest-layout.js";

export {
  PESTA_BITS,
  PESTA_TTYPE,
  PESTA_LEM_BIT,
  PESTA_RID,
  PESTA_MSI_DATA,
  PESTB_DMA_STOPPED_BIT,
  PESTB_FAIL_ADDR,
  PEST_TTYPE_NAMES,
  type PestAFlag,
} from "../../core/pest-layout.js";

const PESTA_KNOWN = Object.values(PESTA_BITS).reduce((m, b) => m | ppcBit(b), 0n) |
  ppcMask(PESTA_TTYPE.first, PESTA_TTYPE.last) |
  ppcMask(PESTA_LEM_BIT.first, PESTA_LEM_BIT.last) |
  ppcMask(PESTA_RID.first, PESTA_RID.last) |
  ppcMask(PESTA_MSI_DATA.first, PESTA_MSI_DATA.last);
const PESTB_KNOWN = ppcBit(PESTB_DMA_STOPPED_BIT) | ppcMask(PESTB_FAIL_ADDR.first, PESTB_FAIL_ADDR.last);

export type PestA = { readonly [K in PestAFlag]: boolean } & {
  /** Bits 5..7. */
  readonly ttype: number;
  /** Name of `ttype`, or "reserved" for 6. */
  readonly ttypeName: string;
  /** Bits 26..31: the LEM bit that caused the freeze. */
  readonly lemBit: number;
  /** Bits 32..47: bus << 8 | devfn of the offending transaction. */
  readonly rid: number;
  /** Bits 48..63. */
  readonly msiData: number;
  /** Bits the spec does not name (1, 22..25), as a mask in place; kept so encode∘decode = id. */
  readonly otherBits: bigint;
};

export interface PestB {
  readonly dmaStopped: boolean;
  /** Bits 3..63 in place: the failing address' low 61 bits. */
  readonly failingAddress: bigint;
  /** Bits 1..2 (unnamed), in place. */
  readonly otherBits: bigint;
}

export interface PestEntry {
  readonly a: PestA;
  readonly b: PestB;
  /** Linux' PNV_IODA_STOPPED_STATE test: MMIO frozen or DMA stopped. */
  readonly frozen: boolean;
}

export function pestTtypeName(ttype: number): string {
  return PEST_TTYPE_NAMES[ttype] ?? "reserved";
}

export function decodePestA(word: bigint): PestA {
  const flags = {} as Record<PestAFlag, boolean>;
  for (const [name, bit] of Object.entries(PESTA_BITS) as [PestAFlag, number][]) flags[name] = testBit(word, bit);
  const ttype = getFieldNum(PESTA_TTYPE, word);
  return {
    ...flags,
    ttype,
    ttypeName: pestTtypeName(ttype),
    lemBit: getFieldNum(PESTA_LEM_BIT, word),
    rid: getFieldNum(PESTA_RID, word),
    msiData: getFieldNum(PESTA_MSI_DATA, word),
    otherBits: word & ~PESTA_KNOWN & ((1n << 64n) - 1n),
  };
}

/** Inverse of decodePestA (`ttypeName` is ignored). Throws RangeError when a field does not fit. */
export function encodePestA(a: Omit<PestA, "ttypeName"> & { readonly ttypeName?: string }): bigint {
  if ((a.otherBits & PESTA_KNOWN) !== 0n) throw new RangeError("PESTA otherBits overlaps named fields");
  let w = a.otherBits;
  for (const [name, bit] of Object.entries(PESTA_BITS) as [PestAFlag, number][]) if (a[name]) w |= ppcBit(bit);
  w = setField(PESTA_TTYPE, w, a.ttype);
  w = setField(PESTA_LEM_BIT, w, a.lemBit);
  w = setField(PESTA_RID, w, a.rid);
  return setField(PESTA_MSI_DATA, w, a.msiData);
}

export function decodePestB(word: bigint): PestB {
  return {
    dmaStopped: testBit(word, PESTB_DMA_STOPPED_BIT),
    failingAddress: getField(PESTB_FAIL_ADDR, word),
    otherBits: word & ~PESTB_KNOWN & ((1n << 64n) - 1n),
  };
}

export function encodePestB(b: PestB): bigint {
  if ((b.otherBits & PESTB_KNOWN) !== 0n) throw new RangeError("PESTB otherBits overlaps named fields");
  const w = b.otherBits | (b.dmaStopped ? ppcBit(PESTB_DMA_STOPPED_BIT) : 0n);
  return setField(PESTB_FAIL_ADDR, w, b.failingAddress);
}

export function decodePest(a: bigint, b: bigint): PestEntry {
  const pa = decodePestA(a);
  const pb = decodePestB(b);
  return { a: pa, b: pb, frozen: pa.mmioFrozen || pb.dmaStopped };
}
