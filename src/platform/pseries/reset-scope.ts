// What ibm,set-slot-reset resets for a PE (pseries-rtas.md §4.3; linux-eeh.md §3.10):
//   - the root-bus PE (the PE of the PHB's root complex, Linux's PHB PE on pSeries): a
//     complete PHB reset;
//   - any PE of a fenced PHB: a complete PHB reset too, since nothing else lifts a fence
//     (powernv-opal.md §6); every PE of the PHB is reset with it;
//   - a bus PE, or a device PE that is alone on its bus: a hot/fundamental reset of the
//     secondary bus of the bridge above it, which also resets every PE below (ioda/faults
//     `resetBelow`);
//   - a VF PE, or a device PE sharing its bus with other PEs: a function-level reset of the
//     PE's functions (a VF cannot be reset any other way — FLR, as Linux does on PowerNV —
//     and a secondary bus reset would reset the sibling PEs); a bridge among them also
//     resets its secondary bus.
// Hot and fundamental resets have the same effect in the model (the bus reset and the
// complete reset put every function back to its power-on config space); a fundamental reset
// of a VF PE is refused with −8 ("fundamental reset not supported"), the code Linux reacts
// to by retrying a hot reset (§4.3) — VFs have no PERST#.

import { ridOf, type Rid } from "../../pci/address.js";
import { isBridgeKind } from "../../pci/topology.js";
import { completeReset, functionLevelReset, resetBelow } from "../../ioda/faults.js";
import type { PhbLayout } from "../../ioda/layout.js";
import type { Machine } from "../../ioda/machine.js";
import type { PePlan } from "../../ioda/pe/pe-plan.js";
import { EEH_PE_VF } from "../../ioda/pe/pe-flags.js";
import { functionAddress } from "./pe-directory.js";

export type ResetScope =
  | { readonly kind: "phb" }
  | { readonly kind: "bus"; readonly bridge: Rid }
  | { readonly kind: "functions"; readonly rids: readonly Rid[] };

export function resetScopeOf(layout: PhbLayout, plan: PePlan, fenced: boolean): ResetScope {
  if (fenced || plan.pe === layout.plan.rootBusPe) return { kind: "phb" };
  const bridge = layout.bridgeForBus.get(plan.bus);
  if (bridge === undefined) return { kind: "phb" };
  if (plan.eehType & EEH_PE_VF) return { kind: "functions", rids: plan.rids };
  const mine = new Set(plan.rids);
  const alone = layout.spec.functions.every((f) => f.address.bus !== plan.bus || f.kind === "vf" || mine.has(ridOf(f.address)));
  return alone ? { kind: "bus", bridge } : { kind: "functions", rids: plan.rids };
}

/** Whether a fundamental reset can be applied to this PE (not to VFs). */
export function supportsFundamentalReset(plan: PePlan): boolean {
  return (plan.eehType & EEH_PE_VF) === 0;
}

/** Put the functions of the scope into reset (their config spaces return to power-on values). */
export function applyReset(machine: Machine, phbId: number, scope: ResetScope): void {
  const layout = machine.phbLayout(phbId);
  switch (scope.kind) {
    case "phb":
      completeReset(machine, phbId);
      return;
    case "bus":
      resetBelow(machine, functionAddress(layout, scope.bridge));
      return;
    case "functions":
      for (const rid of scope.rids) functionLevelReset(machine, functionAddress(layout, rid));
      for (const rid of scope.rids) {
        const spec = layout.fnByRid.get(rid);
        if (spec && isBridgeKind(spec.kind) && spec.secondaryBus !== undefined) resetBelow(machine, spec.address);
      }
      return;
  }
}
