// `struct aer_error_inj`, what aer-inject write()s to /dev/aer_inject, one error per write
// (aer-xen.md §4.1): u8 bus @0; u8 dev @1; u8 fn @2; pad @3; u32 uncor_status @4;
// u32 cor_status @8; u32 header_log0..3 @12..24; u32 domain @28 — 32 bytes. The kernel takes
// any length from 28 (no domain: domain 0) to 32. The user tool declares `domain` as a
// uint16, which lands in the right place only on a little-endian host (on big-endian it
// would fill the high half of the kernel's u32 — an inference of the spec, not tested).

import { DecodeError } from "../core/errors.js";
import type { AerInjection } from "./inject-parse.js";

export const AER_ERROR_INJ_SIZE = 32;
export const AER_ERROR_INJ_MIN_SIZE = 28;

export interface AerErrorInj {
  readonly bus: number;
  readonly dev: number;
  readonly fn: number;
  readonly uncorStatus: number;
  readonly corStatus: number;
  readonly headerLog: readonly [number, number, number, number];
  readonly domain: number;
}

export function injFromInjection(i: AerInjection): AerErrorInj {
  return { bus: i.id.bus, dev: i.id.device, fn: i.id.fn, uncorStatus: i.uncorStatus, corStatus: i.corStatus, headerLog: i.headerLog, domain: i.id.domain };
}

/**
 * The bytes the user tool writes. `endian` is the host's; the tool's u16 domain is placed
 * at 28 as a u16 in that byte order (what it really does), the u32s likewise.
 */
export function encodeAerErrorInj(e: AerErrorInj, endian: "little" | "big" = "little"): Uint8Array {
  const b = new Uint8Array(AER_ERROR_INJ_SIZE);
  const v = new DataView(b.buffer);
  const le = endian === "little";
  v.setUint8(0, e.bus);
  v.setUint8(1, e.dev);
  v.setUint8(2, e.fn);
  v.setUint32(4, e.uncorStatus >>> 0, le);
  v.setUint32(8, e.corStatus >>> 0, le);
  e.headerLog.forEach((d, k) => v.setUint32(12 + 4 * k, d >>> 0, le));
  v.setUint16(28, e.domain & 0xffff, le);
  return b;
}

/** What the kernel reads from a write of `bytes` (its u32 domain, in `endian`). */
export function decodeAerErrorInj(bytes: Uint8Array, endian: "little" | "big" = "little"): AerErrorInj {
  if (bytes.length < AER_ERROR_INJ_MIN_SIZE || bytes.length > AER_ERROR_INJ_SIZE) {
    throw new DecodeError(`aer_error_inj is ${AER_ERROR_INJ_MIN_SIZE}..${AER_ERROR_INJ_SIZE} bytes, got ${bytes.length}`, 0, { length: bytes.length });
  }
  // copy_from_user of `usize` bytes into a zeroed struct.
  const full = new Uint8Array(AER_ERROR_INJ_SIZE);
  full.set(bytes);
  const v = new DataView(full.buffer);
  const le = endian === "little";
  return {
    bus: v.getUint8(0),
    dev: v.getUint8(1),
    fn: v.getUint8(2),
    uncorStatus: v.getUint32(4, le),
    corStatus: v.getUint32(8, le),
    headerLog: [v.getUint32(12, le), v.getUint32(16, le), v.getUint32(20, le), v.getUint32(24, le)],
    domain: v.getUint32(28, le),
  };
}
