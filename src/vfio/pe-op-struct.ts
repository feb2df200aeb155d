// `struct vfio_eeh_pe_op` as bytes (linux-eeh.md §5.2): the argument of VFIO_EEH_PE_OP.
// The kernel reads it from the caller's memory in the host's byte order; the emulator
// takes either those bytes (a guest or a test may hand over anything, short or odd) or a
// typed object, which is laid out into a full 40-byte structure first so that both reach
// the kernel side through the same copy and checks.
//
// Byte order (emulator choice, the spec does not fix one): little-endian by default, as
// on a ppc64le host, the usual PowerNV distribution; "big" models a big-endian host.

import { ArgumentError } from "../core/errors.js";
import {
  VFIO_EEH_PE_ERR_ADDR_OFFSET,
  VFIO_EEH_PE_ERR_FUNC_OFFSET,
  VFIO_EEH_PE_ERR_MASK_OFFSET,
  VFIO_EEH_PE_ERR_TYPE_OFFSET,
  VFIO_EEH_PE_OP_ARGSZ_OFFSET,
  VFIO_EEH_PE_OP_FLAGS_OFFSET,
  VFIO_EEH_PE_OP_OP_OFFSET,
  VFIO_EEH_PE_OP_SIZE,
} from "./vfio-uapi.js";

export type HostEndian = "little" | "big";

/** `struct vfio_eeh_pe_err`. */
export interface VfioEehPeErr {
  readonly type: number;
  readonly func: number;
  readonly addr: bigint;
  readonly mask: bigint;
}

/** `struct vfio_eeh_pe_op` as a typed object. Omitted `argsz` means sizeof (40). */
export interface VfioEehPeOp {
  readonly argsz?: number;
  readonly flags?: number;
  readonly op: number;
  readonly err?: VfioEehPeErr;
}

function u32(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new ArgumentError(`vfio_eeh_pe_op.${name} = ${v} is not a u32`, { field: name, value: v });
  return v;
}

function u64(name: string, v: bigint): bigint {
  if (v < 0n || v >= 1n << 64n) throw new ArgumentError(`vfio_eeh_pe_op.${name} = ${v} is not a u64`, { field: name, value: v.toString() });
  return v;
}

/** Lay a typed op out as the 40 bytes a C caller would pass. Throws ArgumentError for non-u32/u64 fields. */
export function encodePeOp(op: VfioEehPeOp, endian: HostEndian = "little"): Uint8Array {
  const bytes = new Uint8Array(VFIO_EEH_PE_OP_SIZE);
  const v = new DataView(bytes.buffer);
  const le = endian === "little";
  v.setUint32(VFIO_EEH_PE_OP_ARGSZ_OFFSET, u32("argsz", op.argsz ?? VFIO_EEH_PE_OP_SIZE), le);
  v.setUint32(VFIO_EEH_PE_OP_FLAGS_OFFSET, u32("flags", op.flags ?? 0), le);
  v.setUint32(VFIO_EEH_PE_OP_OP_OFFSET, u32("op", op.op), le);
  if (op.err) {
    v.setUint32(VFIO_EEH_PE_ERR_TYPE_OFFSET, u32("err.type", op.err.type), le);
    v.setUint32(VFIO_EEH_PE_ERR_FUNC_OFFSET, u32("err.func", op.err.func), le);
    v.setBigUint64(VFIO_EEH_PE_ERR_ADDR_OFFSET, u64("err.addr", op.err.addr), le);
    v.setBigUint64(VFIO_EEH_PE_ERR_MASK_OFFSET, u64("err.mask", op.err.mask), le);
  }
  return bytes;
}

/** The header fields (argsz, flags, op) of bytes that hold at least 12 of them. */
export function readPeOpHeader(bytes: Uint8Array, endian: HostEndian): { argsz: number; flags: number; op: number } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = endian === "little";
  return {
    argsz: v.getUint32(VFIO_EEH_PE_OP_ARGSZ_OFFSET, le),
    flags: v.getUint32(VFIO_EEH_PE_OP_FLAGS_OFFSET, le),
    op: v.getUint32(VFIO_EEH_PE_OP_OP_OFFSET, le),
  };
}

/** The `err` member of bytes that hold the whole 40-byte structure. */
export function readPeOpErr(bytes: Uint8Array, endian: HostEndian): VfioEehPeErr {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = endian === "little";
  return {
    type: v.getUint32(VFIO_EEH_PE_ERR_TYPE_OFFSET, le),
    func: v.getUint32(VFIO_EEH_PE_ERR_FUNC_OFFSET, le),
    addr: v.getBigUint64(VFIO_EEH_PE_ERR_ADDR_OFFSET, le),
    mask: v.getBigUint64(VFIO_EEH_PE_ERR_MASK_OFFSET, le),
  };
}
