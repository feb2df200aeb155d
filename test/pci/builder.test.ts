import { describe, expect, it } from "vitest";
import { TopologyError } from "../../src/core/errors.js";
import { formatPciAddress, ridOf } from "../../src/pci/address.js";
import { MachineBuilder } from "../../src/pci/builder.js";
import type { MachineSpec, PciFunctionSpec } from "../../src/pci/topology.js";

function rows(spec: MachineSpec, phb = 0): string[] {
  return spec.phbs[phb]!.functions.map(
    (f) => `${formatPciAddress(f.address)} ${f.kind}${f.secondaryBus !== undefined ? ` ${f.secondaryBus}-${f.subordinateBus}` : ""}`,
  );
}

function topologyError(f: () => unknown): TopologyError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TopologyError);
    return e as TopologyError;
  }
  throw new Error("did not throw");
}

const example = (): MachineSpec =>
  new MachineBuilder()
    .phb({ model: "ioda2", id: 0, domain: 0 }, (root) => {
      root.switch({ downstreamPorts: 3 }, (ports) => {
        ports[0]!.endpoint({
          vendorId: 0x15b3,
          deviceId: 0x1013,
          classCode: 0x020000,
          bars: [{ type: "mem64", size: 0x2000000 }],
          label: "mlx0",
        });
        ports[1]!.endpoint({ functions: 2, label: "eth" });
        ports[2]!.endpoint({ sriov: { numVfs: 4 } });
      });
    })
    .phb({ model: "ioda1", id: 1, domain: 1 }, (root) => {
      root.endpoint().endpoint();
    })
    .build();

