import { describe, expect, it } from "vitest";
import { TopologyError } from "../../src/core/errors.js";
import { MachineBuilder } from "../../src/pci/builder.js";
import { validateMachine } from "../../src/pci/validate.js";
import {
  IODA1_NUM_PES,
  IODA1_RESERVED_PE,
  IODA2_NUM_PES,
  IODA2_RESERVED_PE,
  numPesOf,
  reservedPeOf,
  type MachineSpec,
} from "../../src/pci/topology.js";

// PHB0 (ioda2, domain 0)                       PHB1 (ioda1, domain 1)
//  0 00:00.0 root 1-5                           0 00:00.0 root 1-2
//  1 01:00.0 upstream 2-5                       1 01:00.0 endpoint
//  2 02:00.0 downstream 3-3   3 03:00.0 ep      2 01:01.0 pci-bridge 2-2
//  4 02:01.0 downstream 4-4   5,6 04:00.0/.1    3 02:00.0 endpoint
//  7 02:02.0 downstream 5-5   8 05:00.0 PF, 9,10 VFs 05:10.0/.1
const base: MachineSpec = new MachineBuilder()
  .phb({ model: "ioda2", id: 0 }, (root) =>
    root.switch({ downstreamPorts: 3 }, ([a, b, c]) => {
      a!.endpoint();
      b!.endpoint({ functions: 2 });
      c!.endpoint({ sriov: { numVfs: 2 } });
    }),
  )
  .phb({ model: "ioda1", id: 1 }, (root) => root.endpoint().pciBridge({}, (bus) => bus.endpoint()))
  .build();

type Mutable = { phbs: Array<Record<string, any> & { functions: Array<Record<string, any>> }> };

function mutated(change: (s: Mutable) => void): MachineSpec {
  const s = structuredClone(base) as unknown as Mutable;
  change(s);
  return s as unknown as MachineSpec;
}

