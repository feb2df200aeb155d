// The access paths and freeze semantics of a built machine (powernv-opal.md §1.3, §9;
// linux-eeh.md §2.1), on both models.
import { describe, expect, it } from "vitest";
import { Machine } from "../../src/ioda/machine.js";
import { demoSpec, switchPhb } from "./fixtures.js";
import { completeReset, freezePe, injectBadDma, injectFence, injectLinkDown, injectMmioError, injectMmioUnassigned, injectPcieUe, killPhb, resetBelow, restoreBars, unfreezePe } from "../../src/ioda/faults.js";
import { EehError } from "../../src/core/errors.js";
import { PESTA_TCE_PAGE_FAULT, PESTA_UR_RETURN, PESTA_MMIO_CAUSE, PESTA_UTL_FATAL, pestFailingAddress, pestRid, PESTA_LEM_BIT } from "../../src/ioda/pest.js";
import { getFieldNum, ppcBit } from "../../src/core/bits.js";
import { PCI_ERR_UNC_SURPDN, PCI_ERR_UNC_UNSUP, PCI_ERR_UNC_MALF_TLP, PCI_EXP_LNKSTA, PCI_EXP_LNKSTA_DLLLA } from "../../src/pci/regs.js";
import { PCI_AER_CAP_BASE, PCI_EXP_CAP_BASE } from "../../src/pci/config-space.js";
import { frozenPes, modelOf } from "../../src/ioda/phb-engine.js";

const ID_DWORD = BigInt((0x1013 << 16) | 0x15b3);

describe("PE assignment (powernv-opal §1.4)", () => {
  it("PHB3: root bus PE#fe, then buses from PE#fd downwards in bus order", () => {
    const m = Machine.build(demoSpec());
    const pes = m.phbLayout(0).plan.pes.map((p) => [p.pe, p.bus]);
    expect(pes).toEqual([[0xfe, 0], [0xfd, 1], [0xfc, 2], [0xfb, 3], [0xfa, 4], [0xf9, 5]]);
    expect(m.peOf("0000:03:00.0")).toEqual({ phb: 0, pe: 0xfb });
    expect(m.peOf("0000:02:01.0")).toEqual({ phb: 0, pe: 0xfc });
  });
  it("P7IOC: root bus PE#7e (126), first dynamic PE#7d", () => {
    const m = Machine.build(demoSpec());
    expect(m.phbLayout(1).plan.pes[0]!.pe).toBe(126);
    expect(m.peOf("0001:01:00.0").pe).toBe(125);
  });
  it("unassigned RIDs fall to the reserved PE (255 / 127)", () => {
    const m = Machine.build(demoSpec());
    const hw0 = m.phbState(0).hw;
    const hw1 = m.phbState(1).hw;
    expect(modelOf(hw0).peForRid(hw0, 0x4000)).toBe(255);
    expect(modelOf(hw1).peForRid(hw1, 0x4000)).toBe(127);
  });
  it("PELT-V holds each PE's ancestors' rows: errors propagate down, never up", () => {
    const m = Machine.build(demoSpec());
    const hw = m.phbState(0).hw;
    const model = modelOf(hw);
    expect(model.peltvRow(hw, 0xfc)).toEqual([0xf9, 0xfa, 0xfb, 0xfc]); // switch bus → its ports' buses
    expect(model.peltvRow(hw, 0xfb)).toEqual([0xfb]);
    expect(model.peltvRow(hw, 0xfe)).toEqual([0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe]);
  });
  it("the Linux PE tree mirrors the bridges", () => {
    const m = Machine.build(demoSpec());
    const t = m.phbState(0).peTree;
    expect(t.phbPe.children).toEqual([0xfe]);
    expect(t.pes[0xfc]!.children).toEqual([0xfb, 0xfa, 0xf9]);
    expect(t.pes[0xfb]!.parent).toBe(0xfc);
  });
});

