// The Linux EEH PE tree of one PHB (linux-eeh.md §1.4, §1.6, §1.7): the PHB PE at the
// root, bus/device PEs under it following the bridges, VF PEs under their PF's PE. State
// flags change only through the verbs below, which walk the subtree with one pre-order
// traversal (STYLE.md: eeh_pe_state_mark / eeh_pe_state_clear), never by poking flags.

import type { Draft } from "../../core/state.js";
import { NotFoundError } from "../../core/errors.js";
import type { PhbPlan } from "./pe-plan.js";
import { EEH_PE_CFG_BLOCKED, EEH_PE_CFG_RESTRICTED, EEH_PE_ISOLATED, EEH_PE_PHB, EEH_PE_REMOVED } from "./pe-flags.js";

/** A PE in the tree: "phb" for the PHB PE, else the IODA PE number. */
export type PeRef = "phb" | number;

export interface EehPe {
  readonly ref: PeRef;
  /** PE address as Linux prints it (`PHB#x-PE#<addr>`); 0 for the PHB PE. */
  readonly addr: number;
  readonly type: number;
  state: number;
  readonly parent: PeRef | null;
  readonly children: readonly number[];
  /** RIDs of the devices (eeh_dev) in this PE. */
  readonly rids: readonly number[];
  /** All-ones reads seen while already ISOLATED (reset when ISOLATED is cleared). */
  checkCount: number;
  /** Freezes in the current one-hour window, and the window start (seconds). */
  freezeCount: number;
  tstamp: number;
  falsePositives: number;
  /** Devices of this PE opened by VFIO; > 0 means passed through. */
  passDevCnt: number;
}

export interface PeTree {
  readonly phbPe: EehPe;
  readonly pes: Readonly<Record<number, EehPe>>;
}

function newPe(ref: PeRef, type: number, parent: PeRef | null, children: number[], rids: readonly number[]): EehPe {
  return { ref, addr: ref === "phb" ? 0 : ref, type, state: 0, parent, children, rids, checkCount: 0, freezeCount: 0, tstamp: 0, falsePositives: 0, passDevCnt: 0 };
}

export function buildPeTree(plan: PhbPlan): PeTree {
  const kids = new Map<PeRef, number[]>();
  for (const p of plan.pes) {
    const parent: PeRef = p.parent ?? "phb";
    if (!kids.has(parent)) kids.set(parent, []);
    kids.get(parent)!.push(p.pe);
  }
  const pes: Record<number, EehPe> = {};
  for (const p of plan.pes) pes[p.pe] = newPe(p.pe, p.eehType, p.parent ?? "phb", kids.get(p.pe) ?? [], p.rids);
  return { phbPe: newPe("phb", EEH_PE_PHB, null, kids.get("phb") ?? [], []), pes };
}

export function getPe<T extends PeTree | Draft<PeTree>>(tree: T, ref: PeRef): T extends Draft<PeTree> ? Draft<EehPe> : EehPe {
  const pe = ref === "phb" ? tree.phbPe : (tree.pes as Record<number, EehPe>)[ref];
  if (!pe) throw new NotFoundError(`no PE#${ref.toString(16)} in the PE tree`, { pe: ref });
  return pe as never;
}

/** Pre-order walk of the subtree rooted at `root` (eeh_pe_next / eeh_for_each_pe). */
export function forEachPe(tree: PeTree | Draft<PeTree>, root: PeRef, visit: (pe: EehPe) => void): void {
  const stack: PeRef[] = [root];
  while (stack.length > 0) {
    const ref = stack.pop()!;
    const pe = getPe(tree as PeTree, ref);
    visit(pe);
    for (let i = pe.children.length - 1; i >= 0; i--) stack.push(pe.children[i]!);
  }
}

/** eeh_pe_state_mark: OR `bits` into the subtree, skipping REMOVED PEs. */
export function peStateMark(tree: Draft<PeTree>, root: PeRef, bits: number): void {
  forEachPe(tree, root, (pe) => {
    if (pe.state & EEH_PE_REMOVED) return;
    (pe as Draft<EehPe>).state |= bits;
  });
}

/** eeh_pe_mark_isolated: ISOLATED on the subtree; CFG_RESTRICTED PEs also get CFG_BLOCKED. */
export function peMarkIsolated(tree: Draft<PeTree>, root: PeRef): void {
  forEachPe(tree, root, (pe) => {
    if (pe.state & EEH_PE_REMOVED) return;
    const d = pe as Draft<EehPe>;
    d.state |= EEH_PE_ISOLATED;
    if (d.state & EEH_PE_CFG_RESTRICTED) d.state |= EEH_PE_CFG_BLOCKED;
  });
}

/**
 * eeh_pe_state_clear: clear `bits` on the subtree, skipping REMOVED PEs and (unless
 * `includePassed`) passed-through ones. Clearing ISOLATED resets check_count and unblocks
 * config access on CFG_RESTRICTED PEs.
 */
export function peStateClear(tree: Draft<PeTree>, root: PeRef, bits: number, includePassed: boolean): void {
  forEachPe(tree, root, (pe) => {
    if (pe.state & EEH_PE_REMOVED) return;
    if (!includePassed && pe.passDevCnt > 0) return;
    const d = pe as Draft<EehPe>;
    d.state &= ~bits;
    if (bits & EEH_PE_ISOLATED) {
      d.checkCount = 0;
      if (d.state & EEH_PE_CFG_RESTRICTED) d.state &= ~EEH_PE_CFG_BLOCKED;
    }
  });
}

/** The PEs from `ref` up to (not including) the PHB PE: ref first. */
export function peAncestry(tree: PeTree, ref: PeRef): number[] {
  const out: number[] = [];
  for (let r: PeRef | null = ref; r !== null && r !== "phb"; r = getPe(tree, r).parent) out.push(r);
  return out;
}
