// The slot reset state machines behind OPAL_PCI_RESET / OPAL_PCI_POLL (powernv-opal.md
// §2.3): a reset call starts a machine and answers with the milliseconds to wait; each
// poll cranks it, answering >0 (wait more), 0 (done) or <0 (error). Time is the virtual
// clock's, so "wait 250 ms" costs nothing.
//
// Emulator choice (skiboot's exact delays are not in the spec): the step delays below
// follow the shape of skiboot's phb3 slot machines and Linux's expectations (PCI spec
// 100 ms minimum hold; Linux EEH_PE_RST_HOLD_TIME 250 ms; link training well under a
// second).

export type ResetKind = "creset" | "freset" | "hreset";

export interface ResetTimings {
  /** creset: fence and wait for the PBCQ to drain before re-initialising the PHB. */
  readonly cresetDrainMs: number;
  /** freset: PERST# held asserted. */
  readonly fresetHoldMs: number;
  /** hreset: secondary bus reset held asserted. */
  readonly hresetHoldMs: number;
  /** After deassertion: link training before the link is checked. */
  readonly linkTrainMs: number;
}

export const DEFAULT_RESET_TIMINGS: ResetTimings = {
  cresetDrainMs: 100,
  fresetHoldMs: 250,
  hresetHoldMs: 2,
  linkTrainMs: 1000,
};

/** One step: what to do when it falls due, and how long the next step waits. */
export interface ResetStep {
  readonly name: string;
  readonly waitMs: number;
}

/** The steps of each machine, in order; the action of a step runs when its wait elapses. */
export function resetSteps(kind: ResetKind, t: ResetTimings): ResetStep[] {
  switch (kind) {
    case "creset":
      return [
        { name: "fence-and-drain", waitMs: t.cresetDrainMs },
        { name: "reinit-and-perst", waitMs: t.fresetHoldMs },
        { name: "link-train", waitMs: t.linkTrainMs },
      ];
    case "freset":
      return [
        { name: "perst-assert", waitMs: t.fresetHoldMs },
        { name: "link-train", waitMs: t.linkTrainMs },
      ];
    case "hreset":
      return [
        { name: "sbr-assert", waitMs: t.hresetHoldMs },
        { name: "link-train", waitMs: t.linkTrainMs },
      ];
  }
}

export interface SlotResetState {
  readonly kind: ResetKind;
  readonly phbId: number;
  /** Bridge whose secondary bus is reset; undefined for the PHB slot. */
  readonly bdfn: number | undefined;
  readonly steps: readonly ResetStep[];
  step: number;
  /** Virtual time at which the current step's wait ends. */
  dueAt: number;
}

/** Milliseconds a poll should report: rounded up, at least 1 (§2.3 OPAL_PCI_POLL). */
export function msToWait(dueAt: number, now: number): number {
  return Math.max(1, Math.ceil(dueAt - now));
}
