// The error/freeze engine both models share (powernv-opal.md §1.3, §9 items 1–2): an
// error bit lands in its group's status (and first-error/log registers when it is the
// first), the LEM FIR/WOF record it, and the group's FREEZE_ENABLE/AIB_FENCE_ENABLE
// routing decides: freeze the PE (PESTA/PESTB bit 0 plus cause fields, then every PE in
// its PELT-V row) or fence the whole PHB. Models differ only in the tables they consult.

import type { Draft } from "../core/state.js";
import type { PhbModelKind } from "../pci/topology.js";
import { routeError, type ErrorKind, type ErrorRoute } from "./error-sources.js";
import { ioda1Model, type Ioda1State } from "./ioda1/p7ioc.js";
import { ioda2Model, type Ioda2State } from "./ioda2/phb3.js";
import { PEST_FROZEN, pestAWord, pestBWord, type PestCause } from "./pest.js";
import { PHB_STATUS_ANY_ERR, PHB_STATUS_ANY_ERR1, PHB_STATUS_ANY_FREEZE } from "./ioda2/regs.js";
import type { PhbModel } from "./phb-model.js";
import { disarmInjection } from "./err-inject.js";
import { emptyRegs } from "./phb-state.js";
import { ppcBit } from "../core/bits.js";

export type PhbState = Ioda1State | Ioda2State;

const MODELS: Record<PhbModelKind, PhbModel<PhbState>> = {
  ioda1: ioda1Model as unknown as PhbModel<PhbState>,
  ioda2: ioda2Model as unknown as PhbModel<PhbState>,
};

/** The ops table of a PHB's model (the platform layer never asks which model it is). */
export function modelOf(s: { readonly model: PhbModelKind }): PhbModel<PhbState> {
  return MODELS[s.model];
}

export function modelForKind(kind: PhbModelKind): PhbModel<PhbState> {
  return MODELS[kind];
}

export interface FreezeState {
  readonly mmio: boolean;
  readonly dma: boolean;
}

export function peFreezeState(s: PhbState, pe: number): FreezeState {
  return { mmio: ((s.pestA[pe] ?? 0n) & PEST_FROZEN) !== 0n, dma: ((s.pestB[pe] ?? 0n) & PEST_FROZEN) !== 0n };
}

/** PEEV words, derived (emulator assumption of §1.3: PEEV[n] = PESTA[n].bit0 | PESTB[n].bit0). */
export function peev(s: PhbState): readonly bigint[] {
  // PHB state is immutable (a changed PHB is a new object), so the vector of a state can be
  // kept: next_error asks every PHB on every scan, and most PHBs have not changed since.
  const known = peevCache.get(s);
  if (known) return known;
  const words = modelOf(s).peevWords;
  const out = new Array<bigint>(words).fill(0n);
  for (let pe = 0; pe < s.pestA.length; pe++) {
    if ((s.pestA[pe]! | s.pestB[pe]!) & PEST_FROZEN) out[pe >> 6]! |= 1n << BigInt(63 - (pe & 63));
  }
  peevCache.set(s, out);
  return out;
}

const peevCache = new WeakMap<PhbState, readonly bigint[]>();

/** PEs with either freeze bit set, ascending. */
export function frozenPes(s: PhbState): number[] {
  const out: number[] = [];
  for (let pe = 0; pe < s.pestA.length; pe++) if ((s.pestA[pe]! | s.pestB[pe]!) & PEST_FROZEN) out.push(pe);
  return out;
}

/**
 * Hardware freeze of `pe` with its cause, then the PEs of its PELT-V row (collateral,
 * bit 0 only). A PE already frozen keeps the cause of its first freeze.
 * Returns every PE that was not frozen before and is now.
 */
export function hardwareFreeze(s: Draft<PhbState>, pe: number, cause: PestCause | undefined): number[] {
  const model = modelOf(s);
  const newly: number[] = [];
  const freezeOne = (n: number, a: bigint, b: bigint): void => {
    const was = (s.pestA[n]! | s.pestB[n]!) & PEST_FROZEN;
    if (!was) {
      s.pestA[n] = a;
      s.pestB[n] = b;
      newly.push(n);
    } else {
      s.pestA[n] = s.pestA[n]! | PEST_FROZEN;
      s.pestB[n] = s.pestB[n]! | PEST_FROZEN;
    }
  };
  freezeOne(pe, cause ? pestAWord(cause) : PEST_FROZEN, cause ? pestBWord(cause) : PEST_FROZEN);
  for (const child of model.peltvRow(s as PhbState, pe)) {
    if (child !== pe) freezeOne(child, PEST_FROZEN, PEST_FROZEN);
  }
  s.regs.plssr |= PHB_STATUS_ANY_ERR | PHB_STATUS_ANY_ERR1 | PHB_STATUS_ANY_FREEZE;
  s.regs.csr |= PHB_STATUS_ANY_ERR | PHB_STATUS_ANY_ERR1 | PHB_STATUS_ANY_FREEZE;
  return newly;
}

