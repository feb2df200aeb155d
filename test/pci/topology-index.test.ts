import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { NotFoundError } from "../../src/core/errors.js";
import { formatPciAddress, ridOf } from "../../src/pci/address.js";
import { arbMachineSpec } from "../../src/pci/arbitraries.js";
import { MachineBuilder } from "../../src/pci/builder.js";
import { indexTopology } from "../../src/pci/topology-index.js";
import { isBridgeKind, type PciFunctionSpec } from "../../src/pci/topology.js";

const spec = new MachineBuilder()
  .phb({ model: "ioda2", id: 3, domain: 5 }, (root) => {
    root.switch({ downstreamPorts: 2 }, ([a, b]) => {
      a!.endpoint({ functions: 2 });
      b!.pciBridge({}, (bus) => bus.endpoint().endpoint());
    });
    root.endpoint({ sriov: { numVfs: 3 } });
  })
  .phb({ model: "ioda1", id: 0 }, (root) => root.endpoint())
  .build();

const names = (fns: readonly PciFunctionSpec[]): string[] => fns.map((f) => formatPciAddress(f.address));

describe("TopologyIndex", () => {
  const index = indexTopology(spec);
  const phb = index.phb(3);
  const at = (text: string): PciFunctionSpec => {
    const [bus, rest] = text.split(":");
    const [dev, fn] = rest!.split(".");
    return phb.functionByRid(ridOf({ bus: parseInt(bus!, 16), device: parseInt(dev!, 16), fn: Number(fn) }))!;
  };

  it("finds functions by RID and by address", () => {
    expect(phb.functionByRid(0x0300)!.kind).toBe("endpoint");
    expect(phb.functionByRid(0x0301)!.address.fn).toBe(1);
    expect(phb.functionByRid(0x0999)).toBeUndefined();
    expect(index.functionAt({ domain: 5, bus: 1, device: 0, fn: 0 })!.kind).toBe("upstream-port");
    expect(index.functionAt({ domain: 1, bus: 1, device: 0, fn: 0 })).toBeUndefined();
    expect(index.phbByDomain(5)).toBe(phb);
    expect(() => index.phb(9)).toThrow(NotFoundError);
    expect(phb.rootPort.kind).toBe("root-port");
  });

  it("finds the bridge leading to a bus and the functions on it", () => {
    expect(formatPciAddress(phb.bridgeForBus(4)!.address)).toBe("0005:02:01.0");
    expect(phb.bridgeForBus(5)!.kind).toBe("pci-bridge");
    expect(phb.bridgeForBus(0x40)).toBeUndefined();
    expect(names(phb.functionsOnBus(5))).toEqual(["0005:05:00.0", "0005:05:01.0"]);
    expect(names(phb.functionsOnBus(1))).toEqual(["0005:01:00.0", "0005:01:01.0", "0005:01:10.0", "0005:01:10.1", "0005:01:10.2"]);
  });

  it("walks up to the root port", () => {
    const ep = at("05:01.0");
    expect(formatPciAddress(phb.parentBridge(ep)!.address)).toBe("0005:04:00.0");
    expect(names(phb.bridgeChain(ep))).toEqual(["0005:04:00.0", "0005:02:01.0", "0005:01:00.0", "0005:00:00.0"]);
    expect(phb.parentBridge(phb.rootPort)).toBeUndefined();
    expect(phb.bridgeChain(phb.rootPort)).toEqual([]);
  });

  it("lists what lies below a bridge", () => {
    const up = at("01:00.0");
    expect(names(phb.childrenOf(up))).toEqual(["0005:02:00.0", "0005:02:01.0"]);
    expect(names(phb.devicesBelow(up))).toEqual([
      "0005:02:00.0",
      "0005:03:00.0",
      "0005:03:00.1",
      "0005:02:01.0",
      "0005:04:00.0",
      "0005:05:00.0",
      "0005:05:01.0",
    ]);
    expect(phb.devicesBelow(phb.rootPort)).toHaveLength(spec.phbs[0]!.functions.length - 1);
  });

  it("relates PFs and VFs", () => {
    const pf = at("01:01.0");
    expect(names(phb.vfsOf(pf))).toEqual(["0005:01:10.0", "0005:01:10.1", "0005:01:10.2"]);
    expect(phb.physfnOf(at("01:10.2"))).toBe(pf);
    expect(phb.vfsOf(at("03:00.0"))).toEqual([]);
  });

  it("knows multi-function devices", () => {
    expect(phb.isMultiFunction(at("03:00.0"))).toBe(true);
    expect(phb.isMultiFunction(at("03:00.1"))).toBe(true);
    expect(phb.isMultiFunction(at("01:01.0"))).toBe(false); // its VFs do not count
    expect(phb.isMultiFunction(at("01:10.1"))).toBe(false);
  });

  it("gives JSON positions and rejects foreign functions", () => {
    const ep = at("05:01.0");
    expect(index.positionOf(ep)).toEqual({ phbIndex: 0, functionIndex: spec.phbs[0]!.functions.indexOf(ep) });
    expect(index.positionOf({ ...ep, address: { ...ep.address } }).functionIndex).toBe(spec.phbs[0]!.functions.indexOf(ep));
    const other = index.phb(0).functionByRid(0x100)!;
    expect(() => phb.parentBridge(other)).toThrow(NotFoundError);
    expect(() => phb.devicesBelow({ ...other, address: { ...other.address, domain: 5, bus: 0x77 } })).toThrow(NotFoundError);
    expect(index.allFunctions()).toHaveLength(spec.phbs[0]!.functions.length + spec.phbs[1]!.functions.length);
  });
});

describe("TopologyIndex properties", () => {
  it("every chain ends at the root port and every function is below the root port once", () => {
    fc.assert(
      fc.property(arbMachineSpec(), (s) => {
        const index = indexTopology(s);
        for (const p of s.phbs) {
          const phb = index.phb(p.id);
          const below = phb.devicesBelow(phb.rootPort);
          expect(below).toHaveLength(p.functions.length - 1);
          expect(new Set(below).size).toBe(below.length);
          for (const fn of p.functions) {
            if (fn === phb.rootPort) continue;
            const chain = phb.bridgeChain(fn);
            expect(chain.at(-1)).toBe(phb.rootPort);
            for (const b of chain) expect(isBridgeKind(b.kind)).toBe(true);
            // The bus of the function lies in the range of every bridge above it.
            for (const b of chain) {
              expect(fn.address.bus).toBeGreaterThanOrEqual(b.secondaryBus!);
              expect(fn.address.bus).toBeLessThanOrEqual(b.subordinateBus!);
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
