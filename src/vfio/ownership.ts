// The ownership hand-off of a PE between the host and a VFIO user (linux-eeh.md §5.1;
// eeh.c `eeh_dev_open`, `eeh_dev_release`, `eeh_pe_change_owner`,
// `eeh_pe_reset_and_recover`): when a device is first opened through VFIO or finally
// released, a frozen PE is thawed (or, for the quirk devices, reset and recovered) so
// the new owner starts with a working PE, and `pass_dev_cnt` counts the opened devices.
// While it is non-zero the host leaves the PE's detection and recovery to its owner.

import type { EehDevice } from "../eeh/eeh-dev.js";
import { forEachPe } from "../ioda/pe/pe-tree.js";
import { EEH_PE_ISOLATED, EEH_PE_RECOVERING } from "../ioda/pe/pe-flags.js";
import { EEH_STATE_NOT_SUPPORT, EIO, ENODEV, eehStateActive, type EehPeRef } from "../platform/eeh-ops.js";
import { eehPeRestoreBars, type EehPeContext } from "./eeh-context.js";
import { needsResetOnOwnerChange } from "./owner-quirks.js";

/**
 * eeh_clear_pe_frozen_state: thaw every PE of the subtree (passed-through ones too when
 * `includePassed`), three tries each, then clear ISOLATED.
 */
async function clearPeFrozenState(ctx: EehPeContext, root: EehPeRef, includePassed: boolean): Promise<number> {
  const { core } = ctx;
  const pes: EehPeRef[] = [];
  forEachPe(core.tree(root.phbId), root.pe, (p) => {
    if (includePassed || p.passDevCnt === 0) pes.push({ phbId: root.phbId, pe: p.ref });
  });
  for (const pe of pes) {
    let ok = false;
    for (let i = 0; i < 3 && !ok; i++) ok = (await core.unfreezePe(pe)) === 0;
    if (!ok) return -EIO;
  }
  core.stateClear(root, EEH_PE_ISOLATED, includePassed);
  return 0;
}

/**
 * eeh_pe_reset_and_recover: a full reset of the PE including passed-through PEs, thaw,
 * and restore the devices. A no-op while the PE is RECOVERING (the host is at it). The
 * kernel saves each device's config state first (not for CFG_RESTRICTED PEs) and restores
 * it at the end; here the restore is the BAR restore, the state the model keeps.
 */
export async function eehPeResetAndRecover(ctx: EehPeContext, pe: EehPeRef): Promise<number> {
  const { core } = ctx;
  if (core.pe(pe).state & EEH_PE_RECOVERING) return 0;
  core.stateMark(pe, EEH_PE_RECOVERING);
  let rc = await core.peResetFull(pe, true);
  if (!rc) rc = await clearPeFrozenState(ctx, pe, true);
  if (!rc) eehPeRestoreBars(ctx, pe);
  core.stateClear(pe, EEH_PE_RECOVERING, true);
  return rc;
}

/**
 * eeh_pe_change_owner: nothing to do if the platform cannot say (error or NOT_SUPPORT)
 * or the PE works; a frozen PE holding a quirk device is reset and recovered, any other
 * frozen PE is thawed and its ISOLATED flag cleared.
 */
export async function eehPeChangeOwner(ctx: EehPeContext, pe: EehPeRef): Promise<number> {
  const { core, index } = ctx;
  const st = core.ops.getState(pe).state;
  if (st < 0 || st === EEH_STATE_NOT_SUPPORT) return 0;
  if (eehStateActive(st)) return 0;
  for (const d of index.ofPe(pe)) {
    if (!d.present) continue;
    const spec = index.spec(d);
    if (spec && needsResetOnOwnerChange(spec.vendorId, spec.deviceId)) return eehPeResetAndRecover(ctx, pe);
  }
  const rc = await core.unfreezePe(pe);
  if (!rc) core.stateClear(pe, EEH_PE_ISOLATED, true);
  return rc;
}

function peOfDevice(ctx: EehPeContext, dev: EehDevice | undefined): EehPeRef | undefined {
  if (!dev || !dev.present) return undefined;
  if (!ctx.core.tree(dev.phbId).pes[dev.pe]) return undefined;
  return { phbId: dev.phbId, pe: dev.pe };
}

/**
 * eeh_dev_open (vfio_pci_core_finish_enable): under eeh_dev_mutex; no device or no PE →
 * -ENODEV; hand the PE over (an error fails the open); then pass_dev_cnt++.
 */
export function eehDevOpen(ctx: EehPeContext, dev: EehDevice | undefined): Promise<number> {
  return ctx.devMutex.run(async () => {
    const pe = peOfDevice(ctx, dev);
    if (!pe) return -ENODEV;
    const rc = await eehPeChangeOwner(ctx, pe);
    if (rc) return rc;
    ctx.core.updatePe(pe, (p) => void p.passDevCnt++);
    return 0;
  });
}

/**
 * eeh_dev_release (vfio_pci_core_close_device): under eeh_dev_mutex; if the PE is passed
 * through, pass_dev_cnt-- (atomic_dec_if_positive, with the kernel's WARN_ON when it would
 * go below zero — a host bug, written as a host line) and hand the PE over again.
 */
export function eehDevRelease(ctx: EehPeContext, dev: EehDevice | undefined, hostWarn: (text: string, pe: EehPeRef) => void): Promise<void> {
  return ctx.devMutex.run(async () => {
    if (!dev) return;
    if (!ctx.core.tree(dev.phbId).pes[dev.pe]) return;
    const pe: EehPeRef = { phbId: dev.phbId, pe: dev.pe };
    if (!ctx.core.isPassed(pe)) return;
    if (ctx.core.pe(pe).passDevCnt - 1 < 0) hostWarn(`eeh_dev_release: pass_dev_cnt underflow on ${ctx.core.peName(pe)}`, pe);
    else ctx.core.updatePe(pe, (p) => void p.passDevCnt--);
    await eehPeChangeOwner(ctx, pe);
  });
}
