// aer-inject (aer-xen.md §4): the input language (every bad input a typed error naming line
// and column, fuzzed), the struct written to /dev/aer_inject, and the kernel side.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AerInjectSyntaxError, parseAerInject, parseCNumber } from "../../src/aer/inject-parse.js";
import { decodeAerErrorInj, encodeAerErrorInj, injFromInjection } from "../../src/aer/inject-struct.js";
import { aerInject, aerInjectAll } from "../../src/aer/inject-kernel.js";
import { scriptedAerDriver } from "../../src/aer/driver.js";
import { readAer } from "../../src/pci/aer-capability.js";
import * as R from "../../src/pci/regs.js";
import { aerEnv, EP, EP1 } from "./setup.js";

const FIX = join(import.meta.dirname, "../../fixtures/aer");
const A = (bus: number, device = 0, fn = 0, domain = 0) => ({ domain, bus, device, fn });

function syntaxError(text: string): AerInjectSyntaxError {
  try {
    parseAerInject(text);
  } catch (e) {
    if (e instanceof AerInjectSyntaxError) return e;
    throw e;
  }
  throw new Error("parsed");
}

describe("the input language (§4.1)", () => {
  it("the LKML example", () => {
    expect(parseAerInject(readFileSync(join(FIX, "inject-lkml.txt"), "utf8"))).toEqual([
      { line: 1, id: A(0xe9), idGiven: true, corStatus: R.PCI_ERR_COR_BAD_TLP, uncorStatus: 0, headerLog: [0, 1, 2, 3] },
    ]);
  });
  it("several errors, aliases, BUS/DEV/FN, comments, case, C numbers, OR-ed symbols", () => {
    const out = parseAerInject(readFileSync(join(FIX, "inject-multi.txt"), "utf8"));
    expect(out).toEqual([
      { line: 2, id: A(3), idGiven: true, corStatus: R.PCI_ERR_COR_RCVR | R.PCI_ERR_COR_BAD_DLLP, uncorStatus: 0, headerLog: [0x40000001, 0o17, 0xfee00000, 0] },
      { line: 7, id: A(4), idGiven: true, corStatus: 0, uncorStatus: R.PCI_ERR_UNC_MALF_TLP | R.PCI_ERR_UNC_UNSUP, headerLog: [0x4a000001, 0x01000004, 0xdeadbeef, 0] },
    ]);
  });
  it("missing fields are 0; -s overrides every id; TRAIN is bit 0", () => {
    expect(parseAerInject("AER UNCOR TRAIN")).toEqual([{ line: 1, id: A(0), idGiven: false, corStatus: 0, uncorStatus: 1, headerLog: [0, 0, 0, 0] }]);
    expect(parseAerInject("AER ID 01:00.0 COR RCVR AER ID 02:00.0 COR 1", A(7, 1, 2, 3)).map((i) => i.id)).toEqual([A(7, 1, 2, 3), A(7, 1, 2, 3)]);
  });
  it("C numbers", () => {
    expect([parseCNumber("0"), parseCNumber("010"), parseCNumber("0x1F"), parseCNumber("4294967295")]).toEqual([0, 8, 31, 0xffffffff]);
    expect([parseCNumber("08"), parseCNumber("4294967296"), parseCNumber("0x"), parseCNumber("-1"), parseCNumber("1e3")]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
  it.each([
    ["", 1, 1, /no error/],
    ["PCI_ID 00:01.0", 1, 1, /expected AER to start an error, got "PCI_ID"/],
    ["AER\nPCI_ID 0000:zz:00.0", 2, 8, /not a PCI id/],
    ["AER\nCOR_STATUS BAD_TLP\nFOO 1", 3, 1, /unknown keyword "FOO"/],
    ["AER\nCOR_STATUS", 2, 11, /needs at least one value but the input ended/],
    ["AER\nHEADER_LOG 1 2 0x1ffffffff 3", 2, 16, /header log dword 2/],
    ["AER\nBUS 4 DEV 40 FN 0", 2, 11, /device number 40 is above 31/],
    ["AER\nBUS 4 FN 0", 2, 7, /expected DEV/],
    ["AER\nID 1:0.0 ID 2:0.0", 2, 10, /given twice/],
    ["AER\nUNCOR_STATUS BAD_TLP", 2, 14, /not an uncorrectable error symbol/],
  ])("%j → line %i column %i", (text, line, column, message) => {
    const e = syntaxError(text);
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.message).toMatch(message);
    expect(e.code).toBe("DECODE");
  });
  it("the bad fixture names line 4, column 14", () => {
    const e = syntaxError(readFileSync(join(FIX, "inject-bad.txt"), "utf8"));
    expect(e.message).toBe('"BOGUS" is not an uncorrectable error symbol (TRAIN, DLP, POISON_TLP, FCP, COMP_TIME, COMP_ABORT, UNX_COMP, RX_OVER, MALF_TLP, ECRC, UNSUP) or number at line 4, column 14');
  });
  it("fuzzed input: a list of injections or an AerInjectSyntaxError, never anything else", () => {
    const words = fc.constantFrom("AER", "aer", "PCI_ID", "ID", "BUS", "DEV", "FN", "COR_STATUS", "COR", "UNCOR", "UNCORRECTABLE", "HEADER_LOG", "HL", "BAD_TLP", "MALF_TLP", "TRAIN", "0x40", "017", "9", "0000:03:00.0", "03:00.0", "#c\n", "\n", "\t", "ZZ");
    const soup = fc.array(fc.oneof(words, fc.string({ maxLength: 6 })), { maxLength: 30 }).map((w) => w.join(" "));
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 60 })), (text) => {
        try {
          const out = parseAerInject(text);
          for (const i of out) {
            expect(i.corStatus).toBeGreaterThanOrEqual(0);
            expect(i.corStatus).toBeLessThanOrEqual(0xffffffff);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(AerInjectSyntaxError);
          const s = e as AerInjectSyntaxError;
          expect(s.line).toBeGreaterThanOrEqual(1);
          expect(s.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe("struct aer_error_inj (§4.1)", () => {
  it("32 bytes; the kernel takes 28 (domain 0); the tool's u16 domain lands high on big-endian", () => {
    const [inj] = parseAerInject("AER ID 0001:e9:00.2 COR BAD_TLP UNCOR MALF_TLP HL 1 2 3 4");
    const e = injFromInjection(inj!);
    const le = encodeAerErrorInj(e, "little");
    expect(le.length).toBe(32);
    expect(decodeAerErrorInj(le, "little")).toEqual(e);
    expect(decodeAerErrorInj(le.slice(0, 28), "little").domain).toBe(0);
    expect(decodeAerErrorInj(encodeAerErrorInj(e, "big"), "big").domain).toBe(0x10000);
    expect(() => decodeAerErrorInj(le.slice(0, 27))).toThrow(/28\.\.32 bytes/);
  });
});

describe("the kernel side (§4.2)", () => {
  it("a correctable injection: the LKML lines, then the normal §2 output", async () => {
    const e = aerEnv({ format: "v4.19", drivers: { [EP]: scriptedAerDriver("ice", { errorDetected: "can recover" }) } });
    const [inj] = parseAerInject("AER\nPCI_ID 0000:03:00.0\nCOR_STATUS BAD_TLP\nHEADER_LOG 0 1 2 3");
    expect(aerInject(e.host, inj!)).toEqual({ rc: 0, device: EP });
    await e.host.settle();
    expect(e.log.records.slice(1).map((r) => r.line)).toEqual([
      "pcieport 0000:00:00.0: aer_inject: Injecting errors 00000040/00000000 into device 0000:03:00.0",
      "pcieport 0000:00:00.0: AER: Corrected error received: 0000:03:00.0",
      "ice 0000:03:00.0: PCIe Bus Error: severity=Corrected, type=Data Link Layer, (Receiver ID)",
      "ice 0000:03:00.0:   device [15b3:1013] error status/mask=00000040/0000e000",
      "ice 0000:03:00.0:    [ 6] BadTLP",
    ].map((l) => (l.endsWith("BadTLP") ? l.padEnd(l.length + 16) : l)));
  });
  it("an uncorrectable injection: FATAL_RCV + FIRST_FATAL when any bit is in the severity register; header log copied; FEP untouched", async () => {
    const e = aerEnv({ drivers: { [EP]: scriptedAerDriver("igb", { errorDetected: "need reset", slotReset: "recovered" }) } });
    e.host.setRootInterrupts(e.host.device("0000:00:00.0"), false);
    const [inj] = parseAerInject("AER ID 03:00.0 UNCOR UNSUP MALF_TLP HL 9 8 7 6");
    aerInject(e.host, inj!);
    const dev = readAer(e.m.phbState(0).functions[0x300]!.config)!;
    expect(dev).toMatchObject({ uncorStatus: R.PCI_ERR_UNC_UNSUP | R.PCI_ERR_UNC_MALF_TLP, headerLog: [9, 8, 7, 6], firstErrorPointer: 0 });
    await e.host.settle();
    expect(e.log.grep("received from")).toEqual(["pcieport 0000:00:00.0: AER: Uncorrectable (Fatal) error message received from 0000:03:00.0"]);
  });
  it("all requested bits masked: -EINVAL with the kernel's message, unless aer_mask_override", async () => {
    const e = aerEnv();
    const [inj] = parseAerInject("AER ID 04:00.0 COR 0x2000"); // Advisory Non-Fatal, masked by default
    expect(aerInject(e.host, inj!)).toMatchObject({ rc: -22, message: "The correctable error(s) is masked by device" });
    expect(e.log.grep("masked")).toEqual(["pci 0000:04:00.0: The correctable error(s) is masked by device"]);
    expect(aerInject(e.host, inj!, { maskOverride: true }).rc).toBe(0);
    expect(readAer(e.m.phbState(0).functions[0x400]!.config)!.corMask).toBe(0);
    const [ue] = parseAerInject("AER ID 04:00.0 UNCOR 0x400000");
    expect(aerInject(e.host, ue!).message).toBe("The uncorrectable error(s) is masked by device");
  });
  it("no such device, or no AER: the write fails; a file stops at the first failure", () => {
    const e = aerEnv();
    const injs = parseAerInject("AER ID 09:00.0 COR 1 AER ID 03:00.0 COR 1");
    const out = aerInjectAll(e.host, injs);
    expect(out).toEqual([{ rc: -19, message: "AER device not found", device: "0000:09:00.0" }]);
    expect(e.log.grep("aer_inject")).toEqual(["aer_inject: AER device not found"]);
    void EP1;
  });
});