describe.each(["ioda2", "ioda1"] as const)("%s access paths", (model) => {
  const build = () => Machine.build({ phbs: [switchPhb(0, model, 3)] });

  it("an MMIO load reaches the device through the M32 segment of its PE", () => {
    const m = build();
    const bar0 = m.barCpuAddress("0000:03:00.0", 0);
    expect(m.mmioLoad(bar0, 4)).toBe(ID_DWORD);
    m.mmioStore(bar0 + 8n, 4, 0xcafen);
    expect(m.mmioLoad(bar0 + 8n, 4)).toBe(0xcafen);
  });

  it("a bad DMA is an IOMMU fault: the PE freezes, PESTB holds the faulting address", () => {
    const m = build();
    const { pe } = m.peOf("0000:04:00.0");
    const w = m.dmaWindow("0000:04:00.0");
    const addr = w.base + 0x7000n;
    const r = injectBadDma(m, "0000:04:00.0", addr);
    expect(r.blocked).toBe("error");
    expect(r.error?.frozen).toEqual([pe]);
    const hw = m.phbState(0).hw;
    expect(hw.pestA[pe]! & ppcBit(0)).not.toBe(0n);
    expect(hw.pestA[pe]! & PESTA_TCE_PAGE_FAULT).not.toBe(0n);
    expect(pestRid(hw.pestA[pe]!)).toBe(0x0400);
    expect(getFieldNum(PESTA_LEM_BIT, hw.pestA[pe]!)).toBe(43);
    expect(hw.pestB[pe]! & ppcBit(0)).not.toBe(0n);
    expect(pestFailingAddress(hw.pestB[pe]!)).toBe(addr);
    expect(hw.regs.groups.ina.status).toBe(ppcBit(22));
    expect(hw.regs.groups.ina.log1).toBe(addr);
    expect(m.events.at(-1)).toMatchObject({ kind: "freeze", phb: 0, pe, error: "dma-tce-page-fault", address: addr });
    // The frozen PE's loads return all ones; the neighbours are untouched.
    expect(m.mmioLoad(m.barCpuAddress("0000:04:00.0", 0), 4)).toBe(0xffffffffn);
    expect(m.mmioLoad(m.barCpuAddress("0000:04:00.0", 2), 8)).toBe(0xffffffffffffffffn);
    expect(m.mmioLoad(m.barCpuAddress("0000:03:00.0", 0), 4)).toBe(ID_DWORD);
  });

  it("a mapped DMA lands in host memory; a read-only TCE refuses writes (access fault)", () => {
    const m = build();
    const w = m.dmaWindow("0000:05:00.0");
    m.mapDma("0000:05:00.0", w.base + 0x1000n, 0x7_0000n, "rw");
    m.mapDma("0000:05:00.0", w.base + 0x2000n, 0x8_0000n, "r");
    expect(m.dmaWrite("0000:05:00.0", w.base + 0x1010n, 8, 0x1122334455667788n).blocked).toBeUndefined();
    expect(m.memRead(0x7_0010n, 8)).toBe(0x1122334455667788n);
    m.memWrite(0x8_0000n, 4, 0xabcdn);
    expect(m.dmaRead("0000:05:00.0", w.base + 0x2000n, 4)).toBe(0xabcdn);
    const r = m.dmaWrite("0000:05:00.0", w.base + 0x2000n, 4, 1n);
    expect(r.error?.kind).toBe("dma-tce-access-fault");
    expect(m.memRead(0x8_0000n, 4)).toBe(0xabcdn);
  });

  it("an MMIO error (UR) freezes the PE with MMIO cause, ttype load, UR", () => {
    const m = build();
    const r = injectMmioError(m, "0000:03:00.0");
    const pe = m.peOf("0000:03:00.0").pe;
    expect(r.error?.frozen).toEqual([pe]);
    const a = m.phbState(0).hw.pestA[pe]!;
    expect(a & PESTA_MMIO_CAUSE).not.toBe(0n);
    expect(a & PESTA_UR_RETURN).not.toBe(0n);
    expect(getFieldNum({ first: 5, last: 7 }, a)).toBe(4); // MMIO load
    expect(m.phbState(0).hw.regs.groups.out.status).toBe(ppcBit(22));
  });

  it("MMIO to a segment nobody owns freezes the reserved PE", () => {
    const m = build();
    const r = injectMmioUnassigned(m, 0);
    const reserved = modelOf(m.phbState(0).hw).reservedPe;
    expect(r.error?.frozen).toContain(reserved);
  });

  it("unfreezing MMIO leaves DMA stopped, and vice versa", () => {
    const m = build();
    const { pe } = m.peOf("0000:03:00.0");
    freezePe(m, 0, pe, { mmio: true, dma: true });
    unfreezePe(m, 0, pe, { mmio: true, dma: false });
    expect(m.peFreezeState(0, pe)).toEqual({ mmio: false, dma: true });
    expect(m.mmioLoad(m.barCpuAddress("0000:03:00.0", 0), 4)).toBe(ID_DWORD);
    const w = m.dmaWindow("0000:03:00.0");
    m.mapDma("0000:03:00.0", w.base, 0x9000n, "rw");
    expect(m.dmaWrite("0000:03:00.0", w.base, 4, 7n).blocked).toBe("frozen");
    expect(m.memRead(0x9000n, 4)).toBe(0n);
    freezePe(m, 0, pe, { mmio: true, dma: false });
    unfreezePe(m, 0, pe, { mmio: false, dma: true });
    expect(m.peFreezeState(0, pe)).toEqual({ mmio: true, dma: false });
    expect(m.dmaWrite("0000:03:00.0", w.base, 4, 7n).blocked).toBeUndefined();
    expect(m.memRead(0x9000n, 4)).toBe(7n);
  });

  it("link loss below a switch port freezes the switch bus PE and its children", () => {
    const m = build();
    const r = injectLinkDown(m, "0000:02:01.0");
    expect(r.severity).toBe("fatal"); // Surprise Down is fatal by default severity
    const hw = m.phbState(0).hw;
    const sw = m.peOf("0000:02:01.0").pe;
    expect(r.error?.frozen).toEqual([sw, ...modelOf(hw).peltvRow(hw, sw).filter((p) => p !== sw)]);
    expect(hw.pestA[sw]! & PESTA_UTL_FATAL).not.toBe(0n);
    expect(pestRid(hw.pestA[sw]!)).toBe(0x0208);
    const port = m.phbState(0).functions[0x0208]!;
    expect(port.linkUp).toBe(false);
    // The port logged Surprise Down; DLLLA is clear; the root port saw ERR_FATAL from 02:01.0.
    expect(m.configRead("0000:02:01.0", PCI_AER_CAP_BASE + 4, 4) & PCI_ERR_UNC_SURPDN).toBe(PCI_ERR_UNC_SURPDN);
    if (model === "ioda2") expect(m.configRead("0000:02:01.0", PCI_EXP_CAP_BASE + PCI_EXP_LNKSTA, 2) & PCI_EXP_LNKSTA_DLLLA).toBe(0);
    const rootSts = m.configRead("0000:00:00.0", PCI_AER_CAP_BASE + 0x30, 4);
    expect(rootSts & 0x44).toBe(0x44); // UNCOR_RCV | FATAL_RCV
    expect(m.configRead("0000:00:00.0", PCI_AER_CAP_BASE + 0x34, 4) >>> 16).toBe(0x0208);
    // The device below is unreachable: config reads all ones.
    expect(m.configRead("0000:04:00.0", 0, 4)).toBe(0xffffffff);
  });

  it("a masked PCIe UE sets status and stays silent; an unmasked fatal one freezes", () => {
    const m = build();
    // UR is non-fatal and unmasked by default; mask it first.
    m.configWrite("0000:03:00.0", PCI_AER_CAP_BASE + 8, 4, 0x00400000 | PCI_ERR_UNC_UNSUP);
    expect(injectPcieUe(m, "0000:03:00.0", PCI_ERR_UNC_UNSUP).severity).toBe("masked");
    expect(frozenPes(m.phbState(0).hw)).toEqual([]);
    const r = injectPcieUe(m, "0000:03:00.0", PCI_ERR_UNC_MALF_TLP);
    expect(r.severity).toBe("fatal");
    expect(r.error?.frozen).toEqual([m.peOf("0000:03:00.0").pe]);
  });

  it("a fenced PHB answers all ones everywhere and drops DMA", () => {
    const m = build();
    injectFence(m, 0);
    expect(m.mmioLoad(m.barCpuAddress("0000:03:00.0", 0), 4)).toBe(0xffffffffn);
    expect(m.configRead("0000:03:00.0", 0, 4)).toBe(0xffffffff);
    expect(m.dmaWrite("0000:03:00.0", 0n, 4, 1n).blocked).toBe("fenced");
    expect(m.peFreezeState(0, 3)).toEqual({ mmio: true, dma: true });
  });

  it("a dead PHB answers nothing, and cannot be reset", () => {
    const m = build();
    killPhb(m, 0);
    expect(m.mmioLoad(m.barCpuAddress("0000:03:00.0", 0), 2)).toBe(0xffffn);
    const before = m.state;
    expect(() => completeReset(m, 0)).toThrow(EehError);
    expect(m.state).toBe(before);
  });

  it("a complete reset clears PEST and error registers; BARs come back only when restored", () => {
    const m = build();
    injectBadDma(m, "0000:03:00.0");
    completeReset(m, 0);
    const hw = m.phbState(0).hw;
    expect(frozenPes(hw)).toEqual([]);
    expect(hw.regs.lemFir).toBe(0n);
    expect(m.configRead("0000:03:00.0", 0x10, 4)).toBe(0); // BAR0 back at power-on value
    restoreBars(m, "0000:03:00.0");
    expect(m.mmioLoad(m.barCpuAddress("0000:03:00.0", 0), 4)).toBe(ID_DWORD);
  });

  it("a bus reset keeps the PE frozen but retrains a transient link", () => {
    const m = build();
    injectLinkDown(m, "0000:02:02.0");
    resetBelow(m, "0000:02:02.0");
    expect(m.phbState(0).functions[0x0210]!.linkUp).toBe(true);
    expect(m.peFreezeState(0, m.peOf("0000:05:00.0").pe).mmio).toBe(true);
    injectLinkDown(m, "0000:02:02.0", { permanent: true });
    resetBelow(m, "0000:02:02.0");
    expect(m.phbState(0).functions[0x0210]!.linkUp).toBe(false);
  });
});

