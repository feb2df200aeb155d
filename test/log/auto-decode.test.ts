// decodeInput's format detection: what it takes for what, and what it refuses.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeInput } from "../../src/log/auto-decode.js";
import { DecodeError } from "../../src/core/errors.js";
import { decodePhbDiag } from "../../src/log/opal/decode.js";
import { interpretPhbDiag } from "../../src/log/interpret/interpret.js";
import { encodeInterpretation } from "../../src/log/interpret/binary-encode.js";

const blob = new Uint8Array(readFileSync("fixtures/opal/emulated/ioda1-dma-page-fault.bin"));

describe("decodeInput (auto)", () => {
  it("reads an EEHI interpretation blob (what a guest gets beside the diag blob)", () => {
    const eehi = encodeInterpretation(interpretPhbDiag(decodePhbDiag(blob)));
    const [d] = decodeInput(eehi);
    expect(d!.kind).toBe("interpretation");
    if (d?.kind === "interpretation") expect(d.interpretation.headline).toBe(interpretPhbDiag(decodePhbDiag(blob)).headline);
  });

  it("refuses bytes that are no known blob instead of calling them an RTAS log of version 103", () => {
    expect(() => decodeInput(new TextEncoder().encode("garbage\0\x01"))).toThrow(DecodeError);
    expect(() => decodeInput(new TextEncoder().encode("garbage\0\x01"))).toThrow(/version would be 103/);
    // asked for explicitly, it is decoded as what the user says
    expect(decodeInput(new TextEncoder().encode("garbage\0\x01"), "rtas")[0]!.kind).toBe("rtas-log");
  });

  it("a truncated diag blob is refused, not taken for an RTAS log", () => {
    expect(() => decodeInput(blob.slice(0, 100))).toThrow(DecodeError);
  });

  it("finds RTAS logs in a kernel log that also has EEH lines", () => {
    const items = decodeInput(readFileSync("fixtures/rtas/messages-rtasmsgs.txt"));
    expect(items.filter((i) => i.kind === "rtas-log").length).toBe(2);
    expect(items.some((i) => i.kind === "eeh-events")).toBe(true);
  });

  it("any bytes: a list of findings or a DecodeError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeInput(bytes);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });
});
