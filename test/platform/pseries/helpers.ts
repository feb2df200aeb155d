// Shared helpers of the pSeries tests: calling with a function's PE handle, snapshots of
// every state a call could change, and reading back returned logs.

import { expect } from "vitest";
import type { FunctionRef, Machine } from "../../../src/ioda/machine.js";
import { decodeRegisterDump, decodeRtasLog, type RegisterDumpBlock, type RtasErrorLog, type RtasSection } from "../../../src/log/rtas/index.js";
import type { PeHandle, PseriesPlatform } from "../../../src/platform/pseries/index.js";

/** Everything an RTAS call may change, by reference. */
export interface Snapshot {
  readonly machine: unknown;
  readonly global: unknown;
  readonly phbs: readonly unknown[];
  readonly logs: number;
  readonly events: number;
}

export function snapshot(rtas: PseriesPlatform, m: Machine): Snapshot {
  return {
    machine: m.state,
    global: rtas.firmware,
    phbs: [...m.layout.phbs.keys()].map((id) => rtas.phbFirmware(id)),
    logs: rtas.platformLog.entries.length,
    events: m.events.length,
  };
}

/** The call changed nothing: the very same state objects are in place. */
export function expectUnchanged(before: Snapshot, rtas: PseriesPlatform, m: Machine): void {
  const now = snapshot(rtas, m);
  expect(now.machine).toBe(before.machine);
  expect(now.global).toBe(before.global);
  now.phbs.forEach((p, i) => expect(p).toBe(before.phbs[i]));
  expect(now.logs).toBe(before.logs);
  expect(now.events).toBe(before.events);
}

export function handle(rtas: PseriesPlatform, ref: FunctionRef): PeHandle {
  return rtas.handleOf(ref);
}

export function readState(rtas: PseriesPlatform, ref: FunctionRef) {
  const h = rtas.handleOf(ref);
  return rtas.readSlotResetState2(h.configAddr, h.buidHi, h.buidLo);
}

export function stateWord(rtas: PseriesPlatform, ref: FunctionRef): number | undefined {
  return readState(rtas, ref).state;
}

export function setOption(rtas: PseriesPlatform, ref: FunctionRef, option: number): number {
  const h = rtas.handleOf(ref);
  return rtas.setEehOption(h.configAddr, h.buidHi, h.buidLo, option);
}

export function slotReset(rtas: PseriesPlatform, ref: FunctionRef, option: number): number {
  const h = rtas.handleOf(ref);
  return rtas.setSlotReset(h.configAddr, h.buidHi, h.buidLo, option);
}

export function configurePe(rtas: PseriesPlatform, ref: FunctionRef): number {
  const h = rtas.handleOf(ref);
  return rtas.configurePe(h.configAddr, h.buidHi, h.buidLo);
}

/** ibm,slot-error-detail into a fresh zeroed buffer (Linux memsets slot_errbuf first). */
export function errorDetail(rtas: PseriesPlatform, ref: FunctionRef, severity: number, size = 2048) {
  const h = rtas.handleOf(ref);
  const buffer = new Uint8Array(size);
  const r = rtas.slotErrorDetail(h.configAddr, h.buidHi, h.buidLo, null, buffer, severity);
  return { ...r, buffer, log: buffer.slice(0, r.length) };
}

export function sections(log: RtasErrorLog): RtasSection[] {
  if (log.extended.kind !== "v6") throw new Error("not a v6 log");
  return log.extended.sections;
}

export function section<K extends RtasSection["kind"]>(log: RtasErrorLog, kind: K): Extract<RtasSection, { kind: K }> {
  const s = sections(log).find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind} section`);
  return s as Extract<RtasSection, { kind: K }>;
}

export function dumpOf(bytes: Uint8Array): RegisterDumpBlock[] {
  return decodeRegisterDump(section(decodeRtasLog(bytes), "userData").data);
}

/** 64-bit register value from its two dump pairs (high word at `offset`). */
export function reg64(block: RegisterDumpBlock, offset: number): bigint | undefined {
  const hi = block.registers.find(([o]) => o === offset);
  const lo = block.registers.find(([o]) => o === offset + 4);
  if (!hi || !lo) return undefined;
  return (BigInt(hi[1]) << 32n) | BigInt(lo[1]);
}
