// VFIO_EEH_PE_OP on one IOMMU group (linux-eeh.md §5.2, §5.3;
// drivers/vfio/vfio_iommu_spapr_tce.c `vfio_spapr_iommu_eeh_ioctl`): resolve the group
// to its PE, copy and check the header, and run the op through the table of §5.3. The
// container applies this to each of its groups in turn (container.ts).
//
// The argument is the caller's bytes. A copy that would read past their end is the
// kernel's copy_from_user failure, -EFAULT.

import { EEH_OPT_DISABLE, EEH_OPT_ENABLE, EEH_OPT_THAW_DMA, EEH_OPT_THAW_MMIO, EEH_RESET_DEACTIVATE, EEH_RESET_FUNDAMENTAL, EEH_RESET_HOT, EINVAL, ENODEV, type EehPeRef } from "../platform/eeh-ops.js";
import type { EehPeContext } from "./eeh-context.js";
import { eehPeConfigure, eehPeGetState, eehPeInjectErr, eehPeReset, eehPeSetOption } from "./eeh-pe-api.js";
import { EFAULT } from "./errno.js";
import { iommuGroupToPe, type IommuGroup } from "./iommu-group.js";
import { readPeOpErr, readPeOpHeader, type HostEndian, type VfioEehPeErr } from "./pe-op-struct.js";
import {
  VFIO_EEH_PE_CONFIGURE,
  VFIO_EEH_PE_DISABLE,
  VFIO_EEH_PE_ENABLE,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_INJECT_ERR,
  VFIO_EEH_PE_OP_ERR_MINSZ,
  VFIO_EEH_PE_OP_MINSZ,
  VFIO_EEH_PE_RESET_DEACTIVATE,
  VFIO_EEH_PE_RESET_FUNDAMENTAL,
  VFIO_EEH_PE_RESET_HOT,
  VFIO_EEH_PE_UNFREEZE_DMA,
  VFIO_EEH_PE_UNFREEZE_IO,
} from "./vfio-uapi.js";

/** The caller's argument: its bytes, read in the host's byte order. */
export interface PeOpArgument {
  readonly bytes: Uint8Array;
  readonly endian: HostEndian;
}

/** What one group's op did, for the caller's accounting (guest events, host notes). */
export interface PeOpOutcome {
  readonly group: IommuGroup;
  readonly pe: EehPeRef | undefined;
  /** The op number, when the header could be read and passed its checks. */
  readonly op: number | undefined;
  readonly rc: number;
  /** INJECT_ERR: the error that was asked for, once the 40 bytes were copied. */
  readonly err?: VfioEehPeErr;
}

type OpHandler = (ctx: EehPeContext, pe: EehPeRef, arg: PeOpArgument, argsz: number) => Promise<{ rc: number; err?: VfioEehPeErr }>;

const rcOnly = (p: Promise<number> | number): Promise<{ rc: number }> => Promise.resolve(p).then((rc) => ({ rc }));

/** The op table of §5.3; an op number not in it is -EINVAL. */
const OP_TABLE: Readonly<Record<number, OpHandler>> = {
  [VFIO_EEH_PE_DISABLE]: (ctx, pe) => rcOnly(eehPeSetOption(ctx, pe, EEH_OPT_DISABLE)),
  [VFIO_EEH_PE_ENABLE]: (ctx, pe) => rcOnly(eehPeSetOption(ctx, pe, EEH_OPT_ENABLE)),
  [VFIO_EEH_PE_UNFREEZE_IO]: (ctx, pe) => rcOnly(eehPeSetOption(ctx, pe, EEH_OPT_THAW_MMIO)),
  [VFIO_EEH_PE_UNFREEZE_DMA]: (ctx, pe) => rcOnly(eehPeSetOption(ctx, pe, EEH_OPT_THAW_DMA)),
  [VFIO_EEH_PE_GET_STATE]: (ctx, pe) => rcOnly(eehPeGetState(ctx, pe)),
  [VFIO_EEH_PE_RESET_DEACTIVATE]: (ctx, pe) => rcOnly(eehPeReset(ctx, pe, EEH_RESET_DEACTIVATE, true)),
  [VFIO_EEH_PE_RESET_HOT]: (ctx, pe) => rcOnly(eehPeReset(ctx, pe, EEH_RESET_HOT, true)),
  [VFIO_EEH_PE_RESET_FUNDAMENTAL]: (ctx, pe) => rcOnly(eehPeReset(ctx, pe, EEH_RESET_FUNDAMENTAL, true)),
  [VFIO_EEH_PE_CONFIGURE]: (ctx, pe) => rcOnly(eehPeConfigure(ctx, pe)),
  // INJECT_ERR needs the whole structure: argsz < 40 → -EINVAL, then copy 40 bytes.
  [VFIO_EEH_PE_INJECT_ERR]: async (ctx, pe, arg, argsz) => {
    if (argsz < VFIO_EEH_PE_OP_ERR_MINSZ) return { rc: -EINVAL };
    if (arg.bytes.length < VFIO_EEH_PE_OP_ERR_MINSZ) return { rc: -EFAULT };
    const err = readPeOpErr(arg.bytes, arg.endian);
    return { rc: eehPeInjectErr(ctx, pe, err.type, err.func, err.addr, err.mask), err };
  },
};

/**
 * One group's VFIO_EEH_PE_OP: no PE → -ENODEV; copy offsetofend(op) = 12 bytes (-EFAULT
 * if there are fewer); argsz < 12 or flags ≠ 0 → -EINVAL; then the op.
 */
export async function groupEehPeOp(ctx: EehPeContext, group: IommuGroup, arg: PeOpArgument): Promise<PeOpOutcome> {
  const pe = iommuGroupToPe(ctx.core, group);
  if (!pe) return { group, pe, op: undefined, rc: -ENODEV };
  if (arg.bytes.length < VFIO_EEH_PE_OP_MINSZ) return { group, pe, op: undefined, rc: -EFAULT };
  const { argsz, flags, op } = readPeOpHeader(arg.bytes, arg.endian);
  if (argsz < VFIO_EEH_PE_OP_MINSZ || flags !== 0) return { group, pe, op: undefined, rc: -EINVAL };
  const handler = Object.hasOwn(OP_TABLE, op) ? OP_TABLE[op] : undefined;
  if (!handler) return { group, pe, op, rc: -EINVAL };
  const r = await handler(ctx, pe, arg, argsz);
  return { group, pe, op, rc: r.rc, ...(r.err ? { err: r.err } : {}) };
}
