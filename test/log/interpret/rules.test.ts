// One case (or more) per finding type, each built from the spec's register semantics
// (powernv-opal.md §3.5, §4.8, §6; aer-xen.md §1, §3.1) and passed through the blob codec.

import { describe, expect, it } from "vitest";
import { ppcBit } from "../../../src/core/bits.js";
import {
  FINDING_FLAGS as F,
  interpretPhbDiag,
  type Evidence,
  type Finding,
} from "../../../src/log/interpret/index.js";
import { section48Example } from "../opal/example.js";
import { HEALTHY_ROOT, STOPPED, bits, only, p7ioc, pestA, phb3, phb4, typesOf } from "./build.js";
import { decodePhbDiag, encodePhbDiag, phbDiagLayout, zeroPhbDiag } from "../../../src/log/opal/index.js";

const ev = (f: Finding, register: Evidence["register"], index?: number): Evidence | undefined =>
  f.evidence.find((e) => e.register === register && (index === undefined || e.index === index) && !e.clear);

describe("§4.8 composed example (PHB3, MMIO load → UR on PE#fd)", () => {
  const i = interpretPhbDiag(section48Example());

  it("is an MMIO error with UR on an MMIO load by RID 01:00.0, and PE#fd frozen", () => {
    expect(typesOf(i)).toEqual(["MMIO_ERROR", "PE_FROZEN"]);
    const m = only(i, "MMIO_ERROR");
    expect(m).toMatchObject({ pe: 0xfd, rid: 0x0100, flags: F.MMIO | F.READ });
    expect(m.address).toBeUndefined(); // PESTB holds no address for this MMIO load
    expect(m.summary).toBe("MMIO error: UR on MMIO load, RID 01:00.0, PE#fd");
    expect(ev(m, "pestA", 0xfd)!.mask & bits(2, 9)).toBe(bits(2, 9));
    // The root port's view of the same UR (§4.8 decoding: DevSta URD, SecSta master abort)
    expect(ev(m, "deviceStatus")!.mask).toBe(0x00080000n);
    expect(ev(m, "devSecStatus")!.mask).toBe(0x2000n);
    // OutErr bit 22 is attributed to the MMIO error, not left unexplained
    expect(ev(m, "mmioErrorStatus")!.mask).toBe(ppcBit(22));
  });

  it("freezes PE#fd for MMIO and DMA, with the ER-class LEM bit its PESTA names (41)", () => {
    const p = only(i, "PE_FROZEN");
    expect(p).toMatchObject({ pe: 0xfd, flags: F.MMIO | F.DMA, summary: "PE#fd frozen: MMIO and DMA" });
    expect(ev(p, "lemFir")!.mask).toBe(ppcBit(41));
    expect(ev(p, "pestB", 0xfd)!.mask).toBe(STOPPED);
  });

  it("has PE-error severity and the MMIO error as headline", () => {
    expect(i.severity).toBe("pe-error");
    expect(i.headline).toBe("MMIO error: UR on MMIO load, RID 01:00.0, PE#fd (+1 more finding)");
    expect(i.limits).toEqual([]);
  });
});

describe("DMA_IOMMU_FAULT", () => {
  it("TCE page fault (bit 18): faulting address from PESTB bits 3..63, RID from PESTA 32..47", () => {
    const i = interpretPhbDiag(phb3({}, { 0xfa: [pestA([0, 18], { ttype: 0, rid: 0x0400 }), STOPPED | 0x7ffff000n] }));
    const f = only(i, "DMA_IOMMU_FAULT");
    expect(f).toMatchObject({ pe: 0xfa, rid: 0x0400, address: 0x7ffff000n, flags: F.DMA | F.WRITE });
    expect(f.summary).toBe("DMA IOMMU fault: TCE page fault at 0x7ffff000 by 04:00.0 on PE#fa (DMA write)");
    expect(ev(f, "pestB", 0xfa)!.mask).toBe(0x7ffff000n);
  });

  it("TCE access fault (bit 19) on a DMA read says which fault", () => {
    const i = interpretPhbDiag(phb3({}, { 3: [pestA([0, 19], { ttype: 2, rid: 0x0208 }), STOPPED | 0x1000n] }));
    const f = only(i, "DMA_IOMMU_FAULT");
    expect(f.summary).toBe("DMA IOMMU fault: TCE access fault at 0x1000 by 02:01.0 on PE#3 (DMA read)");
    expect(f.flags).toBe(F.DMA | F.READ);
  });

  it("claims address 0 (a valid DMA address) and no RID when PESTA's RID is zero", () => {
    const f = only(interpretPhbDiag(phb3({}, { 1: [pestA([0, 18], { ttype: 0 }), STOPPED] })), "DMA_IOMMU_FAULT");
    expect(f.address).toBe(0n);
    expect(f.rid).toBeUndefined();
  });
});

