// The kit's arbitraries: machines that build and that a driver can poll, faults aimed at
// real targets that apply through the hardware paths, plain printable values.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError, EehError } from "../../../src/core/errors.js";
import { Machine } from "../../../src/ioda/machine.js";
import { MachineBuilder } from "../../../src/pci/builder.js";
import {
  aimFaults,
  applyFault,
  arbFault,
  arbFaultPlan,
  arbMachine,
  describeFault,
  describeMachine,
  endpointsOf,
  formatValue,
  linkPortsOf,
  permanentFaultOf,
  type Fault,
  type FaultSeed,
} from "../../../src/scenario/testing/index.js";

const plain = (v: object): boolean => Object.getPrototypeOf(v) === Object.prototype && JSON.stringify(JSON.parse(JSON.stringify(v))) === JSON.stringify(v);

/** A switch with two ports: an endpoint below each. */
const SWITCHED = new MachineBuilder()
  .phb({ model: "ioda2" }, (root) =>
    root.switch({ downstreamPorts: 2 }, (ports) => {
      ports[0]!.endpoint({ bars: [{ type: "mem32", size: 0x10000 }] });
      ports[1]!.endpoint({ bars: [{ type: "mem32", size: 0x4000 }] });
    }),
  )
  .build();

describe("arbMachine", () => {
  it("gives machines that build, numbered 0.., with pollable endpoints and SR-IOV only on IODA2", () => {
    fc.assert(
      fc.property(arbMachine(), (spec) => {
        const m = Machine.build(spec);
        expect(spec.phbs.map((p) => [p.id, p.domain])).toEqual(spec.phbs.map((_, i) => [i, i]));
        const eps = endpointsOf(spec);
        expect(eps.length).toBeGreaterThanOrEqual(1);
        for (const a of eps) {
          const { phbId, rid } = m.locate(a);
          expect(m.phbLayout(phbId).barsByRid.get(rid)?.some((b) => b.type !== "io")).toBe(true);
        }
        for (const p of spec.phbs) if (p.model === "ioda1") expect(p.functions.some((f) => f.kind === "vf")).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
  it("honours models, size and minEndpoints; prints as a one-line machine in counter-examples", () => {
    const [spec] = fc.sample(arbMachine({ models: ["ioda1"], maxPhbs: 1, minEndpoints: 2 }), { numRuns: 1, seed: 3 });
    expect(spec!.phbs.map((p) => p.model)).toEqual(["ioda1"]);
    expect(endpointsOf(spec!).length).toBeGreaterThanOrEqual(2);
    expect(fc.stringify(spec)).toMatch(/^machine\(PHB#0 ioda1: 0000:00:00\.0 root-port/);
  });
  it("refuses options that cannot work", () => {
    expect(() => arbMachine({ models: [] })).toThrow(ArgumentError);
    expect(() => arbMachine({ minEndpoints: -1 })).toThrow(ArgumentError);
  });
  it("describeMachine lists each function (depth first) with its kind, BARs and PE", () => {
    expect(describeMachine(SWITCHED).split("\n")).toEqual([
      "PHB#0 ioda2",
      "  0000:00:00.0 root-port                       PE#fe",
      "  0000:01:00.0 upstream-port                   PE#fd",
      "  0000:02:00.0 downstream-port                 PE#fc",
      "  0000:03:00.0 endpoint 8086:10fb [mem32 64K]  PE#fb",
      "  0000:02:01.0 downstream-port                 PE#fc",
      "  0000:04:00.0 endpoint 8086:10fb [mem32 16K]  PE#fa",
    ]);
  });
});

describe("faults", () => {
  it("aim at the machine's endpoints, ports and PHBs, are plain values, and happen through the hardware", () => {
    const ports = linkPortsOf(SWITCHED);
    fc.assert(
      fc.property(arbFault(SWITCHED, { kinds: ["bad-dma", "mmio-error", "pcie-ue", "link-down", "fence", "dead-phb", "mmio-unassigned"], maxAt: 5000 }), (f) => {
        expect(plain(f)).toBe(true);
        expect(f.at).toBeGreaterThanOrEqual(0);
        expect(f.at).toBeLessThanOrEqual(5000);
        if ("device" in f) expect(endpointsOf(SWITCHED)).toContain(f.device);
        if (f.kind === "link-down") expect(ports).toContain(f.port);
        const m = Machine.build(SWITCHED);
        const { events, effect } = applyFault(m, f);
        if (f.kind === "bad-dma" || f.kind === "mmio-error") expect(effect).toMatch(/^froze PHB#0-PE#f[ab] \((dma-tce-page-fault|mmio-ur)\)$/);
        if (f.kind === "fence") expect(effect).toBe("fenced PHB#0 (phb-internal)");
        if (f.kind === "dead-phb") expect(effect).toBe("PHB#0 dead");
        if (f.kind === "link-down") expect(events[0]).toMatchObject({ kind: "link-down", permanent: f.permanent });
        if (f.kind === "pcie-ue") expect(effect).toMatch(f.bit === "INTN" ? /AER INTN masked$/ : /froze PHB#0-PE#f[ab] \(pcie-(non)?fatal\)$/);
      }),
      { numRuns: 60 },
    );
  });
  it("plans are in time order and print the way they are written", () => {
    fc.assert(
      fc.property(arbFaultPlan(SWITCHED, { minFaults: 2, maxFaults: 4 }), (plan) => {
        expect(plan.length).toBeGreaterThanOrEqual(2);
        expect(plan.map((f) => f.at)).toEqual([...plan.map((f) => f.at)].sort((a, b) => a - b));
      }),
      { numRuns: 30 },
    );
    const f: Fault = { kind: "bad-dma", device: "0000:04:00.0", page: 0, dir: "write", at: 1500 };
    expect(formatValue(f)).toBe('{ kind: "bad-dma", device: "0000:04:00.0", page: 0, dir: "write", at: 1500 }');
    expect(describeFault(f)).toBe("bad DMA write by 0000:04:00.0 (window page 0) at 1500 ms");
  });
  it("seeds are aimed modulo the targets; a kind with no target is dropped", () => {
    const seed = (kind: FaultSeed["kind"], target: number, at: number): FaultSeed => ({ kind, target, page: 1, dir: "read", bit: "MALF_TLP", permanent: true, at });
    const oneDevice = new MachineBuilder().phb({ model: "ioda1" }, (r) => r.endpoint()).build();
    expect(aimFaults(SWITCHED, [seed("pcie-ue", 3, 20), seed("link-down", 3, 10)])).toEqual([
      { kind: "link-down", port: "0000:00:00.0", permanent: true, at: 10 },
      { kind: "pcie-ue", device: "0000:04:00.0", bit: "MALF_TLP", at: 20 },
    ]);
    expect(aimFaults(oneDevice, [seed("mmio-error", 5, 0)], { devices: [] })).toEqual([]);
  });
  it("permanentFaultOf: a dead PHB, or a permanent link loss above the device", () => {
    const down = (port: string, permanent: boolean): Fault => ({ kind: "link-down", port, permanent, at: 0 });
    expect(permanentFaultOf(SWITCHED, [down("0000:02:00.0", true)], "0000:03:00.0")).toEqual(down("0000:02:00.0", true));
    expect(permanentFaultOf(SWITCHED, [down("0000:02:00.0", true)], "0000:04:00.0")).toBeUndefined();
    expect(permanentFaultOf(SWITCHED, [down("0000:00:00.0", false)], "0000:04:00.0")).toBeUndefined();
    expect(permanentFaultOf(SWITCHED, [{ kind: "dead-phb", phb: 0, at: 5 }], "0000:04:00.0")?.kind).toBe("dead-phb");
  });
  it("bad input is a typed error", () => {
    expect(() => arbFault(SWITCHED, { kinds: ["melt" as never] })).toThrow(ArgumentError);
    expect(() => arbFault(SWITCHED, { devices: ["0000:02:00.0"] })).toThrow(/not an endpoint/);
    expect(() => arbFaultPlan(SWITCHED, { minFaults: 3, maxFaults: 1 })).toThrow(ArgumentError);
    expect(() => applyFault(Machine.build(SWITCHED), { kind: "mmio-error", device: "0000:09:00.0", at: 0 })).toThrow(EehError);
  });
});