function errorOf(spec: MachineSpec): TopologyError {
  try {
    validateMachine(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(TopologyError);
    return e as TopologyError;
  }
  throw new Error("validated");
}

const f0 = (s: Mutable) => s.phbs[0]!.functions;
const f1 = (s: Mutable) => s.phbs[1]!.functions;

describe("validateMachine", () => {
  it("accepts the base machine and returns it", () => {
    expect(validateMachine(base)).toBe(base);
    expect(base.phbs[0]!.functions).toHaveLength(11);
    expect(base.phbs[1]!.functions).toHaveLength(4);
  });

  it("exports the PE counts of powernv-opal.md §1.1", () => {
    expect([IODA1_NUM_PES, IODA1_RESERVED_PE, IODA2_NUM_PES, IODA2_RESERVED_PE]).toEqual([128, 127, 256, 255]);
    expect([numPesOf("ioda1"), reservedPeOf("ioda1"), numPesOf("ioda2"), reservedPeOf("ioda2")]).toEqual([128, 127, 256, 255]);
  });

  const cases: Array<[string, (s: Mutable) => void, string, RegExp]> = [
    ["no PHBs", (s) => void (s.phbs = []), "phbs", /at least one PHB/],
    ["duplicate PHB id", (s) => void (s.phbs[1]!.id = 0), "phbs[1].id", /duplicate PHB id 0/],
    [
      "duplicate domain",
      (s) => {
        s.phbs[1]!.domain = 0;
        for (const f of f1(s)) f.address.domain = 0;
      },
      "phbs[1].domain",
      /duplicate PCI domain 0000/,
    ],
    ["domain out of range", (s) => void (s.phbs[0]!.domain = 0x10000), "phbs[0].domain", /0\.\.0xffff/],
    ["unknown model", (s) => void (s.phbs[0]!.model = "ioda3"), "phbs[0].model", /unknown PHB model/],
    ["a device on no PHB", (s) => void (f0(s)[3]!.address.domain = 5), "phbs[0].functions[3].address", /no PHB/],
    ["duplicate address", (s) => void (f0(s)[6]!.address.fn = 0), "phbs[0].functions[6].address", /duplicate address 0000:04:00.0 \(also functions\[5\]\)/],
    ["no root port", (s) => void (f1(s)[0]!.kind = "downstream-port"), "phbs[1].functions", /no root port/],
    ["two root ports", (s) => void (f0(s)[7]!.kind = "root-port"), "phbs[0].functions[7].kind", /second root port/],
    ["root port elsewhere", (s) => void (f1(s)[0]!.address.device = 1), "phbs[1].functions[0].address", /must be at 00:00.0/],
    [
      "a function on the root bus",
      (s) => void f1(s).push({ ...structuredClone(f1(s)[1]!), address: { domain: 1, bus: 0, device: 2, fn: 0 } }),
      "phbs[1].functions[4].address",
      /only the root port/,
    ],
    ["bus outside the root port's range", (s) => void (f0(s)[3]!.address.bus = 9), "phbs[0].functions[3].address", /outside the root port's bus range 01..05/],
    [
      "bus no bridge leads to",
      (s) => {
        f0(s)[0]!.subordinateBus = 9;
        f0(s)[3]!.address.bus = 9;
      },
      "phbs[0].functions[3].address",
      /not the secondary bus of any bridge/,
    ],
    ["bridge without secondary bus", (s) => void delete f0(s)[2]!.secondaryBus, "phbs[0].functions[2].secondaryBus", /needs a secondaryBus/],
    ["secondary bus not above own bus", (s) => void (f1(s)[2]!.secondaryBus = 1), "phbs[1].functions[2].secondaryBus", /above the bridge's own bus/],
    ["subordinate below secondary", (s) => void (f0(s)[2]!.subordinateBus = 2), "phbs[0].functions[2].subordinateBus", /below secondary/],
    ["bus number out of range", (s) => void (f0(s)[0]!.subordinateBus = 256), "phbs[0].functions[0].subordinateBus", /0\.\.0xff/],
    ["shared secondary bus", (s) => void (f0(s)[4]!.secondaryBus = 3), "phbs[0].functions[4].secondaryBus", /already the secondary bus of functions\[2\]/],
    ["range not nested in parent", (s) => void (f0(s)[7]!.subordinateBus = 6), "phbs[0].functions[7].subordinateBus", /not inside its parent bridge's range 02..05/],
    ["sibling ranges overlap", (s) => void (f0(s)[2]!.subordinateBus = 4), "phbs[0].functions[4].secondaryBus", /04..04 overlaps functions\[2\]'s range 03..04/],
    ["endpoint with a secondary bus", (s) => void (f0(s)[3]!.secondaryBus = 7), "phbs[0].functions[3].secondaryBus", /only bridges/],
    ["endpoint with pePerDevice", (s) => void (f0(s)[3]!.pePerDevice = true), "phbs[0].functions[3].pePerDevice", /only bridges/],
    ["unknown kind", (s) => void (f0(s)[3]!.kind = "nic"), "phbs[0].functions[3].kind", /unknown function kind/],
    ["vendor id out of range", (s) => void (f0(s)[3]!.vendorId = 0x10000), "phbs[0].functions[3].vendorId", /0\.\.0xffff/],
    ["class code out of range", (s) => void (f0(s)[3]!.classCode = 2 ** 24), "phbs[0].functions[3].classCode", /0\.\.0xffffff/],
    ["BAR size not a power of two", (s) => void (f0(s)[3]!.bars[1].size = 0x3000), "phbs[0].functions[3].bars[1].size", /not a power of two/],
    ["BAR too small", (s) => void (f0(s)[3]!.bars[1].size = 8), "phbs[0].functions[3].bars[1].size", /mem32 BAR/],
    ["duplicate BAR index", (s) => void (f0(s)[3]!.bars[1].index = 0), "phbs[0].functions[3].bars[1].index", /upper half|duplicate/],
    [
      "BAR on the upper half of a 64-bit BAR",
      (s) => void (f0(s)[3]!.bars[1].index = 1),
      "phbs[0].functions[3].bars[1].index",
      /duplicate BAR index 1, also used by bars\[0\]/,
    ],
    ["mem64 BAR at index 5", (s) => void (f0(s)[3]!.bars[0].index = 5), "phbs[0].functions[3].bars[0].index", /64-bit BAR needs two registers/],
    [
      "bridge BAR at index 2",
      (s) => void (f0(s)[1]!.bars = [{ index: 2, type: "mem32", size: 0x1000, prefetchable: false }]),
      "phbs[0].functions[1].bars[0].index",
      /a bridge has two BARs/,
    ],
    [
      "prefetchable I/O BAR",
      (s) => void (f0(s)[3]!.bars[1] = { index: 2, type: "io", size: 0x100, prefetchable: true }),
      "phbs[0].functions[3].bars[1].prefetchable",
      /I\/O BAR/,
    ],
    ["unknown BAR type", (s) => void (f0(s)[3]!.bars[1].type = "mem16"), "phbs[0].functions[3].bars[1].type", /unknown BAR type/],
    ["ioda1 reserved PE", (s) => void (f1(s)[1]!.pe = 127), "phbs[1].functions[1].pe", /outside 0\.\.126 of an ioda1 PHB \(PE 127 is the reserved PE\)/],
    ["ioda2 reserved PE", (s) => void (f0(s)[3]!.pe = 255), "phbs[0].functions[3].pe", /outside 0\.\.254 of an ioda2 PHB/],
    ["negative PE", (s) => void (f0(s)[3]!.pe = -1), "phbs[0].functions[3].pe", /outside/],
    [
      "a bridge without bus numbers",
      (s) => void Object.assign(f1(s)[3]!, { kind: "upstream-port", bars: [] }),
      "phbs[1].functions[3].secondaryBus",
      /needs a secondaryBus/,
    ],
    [
      "upstream port below a PCI bridge",
      (s) => {
        Object.assign(f1(s)[3]!, { kind: "upstream-port", secondaryBus: 3, subordinateBus: 3, bars: [] });
        f1(s)[2]!.subordinateBus = 3;
        f1(s)[0]!.subordinateBus = 3;
      },
      "phbs[1].functions[3].kind",
      /upstream port must sit below a root or downstream port/,
    ],
    ["endpoint on a switch's internal bus", (s) => void (f0(s)[3]!.address = { domain: 0, bus: 2, device: 9, fn: 0 }), "phbs[0].functions[3].kind", /only downstream ports/],
    ["function 1 without function 0", (s) => void (f0(s)[5]!.address.device = 3), "phbs[0].functions[6].address", /has no function 0/],
    ["sriov on a bridge", (s) => void (f0(s)[2]!.sriov = { ...f0(s)[8]!.sriov }), "phbs[0].functions[2].sriov", /only an endpoint/],
    ["NumVFs above TotalVFs", (s) => void (f0(s)[8]!.sriov.totalVfs = 1), "phbs[0].functions[8].sriov.numVfs", /above TotalVFs 1/],
    ["VF stride 0", (s) => void (f0(s)[8]!.sriov.vfStride = 0), "phbs[0].functions[8].sriov.vfStride", /1\.\.0xffff/],
    ["VFs beyond bus ff", (s) => void (f0(s)[8]!.sriov.firstVfOffset = 0xff00), "phbs[0].functions[8].sriov.totalVfs", /beyond bus ff/],
    ["fewer VFs listed than enabled", (s) => void f0(s).pop(), "phbs[0].functions[8].sriov.numVfs", /2 VFs enabled but 1 listed/],
    ["VF without its PF", (s) => void (f0(s)[9]!.physfn.bus = 4), "phbs[0].functions[9].physfn", /is not an SR-IOV PF/],
    ["VF whose PF does not exist", (s) => void (f0(s)[9]!.physfn.device = 7), "phbs[0].functions[9].physfn", /does not exist/],
    ["VF without physfn", (s) => void delete f0(s)[9]!.physfn, "phbs[0].functions[9].physfn", /needs its physfn/],
    ["VF index out of range", (s) => void (f0(s)[10]!.vfIndex = 2), "phbs[0].functions[10].vfIndex", /only 2 VFs/],
    ["duplicate VF index", (s) => void (f0(s)[10]!.vfIndex = 0), "phbs[0].functions[10].vfIndex", /also functions\[9\]/],
    ["VF at the wrong RID", (s) => void (f0(s)[10]!.address.fn = 5), "phbs[0].functions[10].address", /must be at 05:10.1/],
    ["VF with another vendor", (s) => void (f0(s)[9]!.vendorId = 0x15b3), "phbs[0].functions[9].vendorId", /PF's vendor id/],
    ["VF with another device id", (s) => void (f0(s)[9]!.deviceId = 1), "phbs[0].functions[9].deviceId", /VF device id 0x10ed/],
    ["physfn on an endpoint", (s) => void (f0(s)[3]!.physfn = { domain: 0, bus: 5, device: 0, fn: 0 }), "phbs[0].functions[3].physfn", /only VFs/],
    ["aer not a boolean", (s) => void (f0(s)[3]!.aer = "yes"), "phbs[0].functions[3].aer", /true or false/],
  ];

  it.each(cases)("%s", (_name, change, path, message) => {
    const e = errorOf(mutated(change));
    expect(e.path).toBe(path);
    expect(e.code).toBe("BAD_TOPOLOGY");
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${path}: `)).toBe(true);
  });

  it("accepts the last usable PE of each model", () => {
    expect(() => validateMachine(mutated((s) => void (f1(s)[1]!.pe = 126)))).not.toThrow();
    expect(() => validateMachine(mutated((s) => void (f0(s)[3]!.pe = 254)))).not.toThrow();
  });

  it("accepts VFs on a bus reserved inside the parent's range", () => {
    const spec = mutated((s) => {
      // PF 05:00.0 below downstream port 5-5: widen to 5-6 and move VFs onto bus 6.
      f0(s)[7]!.subordinateBus = 6;
      f0(s)[1]!.subordinateBus = 6;
      f0(s)[0]!.subordinateBus = 6;
      f0(s)[8]!.sriov.firstVfOffset = 0x100;
      f0(s)[9]!.address = { domain: 0, bus: 6, device: 0, fn: 0 };
      f0(s)[10]!.address = { domain: 0, bus: 6, device: 0, fn: 1 };
    });
    expect(() => validateMachine(spec)).not.toThrow();
  });
});
