// Property: random sequences of RTAS calls and injected faults on random machines. Every
// call returns a status (never throws); a call that fails (or finds nothing to do with an
// error status) changes nothing; ibm,read-slot-reset-state2 always agrees with the PHB
// model's freeze bits when no reset is in progress and the PE is not lost; every returned
// log decodes and follows the §3.13 checklist.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/clock.js";
import { EehError } from "../../../src/core/errors.js";
import { injectBadDma, injectFence, injectLinkDown, injectMmioError, injectPcieUe, killPhb } from "../../../src/ioda/faults.js";
import { Machine } from "../../../src/ioda/machine.js";
import { decodeRtasLog, rtasLogProblems } from "../../../src/log/rtas/index.js";
import { arbMachineSpec } from "../../../src/pci/arbitraries.js";
import { isBridgeKind, type MachineSpec, type PciFunctionSpec } from "../../../src/pci/topology.js";
import {
  PseriesPlatform,
  RTAS_ERRINJCT_TOKENS,
  encodeIoaBusErrorWorkArea,
  extendedDelayMs,
  rtasCall,
  stateOfFreeze,
  type PeHandle,
} from "../../../src/platform/pseries/index.js";
import { expectUnchanged, snapshot } from "./helpers.js";
import { pseriesSpec } from "./machines.js";

type Cmd =
  | { op: "option"; fn: number; option: number }
  | { op: "reset"; fn: number; option: number }
  | { op: "state"; fn: number }
  | { op: "detail"; fn: number; severity: number; size: number }
  | { op: "info"; fn: number; which: number }
  | { op: "configure"; fn: number }
  | { op: "open" }
  | { op: "close"; good: boolean }
  | { op: "inject"; fn: number; token: number; type: number; func: number; good: boolean }
  | { op: "garbage"; call: number; args: number[]; nret: number }
  | { op: "advance"; ms: number }
  | { op: "fault"; fn: number; kind: "dma" | "mmio" | "link" | "linkPermanent" | "ue" | "fence" | "kill" | "load" };

const fnIndex = fc.nat({ max: 23 });
const cell = fc.oneof(fc.nat({ max: 0xffff_ffff }), fc.constantFrom(-1, 2 ** 32, 0.5));
const arbCmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("option" as const), fn: fnIndex, option: fc.integer({ min: -1, max: 5 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("reset" as const), fn: fnIndex, option: fc.constantFrom(0, 0, 1, 2, 3) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("state" as const), fn: fnIndex }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("detail" as const), fn: fnIndex, severity: fc.constantFrom(0, 1, 1, 2, 2, 3), size: fc.constantFrom(0, 300, 2048, 2048, 2048, 2049) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("info" as const), fn: fnIndex, which: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("configure" as const), fn: fnIndex }) },
  { weight: 1, arbitrary: fc.constant({ op: "open" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("close" as const), good: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("inject" as const),
      fn: fnIndex,
      token: fc.constantFrom(...RTAS_ERRINJCT_TOKENS.map(([, t]) => t), 7, 7, 7, 7, 15, 15, 15, 0x55),
      type: fc.constantFrom(0, 1),
      func: fc.constantFrom(0, 1, 6, 7, 0, 6, 12, 19, 20),
      good: fc.constantFrom(true, true, true, false),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("garbage" as const), call: fc.integer({ min: 0x201e, max: 0x2032 }), args: fc.array(cell, { maxLength: 9 }), nret: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.constantFrom(1, 50, 99, 100, 250, 1499, 1800, 5000) }) },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant("fault" as const), fn: fnIndex, kind: fc.constantFrom("dma", "dma", "mmio", "mmio", "link", "linkPermanent", "ue", "fence", "kill", "load", "load") as fc.Arbitrary<Extract<Cmd, { op: "fault" }>["kind"]> }),
  },
);

/** Machines that build (some random shapes overflow a window and are refused). */
const arbMachine: fc.Arbitrary<MachineSpec> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(pseriesSpec()) },
  {
    weight: 1,
    arbitrary: arbMachineSpec({ maxPhbs: 2, maxDepth: 2, maxDevicesPerBus: 2 }).filter((spec) => {
      try {
        Machine.build(spec);
        return true;
      } catch {
        return false;
      }
    }),
  },
);

/** What the runs exercised, so the property cannot pass vacuously. */
const seen = { logs: 0, frozen: 0, resetting: 0, unavailable: 0, injected: 0 };

