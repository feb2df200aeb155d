// pcie_do_recovery's vote merging and its side effects (aer-xen.md §3): `merge_result`,
// the channel-state transition check of `pci_dev_set_io_state`, and the uevents.
//
// The AER merge rule is NOT EEH's priority rule (linux-eeh.md §3.2): here NONE never changes
// anything, CAN_RECOVER and RECOVERED are overwritten by the next real vote, DISCONNECT is
// lifted only by NEED_RESET, NEED_RESET sticks, and NO_AER_DRIVER overrides everything and
// sticks (so recovery fails). E.g. [CAN_RECOVER, RECOVERED] merges to RECOVERED here (the
// mmio_enabled pass is skipped) and to CAN_RECOVER in EEH.

import {
  PCI_ERS_RESULT_CAN_RECOVER as CAN,
  PCI_ERS_RESULT_DISCONNECT as DIS,
  PCI_ERS_RESULT_NEED_RESET as RST,
  PCI_ERS_RESULT_NONE as NONE,
  PCI_ERS_RESULT_NO_AER_DRIVER as NOD,
  PCI_ERS_RESULT_RECOVERED as REC,
  pci_channel_io_frozen,
  pci_channel_io_normal,
  pci_channel_io_perm_failure,
  type ChannelState,
  type PciErsResult,
} from "../eeh/driver.js";

/** Column order of AER_MERGE. */
export const AER_MERGE_ORDER: readonly PciErsResult[] = [NONE, CAN, RST, DIS, REC, NOD];

/** merge_result(orig, new): row = accumulated `orig`, column = the new vote (AER_MERGE_ORDER). */
export const AER_MERGE: Readonly<Record<number, readonly PciErsResult[]>> = {
  //          new:  NONE  CAN   RST   DIS   REC   NOD
  [NONE]: /*    */ [NONE, NONE, NONE, NONE, NONE, NOD],
  [CAN]: /*     */ [CAN, CAN, RST, DIS, REC, NOD],
  [RST]: /*     */ [RST, RST, RST, RST, RST, NOD],
  [DIS]: /*     */ [DIS, DIS, RST, DIS, DIS, NOD],
  [REC]: /*     */ [REC, CAN, RST, DIS, REC, NOD],
  [NOD]: /*     */ [NOD, NOD, NOD, NOD, NOD, NOD],
};

/** merge_result (err.c). Unknown values change nothing, as the kernel's default case. */
export function aerMergeResult(orig: PciErsResult, next: PciErsResult): PciErsResult {
  const col = AER_MERGE_ORDER.indexOf(next);
  const row = AER_MERGE[orig];
  if (col < 0 || !row) return orig;
  return row[col]!;
}

/**
 * pci_dev_set_io_state: a device in permanent failure only goes to permanent failure;
 * every other transition is accepted. (The kernel's cmpxchg only moves normal↔frozen, but
 * reports success for any old state other than perm_failure.)
 */
export function setIoState(current: ChannelState, next: ChannelState): { ok: boolean; state: ChannelState } {
  if (next === pci_channel_io_perm_failure) return { ok: true, state: next };
  if (current === pci_channel_io_perm_failure) return { ok: false, state: current };
  if (next === pci_channel_io_frozen && current === pci_channel_io_normal) return { ok: true, state: next };
  if (next === pci_channel_io_normal && current === pci_channel_io_frozen) return { ok: true, state: next };
  return { ok: true, state: current };
}

/** pci_uevent_ers: the ERROR_EVENT a vote produces (undefined: none, for NO_AER_DRIVER). */
export function aerUevent(vote: PciErsResult): { readonly event: "BEGIN_RECOVERY" | "SUCCESSFUL_RECOVERY" | "FAILED_RECOVERY"; readonly online: 0 | 1 } | undefined {
  switch (vote) {
    case NONE:
    case CAN:
    case RST: // since the 2025 stable fix (§3)
      return { event: "BEGIN_RECOVERY", online: 0 };
    case REC:
      return { event: "SUCCESSFUL_RECOVERY", online: 1 };
    case DIS:
      return { event: "FAILED_RECOVERY", online: 0 };
    default:
      return undefined;
  }
}
