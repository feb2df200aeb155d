import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ArgumentError } from "../../src/core/errors.js";
import type { FunctionKind, PciFunctionSpec } from "../../src/pci/topology.js";
import { PCI_AER_CAP_BASE, PCI_EXP_CAP_BASE, configRead, configWrite, createConfigSpace } from "../../src/pci/config-space.js";
import { aerCapOffset, aerRecordCorrectable, aerRecordUncorrectable, aerRootRecord, readAer } from "../../src/pci/aer-capability.js";
import * as R from "../../src/pci/regs.js";

const A = PCI_AER_CAP_BASE;
const DEVSTA = PCI_EXP_CAP_BASE + R.PCI_EXP_DEVSTA;

function cs(kind: FunctionKind = "endpoint", aer = true) {
  const bridge = kind !== "endpoint" && kind !== "vf";
  const spec: PciFunctionSpec = {
    address: { domain: 0, bus: kind === "root-port" ? 0 : 1, device: 0, fn: 0 },
    kind,
    vendorId: 0x1014,
    deviceId: 0x3dc,
    classCode: 0x060400,
    bars: [],
    aer,
    ...(bridge ? { secondaryBus: 2, subordinateBus: 2 } : {}),
  };
  return createConfigSpace(spec);
}

const UE_BITS = [
  R.PCI_ERR_UNC_UND,
  R.PCI_ERR_UNC_DLP,
  R.PCI_ERR_UNC_SURPDN,
  R.PCI_ERR_UNC_POISON_TLP,
  R.PCI_ERR_UNC_FCP,
  R.PCI_ERR_UNC_COMP_TIME,
  R.PCI_ERR_UNC_COMP_ABORT,
  R.PCI_ERR_UNC_UNX_COMP,
  R.PCI_ERR_UNC_RX_OVER,
  R.PCI_ERR_UNC_MALF_TLP,
  R.PCI_ERR_UNC_ECRC,
  R.PCI_ERR_UNC_UNSUP,
  R.PCI_ERR_UNC_ACSV,
  R.PCI_ERR_UNC_INTN,
  R.PCI_ERR_UNC_MCBTLP,
  R.PCI_ERR_UNC_ATOMEG,
  R.PCI_ERR_UNC_TLPPRE,
  R.PCI_ERR_UNC_POISON_BLK,
];

