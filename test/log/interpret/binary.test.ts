// The binary form byte by byte (docs/interpretation.md "Binary form"), its versioning rules,
// and the errors malformed input gives.

import { describe, expect, it } from "vitest";
import { DecodeError } from "../../../src/core/errors.js";
import { ArgumentError } from "../../../src/core/errors.js";
import {
  FINDING_FLAGS,
  decodeInterpretation,
  encodeInterpretation,
  interpretPhbDiag,
  type Interpretation,
} from "../../../src/log/interpret/index.js";
import { section48Example } from "../opal/example.js";

const small: Interpretation = {
  model: "PHB3",
  severity: "pe-error",
  headline: "H",
  findings: [
    {
      type: "DMA_IOMMU_FAULT",
      flags: FINDING_FLAGS.DMA | FINDING_FLAGS.WRITE,
      pe: 0xfa,
      rid: 0x0400,
      address: 0x7ffff000n,
      evidence: [{ register: "pestA", index: 0xfa, mask: 0x0000200004000000n }],
      summary: "é",
    },
  ],
  limits: [{ kind: "pest-tail", fields: ["pestA[0fb..0ff]"], message: "m" }],
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function decodeError(bytes: Uint8Array): DecodeError {
  try {
    decodeInterpretation(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error("decoded");
}

describe("layout", () => {
  const bytes = encodeInterpretation(small);

  it("header: magic, version 1.0, header length, total length, model, severity, counts, headline", () => {
    expect(hex(bytes.subarray(0, 21))).toBe(
      "45454849" + // "EEHI"
        "0100" + // version 1.0
        "0014" + // header length 20
        "00000054" + // total length 84
        "02" + // model PHB3 (the OPAL ioType)
        "04" + // severity pe-error
        "0001" + // findings
        "0001" + // limits
        "0001" + // headline length
        "48", // "H"
    );
    expect(bytes.byteLength).toBe(0x54);
  });

  it("finding record: length, type, flags, present, PE, RID, address, counts, evidence, UTF-8 summary", () => {
    expect(hex(bytes.subarray(21, 21 + 38))).toBe(
      "0026" + // record length 38 = 24 + 12 + 2
        "0004" + // DMA_IOMMU_FAULT
        "0012" + // DMA | WRITE
        "07" + // PE, RID and address present
        "00" + // reserved
        "00fa" +
        "0400" +
        "000000007ffff000" +
        "0001" + // evidence count
        "0002" + // summary length (UTF-8 bytes)
        "10fa" + // register code PESTA | 0xfa
        "0000" + // evidence flags
        "0000200004000000" +
        "c3a9", // "é"
    );
  });

  it("limit record: length, kind, field count, message length, fields, message", () => {
    expect(hex(bytes.subarray(59))).toBe("0019" + "0002" + "0001" + "0001" + "0f" + Buffer.from("pestA[0fb..0ff]").toString("hex") + "6d");
  });

  it("absent PE/RID/address are 0xffff/0xffff/0 with their present bits clear", () => {
    const b = encodeInterpretation({ ...small, findings: [{ type: "PHB_FENCE", flags: 0, evidence: [], summary: "" }], limits: [] });
    expect(hex(b.subarray(21 + 6, 21 + 20))).toBe("00" + "00" + "ffff" + "ffff" + "0000000000000000");
  });
});

describe("round trip and compatibility", () => {
  it("decode(encode(x)) = x for the §4.8 interpretation", () => {
    const i = interpretPhbDiag(section48Example());
    expect(decodeInterpretation(encodeInterpretation(i))).toStrictEqual(i);
  });

  it("a finding type of a newer minor version is kept as UNKNOWN with its code, and written back unchanged", () => {
    const bytes = encodeInterpretation(small);
    bytes[21 + 3] = 0x77; // type code 0x0077
    const d = decodeInterpretation(bytes);
    expect(d.findings[0]).toMatchObject({ type: "UNKNOWN", unknownCode: 0x77, pe: 0xfa });
    expect(encodeInterpretation(d)).toEqual(bytes);
  });

  it("unknown registers, limit kinds, model and flag bits of a newer minor are kept", () => {
    const bytes = encodeInterpretation(small);
    bytes[21 + 24] = 0x0f; // register code 0x0ffa: not assigned in 1.0
    bytes[59 + 3] = 0x09; // limit kind 9
    bytes[21 + 4] = 0x80; // flag 0x8000
    const d = decodeInterpretation(bytes);
    expect(d.findings[0]!.evidence[0]).toEqual({ register: "unknown", code: 0x0ffa, mask: 0x0000200004000000n });
    expect(d.findings[0]!.flags).toBe(0x8012);
    expect(d.limits[0]).toMatchObject({ kind: "unknown", code: 9 });
    expect(encodeInterpretation(d)).toEqual(bytes);
  });

  it("a newer minor's longer header and longer records are skipped", () => {
    const base = encodeInterpretation({ ...small, limits: [] });
    // header 20 → 24 bytes; finding record 38 → 40 bytes
    const grown = new Uint8Array(base.byteLength + 6);
    grown.set(base.subarray(0, 20), 0);
    grown.set(base.subarray(20), 24);
    const view = new DataView(grown.buffer);
    view.setUint16(4, 0x0107); // version 1.7
    view.setUint16(6, 24);
    view.setUint32(8, grown.byteLength);
    const rec = grown.slice(25, 25 + 38);
    grown.set(rec, 25);
    grown.fill(0xee, 25 + 38, 25 + 40); // new trailing record bytes
    view.setUint16(25, 40);
    expect(decodeInterpretation(grown)).toStrictEqual({ ...small, limits: [] });
  });

  it("a newer major version is rejected with a clear error", () => {
    const bytes = encodeInterpretation(small);
    bytes[4] = 2;
    const e = decodeError(bytes);
    expect(e.offset).toBe(4);
    expect(e.message).toMatch(/version 2\.0 is newer than this reader \(1\.x\)/);
  });
});

describe("malformed input", () => {
  const bytes = encodeInterpretation(small);
  const at = (mutate: (b: Uint8Array) => void): DecodeError => {
    const b = bytes.slice();
    mutate(b);
    return decodeError(b);
  };

  it.each([
    ["bad magic", (b: Uint8Array) => (b[0] = 0), 0, /bad magic/],
    ["total length", (b: Uint8Array) => (b[11] = 0x40), 8, /totalLength/],
    ["short header", (b: Uint8Array) => (b[7] = 8), 6, /headerLength/],
    ["reserved present bit", (b: Uint8Array) => (b[21 + 6] = 0x0f), 27, /reserved present/],
    ["type code 0", (b: Uint8Array) => (b[21 + 3] = 0), 23, /type code 0/],
    ["record length too short", (b: Uint8Array) => (b[22] = 4), 21, /recordLength/],
    ["record length past the end", (b: Uint8Array) => (b[22] = 0xff), 21, /truncated/],
    ["invalid UTF-8 summary", (b: Uint8Array) => (b[21 + 36] = 0xff), 57, /UTF-8/],
    ["empty evidence mask", (b: Uint8Array) => b.fill(0, 21 + 28, 21 + 36), 49, /empty mask/],
    ["PE written but absent", (b: Uint8Array) => (b[21 + 6] = 0x06), 29, /not marked present/],
  ])("%s", (_n, mutate, offset, message) => {
    const e = at(mutate);
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(message);
  });

  it("truncation anywhere is a DecodeError at or before the cut", () => {
    for (let n = 0; n < bytes.byteLength; n++) {
      const e = decodeError(bytes.subarray(0, n));
      expect(e.offset).toBeLessThanOrEqual(Math.max(n, 8));
    }
  });

  it("trailing bytes are rejected (use totalLength to split concatenated blobs)", () => {
    const b = new Uint8Array(bytes.byteLength + 1);
    b.set(bytes);
    expect(decodeError(b).offset).toBe(8);
  });
});

describe("encoder checks", () => {
  it.each([
    ["unknownCode that is a known code", { ...small, findings: [{ ...small.findings[0]!, type: "UNKNOWN" as const, unknownCode: 4 }] }],
    ["flags beyond u16", { ...small, findings: [{ ...small.findings[0]!, flags: 0x10000 }] }],
    ["lone surrogate", { ...small, headline: "\ud800" }],
    ["32-bit register with a 64-bit mask", { ...small, findings: [{ ...small.findings[0]!, evidence: [{ register: "linkStatus" as const, mask: 1n << 40n }] }] }],
    ["PEST index out of the code space", { ...small, findings: [{ ...small.findings[0]!, evidence: [{ register: "pestA" as const, index: 0x1000, mask: 1n }] }] }],
  ])("%s → ArgumentError", (_n, bad) => {
    expect(() => encodeInterpretation(bad)).toThrow(ArgumentError);
  });
});
