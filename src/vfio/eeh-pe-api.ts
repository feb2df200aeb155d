// The EEH core's PE functions that VFIO calls (linux-eeh.md §5.3, §5.4, §6.2; eeh.c
// `eeh_pe_set_option`, `eeh_pe_get_state`, `eeh_pe_reset`, `eeh_pe_configure`,
// `eeh_pe_inject_err`), over the EehCore and whatever platform ops it runs on. They take
// the PE a group resolved to (undefined: the group has none, -ENODEV) and return what the
// kernel returns: 0, a state value, or a negative errno.
//
// They are async: resets and thaws wait on the virtual clock (hold/settle sleeps,
// eeh_wait_state). GET_STATE, CONFIGURE and INJECT_ERR take no time but are awaited the
// same way by the op table, so every VFIO_EEH_PE_OP is a Promise<number>.

import { EEH_PE_CFG_BLOCKED, EEH_PE_ISOLATED, EEH_PE_RECOVERING, EEH_PE_REMOVED } from "../ioda/pe/pe-flags.js";
import {
  EEH_OPT_DISABLE,
  EEH_OPT_ENABLE,
  EEH_OPT_FREEZE_PE,
  EEH_OPT_THAW_DMA,
  EEH_OPT_THAW_MMIO,
  EEH_RESET_DEACTIVATE,
  EEH_RESET_FUNDAMENTAL,
  EEH_RESET_HOT,
  EEH_STATE_DMA_ENABLED,
  EEH_STATE_MMIO_ENABLED,
  EEH_STATE_RESET_ACTIVE,
  EINVAL,
  EIO,
  ENODEV,
  ENOENT,
  type EehPeRef,
} from "../platform/eeh-ops.js";
import { eehPeRestoreBars, type EehPeContext } from "./eeh-context.js";
import { eehPeChangeOwner } from "./ownership.js";
import {
  EEH_ERR_FUNC_MAX,
  EEH_ERR_FUNC_MIN,
  VFIO_EEH_PE_STATE_NORMAL,
  VFIO_EEH_PE_STATE_RESET,
  VFIO_EEH_PE_STATE_STOPPED,
  VFIO_EEH_PE_STATE_STOPPED_DMA,
  VFIO_EEH_PE_STATE_UNAVAIL,
} from "./vfio-uapi.js";

/**
 * eeh_pe_set_option (§5.3 ops 0–3): DISABLE is deliberately a no-op; ENABLE hands the PE
 * to its new owner (thaw, or reset and recover for the quirk devices) if EEH is enabled,
 * else -EIO; THAW_MMIO / THAW_DMA / FREEZE_PE go through eeh_pci_enable.
 */
export async function eehPeSetOption(ctx: EehPeContext, pe: EehPeRef | undefined, option: number): Promise<number> {
  if (!pe) return -ENODEV;
  switch (option) {
    case EEH_OPT_ENABLE:
      return ctx.core.enabled ? eehPeChangeOwner(ctx, pe) : -EIO;
    case EEH_OPT_DISABLE:
      return 0;
    case EEH_OPT_THAW_MMIO:
    case EEH_OPT_THAW_DMA:
    case EEH_OPT_FREEZE_PE:
      if (typeof ctx.core.ops.setOption !== "function") return -ENOENT;
      return ctx.core.pciEnable(pe, option);
    default:
      return -EINVAL;
  }
}

/**
 * eeh_pe_get_state (§5.4), in the kernel's decision order:
 * 1. no PE → -ENODEV; no get_state → -ENOENT;
 * 2. a parent (the PHB PE counts) that is ISOLATED or RECOVERING while this PE is not
 *    REMOVED → UNAVAIL: the host is recovering above the guest, which must wait;
 * 3. platform RESET_ACTIVE → RESET;
 * 4. both *_ENABLED → NORMAL; neither → STOPPED; MMIO only → STOPPED_DMA; DMA only → UNAVAIL.
 * Only those three platform bits are read: NOT_SUPPORT or UNAVAILABLE alone decode to
 * STOPPED, and a negative errno is not filtered but decoded bitwise, as the C code does
 * on its int (two's complement).
 */
