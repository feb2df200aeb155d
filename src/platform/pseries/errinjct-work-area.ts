// The ibm,errinjct work area of the IOA bus error types (pseries-rtas.md §4.5): a 1 KiB
// buffer of big-endian u32 words.
//   ioa-bus-error (32-bit):    [0] address, [1] mask, [2] config address, [3] BUID hi,
//                              [4] BUID lo, [5] function
//   ioa-bus-error-64:          [0–1] address, [2–3] mask, [4] config address, [5] BUID hi,
//                              [6] BUID lo, [7] function
// Functions 0–19 follow EEH_ERR_FUNC_* (linux-eeh.md §6.1), the same order as
// OpalErrinjectFunc.

import { RTAS_ERRINJCT_WORK_AREA_SIZE, RTAS_ERR_TYPE_IOA_BUS_ERROR, RTAS_ERR_TYPE_IOA_BUS_ERROR_64 } from "./rtas-constants.js";

/** EEH_ERR_TYPE_32 / EEH_ERR_TYPE_64 (linux-eeh.md §6.1). */
export const EEH_ERR_TYPE_32 = 0;
export const EEH_ERR_TYPE_64 = 1;

export interface IoaBusError {
  /** EEH_ERR_TYPE_32 or EEH_ERR_TYPE_64. */
  readonly type: number;
  readonly addr: bigint;
  readonly mask: bigint;
  readonly configAddr: number;
  readonly buidHi: number;
  readonly buidLo: number;
  readonly func: number;
}

/** The error-type token of an IOA bus error of this width. */
export function ioaBusErrorToken(type: number): number {
  return type === EEH_ERR_TYPE_64 ? RTAS_ERR_TYPE_IOA_BUS_ERROR_64 : RTAS_ERR_TYPE_IOA_BUS_ERROR;
}

const u32 = (v: number | bigint): number => Number(BigInt.asUintN(32, BigInt(v)));

/** A 1 KiB work area holding `e` (zero elsewhere). */
export function encodeIoaBusErrorWorkArea(e: IoaBusError): Uint8Array {
  const buf = new Uint8Array(RTAS_ERRINJCT_WORK_AREA_SIZE);
  const view = new DataView(buf.buffer);
  const words =
    e.type === EEH_ERR_TYPE_64
      ? [e.addr >> 32n, e.addr, e.mask >> 32n, e.mask, e.configAddr, e.buidHi, e.buidLo, e.func]
      : [e.addr, e.mask, e.configAddr, e.buidHi, e.buidLo, e.func];
  words.forEach((w, i) => view.setUint32(4 * i, u32(w)));
  return buf;
}

/** Read the work area of error-type token `token`; undefined for other tokens or a short buffer. */
export function decodeIoaBusErrorWorkArea(token: number, area: Uint8Array): IoaBusError | undefined {
  const wide = token === RTAS_ERR_TYPE_IOA_BUS_ERROR_64;
  if (!wide && token !== RTAS_ERR_TYPE_IOA_BUS_ERROR) return undefined;
  const n = wide ? 8 : 6;
  if (area.length < 4 * n) return undefined;
  const view = new DataView(area.buffer, area.byteOffset, area.byteLength);
  const w = (i: number): number => view.getUint32(4 * i);
  if (wide) {
    return {
      type: EEH_ERR_TYPE_64,
      addr: (BigInt(w(0)) << 32n) | BigInt(w(1)),
      mask: (BigInt(w(2)) << 32n) | BigInt(w(3)),
      configAddr: w(4),
      buidHi: w(5),
      buidLo: w(6),
      func: w(7),
    };
  }
  return { type: EEH_ERR_TYPE_32, addr: BigInt(w(0)), mask: BigInt(w(1)), configAddr: w(2), buidHi: w(3), buidLo: w(4), func: w(5) };
}