describe("DMA_ERROR", () => {
  it.each([
    [20, 3, "DMA response timeout on DMA read response"],
    [21, 0, "AIB size invalid on DMA write"],
    [16, 2, "IODA error on DMA read"],
  ])("PESTA bit %i with ttype %i", (b, ttype, text) => {
    const f = only(interpretPhbDiag(phb3({}, { 7: [pestA([0, b], { ttype, rid: 0x0100 }), STOPPED | 0x2000n] })), "DMA_ERROR");
    expect(f.summary).toBe(`DMA error: ${text} at 0x2000 by 01:00.0 on PE#7`);
    expect(f.address).toBe(0x2000n);
  });

  it("P7IOC TVT extension error (bit 17, IODA1 only) is a DMA error; on PHB3 the bit is unknown", () => {
    const entry = { 2: [pestA([0, 17], { ttype: 2 }), STOPPED] as const };
    expect(only(interpretPhbDiag(p7ioc({}, entry)), "DMA_ERROR").summary).toContain("TVT extension error");
    const i3 = interpretPhbDiag(phb3({}, entry));
    expect(typesOf(i3)).toEqual(["PE_FROZEN", "UNKNOWN"]);
    expect(only(i3, "UNKNOWN")).toMatchObject({ pe: 2, evidence: [{ register: "pestA", index: 2, mask: ppcBit(17) }] });
  });
});