describe("aerRecordUncorrectable", () => {
  it("a fatal error (DLP) sets status, FEP and Fatal Error Detected", () => {
    const { cs: after, severity } = aerRecordUncorrectable(cs(), R.PCI_ERR_UNC_DLP);
    expect(severity).toBe("fatal");
    expect(configRead(after, A + R.PCI_ERR_UNCOR_STATUS, 4)).toBe(0x10);
    expect(R.PCI_ERR_CAP_FEP(configRead(after, A + R.PCI_ERR_CAP, 4))).toBe(4);
    expect(configRead(after, DEVSTA, 2)).toBe(R.PCI_EXP_DEVSTA_FED);
  });

  it("a non-fatal error (Completion Timeout) sets Non-Fatal Error Detected", () => {
    const { cs: after, severity } = aerRecordUncorrectable(cs(), R.PCI_ERR_UNC_COMP_TIME);
    expect(severity).toBe("nonfatal");
    expect(configRead(after, DEVSTA, 2)).toBe(R.PCI_EXP_DEVSTA_NFED);
    expect(R.PCI_ERR_CAP_FEP(configRead(after, A + R.PCI_ERR_CAP, 4))).toBe(14);
  });

  it("an Unsupported Request also sets Unsupported Request Detected", () => {
    const { cs: after } = aerRecordUncorrectable(cs(), R.PCI_ERR_UNC_UNSUP);
    expect(configRead(after, DEVSTA, 2)).toBe(R.PCI_EXP_DEVSTA_NFED | R.PCI_EXP_DEVSTA_URD);
  });

  it("a masked error (INTN, masked by default) sets status and Device Status but no FEP or message", () => {
    const { cs: after, severity } = aerRecordUncorrectable(cs(), R.PCI_ERR_UNC_INTN, [1, 2, 3, 4]);
    expect(severity).toBe("masked");
    expect(configRead(after, A + R.PCI_ERR_UNCOR_STATUS, 4)).toBe(R.PCI_ERR_UNC_INTN);
    expect(R.PCI_ERR_CAP_FEP(configRead(after, A + R.PCI_ERR_CAP, 4))).toBe(0);
    expect(configRead(after, DEVSTA, 2)).toBe(R.PCI_EXP_DEVSTA_FED); // severity bit 22 is fatal
  });

  it("logs the TLP header only for header-logging errors, and only while the log is free", () => {
    const hdr = [0x4a000001, 0x01000004, 0x00000000, 0xdeadbeef];
    const first = aerRecordUncorrectable(cs(), R.PCI_ERR_UNC_MALF_TLP, hdr).cs;
    expect(readAer(first)!.headerLog).toEqual(hdr);
    expect(readAer(first)!.firstErrorPointer).toBe(18);
    // A second error while MALF_TLP (pointed to by FEP) is pending: status only.
    const second = aerRecordUncorrectable(first, R.PCI_ERR_UNC_POISON_TLP, [9, 9, 9, 9]).cs;
    expect(readAer(second)!.uncorStatus).toBe(R.PCI_ERR_UNC_MALF_TLP | R.PCI_ERR_UNC_POISON_TLP);
    expect(readAer(second)!.firstErrorPointer).toBe(18);
    expect(readAer(second)!.headerLog).toEqual(hdr);
    // Software clears the first error: the log is free again.
    const cleared = configWrite(second, A + R.PCI_ERR_UNCOR_STATUS, 4, R.PCI_ERR_UNC_MALF_TLP);
    const third = aerRecordUncorrectable(cleared, R.PCI_ERR_UNC_ECRC, [5, 6, 7, 8]).cs;
    expect(readAer(third)!.firstErrorPointer).toBe(19);
    expect(readAer(third)!.headerLog).toEqual([5, 6, 7, 8]);
    // A non-header-logging error records FEP with an empty header log.
    const fourth = aerRecordUncorrectable(cs(), R.PCI_ERR_UNC_SURPDN, [5, 6, 7, 8]).cs;
    expect(readAer(fourth)!.headerLog).toEqual([0, 0, 0, 0]);
  });

  it("follows the severity and mask registers, not the defaults", () => {
    let c = configWrite(cs(), A + R.PCI_ERR_UNCOR_SEVER, 4, R.PCI_ERR_UNC_COMP_TIME);
    c = configWrite(c, A + R.PCI_ERR_UNCOR_MASK, 4, R.PCI_ERR_UNC_DLP);
    expect(aerRecordUncorrectable(c, R.PCI_ERR_UNC_COMP_TIME).severity).toBe("fatal");
    expect(aerRecordUncorrectable(c, R.PCI_ERR_UNC_DLP).severity).toBe("masked");
    expect(aerRecordUncorrectable(c, R.PCI_ERR_UNC_INTN).severity).toBe("nonfatal");
  });

  it("without AER reports the default severity through Device Status only", () => {
    const plain = cs("endpoint", false);
    const fatal = aerRecordUncorrectable(plain, R.PCI_ERR_UNC_SURPDN);
    expect(fatal.severity).toBe("fatal");
    expect(configRead(fatal.cs, DEVSTA, 2)).toBe(R.PCI_EXP_DEVSTA_FED);
    expect(aerRecordUncorrectable(plain, R.PCI_ERR_UNC_INTN).severity).toBe("fatal"); // cannot mask
    expect(aerRecordUncorrectable(plain, R.PCI_ERR_UNC_POISON_TLP).severity).toBe("nonfatal");
    expect(configRead(fatal.cs, A, 4)).toBe(0);
  });

  it("rejects anything but one defined bit", () => {
    for (const bad of [0, 0x2, 0x3, 0x30, 0x08000000, -1, 0.5, 2 ** 32]) {
      expect(() => aerRecordUncorrectable(cs(), bad)).toThrow(ArgumentError);
    }
    expect(() => aerRecordUncorrectable(cs(), R.PCI_ERR_UNC_DLP, [1, 2, 3, 4, 5])).toThrow(ArgumentError);
    expect(() => aerRecordUncorrectable(cs(), R.PCI_ERR_UNC_DLP, [-1])).toThrow(ArgumentError);
  });

  it("severity matches the default table for every defined bit", () => {
    for (const bit of UE_BITS) {
      const want = bit & R.PCI_ERR_UNC_MASK_DEFAULT ? "masked" : bit & R.PCI_ERR_UNC_SEVERITY_DEFAULT ? "fatal" : "nonfatal";
      expect(aerRecordUncorrectable(cs(), bit).severity, `bit 0x${bit.toString(16)}`).toBe(want);
    }
  });

  it("FEP always names a set status bit once an unmasked error was recorded", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...UE_BITS), { minLength: 1, maxLength: 10 }), (bits) => {
        let c = cs();
        for (const b of bits) c = aerRecordUncorrectable(c, b).cs;
        const aer = readAer(c)!;
        expect(aer.uncorStatus).toBe(bits.reduce((a, b) => a | b, 0) >>> 0);
        const firstUnmasked = bits.find((b) => (b & R.PCI_ERR_UNC_MASK_DEFAULT) === 0);
        if (firstUnmasked !== undefined) expect(1 << aer.firstErrorPointer).toBe(firstUnmasked);
      }),
    );
  });
});

