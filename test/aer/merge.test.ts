// pcie_do_recovery's merge rule (aer-xen.md §3) — and how it differs from EEH's priority
// merge (linux-eeh.md §3.2) where the spec says it does.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AER_MERGE_ORDER, aerMergeResult, aerUevent, setIoState } from "../../src/aer/merge.js";
import {
  PCI_ERS_RESULT_CAN_RECOVER as CAN,
  PCI_ERS_RESULT_DISCONNECT as DIS,
  PCI_ERS_RESULT_NEED_RESET as RST,
  PCI_ERS_RESULT_NONE as NONE,
  PCI_ERS_RESULT_NO_AER_DRIVER as NOD,
  PCI_ERS_RESULT_RECOVERED as REC,
  mergeResult as eehMerge,
  pci_channel_io_frozen,
  pci_channel_io_normal,
  pci_channel_io_perm_failure,
} from "../../src/eeh/driver.js";

/** merge_result written the way err.c writes it, to check the table against. */
function errC(orig: number, next: number): number {
  if (next === NOD) return NOD;
  if (next === NONE) return orig;
  switch (orig) {
    case CAN:
    case REC:
      return next;
    case DIS:
      return next === RST ? RST : DIS;
    default:
      return orig;
  }
}

const vote = fc.constantFrom(NONE, CAN, RST, DIS, REC, NOD);

describe("AER merge_result", () => {
  it("the table is err.c's rule for every pair", () => {
    for (const o of AER_MERGE_ORDER) for (const n of AER_MERGE_ORDER) expect(aerMergeResult(o, n), `${o},${n}`).toBe(errC(o, n));
  });
  it("the spec's consequences", () => {
    // NONE never changes anything.
    for (const o of AER_MERGE_ORDER) expect(aerMergeResult(o, NONE)).toBe(o);
    // NO_AER_DRIVER overrides and sticks.
    for (const o of AER_MERGE_ORDER) expect(aerMergeResult(o, NOD)).toBe(NOD);
    for (const n of AER_MERGE_ORDER) expect(aerMergeResult(NOD, n)).toBe(NOD);
    // Once NEED_RESET, only NO_AER_DRIVER changes it; DISCONNECT is lifted only by NEED_RESET.
    for (const n of [NONE, CAN, DIS, REC]) expect(aerMergeResult(RST, n)).toBe(RST);
    for (const n of [NONE, CAN, REC, DIS]) expect(aerMergeResult(DIS, n)).toBe(DIS);
    expect(aerMergeResult(DIS, RST)).toBe(RST);
    // CAN_RECOVER and RECOVERED are overwritten by the next real vote.
    expect(aerMergeResult(CAN, REC)).toBe(REC);
    expect(aerMergeResult(REC, CAN)).toBe(CAN);
    expect(aerMergeResult(99, CAN)).toBe(99); // unknown orig: unchanged (default case)
  });
  it("differs from EEH: [CAN_RECOVER, RECOVERED] → RECOVERED (EEH: CAN_RECOVER); NO_AER_DRIVER sticks (EEH: overridden)", () => {
    const fold = (merge: (a: number, b: number) => number, start: number, votes: number[]): number => votes.reduce(merge, start);
    expect(fold(aerMergeResult, CAN, [CAN, REC])).toBe(REC);
    expect(fold(eehMerge, NONE, [CAN, REC])).toBe(CAN);
    expect(fold(aerMergeResult, CAN, [NOD, RST])).toBe(NOD);
    expect(fold(eehMerge, NONE, [NOD, RST])).toBe(RST);
    // …and agree where the spec does not say otherwise: NEED_RESET outranks DISCONNECT in both.
    expect(fold(aerMergeResult, CAN, [DIS, RST])).toBe(fold(eehMerge, NONE, [DIS, RST]));
  });
  it("property: any vote sequence with a NO_AER_DRIVER ends NO_AER_DRIVER; without one, NONE votes can be dropped", () => {
    fc.assert(
      fc.property(fc.array(vote, { maxLength: 12 }), (votes) => {
        const out = votes.reduce(aerMergeResult, CAN);
        if (votes.includes(NOD)) expect(out).toBe(NOD);
        else expect(votes.filter((v) => v !== NONE).reduce(aerMergeResult, CAN)).toBe(out);
      }),
    );
  });
});

describe("uevents and channel-state transitions (§3)", () => {
  it("pci_uevent_ers", () => {
    expect(aerUevent(NONE)).toEqual({ event: "BEGIN_RECOVERY", online: 0 });
    expect(aerUevent(CAN)).toEqual({ event: "BEGIN_RECOVERY", online: 0 });
    expect(aerUevent(RST)).toEqual({ event: "BEGIN_RECOVERY", online: 0 });
    expect(aerUevent(REC)).toEqual({ event: "SUCCESSFUL_RECOVERY", online: 1 });
    expect(aerUevent(DIS)).toEqual({ event: "FAILED_RECOVERY", online: 0 });
    expect(aerUevent(NOD)).toBeUndefined();
  });
  it("pci_dev_set_io_state: out of permanent failure is refused", () => {
    expect(setIoState(pci_channel_io_normal, pci_channel_io_frozen)).toEqual({ ok: true, state: pci_channel_io_frozen });
    expect(setIoState(pci_channel_io_frozen, pci_channel_io_normal)).toEqual({ ok: true, state: pci_channel_io_normal });
    expect(setIoState(pci_channel_io_perm_failure, pci_channel_io_normal).ok).toBe(false);
    expect(setIoState(pci_channel_io_perm_failure, pci_channel_io_frozen).ok).toBe(false);
    expect(setIoState(pci_channel_io_normal, pci_channel_io_perm_failure)).toEqual({ ok: true, state: pci_channel_io_perm_failure });
  });
});