describe("MachineBuilder", () => {
  it("numbers a switch tree depth first", () => {
    const spec = example();
    expect(rows(spec)).toEqual([
      "0000:00:00.0 root-port 1-5",
      "0000:01:00.0 upstream-port 2-5",
      "0000:02:00.0 downstream-port 3-3",
      "0000:03:00.0 endpoint",
      "0000:02:01.0 downstream-port 4-4",
      "0000:04:00.0 endpoint",
      "0000:04:00.1 endpoint",
      "0000:02:02.0 downstream-port 5-5",
      "0000:05:00.0 endpoint",
      "0000:05:10.0 vf",
      "0000:05:10.1 vf",
      "0000:05:10.2 vf",
      "0000:05:10.3 vf",
    ]);
    expect(rows(spec, 1)).toEqual(["0001:00:00.0 root-port 1-1", "0001:01:00.0 endpoint", "0001:01:01.0 endpoint"]);
  });

  it("fixes up subordinate buses after nested switches and bridges", () => {
    const spec = new MachineBuilder()
      .phb({ model: "ioda2" }, (root) => {
        root.switch({ downstreamPorts: 2 }, ([p0, p1]) => {
          p0!.switch({ downstreamPorts: 2 }, ([a, b]) => {
            a!.endpoint();
            b!.pciBridge({}, (bus) => bus.endpoint().endpoint());
          });
          p1!.endpoint();
        });
        root.endpoint();
      })
      .build();
    expect(rows(spec)).toEqual([
      "0000:00:00.0 root-port 1-8",
      "0000:01:00.0 upstream-port 2-8",
      "0000:02:00.0 downstream-port 3-7",
      "0000:03:00.0 upstream-port 4-7",
      "0000:04:00.0 downstream-port 5-5",
      "0000:05:00.0 endpoint",
      "0000:04:01.0 downstream-port 6-7",
      "0000:06:00.0 pci-bridge 7-7",
      "0000:07:00.0 endpoint",
      "0000:07:01.0 endpoint",
      "0000:02:01.0 downstream-port 8-8",
      "0000:08:00.0 endpoint",
      "0000:01:01.0 endpoint",
    ]);
  });

  it("visits devices in device-number order, as the Linux scan does", () => {
    const spec = new MachineBuilder()
      .phb({ model: "ioda2" }, (root) => {
        root.pciBridge({ device: 4 }, (b) => b.endpoint());
        root.pciBridge({ device: 2 }, (b) => b.endpoint());
      })
      .build();
    expect(rows(spec)).toEqual([
      "0000:00:00.0 root-port 1-3",
      "0000:01:02.0 pci-bridge 2-2",
      "0000:02:00.0 endpoint",
      "0000:01:04.0 pci-bridge 3-3",
      "0000:03:00.0 endpoint",
    ]);
  });

  it("fills in defaults", () => {
    const spec = example();
    const [root, up] = spec.phbs[0]!.functions;
    expect(root).toMatchObject({ vendorId: 0x1014, deviceId: 0x03dc, classCode: 0x060400, aer: true, bars: [] });
    expect(spec.phbs[1]!.functions[0]!.deviceId).toBe(0x03b9); // P7IOC root port on ioda1
    expect(up).toMatchObject({ vendorId: 0x10b5, deviceId: 0x8748 });
    expect(spec.phbs[0]!.location).toBe("U78C9.001.WZS0001-P1-C1");
    expect(spec.phbs[1]!.location).toBe("U78C9.001.WZS0001-P1-C2");
    const ep = spec.phbs[1]!.functions[1]!;
    expect(ep).toMatchObject({ vendorId: 0x8086, deviceId: 0x10fb, classCode: 0x020000, location: "U78C9.001.WZS0001-P1-C2" });
    expect(ep.bars).toEqual([
      { index: 0, type: "mem64", size: 0x100000, prefetchable: true },
      { index: 2, type: "mem32", size: 0x4000, prefetchable: false },
    ]);
    const mlx = spec.phbs[0]!.functions[3]!;
    expect(mlx).toMatchObject({ vendorId: 0x15b3, deviceId: 0x1013, label: "mlx0" });
    expect(mlx.bars).toEqual([{ index: 0, type: "mem64", size: 0x2000000, prefetchable: true }]);
    expect(spec.phbs[0]!.functions[5]!.label).toBe("eth.0");
    expect(spec.phbs[0]!.functions[6]!.label).toBe("eth.1");
  });

  it("assigns default PHB ids and domains around explicit ones", () => {
    const spec = new MachineBuilder({ unit: "U8247.22L.1234567" })
      .phb({ model: "ioda2", id: 1 })
      .phb({ model: "ioda2" })
      .phb({ model: "ioda1", domain: 7, location: "X" })
      .build();
    expect(spec.phbs.map((p) => [p.id, p.domain, p.location])).toEqual([
      [1, 1, "U8247.22L.1234567-P1-C1"],
      [0, 0, "U8247.22L.1234567-P1-C2"],
      [2, 7, "X"],
    ]);
  });

  it("carries bridge options: pePerDevice and pinned PEs", () => {
    const spec = new MachineBuilder()
      .phb({ model: "ioda2", rootPort: { pe: 3 } }, (root) => {
        root.switch({ downstreamPorts: 2, downstream: { pePerDevice: true }, upstream: { label: "sw" } }, ([a, b]) => {
          a!.port({ pePerDevice: false }).endpoint({ pe: 0x20 });
          b!.endpoint();
        });
      })
      .build();
    const f = spec.phbs[0]!.functions;
    expect(f[0]!.pe).toBe(3);
    expect(f[1]!.label).toBe("sw");
    expect(f[2]!.pePerDevice).toBe(false);
    expect(f[3]!.pe).toBe(0x20);
    expect(f[4]!.pePerDevice).toBe(true);
    expect(f[5]!.pe).toBeUndefined();
  });
});

