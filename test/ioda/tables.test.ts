// Table lookups of both PHB models against values computed by hand from
// powernv-opal.md §1.1, §1.2 and §8.
import { describe, expect, it } from "vitest";
import { update } from "../../src/core/state.js";
import { ioda2Model, type Ioda2State } from "../../src/ioda/ioda2/phb3.js";
import { ioda1Model, type Ioda1State } from "../../src/ioda/ioda1/p7ioc.js";
import { ridRangeMask, OPAL_PCI_BUS_ALL, OPAL_PCI_BUS_3BITS } from "../../src/ioda/phb-model.js";
import { m32CpuBase, m64Base, DMA_BYPASS_BASE } from "../../src/ioda/address-map.js";
import type { PhbSpec } from "../../src/pci/topology.js";

const spec = (model: "ioda1" | "ioda2", id = 0): PhbSpec => ({ id, domain: id, model, functions: [] });

function p3(recipe: (s: Ioda2State) => void = () => {}): Ioda2State {
  return update(ioda2Model.create(spec("ioda2"), 0), (d) => recipe(d as Ioda2State)).state;
}
function p7(recipe: (s: Ioda1State) => void = () => {}): Ioda1State {
  return update(ioda1Model.create(spec("ioda1"), 0), (d) => recipe(d as Ioda1State)).state;
}

describe("RID range masks (§1.2)", () => {
  it("bus compare All → 0xff00, 3Bits → 0xe000, device adds 0xf8, function 0x07", () => {
    expect(ridRangeMask({ bus: 1, busCompare: OPAL_PCI_BUS_ALL })).toBe(0xff00);
    expect(ridRangeMask({ bus: 0x20, busCompare: OPAL_PCI_BUS_3BITS })).toBe(0xe000);
    expect(ridRangeMask({ bus: 1, busCompare: OPAL_PCI_BUS_ALL, device: 0, fn: 0 })).toBe(0xffff);
    expect(ridRangeMask({ bus: 0, busCompare: 0 })).toBe(0);
  });
});