describe("aerRecordCorrectable", () => {
  it("sets CE status and Correctable Error Detected", () => {
    const { cs: after, severity } = aerRecordCorrectable(cs(), R.PCI_ERR_COR_RCVR);
    expect(severity).toBe("correctable");
    expect(configRead(after, A + R.PCI_ERR_COR_STATUS, 4)).toBe(1);
    expect(configRead(after, DEVSTA, 2)).toBe(R.PCI_EXP_DEVSTA_CED);
  });

  it("masked by default: Advisory Non-Fatal, Internal, Header Log Overflow", () => {
    for (const bit of [R.PCI_ERR_COR_ADV_NFAT, R.PCI_ERR_COR_INTERNAL, R.PCI_ERR_COR_LOG_OVER]) {
      const { cs: after, severity } = aerRecordCorrectable(cs(), bit);
      expect(severity).toBe("masked");
      expect(configRead(after, A + R.PCI_ERR_COR_STATUS, 4)).toBe(bit);
      expect(configRead(after, DEVSTA, 2)).toBe(R.PCI_EXP_DEVSTA_CED);
    }
    expect(aerRecordCorrectable(cs(), R.PCI_ERR_COR_REP_TIMER).severity).toBe("correctable");
    expect(() => aerRecordCorrectable(cs(), 0x2)).toThrow(ArgumentError);
  });
});

describe("aerRootRecord", () => {
  it("latches the first source of each class and flags the next ones as multiple", () => {
    let c = configWrite(cs("root-port"), A + R.PCI_ERR_ROOT_COMMAND, 4, R.PCI_ERR_ROOT_CMD_FATAL_EN | R.PCI_ERR_ROOT_CMD_NONFATAL_EN);
    let r = aerRootRecord(c, { kind: "correctable", sourceRid: 0x0100 });
    expect(r.interrupt).toBe(false);
    c = r.cs;
    expect(readAer(c)!.root).toEqual({ command: 6, status: R.PCI_ERR_ROOT_COR_RCV, errorSource: 0x0100 });
    c = aerRootRecord(c, { kind: "correctable", sourceRid: 0x0200 }).cs;
    expect(readAer(c)!.root!.status).toBe(R.PCI_ERR_ROOT_COR_RCV | R.PCI_ERR_ROOT_MULTI_COR_RCV);
    expect(R.ERR_COR_ID(readAer(c)!.root!.errorSource)).toBe(0x0100);
    r = aerRootRecord(c, { kind: "nonfatal", sourceRid: 0x0300 });
    expect(r.interrupt).toBe(true);
    c = r.cs;
    expect(readAer(c)!.root!.status).toBe(0x03 | R.PCI_ERR_ROOT_UNCOR_RCV | R.PCI_ERR_ROOT_NONFATAL_RCV);
    expect(readAer(c)!.root!.errorSource).toBe(0x03000100);
    c = aerRootRecord(c, { kind: "fatal", sourceRid: 0x0400 }).cs;
    expect(readAer(c)!.root!.status).toBe(0x03 | 0x04 | 0x08 | 0x20 | 0x40); // no FIRST_FATAL
    expect(R.ERR_UNCOR_ID(readAer(c)!.root!.errorSource)).toBe(0x0300);
    // Software clears the status (RW1C) and the next message is first again.
    c = configWrite(c, A + R.PCI_ERR_ROOT_STATUS, 4, 0x7f);
    c = aerRootRecord(c, { kind: "fatal", sourceRid: 0x0500 }).cs;
    expect(readAer(c)!.root!.status).toBe(R.PCI_ERR_ROOT_UNCOR_RCV | R.PCI_ERR_ROOT_FIRST_FATAL | R.PCI_ERR_ROOT_FATAL_RCV);
    expect(readAer(c)!.root!.errorSource).toBe(0x05000100);
  });

  it("exists only on root ports with AER", () => {
    expect(() => aerRootRecord(cs("endpoint"), { kind: "fatal", sourceRid: 1 })).toThrow(ArgumentError);
    expect(() => aerRootRecord(cs("downstream-port"), { kind: "fatal", sourceRid: 1 })).toThrow(ArgumentError);
    expect(() => aerRootRecord(cs("root-port", false), { kind: "fatal", sourceRid: 1 })).toThrow(ArgumentError);
    expect(() => aerRootRecord(cs("root-port"), { kind: "fatal", sourceRid: 0x10000 })).toThrow(ArgumentError);
    expect(readAer(cs("endpoint"))!.root).toBeUndefined();
    expect(readAer(cs("endpoint", false))).toBeUndefined();
    expect(aerCapOffset(cs("root-port"))).toBe(0x100);
  });
});
