// Properties (DESIGN.md "Tests"): interpretation never throws on a decodable blob, cites only
// bits the blob holds, lists every stopped PE, orders by severity; the binary and JSON forms
// round-trip; arbitrary or mutated bytes give only DecodeError.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../../../src/core/errors.js";
import { parseKernelLog, printPhbDiag, toPhbDiagData } from "../../../src/log/dmesg/index.js";
import { arbInterpretation } from "../../../src/log/interpret/arbitraries.js";
import {
  FINDING_TYPES,
  decodeInterpretation,
  encodeInterpretation,
  evidenceHolds,
  interpretParsedDump,
  interpretPhbDiag,
  interpretationFromJson,
  interpretationToJson,
  type Interpretation,
} from "../../../src/log/interpret/index.js";
import { arbPhbDiag } from "../../../src/log/opal/arbitraries.js";
import { decodePhbDiag, encodePhbDiag, type PhbDiagData } from "../../../src/log/opal/index.js";

const STOPPED = 1n << 63n;
/** Dense (every word random) and sparse (real-dump shaped) structures, through the codec. */
const arbBlob = fc.oneof(arbPhbDiag(), arbPhbDiag({ sparse: true }), arbPhbDiag({ sparse: true })).map((d) => decodePhbDiag(encodePhbDiag(d)));

function checkInterpretation(d: PhbDiagData, i: Interpretation): void {
  for (const f of i.findings) {
    for (const e of f.evidence) {
      if (!evidenceHolds(d, e)) throw new Error(`${f.type} cites ${e.register}[${e.index}] ${e.mask.toString(16)}${e.clear ? " clear" : ""} not in the blob`);
    }
  }
  // every stopped PE has its PE_FROZEN
  const frozen = new Set(i.findings.filter((f) => f.type === "PE_FROZEN").map((f) => f.pe));
  for (let pe = 0; pe < d.pestA.length; pe++) {
    const stopped = ((d.pestA[pe]! | d.pestB[pe]!) & STOPPED) !== 0n;
    expect(frozen.has(pe)).toBe(stopped);
  }
  // ordered by catalogue rank
  const ranks = i.findings.map((f) => FINDING_TYPES[f.type].rank);
  expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
}

describe("interpretPhbDiag", () => {
  it("never throws; evidence is in the blob; every stopped PE is PE_FROZEN; severity order", () => {
    fc.assert(
      fc.property(arbBlob, (d) => {
        checkInterpretation(d, interpretPhbDiag(d));
      }),
      { numRuns: 150 },
    );
  });

  it("the same holds for structures read back from Linux text", () => {
    fc.assert(
      fc.property(arbPhbDiag({ sparse: true }), (d) => {
        const [dump] = parseKernelLog(printPhbDiag(d, { domain: 0, format: "mainline" }).join("\n")).dumps;
        const data = toPhbDiagData(dump!)!;
        checkInterpretation(data, interpretParsedDump(dump!));
      }),
      { numRuns: 60 },
    );
  });

  it("decode(encode(interpretation)) and fromJson(toJson(interpretation)) are the interpretation", () => {
    fc.assert(
      fc.property(arbBlob, (d) => {
        const i = interpretPhbDiag(d);
        expect(decodeInterpretation(encodeInterpretation(i))).toStrictEqual(i);
        expect(interpretationFromJson(JSON.parse(JSON.stringify(interpretationToJson(i))))).toStrictEqual(i);
      }),
      { numRuns: 60 },
    );
  });
});

describe("binary and JSON forms", () => {
  it("round-trip any interpretation, including codes of newer versions", () => {
    fc.assert(
      fc.property(arbInterpretation(), (i) => {
        const bytes = encodeInterpretation(i);
        expect(decodeInterpretation(bytes)).toStrictEqual(i);
        expect(encodeInterpretation(decodeInterpretation(bytes))).toEqual(bytes);
        expect(interpretationFromJson(JSON.parse(JSON.stringify(interpretationToJson(i))))).toStrictEqual(i);
      }),
      { numRuns: 300 },
    );
  });

  const onlyDecodeErrors = (bytes: Uint8Array): void => {
    try {
      decodeInterpretation(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(bytes.byteLength);
    }
  };

  it("arbitrary bytes give a value or a DecodeError", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), onlyDecodeErrors), { numRuns: 500 });
  });

  it("arbitrary bytes behind a valid header give a value or a DecodeError", () => {
    const header = fc.tuple(fc.nat({ max: 0xff }), fc.nat({ max: 40 }), fc.uint8Array({ minLength: 8, maxLength: 300 }));
    fc.assert(
      fc.property(header, ([minor, headerLength, body]) => {
        const b = new Uint8Array(8 + body.byteLength);
        const v = new DataView(b.buffer);
        v.setUint32(0, 0x45454849);
        v.setUint16(4, 0x0100 | minor);
        v.setUint16(6, headerLength);
        b.set(body, 8);
        v.setUint32(8, b.byteLength);
        onlyDecodeErrors(b);
      }),
      { numRuns: 500 },
    );
  });

  it("mutated and truncated encodings give a value or a DecodeError", () => {
    const mutation = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(arbInterpretation(), mutation, fc.nat(), (i, edits, cut) => {
        const bytes = encodeInterpretation(i);
        const m = bytes.slice();
        for (const [at, v] of edits) m[at % m.byteLength] = v;
        onlyDecodeErrors(m);
        onlyDecodeErrors(bytes.subarray(0, cut % (bytes.byteLength + 1)));
      }),
      { numRuns: 400 },
    );
  });
});
