import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PciAddressError } from "../../src/core/errors.js";
import {
  addressFromRid,
  devfn,
  formatBdf,
  formatPciAddress,
  parsePciAddress,
  ridOf,
  sameAddress,
  type PciAddress,
} from "../../src/pci/address.js";

const arbAddress: fc.Arbitrary<PciAddress> = fc.record({
  domain: fc.integer({ min: 0, max: 0xffff }),
  bus: fc.integer({ min: 0, max: 0xff }),
  device: fc.integer({ min: 0, max: 0x1f }),
  fn: fc.integer({ min: 0, max: 7 }),
});

function parseError(text: string, defaultDomain?: number): PciAddressError {
  try {
    parsePciAddress(text, defaultDomain);
  } catch (e) {
    expect(e).toBeInstanceOf(PciAddressError);
    return e as PciAddressError;
  }
  throw new Error(`"${text}" parsed`);
}

describe("PCI address text", () => {
  it("parses the Linux form", () => {
    expect(parsePciAddress("0000:01:00.0")).toEqual({ domain: 0, bus: 1, device: 0, fn: 0 });
    expect(parsePciAddress("001f:ff:1f.7")).toEqual({ domain: 0x1f, bus: 0xff, device: 0x1f, fn: 7 });
    expect(parsePciAddress("ABCD:0A:1B.3")).toEqual({ domain: 0xabcd, bus: 0x0a, device: 0x1b, fn: 3 });
    expect(parsePciAddress("  0001:02:03.4  ")).toEqual({ domain: 1, bus: 2, device: 3, fn: 4 });
  });

  it("parses bb:dd.f only with a default domain", () => {
    expect(parsePciAddress("05:10.2", 3)).toEqual({ domain: 3, bus: 5, device: 0x10, fn: 2 });
    expect(parseError("05:10.2").context["column"]).toBe(2);
  });

  it("formats as Linux prints", () => {
    expect(formatPciAddress({ domain: 0, bus: 1, device: 0, fn: 0 })).toBe("0000:01:00.0");
    expect(formatPciAddress({ domain: 0xabc, bus: 0xfe, device: 0x1f, fn: 7 })).toBe("0abc:fe:1f.7");
    expect(formatBdf({ bus: 5, device: 0x10, fn: 1 })).toBe("05:10.1");
  });

  it.each([
    ["", 0],
    ["0000:01:00.8", 11],
    ["0000:01:00", 10],
    ["0000-01:00.0", 4],
    ["000g:01:00.0", 3],
    ["0000:01:0x.0", 9],
    ["0000:01:20.0", 8], // device above 0x1f: range error at the device column
    [" 0000:01:00.9", 12], // column counts leading blanks
    ["00000:01:00.0", 4],
  ])("rejects %j at column %i", (text, column) => {
    const e = parseError(text);
    expect(e.code).toBe("BAD_ADDRESS");
    expect(e.context["column"]).toBe(column);
    expect(e.message).toContain(`at column ${column}`);
  });

  it("round-trips every address", () => {
    fc.assert(
      fc.property(arbAddress, (a) => {
        expect(parsePciAddress(formatPciAddress(a))).toEqual(a);
        expect(parsePciAddress(formatBdf(a), a.domain)).toEqual(a);
      }),
    );
  });

  it("throws only PciAddressError on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), (s) => {
        try {
          parsePciAddress(s, 0);
        } catch (e) {
          expect(e).toBeInstanceOf(PciAddressError);
        }
      }),
    );
  });
});

describe("RID math", () => {
  it("packs bus, device and function", () => {
    expect(devfn(0x1f, 7)).toBe(0xff);
    expect(devfn(2, 1)).toBe(0x11);
    expect(ridOf({ bus: 1, device: 0, fn: 0 })).toBe(0x0100);
    expect(ridOf({ bus: 0x05, device: 0x10, fn: 3 })).toBe(0x0583);
    expect(addressFromRid(2, 0x0583)).toEqual({ domain: 2, bus: 5, device: 0x10, fn: 3 });
  });

  it("addressFromRid inverts ridOf", () => {
    fc.assert(
      fc.property(arbAddress, (a) => {
        const rid = ridOf(a);
        expect(rid).toBeGreaterThanOrEqual(0);
        expect(rid).toBeLessThanOrEqual(0xffff);
        expect(sameAddress(addressFromRid(a.domain, rid), a)).toBe(true);
      }),
    );
  });
});