function run(spec: MachineSpec, cmds: readonly Cmd[]): void {
  const m = Machine.build(spec);
  const clock = new VirtualClock();
  const rtas = new PseriesPlatform(m, clock, { epochMs: Date.UTC(2025, 0, 1) });
  const fns: PciFunctionSpec[] = spec.phbs.flatMap((p) => p.functions);
  // Two picks in three land on an endpoint or VF, where the errors happen.
  const leaves = fns.filter((f) => !isBridgeKind(f.kind));
  const pick = (i: number): PciFunctionSpec => (i % 3 !== 0 && leaves.length > 0 ? leaves[i % leaves.length]! : fns[i % fns.length]!);
  const handleOf = (i: number): PeHandle => rtas.handleOf(pick(i).address);
  let token = 0;

  const checked = (status: number, before: ReturnType<typeof snapshot>): void => {
    expect(Number.isInteger(status)).toBe(true);
    if (status < 0 || extendedDelayMs(status) !== undefined || status === 1) expectUnchanged(before, rtas, m);
  };

  for (const c of cmds) {
    const before = snapshot(rtas, m);
    switch (c.op) {
      case "option": {
        const h = handleOf(c.fn);
        checked(rtas.setEehOption(h.configAddr, h.buidHi, h.buidLo, c.option), before);
        break;
      }
      case "reset": {
        const h = handleOf(c.fn);
        checked(rtas.setSlotReset(h.configAddr, h.buidHi, h.buidLo, c.option), before);
        break;
      }
      case "state": {
        const f = pick(c.fn);
        const h = rtas.handleOf(f.address);
        const r = rtas.readSlotResetState2(h.configAddr, h.buidHi, h.buidLo);
        expect(r.status).toBe(0);
        const { phb, pe } = m.peOf(f.address);
        const fw = rtas.peFirmware(phb, pe);
        const idle = !m.phbState(phb).hw.broken && !fw.failed && fw.reset === null && clock.now() >= fw.settleUntil;
        if (idle) expect(r.state).toBe(stateOfFreeze(m.peFreezeState(phb, pe)));
        else expect([1, 5]).toContain(r.state);
        if (r.state === 2 || r.state === 4) seen.frozen++;
        if (r.state === 1) seen.resetting++;
        if (r.state === 5) seen.unavailable++;
        expect(r.supported).toBe(fw.eehEnabled ? 1 : 0);
        break;
      }
      case "detail": {
        const h = handleOf(c.fn);
        const buffer = new Uint8Array(c.size);
        const r = rtas.slotErrorDetail(h.configAddr, h.buidHi, h.buidLo, null, buffer, c.severity);
        checked(r.status, before);
        if (r.status === 0) {
          seen.logs++;
          const log = decodeRtasLog(buffer.subarray(0, r.length));
          expect(rtasLogProblems(log)).toEqual([]);
          expect(rtas.platformLog.entries.at(-1)!.bytes).toEqual(buffer.subarray(0, r.length));
        }
        break;
      }
      case "info": {
        const h = rtas.functionHandle(pick(c.fn).address);
        const r = rtas.getConfigAddrInfo2(h.configAddr, h.buidHi, h.buidLo, c.which);
        expect(r.status).toBe(c.which <= 1 ? 0 : -3);
        expectUnchanged(before, rtas, m);
        break;
      }
      case "configure": {
        const h = handleOf(c.fn);
        checked(rtas.configurePe(h.configAddr, h.buidHi, h.buidLo), before);
        break;
      }
      case "open": {
        const r = rtas.openErrinjct();
        if (r.status === 0) token = r.token;
        else expectUnchanged(before, rtas, m);
        break;
      }
      case "close":
        checked(rtas.closeErrinjct(c.good ? token : token + 1), before);
        break;
      case "inject": {
        if (c.good && rtas.firmware.errinjct.openToken === null) token = rtas.openErrinjct().token;
        const h = handleOf(c.fn);
        const area = encodeIoaBusErrorWorkArea({ type: c.type, func: c.func, addr: 0n, mask: 0n, ...h });
        const mid = snapshot(rtas, m);
        const status = rtas.errinjct(c.token, c.good ? token : token + 1, area);
        checked(status, mid);
        if (status === 0) seen.injected++;
        break;
      }
      case "garbage": {
        const r = rtasCall(rtas, c.call, c.args, c.nret);
        expect(Number.isInteger(r.status)).toBe(true);
        break;
      }
      case "advance":
        clock.advanceBy(c.ms);
        break;
      case "fault": {
        const f = pick(c.fn);
        try {
          switch (c.kind) {
            case "dma":
              injectBadDma(m, f.address);
              break;
            case "mmio":
              injectMmioError(m, f.address);
              break;
            case "link":
            case "linkPermanent":
              if (isBridgeKind(f.kind)) injectLinkDown(m, f.address, { permanent: c.kind === "linkPermanent" });
              break;
            case "ue":
              injectPcieUe(m, f.address);
              break;
            case "fence":
              injectFence(m, m.locate(f.address).phbId);
              break;
            case "kill":
              if (c.fn % 4 === 0) killPhb(m, m.locate(f.address).phbId);
              break;
            case "load": {
              const { phbId } = m.locate(f.address);
              const bar = m.phbLayout(phbId).barsByRid.get((f.address.bus << 8) | (f.address.device << 3) | f.address.fn)?.[0];
              if (bar) m.mmioLoad(bar.cpuStart, 4);
              break;
            }
          }
        } catch (e) {
          if (!(e instanceof EehError)) throw e; // a fault that does not apply to this function
        }
        break;
      }
    }
  }
}

describe("RTAS calls and faults, random sequences", () => {
  it("never throw, change nothing when they fail, and read-slot-reset-state2 agrees with the freeze bits", () => {
    fc.assert(
      fc.property(arbMachine, fc.array(arbCmd, { minLength: 5, maxLength: 50, size: "max" }), (spec, cmds) => run(spec, cmds)),
      { numRuns: 300 },
    );
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(10);
  });
});