export function eehPeGetState(ctx: EehPeContext, pe: EehPeRef | undefined): number {
  if (!pe) return -ENODEV;
  const { core } = ctx;
  if (typeof core.ops.getState !== "function") return -ENOENT;
  const p = core.pe(pe);
  if (p.parent !== null && !(p.state & EEH_PE_REMOVED)) {
    const parent = core.pe({ phbId: pe.phbId, pe: p.parent });
    if (parent.state & (EEH_PE_ISOLATED | EEH_PE_RECOVERING)) return VFIO_EEH_PE_STATE_UNAVAIL;
  }
  const result = core.ops.getState(pe).state | 0;
  const rstActive = (result & EEH_STATE_RESET_ACTIVE) !== 0;
  const dmaEn = (result & EEH_STATE_DMA_ENABLED) !== 0;
  const mmioEn = (result & EEH_STATE_MMIO_ENABLED) !== 0;
  if (rstActive) return VFIO_EEH_PE_STATE_RESET;
  if (dmaEn && mmioEn) return VFIO_EEH_PE_STATE_NORMAL;
  if (!dmaEn && !mmioEn) return VFIO_EEH_PE_STATE_STOPPED;
  if (mmioEn && !dmaEn) return VFIO_EEH_PE_STATE_STOPPED_DMA;
  return VFIO_EEH_PE_STATE_UNAVAIL;
}

/**
 * eeh_pe_reenable_devices (include_passed as given): restore BARs, re-enable each device
 * (the restore already turns decoding and bus mastering back on), thaw MMIO then DMA and
 * clear ISOLATED. With include_passed false a passed-through PE is left frozen with the
 * "Leaving passthrough … frozen" note (§5.1); VFIO always passes true.
 */
async function eehPeReenableDevices(ctx: EehPeContext, pe: EehPeRef, includePassed: boolean): Promise<number> {
  const { core } = ctx;
  eehPeRestoreBars(ctx, pe);
  let rc = 0;
  if (includePassed || !core.isPassed(pe)) rc = await core.unfreezePe(pe);
  else core.log.line("info", `EEH: Note: Leaving passthrough ${core.peName(pe)} frozen.`, { phb: pe.phbId, pe: pe.pe });
  if (!rc) core.stateClear(pe, EEH_PE_ISOLATED, includePassed);
  return rc;
}

/**
 * eeh_pe_reset (§5.3 ops 5–7). DEACTIVATE: platform deassert, clear CFG_BLOCKED, and if
 * that worked re-enable the devices (BARs, thaw, ISOLATED cleared). HOT / FUNDAMENTAL:
 * freeze the PE first so no MMIO reaches a device in reset, block config access, and
 * assert the reset (the platform holds it for EEH_PE_RST_HOLD_TIME).
 */
export async function eehPeReset(ctx: EehPeContext, pe: EehPeRef | undefined, option: number, includePassed: boolean): Promise<number> {
  if (!pe) return -ENODEV;
  const { core } = ctx;
  if (typeof core.ops.setOption !== "function" || typeof core.ops.reset !== "function") return -ENOENT;
  switch (option) {
    case EEH_RESET_DEACTIVATE: {
      const rc = await core.ops.reset(pe, option);
      core.stateClear(pe, EEH_PE_CFG_BLOCKED, includePassed);
      if (rc) return rc;
      return eehPeReenableDevices(ctx, pe, includePassed);
    }
    case EEH_RESET_HOT:
    case EEH_RESET_FUNDAMENTAL:
      core.ops.setOption(pe, EEH_OPT_FREEZE_PE);
      core.stateMark(pe, EEH_PE_CFG_BLOCKED);
      return core.ops.reset(pe, option);
    default:
      return -EINVAL;
  }
}

/** eeh_pe_configure: the platform's configure_bridge (the June-2025 fix; before it, 0). */
export function eehPeConfigure(ctx: EehPeContext, pe: EehPeRef | undefined): number {
  if (!pe) return -ENODEV;
  return ctx.core.ops.configureBridge(pe);
}

/**
 * eeh_pe_inject_err (§6.2, MAIN): no PE → -ENODEV; no err_inject → -ENOENT; func outside
 * [EEH_ERR_FUNC_MIN, EEH_ERR_FUNC_MAX] → -EINVAL (func is a u32: "negative" values are
 * huge and fail the same check); the type is the platform's to check.
 */
export function eehPeInjectErr(ctx: EehPeContext, pe: EehPeRef | undefined, type: number, func: number, addr: bigint, mask: bigint): number {
  if (!pe) return -ENODEV;
  if (typeof ctx.core.ops.errInject !== "function") return -ENOENT;
  if (func < EEH_ERR_FUNC_MIN || func > EEH_ERR_FUNC_MAX) return -EINVAL;
  return ctx.core.ops.errInject(pe, type, func, addr, mask);
}