describe("MachineBuilder: SR-IOV", () => {
  const vfsOf = (spec: MachineSpec, pf: PciFunctionSpec): PciFunctionSpec[] =>
    spec.phbs[0]!.functions.filter((f) => f.physfn && ridOf(f.physfn) === ridOf(pf.address));

  it("places VF i at PF RID + First VF Offset + i × stride", () => {
    const spec = example();
    const pf = spec.phbs[0]!.functions[8]!;
    expect(pf.sriov).toEqual({ totalVfs: 4, numVfs: 4, vfDeviceId: 0x10ed, firstVfOffset: 0x80, vfStride: 1 });
    const vfs = vfsOf(spec, pf);
    expect(vfs.map((v) => v.vfIndex)).toEqual([0, 1, 2, 3]);
    for (const v of vfs) {
      expect(ridOf(v.address)).toBe(ridOf(pf.address) + pf.sriov!.firstVfOffset + v.vfIndex! * pf.sriov!.vfStride);
      expect(v).toMatchObject({ kind: "vf", vendorId: pf.vendorId, deviceId: 0x10ed, classCode: pf.classCode, aer: true });
      expect(v.bars).toEqual([{ index: 0, type: "mem64", size: 0x4000, prefetchable: true }]);
    }
  });

  it("packs the VFs of several PFs of one bus from devfn 0x80", () => {
    const spec = new MachineBuilder()
      .phb({ model: "ioda2" }, (root) => {
        root.endpoint({ functions: 2, label: "p", deviceId: 0x1015, sriov: { numVfs: 2, totalVfs: 3, vfBars: [{ size: 0x1000 }] } });
        root.endpoint({ sriov: { numVfs: 1 } });
      })
      .build();
    const f = spec.phbs[0]!.functions;
    const [pf0, pf1] = [f[1]!, f[2]!];
    expect(pf0.sriov!.firstVfOffset).toBe(0x80); // VFs 0x80, 0x81 (+0x82 reserved)
    expect(pf1.sriov!.firstVfOffset).toBe(0x83 - 1); // after PF0's TotalVFs
    expect(pf0.sriov!.vfDeviceId).toBe(0x1016);
    expect(vfsOf(spec, pf0).map((v) => formatPciAddress(v.address))).toEqual(["0000:01:10.0", "0000:01:10.1"]);
    expect(vfsOf(spec, pf1).map((v) => formatPciAddress(v.address))).toEqual(["0000:01:10.3", "0000:01:10.4"]);
    expect(vfsOf(spec, pf0).map((v) => v.label)).toEqual(["p.0-vf0", "p.0-vf1"]);
    const third = f.find((x) => x.address.device === 1 && x.kind === "endpoint")!;
    expect(vfsOf(spec, third).map((v) => formatPciAddress(v.address))).toEqual(["0000:01:10.6"]); // after PF1's TotalVFs
  });

  it("honours explicit offset and stride", () => {
    const spec = new MachineBuilder()
      .phb({ model: "ioda2" }, (root) => root.endpoint({ sriov: { numVfs: 3, totalVfs: 63, firstVfOffset: 0x80, vfStride: 2, vfDeviceId: 0x10ed } }))
      .build();
    expect(spec.phbs[0]!.functions.filter((f) => f.kind === "vf").map((v) => formatPciAddress(v.address))).toEqual([
      "0000:01:10.0",
      "0000:01:10.2",
      "0000:01:10.4",
    ]);
  });
});