describe("genuine model differences", () => {
  it("IODA1 blocks config access to a frozen PE; IODA2 lets it through (§1.1)", () => {
    for (const [model, expected] of [["ioda1", 0xffffffff], ["ioda2", Number(ID_DWORD)]] as const) {
      const m = Machine.build({ phbs: [switchPhb(0, model, 1)] });
      const { pe } = m.peOf("0000:03:00.0");
      freezePe(m, 0, pe, { mmio: true, dma: true });
      expect(m.configRead("0000:03:00.0", 0, 4) >>> 0).toBe(expected >>> 0);
    }
  });
  it("SR-IOV VF PEs need IODA2", () => {
    const phb = switchPhb(0, "ioda1", 1);
    const pf = phb.functions.find((f) => f.kind === "endpoint")!;
    const vf = { ...pf, address: { ...pf.address, fn: 1 }, kind: "vf" as const, physfn: pf.address, vfIndex: 0, bars: [] };
    const withVf = { ...phb, functions: [...phb.functions.filter((f) => f !== pf), { ...pf, sriov: { totalVfs: 1, numVfs: 1, vfDeviceId: 0x1014, firstVfOffset: 1, vfStride: 1 } }, vf] };
    expect(() => Machine.build({ phbs: [withVf] })).toThrow(/IODA2/);
  });
});

