// Properties of the binary codec (DESIGN.md "Tests"): decode∘encode = id for arbitrary valid
// logs; arbitrary, damaged and truncated bytes give a log or a DecodeError — never another
// exception, never a hang (every walk advances), never more data than the input holds.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../../../src/core/errors.js";
import { arbDamagedRtasBytes, arbRtasErrorLog, arbRtasSection } from "../../../src/log/rtas/arbitraries.js";
import { decodeRtasLog, encodeRtasLog, type RtasErrorLog } from "../../../src/log/rtas/index.js";

/** Bytes and characters held by a decoded value: bounded by the input length. */
/**
 * Bytes and text the decoder took from the input. The `kind` discriminant is a constant
 * label ("extendedUserData"), not data allocated from the input, so it is not counted.
 */
function payload(v: unknown): number {
  if (v instanceof Uint8Array) return v.length;
  if (typeof v === "string") return v.length;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + payload(x), 0);
  if (v !== null && typeof v === "object") return Object.entries(v).reduce((n: number, [k, x]) => n + (k === "kind" ? 0 : payload(x)), 0);
  return 0;
}

/** Decode, accepting only success or a DecodeError; returns the log or undefined. */
function decodeOrDecodeError(bytes: Uint8Array): RtasErrorLog | undefined {
  try {
    const log = decodeRtasLog(bytes);
    expect(payload(log)).toBeLessThanOrEqual(bytes.length);
    return log;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(bytes.length);
    return undefined;
  }
}

/** A valid v6 prefix (header with a consistent length, ext header, "IBM") then random bytes, to reach the section walker. */
const arbV6PrefixThenNoise = fc.uint8Array({ maxLength: 300 }).map((tail) => {
  const b = new Uint8Array(24 + tail.length);
  b.set([6, 0x44, 0, 0xe0]);
  new DataView(b.buffer).setUint32(4, 16 + tail.length);
  b.set([0xae, 0, 0x8e, 0], 8);
  b.set([0x49, 0x42, 0x4d, 0], 20);
  b.set(tail, 24);
  return b;
});

/** Valid sections, one of them with its body bytes replaced by noise of the same length. */
const arbSectionsWithNoise = fc
  .tuple(fc.array(arbRtasSection, { minLength: 1, maxLength: 4 }), fc.nat(), fc.uint8Array({ minLength: 64, maxLength: 64 }))
  .map(([sections, pick, noise]) => {
    const bytes = encodeRtasLog({
      header: { version: 6, severity: 2, disposition: 0, initiator: 0, target: 0, type: 0xe0 },
      extended: { kind: "v6", header: { flags: 0xae, format: 0x8e }, sections },
    });
    // Overwrite bytes inside the section bodies only (keep ids and lengths).
    let off = 24;
    const targets: number[] = [];
    for (const _ of sections) {
      const len = ((bytes[off + 2] ?? 0) << 8) | (bytes[off + 3] ?? 0);
      for (let i = off + 8; i < off + len; i++) targets.push(i);
      off += len;
    }
    for (let i = 0; i < noise.length && targets.length > 0; i++) bytes[targets[(pick + i * 7) % targets.length] ?? 0] = noise[i] ?? 0;
    return bytes;
  });

describe("RTAS codec properties", () => {
  it("decode(encode(x)) deep-equals x for arbitrary valid logs", () => {
    fc.assert(
      fc.property(arbRtasErrorLog, (log) => {
        expect(decodeRtasLog(encodeRtasLog(log))).toEqual(log);
      }),
      { numRuns: 400 },
    );
  });

  it("encode is stable: encode(decode(encode(x))) = encode(x)", () => {
    fc.assert(
      fc.property(arbRtasErrorLog, (log) => {
        const bytes = encodeRtasLog(log);
        expect(encodeRtasLog(decodeRtasLog(bytes))).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it("ignores bytes after the log (the stale tail of a /proc read)", () => {
    fc.assert(
      fc.property(arbRtasErrorLog, fc.uint8Array({ maxLength: 32 }), (log, tail) => {
        const bytes = encodeRtasLog(log);
        const padded = new Uint8Array(bytes.length + tail.length);
        padded.set(bytes);
        padded.set(tail, bytes.length);
        expect(decodeRtasLog(padded)).toEqual(log);
      }),
      { numRuns: 100 },
    );
  });

  it("every truncation of an extended log is a DecodeError", () => {
    fc.assert(
      fc.property(arbRtasErrorLog, fc.nat(), (log, cut) => {
        const bytes = encodeRtasLog(log);
        if (log.extended.kind === "none" || bytes.length <= 8) return;
        const short = bytes.subarray(0, cut % bytes.length);
        expect(() => decodeRtasLog(short)).toThrow(DecodeError);
      }),
      { numRuns: 200 },
    );
  });

  it("arbitrary bytes give a log or a DecodeError, bounded by the input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodeOrDecodeError(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("noise after a valid v6 prefix gives a log or a DecodeError", () => {
    fc.assert(
      fc.property(arbV6PrefixThenNoise, (bytes) => {
        decodeOrDecodeError(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("noise inside valid section bodies gives a log or a DecodeError", () => {
    fc.assert(
      fc.property(arbSectionsWithNoise, (bytes) => {
        decodeOrDecodeError(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("damaged encodings (bytes set, cut, inserted, deleted) give a log or a DecodeError", () => {
    fc.assert(
      fc.property(arbDamagedRtasBytes, (bytes) => {
        decodeOrDecodeError(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("a huge length field is refused before anything is allocated for it", () => {
    const b = Uint8Array.from([6, 0x44, 0, 0xe0, 0xff, 0xff, 0xff, 0xff, 0xae, 0, 0x8e, 0]);
    expect(() => decodeRtasLog(b)).toThrow(/extended log length 4294967295 runs past the end/);
  });
});