describe("MachineBuilder: impossible requests", () => {
  it("more than 32 devices on a bus", () => {
    const e = topologyError(() =>
      new MachineBuilder().phb({ model: "ioda2" }, (root) => {
        for (let i = 0; i < 33; i++) root.endpoint({ bars: [] });
      }),
    );
    expect(e.path).toBe("phbs[0].root.devices[32]");
    expect(e.message).toMatch(/more than 32 devices/);
  });

  it("a device number used twice or out of range", () => {
    expect(topologyError(() => new MachineBuilder().phb({ model: "ioda2" }, (r) => r.endpoint({ device: 3 }).endpoint({ device: 3 }))).path).toBe(
      "phbs[0].root.devices[1].device",
    );
    expect(topologyError(() => new MachineBuilder().phb({ model: "ioda2" }, (r) => r.endpoint({ device: 32 }))).path).toBe(
      "phbs[0].root.devices[0].device",
    );
  });

  it("nine functions, a switch without ports", () => {
    expect(topologyError(() => new MachineBuilder().phb({ model: "ioda2" }, (r) => r.endpoint({ functions: 9 }))).path).toBe(
      "phbs[0].root.devices[0].functions",
    );
    expect(topologyError(() => new MachineBuilder().phb({ model: "ioda2" }, (r) => r.switch({ downstreamPorts: 0 }))).path).toBe(
      "phbs[0].root.devices[0].downstreamPorts",
    );
  });

  it("more than 255 buses", () => {
    const e = topologyError(() =>
      new MachineBuilder()
        .phb({ model: "ioda2" }, (root) => {
          for (let s = 0; s < 32; s++) root.switch({ downstreamPorts: 8 });
        })
        .build(),
    );
    expect(e.message).toMatch(/more than 255 buses/);
    expect(e.path).toBe("phbs[0].root.devices[28].ports[1]"); // bus 1 + 28 × 9 + 2 = 255 was the last
  });

  it("too many BARs", () => {
    const e = topologyError(() =>
      new MachineBuilder()
        .phb({ model: "ioda2" }, (r) => r.endpoint({ bars: [{ size: 16 }, { size: 16 }, { size: 16 }, { size: 16 }] }))
        .build(),
    );
    expect(e.path).toBe("phbs[0].root.devices[0].bars[3]");
  });

  it("reports validation errors at the builder path", () => {
    const pe = topologyError(() =>
      new MachineBuilder().phb({ model: "ioda1" }, (r) => r.switch({ downstreamPorts: 1 }, ([p]) => p!.endpoint({ functions: [{}, { pe: 127 }] }))).build(),
    );
    expect(pe.path).toBe("phbs[0].root.devices[0].ports[0].devices[0].functions[1].pe");
    expect(pe.context["specPath"]).toBe("phbs[0].functions[4].pe");
    expect(pe.message).toMatch(/reserved PE/);
    const size = topologyError(() => new MachineBuilder().phb({ model: "ioda2" }, (r) => r.endpoint({ bars: [{ size: 0x3000 }] })).build());
    expect(size.path).toBe("phbs[0].root.devices[0].bars[0].size");
    const vf = topologyError(() =>
      new MachineBuilder().phb({ model: "ioda2" }, (r) => r.endpoint({ sriov: { numVfs: 5, totalVfs: 4 } })).build(),
    );
    expect(vf.path).toBe("phbs[0].root.devices[0].sriov.numVfs");
    const dup = topologyError(() => new MachineBuilder().phb({ model: "ioda2", id: 1 }).phb({ model: "ioda2", id: 1 }).build());
    expect(dup.path).toBe("phbs[1].id");
  });

  it("VFs that would collide with ordinary devices", () => {
    const e = topologyError(() =>
      new MachineBuilder()
        .phb({ model: "ioda2" }, (r) => {
          r.endpoint({ sriov: { numVfs: 2 } });
          r.endpoint({ device: 0x10 });
        })
        .build(),
    );
    expect(e.path).toBe("phbs[0].root.devices[0].sriov");
    expect(e.message).toMatch(/collide/);
    const full = topologyError(() =>
      new MachineBuilder().phb({ model: "ioda2" }, (r) => r.endpoint({ sriov: { numVfs: 200 } })).build(),
    );
    expect(full.message).toMatch(/do not fit/);
  });
});

describe("MachineBuilder: conventional PCI below a PCIe-to-PCI bridge", () => {
  it("refuses a switch there", () => {
    const e = topologyError(() => new MachineBuilder().phb({ model: "ioda2" }, (r) => r.pciBridge({}, (bus) => bus.switch({ downstreamPorts: 1 }))));
    expect(e.path).toBe("phbs[0].root.devices[0].bus.devices[0]");
  });
});