describe("bad input: typed errors, no state change", () => {
  it.each([
    ["unknown domain", (m: Machine) => m.configRead("0009:00:00.0", 0, 4)],
    ["unaligned config", (m: Machine) => m.configRead("0000:03:00.0", 1, 4)],
    ["config beyond 4 KiB", (m: Machine) => m.configRead("0000:03:00.0", 0x1000, 4)],
    ["unaligned MMIO", (m: Machine) => m.mmioLoad(m.barCpuAddress("0000:03:00.0", 0) + 1n, 4)],
    ["MMIO outside every window", (m: Machine) => m.mmioLoad(0x10n, 4)],
    ["DMA from a missing function", (m: Machine) => m.dmaRead("0000:09:00.0", 0n, 4)],
    ["link down on an endpoint", (m: Machine) => injectLinkDown(m, "0000:03:00.0")],
    ["freeze of PE 256", (m: Machine) => freezePe(m, 0, 256, { mmio: true, dma: true })],
    ["DMA map outside the window", (m: Machine) => m.mapDma("0000:03:00.0", 0x9000_0000n, 0n, "rw")],
    ["bad address text", (m: Machine) => m.peOf("0000:03:00")],
  ])("%s", (_name, op) => {
    const m = Machine.build(demoSpec());
    injectBadDma(m, "0000:04:00.0");
    const before = m.state;
    const events = m.events.length;
    expect(() => op(m)).toThrow(EehError);
    expect(m.state).toBe(before);
    expect(m.events.length).toBe(events);
  });
});