describe("MMIO_ERROR and CONFIG_ERROR", () => {
  it("CA/timeout (bit 8) on an MMIO store; no address when PESTB holds none", () => {
    const f = only(interpretPhbDiag(phb3({}, { 5: [pestA([0, 2, 8], { ttype: 5, rid: 0x0300 }), STOPPED] })), "MMIO_ERROR");
    expect(f).toMatchObject({ flags: F.MMIO | F.WRITE, rid: 0x0300 });
    expect(f.summary).toBe("MMIO error: CA/timeout on MMIO store, RID 03:00.0, PE#5");
    expect(f.address).toBeUndefined();
  });

  it("claims PESTB's failing address when it holds one", () => {
    const f = only(interpretPhbDiag(phb3({}, { 5: [pestA([0, 2, 9], { ttype: 4 }), STOPPED | 0x3fe00000000n] })), "MMIO_ERROR");
    expect(f.address).toBe(0x3fe00000000n);
  });

  it("config read with UR (bits 3, 9) is a CONFIG_ERROR", () => {
    const f = only(interpretPhbDiag(phb3({}, { 0xfd: [pestA([0, 2, 3, 9], { rid: 0x0100 }), STOPPED] })), "CONFIG_ERROR");
    expect(f).toMatchObject({ flags: F.CONFIG | F.READ, rid: 0x0100, pe: 0xfd });
    expect(f.summary).toBe("Config error: UR on config read, RID 01:00.0, PE#fd");
  });

  it("P7IOC: MMIO cause (bit 2) decides MMIO, as p7ioc firmware reports PE_MMIO_ERROR (§2.3)", () => {
    const d = p7ioc({ lemFir: ppcBit(41), lemWOF: ppcBit(41) }, { 0x7d: [pestA([0, 2, 9], { ttype: 4, lem: 41, rid: 0x0100 }), STOPPED] });
    const i = interpretPhbDiag(d);
    expect(typesOf(i)).toEqual(["MMIO_ERROR", "PE_FROZEN"]);
    expect(ev(only(i, "PE_FROZEN"), "lemFir")!.mask).toBe(ppcBit(41)); // ER-class in P7IOC_LEM_ER too
  });

  it("PHB4: ttype 4 with UR (the bits IODA3 keeps) is an MMIO error; the rest of PESTA is unknown", () => {
    const i = interpretPhbDiag(phb4({}, { 0x1fd: [pestA([0, 9], { ttype: 4, rid: 0x0100 }), STOPPED] }));
    expect(typesOf(i)).toEqual(["MMIO_ERROR", "PE_FROZEN", "UNKNOWN"]);
    const m = only(i, "MMIO_ERROR");
    expect(m.rid).toBeUndefined(); // the spec does not say PHB4 keeps the RID field
    expect(m.summary).toMatch(/^MMIO error: UR on MMIO load, PE#1fd \(P9 .*escalates this freeze to a fence\)$/);
    expect(only(i, "UNKNOWN").evidence).toEqual([{ register: "pestA", index: 0x1fd, mask: 0x0000000001000000n }]);
  });

  it("PHB4: a PAPR TXE injection bit with no PE error is an injected MMIO error", () => {
    const f = only(interpretPhbDiag(phb4({ phbTxeErrorStatus: ppcBit(28) })), "MMIO_ERROR");
    expect(f.flags).toBe(F.MMIO | F.INJECTED);
    expect(f.summary).toBe("MMIO error: PAPR TXE Injection Error Triggered (PhbTxeErr), PE not recorded");
  });
});

describe("PE_FROZEN", () => {
  it("one finding per frozen PE, MMIO and DMA from PESTA/PESTB bit 0; a software freeze has no cause", () => {
    const i = interpretPhbDiag(phb3({}, { 1: [STOPPED, 0n], 2: [0n, STOPPED], 3: [STOPPED, STOPPED] }));
    expect(i.findings.map((f) => [f.type, f.pe, f.flags])).toEqual([
      ["PE_FROZEN", 1, F.MMIO],
      ["PE_FROZEN", 2, F.DMA],
      ["PE_FROZEN", 3, F.MMIO | F.DMA],
    ]);
  });
});

describe("LINK_LOSS and LINK_DOWN", () => {
  const down = 0x10010008; // LnkSta 0x1001: 2.5 GT/s x0, slot clock, DLLLA clear

  it("Surprise Down with the link still down; the root port's own ERR_FATAL joins it", () => {
    const i = interpretPhbDiag(phb3({ ...HEALTHY_ROOT, linkStatus: down, uncorrErrorStatus: 0x20, rootErrorStatus: 0x54 }));
    expect(typesOf(i)).toEqual(["LINK_LOSS"]);
    const f = only(i, "LINK_LOSS");
    expect(f.flags).toBe(F.FATAL);
    expect(f.summary).toBe("Link loss: root port recorded Surprise Down (SDES); link still down (LnkSta DLLLA clear)");
    expect(f.evidence).toContainEqual({ register: "linkStatus", mask: 0x20000000n, clear: true });
    expect(ev(f, "rootErrorStatus")!.mask).toBe(0x54n);
  });

  it("Surprise Down after which the link came back", () => {
    const f = only(interpretPhbDiag(phb3({ ...HEALTHY_ROOT, uncorrErrorStatus: 0x20 })), "LINK_LOSS");
    expect(f.summary).toContain("link up again");
  });

  it("a downstream device's fatal error beside the Surprise Down is its own PCIE_UE", () => {
    const i = interpretPhbDiag(phb3({ ...HEALTHY_ROOT, linkStatus: down, uncorrErrorStatus: 0x20, rootErrorStatus: 0x44, sourceId: 0x02000000 }));
    expect(typesOf(i)).toEqual(["LINK_LOSS", "PCIE_UE"]);
    expect(only(i, "PCIE_UE")).toMatchObject({ rid: 0x0200, flags: F.FATAL });
  });

  it("link not active with no Surprise Down (masked during a reset) is LINK_DOWN, with the reason", () => {
    const i = interpretPhbDiag(phb3({ ...HEALTHY_ROOT, linkStatus: down, brdgCtl: 0x42 }));
    const f = only(i, "LINK_DOWN");
    expect(f.summary).toBe("Link down: root port Data Link Layer not active (LnkSta 0x1001); secondary bus reset asserted");
    expect(f.evidence).toEqual([
      { register: "linkStatus", mask: 0x20000000n, clear: true },
      { register: "brdgCtl", mask: 0x40n },
    ]);
  });

  it("says nothing about the link when the root-port words were never captured (all zero)", () => {
    const i = interpretPhbDiag(phb3());
    expect(i.findings).toEqual([]);
    expect(i).toMatchObject({ severity: "none", headline: "No error recorded in the diag data" });
  });
});

describe("PCIE_UE and PCIE_CE", () => {
  it("fatal UE: named UE status bits, ERR_FATAL source from ERR_SRC[31:16]", () => {
    const f = only(interpretPhbDiag(phb3({ ...HEALTHY_ROOT, uncorrErrorStatus: 0x00044000, rootErrorStatus: 0x54, sourceId: 0x01000000 })), "PCIE_UE");
    expect(f).toMatchObject({ rid: 0x0100, flags: F.FATAL });
    expect(f.summary).toBe("PCIe UE (fatal): root port UE status CmpltTO, MalfTLP; ERR_FATAL received from 01:00.0");
  });

  it("aer-xen §3.1 eeh-phb4-04: RootErrSts 00000024 + sourceId 01000000 → non-fatal UE from 01:00.0", () => {
    const f = only(interpretPhbDiag(phb4({ ...HEALTHY_ROOT, linkStatus: 0xa0830008, rootErrorStatus: 0x24, sourceId: 0x01000000 })), "PCIE_UE");
    expect(f).toMatchObject({ rid: 0x0100, flags: F.NONFATAL });
    expect(f.summary).toBe("PCIe UE (non-fatal): ERR_NONFATAL received from 01:00.0");
  });

  it("a UE status bit with no severity information says so", () => {
    expect(only(interpretPhbDiag(phb3({ ...HEALTHY_ROOT, uncorrErrorStatus: 0x00100000 })), "PCIE_UE").summary).toBe(
      "PCIe UE (severity not recorded): root port UE status UnsupReq",
    );
  });

  it("aer-xen §3.1 eeh-phb4-01: CE status 00000001 → RxErr", () => {
    const i = interpretPhbDiag(phb4({ ...HEALTHY_ROOT, linkStatus: 0xa0830008, corrErrorStatus: 1 }));
    expect(typesOf(i)).toEqual(["PCIE_CE"]);
    expect(only(i, "PCIE_CE").summary).toBe("PCIe CE: root port CE status RxErr");
  });

  it("COR_RCV takes its source from ERR_SRC[15:0]; MULTI_COR_RCV sets MULTIPLE", () => {
    const f = only(interpretPhbDiag(phb3({ ...HEALTHY_ROOT, corrErrorStatus: 0x00000041, rootErrorStatus: 0x3, sourceId: 0x00000500 })), "PCIE_CE");
    expect(f).toMatchObject({ rid: 0x0500, flags: F.MULTIPLE });
    expect(f.summary).toBe("PCIe CE: root port CE status RxErr, BadTLP; multiple ERR_COR received from 05:00.0");
  });

  it("AER bits the tables do not define are UNKNOWN", () => {
    const i = interpretPhbDiag(phb3({ ...HEALTHY_ROOT, uncorrErrorStatus: 0x2 }));
    expect(typesOf(i)).toEqual(["UNKNOWN"]);
    expect(i.findings[0]!.evidence).toEqual([{ register: "uncorrErrorStatus", mask: 2n }]);
  });
});

describe("PHB_FENCE", () => {
  it("PHB3 NFIR bit 16 (AIB fenced)", () => {
    const i = interpretPhbDiag(phb3({ nFir: ppcBit(16), nFirWOF: ppcBit(16) }));
    expect(i.severity).toBe("phb-fenced");
    expect(only(i, "PHB_FENCE").summary).toBe("PHB fenced: NFIR FENCED-class bit 16 (bit 16 = AIB fenced)");
  });

  it("PHB3 LEM FENCED-class bit; an unmasked bit wins over a masked one (skiboot's rule)", () => {
    const i = interpretPhbDiag(phb3({ lemFir: bits(0, 1), lemErrorMask: bits(1) }));
    expect(typesOf(i)).toEqual(["PHB_FENCE"]); // INF bit 1 is masked and ignored
    expect(only(i, "PHB_FENCE").summary).toBe("PHB fenced: LEM FENCED-class bit 0");
  });

  it("P7IOC LEM class PHB is reported as a fence (§6.2)", () => {
    expect(only(interpretPhbDiag(p7ioc({ lemFir: ppcBit(0) })), "PHB_FENCE").summary).toBe("PHB fenced: LEM PHB-class bit 0");
  });

  it("PHB4 NFIR bit 16 PFIR_freeze; other PHB4 FIR bits stay unknown", () => {
    const i = interpretPhbDiag(phb4({ nFir: bits(16, 20), lemFir: ppcBit(5) }));
    expect(only(i, "PHB_FENCE").summary).toBe("PHB fenced: NFIR bit 16 (PFIR_freeze)");
    expect(i.findings.filter((f) => f.type === "UNKNOWN").map((f) => f.evidence[0]!.register)).toEqual(["nFir", "lemFir"]);
  });

  it("PHB3: ER escalated to fence on LEM bit 60 with root-port MalfTLP (§2.3)", () => {
    const i = interpretPhbDiag(phb3({ ...HEALTHY_ROOT, lemFir: ppcBit(60), uncorrErrorStatus: 0x00040000 }));
    expect(typesOf(i)).toEqual(["PHB_FENCE", "PCIE_UE"]);
    expect(only(i, "PHB_FENCE").summary).toBe("PHB fenced: ER escalated by skiboot (LEM bit 60 with root-port MalfTLP)");
  });

  it("PHB3: error-status bits skiboot enables to fence (§6.3) go to the fence", () => {
    const i = interpretPhbDiag(phb3({ nFir: ppcBit(16), mmioErrorStatus: ppcBit(0) }));
    expect(typesOf(i)).toEqual(["PHB_FENCE"]);
    expect(ev(only(i, "PHB_FENCE"), "mmioErrorStatus")!.mask).toBe(ppcBit(0));
  });
});

describe("PHB_DEAD", () => {
  it.each([1, 2, 3] as const)("an all-ones register image (ioType %i) is a dead PHB", (ioType) => {
    const layout = phbDiagLayout(ioType);
    const bytes = new Uint8Array(layout.size).fill(0xff);
    const header = encodePhbDiag(zeroPhbDiag(ioType)).subarray(0, 12);
    bytes.set(header, 0);
    const i = interpretPhbDiag(decodePhbDiag(bytes));
    expect(i.severity).toBe("phb-dead");
    expect(i.findings[0]!.type).toBe("PHB_DEAD");
    expect(i.findings[0]!.summary).toMatch(/LEM FIR reads all-ones/);
    expect(i.findings[0]!.summary).toMatch(/root-port config reads all-ones/);
    // every PE reads frozen, and is listed as such
    expect(i.findings.filter((f) => f.type === "PE_FROZEN")).toHaveLength(layout.pestCount);
    // nothing is read into the all-ones AER words
    expect(typesOf(i)).not.toContain("PCIE_UE");
  });

  it("NFIR DEAD-class bits (PHB3)", () => {
    const i = interpretPhbDiag(phb3({ nFir: bits(7, 24) }));
    expect(only(i, "PHB_DEAD").summary).toBe("PHB dead: NFIR DEAD-class bits 7, 24");
  });

  it("NFIR reading all-ones alone (XSCOM failed)", () => {
    const i = interpretPhbDiag(phb3({ nFir: (1n << 64n) - 1n }));
    expect(typesOf(i)).toEqual(["PHB_DEAD"]);
    expect(i.findings[0]!.summary).toBe("PHB dead: NFIR reads all-ones (XSCOM read failed)");
  });
});

describe("INFORMATIONAL and UNKNOWN", () => {
  it("LEM INF-class bits only, nothing frozen", () => {
    const i = interpretPhbDiag(phb3({ lemFir: bits(1, 6), lemWOF: bits(1) }));
    expect(typesOf(i)).toEqual(["INFORMATIONAL"]);
    expect(i.severity).toBe("informational");
    expect(i.findings[0]!.summary).toBe("Informational PHB error: LEM INF-class bits 1, 6");
  });

  it("LEM bits in no class (3, 9, 23, 29, 46) are UNKNOWN with the raw bits", () => {
    const i = interpretPhbDiag(phb3({ lemFir: bits(3, 46) }));
    expect(i.findings).toEqual([
      expect.objectContaining({ type: "UNKNOWN", evidence: [{ register: "lemFir", mask: bits(3, 46) }] }),
    ]);
  });

  it("error-status bits with no PEST cause are UNKNOWN naming the group", () => {
    const f = only(interpretPhbDiag(phb3({ mmioErrorStatus: ppcBit(22) })), "UNKNOWN");
    expect(f.summary).toBe("Unexplained OutErr error bits with no MMIO/config finding: mmioErrorStatus bit 22");
  });

  it("PEST bits of a PE that is not frozen, and undefined PESTA bits, are UNKNOWN for that PE", () => {
    const i = interpretPhbDiag(phb3({}, { 4: [pestA([18], { ttype: 0 }), 0n], 5: [pestA([0, 1]), STOPPED] }));
    expect(i.findings.map((f) => [f.type, f.pe])).toEqual([
      ["PE_FROZEN", 5],
      ["UNKNOWN", 4],
      ["UNKNOWN", 5],
    ]);
  });
});

describe("ordering", () => {
  it("dead > fence > PE errors > PCIe > unknown > informational", () => {
    const d = phb3(
      { ...HEALTHY_ROOT, nFir: bits(7, 16), corrErrorStatus: 1, lemFir: bits(1, 3) },
      { 9: [pestA([0, 2, 9], { ttype: 4 }), STOPPED] },
    );
    expect(typesOf(interpretPhbDiag(d))).toEqual(["PHB_DEAD", "PHB_FENCE", "MMIO_ERROR", "PE_FROZEN", "PCIE_CE", "UNKNOWN", "INFORMATIONAL"]);
  });
});