export interface RaisedError {
  readonly kind: ErrorKind;
  readonly route: ErrorRoute;
  /** PEs newly frozen (the charged PE first, then PELT-V collateral). */
  readonly frozen: readonly number[];
  readonly fenced: boolean;
}

export interface ErrorContext {
  readonly pe: number;
  readonly cause: Omit<PestCause, "lemBit">;
  /** Error log words captured with the first error of the group. */
  readonly log0?: bigint;
  readonly log1?: bigint;
}

/** Record an error the way the PHB hardware does, and apply its routing. */
export function raiseError(s: Draft<PhbState>, kind: ErrorKind, ctx: ErrorContext): RaisedError {
  const model = modelOf(s);
  const src = model.errorSources[kind];
  const g = s.regs.groups[src.group];
  const bit = ppcBit(src.statusBit);
  g.status |= bit;
  if (g.first === 0n) {
    g.first = bit;
    g.log0 = ctx.log0 ?? 0n;
    g.log1 = ctx.log1 ?? 0n;
  }
  const lem = ppcBit(src.lemBit);
  s.regs.lemFir |= lem;
  if (s.regs.lemWof === 0n) s.regs.lemWof = lem;
  const route = routeError(model.routing, src.group, src.statusBit);
  if (route === "fence") {
    fencePhb(s);
    return { kind, route, frozen: [], fenced: true };
  }
  if (route === "freeze") {
    const frozen = hardwareFreeze(s, ctx.pe, { ...ctx.cause, lemBit: src.lemBit });
    return { kind, route, frozen, fenced: false };
  }
  return { kind, route, frozen: [], fenced: false };
}

/** Fence the whole PHB: the AIB is isolated, every PE reads as stopped (§6.1). */
export function fencePhb(s: Draft<PhbState>): void {
  modelOf(s).setFence(s);
  s.regs.plssr |= PHB_STATUS_ANY_ERR | PHB_STATUS_ANY_ERR1;
  s.regs.csr |= PHB_STATUS_ANY_ERR | PHB_STATUS_ANY_ERR1;
}

/** Software freeze (OPAL_PCI_EEH_FREEZE_SET): set PESTA and/or PESTB bit 0 only. */
export function setFreeze(s: Draft<PhbState>, pe: number, mmio: boolean, dma: boolean): void {
  if (mmio) s.pestA[pe] = s.pestA[pe]! | PEST_FROZEN;
  if (dma) s.pestB[pe] = s.pestB[pe]! | PEST_FROZEN;
}

/** OPAL_PCI_EEH_FREEZE_CLEAR writes whole PEST words to zero: cause fields are lost (§9 item 5). */
export function clearFreeze(s: Draft<PhbState>, pe: number, mmio: boolean, dma: boolean): void {
  if (mmio) s.pestA[pe] = 0n;
  if (dma) s.pestB[pe] = 0n;
}

/**
 * The ER-clear sequence's effect on the PHB registers (§6.4): error groups, LEM and the
 * PHB status words go back to zero. (Root-port config writes are done by the caller.)
 */
export function clearErrorRegisters(s: Draft<PhbState>): void {
  const keep = { injCtl: s.regs.injCtl, injAddr: s.regs.injAddr, injMask: s.regs.injMask, lemErrorMask: s.regs.lemErrorMask };
  s.regs = { ...emptyRegs(), ...keep };
}

/**
 * Complete PHB reset (creset, §1.3): PESTA/PESTB and PEEV zeroed, error registers and
 * the injection registers cleared, the fence lifted. Routing tables are reloaded from
 * firmware's caches, i.e. kept. A dead PHB stays dead.
 */
export function completeResetHw(s: Draft<PhbState>): void {
  s.pestA.fill(0n);
  s.pestB.fill(0n);
  s.regs = emptyRegs();
  disarmInjection(s.regs);
  modelOf(s).clearFence(s);
}

export function isFenced(s: PhbState): boolean {
  return modelOf(s).isFenced(s);
}