describe("IODA2 / PHB3 tables", () => {
  it("RTT is 64 K u16 entries defaulting to the reserved PE 255", () => {
    const s = p3();
    expect(s.rtt.length).toBe(0x10000);
    expect(s.rtt.byteLength).toBe(0x20000); // RTT_TABLE_SIZE
    expect(ioda2Model.peForRid(s, 0x0100)).toBe(255);
  });
  it("a bus PE fills exactly the 256 RIDs of its bus", () => {
    const s = p3((d) => ioda2Model.mapRidRange(d, 0xfd, { bus: 1, busCompare: OPAL_PCI_BUS_ALL }));
    expect(ioda2Model.peForRid(s, 0x0100)).toBe(0xfd);
    expect(ioda2Model.peForRid(s, 0x01ff)).toBe(0xfd);
    expect(ioda2Model.peForRid(s, 0x0200)).toBe(255);
    expect(ioda2Model.peForRid(s, 0x00ff)).toBe(255);
    expect([...s.rtt].filter((v) => v === 0xfd).length).toBe(256);
  });
  it("a 3-bit bus compare covers 32 buses (0x20..0x3f)", () => {
    const s = p3((d) => ioda2Model.mapRidRange(d, 7, { bus: 0x20, busCompare: OPAL_PCI_BUS_3BITS }));
    expect(ioda2Model.peForRid(s, 0x2000)).toBe(7);
    expect(ioda2Model.peForRid(s, 0x3fff)).toBe(7);
    expect(ioda2Model.peForRid(s, 0x4000)).toBe(255);
    expect([...s.rtt].filter((v) => v === 7).length).toBe(32 * 256);
  });
  it("PELT-V: byte = parent·32 + child/8, mask 0x80 >> (child % 8), MSB-first", () => {
    const s = p3((d) => {
      ioda2Model.setPeltv(d, 0xfe, 0xfd, true);
      ioda2Model.setPeltv(d, 3, 9, true);
    });
    expect(s.peltv.byteLength).toBe(0x2000);
    expect(s.peltv[0xfe * 32 + (0xfd >> 3)]).toBe(0x80 >> (0xfd % 8)); // byte 8159, 0x04
    expect(s.peltv[3 * 32 + 1]).toBe(0x40);
    expect(ioda2Model.peltvRow(s, 0xfe)).toEqual([0xfd]);
    expect(ioda2Model.peltvRow(s, 3)).toEqual([9]);
  });
  it("M32: 256 segments of 8 MiB, M32DT PE field in bits 8..15", () => {
    const s = p3((d) => ioda2Model.mapM32Segment(d, 5, 0x42));
    expect(ioda2Model.m32SegmentSize).toBe(0x800000n);
    expect(s.m32dt[5]).toBe(0x0042000000000000n);
    expect(ioda2Model.m32SegmentPe(s, 5)).toBe(0x42);
    expect(ioda2Model.m32SegmentPe(s, 6)).toBe(255);
  });
  it("M64 shared BAR: segment i is hard-wired to PE i", () => {
    const s = p3((d) => ioda2Model.enableM64Window(d));
    const base = m64Base(0);
    const seg = 0x1000_0000n; // 64 GiB / 256
    expect(ioda2Model.m64Pe(s, base)).toBe(0);
    expect(ioda2Model.m64Pe(s, base + 0xfdn * seg + 0x1234n)).toBe(0xfd);
    expect(ioda2Model.m64Pe(s, base + 256n * seg)).toBeUndefined();
    const e = s.m64bt[15]!;
    expect(e >> 63n).toBe(1n); // enable, bit 0
    expect((e >> 62n) & 1n).toBe(0n); // shared, not single-PE
  });
  it("M64 single-PE BAR: PE# = PE_HI (27..31) << 5 | PE_LOW (59..63)", () => {
    const base = m64Base(0);
    // 32 MiB BAR at base, PE 0x65: hi = 3, low = 5
    const entry = (1n << 63n) | (1n << 62n) | ((base >> 25n) << 37n) | (3n << 32n) | (((1n << 25n) - 1n) << 5n) | 5n;
    const s = p3((d) => {
      d.m64bt[0] = entry;
    });
    expect(ioda2Model.m64Pe(s, base + 0x100n)).toBe(0x65);
    expect(ioda2Model.m64Pe(s, base + 0x2000000n)).toBeUndefined();
  });
  it("TVE index = PE << 1 | PCI address bit 59", () => {
    const s = p3((d) => {
      ioda2Model.mapRidRange(d, 0xfd, { bus: 1, busCompare: OPAL_PCI_BUS_ALL });
      ioda2Model.setDma32Window(d, 0xfd, 0x1000_0000_0000n, []);
      ioda2Model.setBypassWindow(d, 0xfd);
    });
    const r32 = ioda2Model.resolveDma(s, 0x0100, 0x1000n);
    const r64 = ioda2Model.resolveDma(s, 0x0100, DMA_BYPASS_BASE | 0x2000n);
    expect(r32.ok && r32.tve).toBe(0x1fa);
    expect(r64.ok && r64.tve).toBe(0x1fb);
    expect(r64.ok && r64.window).toEqual({ kind: "bypass", physAddr: 0x2000n });
    expect(r32.ok && r32.window.kind === "tce" && r32.window.pageShift).toBe(12);
    // TVE#0: table addr >> 12 in bits 0..47, table size log2(4 MiB) - 11 = 11, page size 1 (4K)
    expect(s.tvt[0x1fa]).toBe((0x1000_0000_0000n >> 12n) << 16n | (11n << 8n) | 1n);
  });
  it("an unconfigured TVE is an IODA error charged to the RID's PE", () => {
    const s = p3((d) => ioda2Model.mapRidRange(d, 0x10, { bus: 4, busCompare: OPAL_PCI_BUS_ALL }));
    const r = ioda2Model.resolveDma(s, 0x0400, 0n);
    expect(r.ok).toBe(false);
    expect(r.pe).toBe(0x10);
  });
  it("fence indicator is PBCQ NFIR bit 16", () => {
    const s = p3((d) => ioda2Model.setFence(d));
    expect(s.nfir).toBe(0x0000800000000000n);
    expect(ioda2Model.isFenced(s)).toBe(true);
  });
});

