// Evidence registers: the stable u16 code of every diag-data field in the binary form, and
// how to read an evidence entry's register back out of a diag structure (so anyone holding
// the raw blob can check a forwarded interpretation against it).
//
// Codes: 0x0001.. the 32-bit root-port/UTL words, 0x0020.. the 64-bit PHB registers (values
// fixed here, never renumbered), 0x1000 | i PESTA[i], 0x2000 | i PESTB[i] (i < 0x1000).

import type { PhbDiagData, PhbDiagScalarName } from "../opal/types.js";
import type { Evidence, EvidenceRegister } from "./types.js";

export const REGISTER_CODES: Readonly<Record<PhbDiagScalarName, number>> = {
  brdgCtl: 0x0001,
  portStatusReg: 0x0002,
  rootCmplxStatus: 0x0003,
  busAgentStatus: 0x0004,
  deviceStatus: 0x0005,
  slotStatus: 0x0006,
  linkStatus: 0x0007,
  devCmdStatus: 0x0008,
  devSecStatus: 0x0009,
  rootErrorStatus: 0x000a,
  uncorrErrorStatus: 0x000b,
  corrErrorStatus: 0x000c,
  tlpHdr1: 0x000d,
  tlpHdr2: 0x000e,
  tlpHdr3: 0x000f,
  tlpHdr4: 0x0010,
  sourceId: 0x0011,
  rsv3: 0x0012,
  errorClass: 0x0020,
  correlator: 0x0021,
  nFir: 0x0022,
  nFirMask: 0x0023,
  nFirWOF: 0x0024,
  phbPlssr: 0x0025,
  phbCsr: 0x0026,
  p7iocPlssr: 0x0027,
  p7iocCsr: 0x0028,
  lemFir: 0x0029,
  lemErrorMask: 0x002a,
  lemWOF: 0x002b,
  phbErrorStatus: 0x0030,
  phbFirstErrorStatus: 0x0031,
  phbErrorLog0: 0x0032,
  phbErrorLog1: 0x0033,
  mmioErrorStatus: 0x0034,
  mmioFirstErrorStatus: 0x0035,
  mmioErrorLog0: 0x0036,
  mmioErrorLog1: 0x0037,
  dma0ErrorStatus: 0x0038,
  dma0FirstErrorStatus: 0x0039,
  dma0ErrorLog0: 0x003a,
  dma0ErrorLog1: 0x003b,
  dma1ErrorStatus: 0x003c,
  dma1FirstErrorStatus: 0x003d,
  dma1ErrorLog0: 0x003e,
  dma1ErrorLog1: 0x003f,
  phbTxeErrorStatus: 0x0040,
  phbTxeFirstErrorStatus: 0x0041,
  phbTxeErrorLog0: 0x0042,
  phbTxeErrorLog1: 0x0043,
  phbRxeArbErrorStatus: 0x0044,
  phbRxeArbFirstErrorStatus: 0x0045,
  phbRxeArbErrorLog0: 0x0046,
  phbRxeArbErrorLog1: 0x0047,
  phbRxeMrgErrorStatus: 0x0048,
  phbRxeMrgFirstErrorStatus: 0x0049,
  phbRxeMrgErrorLog0: 0x004a,
  phbRxeMrgErrorLog1: 0x004b,
  phbRxeTceErrorStatus: 0x004c,
  phbRxeTceFirstErrorStatus: 0x004d,
  phbRxeTceErrorLog0: 0x004e,
  phbRxeTceErrorLog1: 0x004f,
  phbPblErrorStatus: 0x0050,
  phbPblFirstErrorStatus: 0x0051,
  phbPblErrorLog0: 0x0052,
  phbPblErrorLog1: 0x0053,
  phbPcieDlpErrorLog1: 0x0054,
  phbPcieDlpErrorLog2: 0x0055,
  phbPcieDlpErrorStatus: 0x0056,
  phbRegbErrorStatus: 0x0058,
  phbRegbFirstErrorStatus: 0x0059,
  phbRegbErrorLog0: 0x005a,
  phbRegbErrorLog1: 0x005b,
};

export const PESTA_CODE_BASE = 0x1000;
export const PESTB_CODE_BASE = 0x2000;
/** PEST indices the code space holds (0x000..0xfff; the largest table has 512 entries). */
export const PEST_CODE_INDEX_LIMIT = 0x1000;

const NAME_BY_CODE: ReadonlyMap<number, PhbDiagScalarName> = new Map(
  (Object.entries(REGISTER_CODES) as [PhbDiagScalarName, number][]).map(([n, c]) => [c, n]),
);

/** The code of an evidence entry's register. Throws RangeError for a PEST index out of the code space. */
export function registerCodeOf(e: Pick<Evidence, "register" | "index" | "code">): number {
  if (e.register === "unknown") {
    if (e.code === undefined) throw new RangeError("evidence register \"unknown\" needs its code");
    return e.code;
  }
  if (e.register === "pestA" || e.register === "pestB") {
    const i = e.index ?? -1;
    if (!Number.isInteger(i) || i < 0 || i >= PEST_CODE_INDEX_LIMIT) throw new RangeError(`PEST index ${i} outside 0..0xfff`);
    return (e.register === "pestA" ? PESTA_CODE_BASE : PESTB_CODE_BASE) | i;
  }
  return REGISTER_CODES[e.register];
}

/** The register a code names: a field, a PEST entry, or "unknown" (kept with its code). */
export function registerOfCode(code: number): { register: EvidenceRegister; index?: number; code?: number } {
  const hi = code & 0xf000;
  if (hi === PESTA_CODE_BASE) return { register: "pestA", index: code & 0xfff };
  if (hi === PESTB_CODE_BASE) return { register: "pestB", index: code & 0xfff };
  const name = NAME_BY_CODE.get(code);
  return name !== undefined ? { register: name } : { register: "unknown", code };
}

/** Is this register one of the 32-bit config/UTL words (masks are PCI masks, not IBM bits)? */
export function isPciWord(register: EvidenceRegister): boolean {
  const code = register === "unknown" || register === "pestA" || register === "pestB" ? 0 : REGISTER_CODES[register];
  return code > 0 && code < 0x20;
}

/**
 * The value of the evidence's register in `d` as a bigint, or undefined when `d`'s model has
 * no such register (or the PEST index is out of its table).
 */
export function evidenceRegisterValue(d: PhbDiagData, e: Evidence): bigint | undefined {
  if (e.register === "unknown") return undefined;
  if (e.register === "pestA" || e.register === "pestB") {
    return e.index === undefined ? undefined : d[e.register][e.index];
  }
  const v = (d as unknown as Record<string, number | bigint | undefined>)[e.register];
  return v === undefined ? undefined : BigInt(v);
}

/** True when `d` shows what the evidence says: the bits set (or, for `clear`, all clear). */
export function evidenceHolds(d: PhbDiagData, e: Evidence): boolean {
  const v = evidenceRegisterValue(d, e);
  if (v === undefined) return false;
  return e.clear ? (v & e.mask) === 0n : (v & e.mask) === e.mask && e.mask !== 0n;
}