describe("IODA1 / P7IOC tables", () => {
  it("PELT-M resets to 0x0001f80000000000 for PEs 0..126 and 0 (match-all) for 127", () => {
    const s = p7();
    expect(s.peltm[0]).toBe(0x0001f80000000000n);
    expect(s.peltm[126]).toBe(0x0001f80000000000n);
    expect(s.peltm[127]).toBe(0n);
    // The default entry decodes to RID 00:00.1 with all compares on: PE 0 claims only that RID.
    expect(ioda1Model.peForRid(s, 0x0001)).toBe(0);
    expect(ioda1Model.peForRid(s, 0x0100)).toBe(127);
  });
  it("PELT-M CAM: bus compare, then device/function valid bits", () => {
    const s = p7((d) => {
      ioda1Model.mapRidRange(d, 125, { bus: 1, busCompare: OPAL_PCI_BUS_ALL });
      ioda1Model.mapRidRange(d, 100, { bus: 2, busCompare: OPAL_PCI_BUS_ALL, device: 3, fn: 1 });
      ioda1Model.mapRidRange(d, 90, { bus: 0x20, busCompare: OPAL_PCI_BUS_3BITS });
    });
    // bus 1, dev/func ignored; fields: bus bits 0..7, compare 7 in bits 16..18
    expect(s.peltm[125]).toBe(0x0100000000000000n | (7n << 45n));
    expect(ioda1Model.peForRid(s, 0x01f8)).toBe(125);
    expect(ioda1Model.peForRid(s, (2 << 8) | (3 << 3) | 1)).toBe(100);
    expect(ioda1Model.peForRid(s, (2 << 8) | (3 << 3) | 2)).toBe(127);
    expect(ioda1Model.peForRid(s, 0x3f00)).toBe(90);
    expect(ioda1Model.peForRid(s, 0x4000)).toBe(127);
  });
  it("PELT-V: DATA0 covers children 0..63, DATA1 64..127, bit 1 << (63 - (child & 63))", () => {
    const s = p7((d) => {
      ioda1Model.setPeltv(d, 126, 125, true);
      ioda1Model.setPeltv(d, 126, 3, true);
    });
    expect(s.peltv[2 * 126]).toBe(1n << 60n);
    expect(s.peltv[2 * 126 + 1]).toBe(1n << BigInt(63 - (125 & 63)));
    expect(ioda1Model.peltvRow(s, 126)).toEqual([3, 125]);
  });
  it("M32: 128 segments of 16 MiB, PE in bits 0..6", () => {
    const s = p7((d) => ioda1Model.mapM32Segment(d, 9, 100));
    expect(ioda1Model.m32SegmentSize).toBe(0x1000000n);
    expect(s.m32dt[9]).toBe(100n << 57n);
    expect(ioda1Model.m32SegmentPe(s, 9)).toBe(100);
    expect(ioda1Model.m32SegmentPe(s, 10)).toBe(127);
  });
  it("M64: 16 BARs × 8 segments through the M64DT, segment n → PE n", () => {
    const s = p7((d) => ioda1Model.enableM64Window(d));
    const base = m64Base(0);
    expect(ioda1Model.m64Pe(s, base + 0x1000_0000n * 13n + 5n)).toBe(13);
    expect(ioda1Model.m64Pe(s, base + 0x1000_0000n * 127n)).toBe(127);
    // Re-point one M64DT entry: P7IOC can map any segment to any PE.
    const s2 = update(s, (d) => {
      d.m64dt[13] = 42n << 57n;
    }).state;
    expect(ioda1Model.m64Pe(s2, base + 0x1000_0000n * 13n)).toBe(42);
  });
  it("TVT: the DMA32 segment selects the TVE, whose RID filter and PE# decide", () => {
    const s = p7((d) => {
      ioda1Model.mapRidRange(d, 125, { bus: 1, busCompare: OPAL_PCI_BUS_ALL });
      ioda1Model.mapRidRange(d, 124, { bus: 2, busCompare: OPAL_PCI_BUS_ALL });
      ioda1Model.setDma32Window(d, 125, 0x1000_0000_0000n, [{ bus: 1, busCompare: OPAL_PCI_BUS_ALL }]);
      ioda1Model.setDma32Window(d, 124, 0x1000_0040_0000n, [{ bus: 2, busCompare: OPAL_PCI_BUS_ALL }]);
    });
    // PE 125 got TVE 0 (PCI 0..256 MiB), PE 124 TVE 1 (256 MiB..512 MiB)
    const ok = ioda1Model.resolveDma(s, 0x0100, 0x1000n);
    expect(ok.ok && [ok.tve, ok.pe]).toEqual([0, 125]);
    const other = ioda1Model.resolveDma(s, 0x0200, 0x1000_0000n + 0x2000n);
    expect(other.ok && [other.tve, other.pe]).toEqual([1, 124]);
    // Bus 1's device using bus 2's segment fails the RID filter of TVE#1
    const miss = ioda1Model.resolveDma(s, 0x0100, 0x1000_0000n);
    expect(miss.ok).toBe(false);
    expect(ioda1Model.dma32WindowBase(s, 124)).toBe(0x1000_0000n);
  });
  it("fence shows in the chip fence shadow: 0x0003000000000000 >> (4·index)", () => {
    const s = update(ioda1Model.create(spec("ioda1", 2), 2), (d) => ioda1Model.setFence(d)).state;
    expect(s.fenceShadow).toBe(0x0003000000000000n >> 8n);
    expect(ioda1Model.isFenced(s)).toBe(true);
  });
  it("has no 64-bit bypass", () => {
    const s = p7();
    expect(update(s, (d) => ioda1Model.setBypassWindow(d, 1)).result).toBe(false);
  });
});

describe("CPU address map", () => {
  it("each PHB has its own M32 window", () => {
    expect(m32CpuBase(1) - m32CpuBase(0)).toBe(1n << 40n);
  });
});
