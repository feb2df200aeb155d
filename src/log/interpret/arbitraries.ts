// fast-check arbitraries for interpretations: any value the binary and JSON forms must carry,
// including the forward-compatibility cases (finding types, registers and limit kinds of a
// newer version, flag bits this version does not name). For property tests only (fast-check
// is a devDependency), like src/log/opal/arbitraries.ts.

import fc from "fast-check";
import { FINDING_TYPE_NAMES, LIMIT_KIND_NAMES, SEVERITY_NAMES, findingTypeOfCode, limitKindOfCode } from "./catalogue.js";
import { REGISTER_CODES, isPciWord, registerOfCode } from "./registers.js";
import type { Evidence, EvidenceRegister, Finding, Interpretation, Limit } from "./types.js";
import type { PhbDiagScalarName } from "../opal/types.js";

const U64_MAX = (1n << 64n) - 1n;
const SCALARS = Object.keys(REGISTER_CODES) as PhbDiagScalarName[];

/** Text as findings carry it, including non-ASCII (UTF-8 of 1..4 bytes). */
export function arbText(maxLength = 80): fc.Arbitrary<string> {
  return fc.string({ unit: "grapheme", maxLength });
}

export function arbEvidence(): fc.Arbitrary<Evidence> {
  const mask = (bits: bigint): fc.Arbitrary<bigint> => fc.bigInt({ min: 1n, max: (1n << bits) - 1n });
  const clear = fc.option(fc.constant(true as const), { nil: undefined });
  const withClear = (e: Evidence, c: true | undefined): Evidence => (c ? { ...e, clear: c } : e);
  const scalar = fc
    .tuple(fc.constantFrom(...SCALARS), clear)
    .chain(([register, c]) => mask(isPciWord(register) ? 32n : 64n).map((m) => withClear({ register, mask: m }, c)));
  const pest = fc
    .tuple(fc.constantFrom<EvidenceRegister>("pestA", "pestB"), fc.nat({ max: 0xfff }), mask(64n), clear)
    .map(([register, index, m, c]) => withClear({ register, index, mask: m }, c));
  const unknown = fc
    .tuple(fc.integer({ min: 1, max: 0xffff }).filter((c) => registerOfCode(c).register === "unknown"), mask(64n), clear)
    .map(([code, m, c]) => withClear({ register: "unknown", code, mask: m }, c));
  return fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 2, arbitrary: pest }, { weight: 1, arbitrary: unknown });
}

export function arbFinding(): fc.Arbitrary<Finding> {
  const known = fc.constantFrom(...FINDING_TYPE_NAMES).map((type) => ({ type }));
  const newer = fc
    .integer({ min: 1, max: 0xffff })
    .filter((c) => findingTypeOfCode(c) === undefined)
    .map((unknownCode) => ({ type: "UNKNOWN" as const, unknownCode }));
  return fc
    .record({
      t: fc.oneof({ weight: 5, arbitrary: known }, { weight: 1, arbitrary: newer }),
      flags: fc.integer({ min: 0, max: 0xffff }),
      pe: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
      rid: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }),
      address: fc.option(fc.bigInt({ min: 0n, max: U64_MAX }), { nil: undefined }),
      evidence: fc.array(arbEvidence(), { maxLength: 6 }),
      summary: arbText(),
    })
    .map(({ t, flags, pe, rid, address, evidence, summary }) => ({
      ...t,
      flags,
      ...(pe !== undefined ? { pe } : {}),
      ...(rid !== undefined ? { rid } : {}),
      ...(address !== undefined ? { address } : {}),
      evidence,
      summary,
    }));
}

export function arbLimit(): fc.Arbitrary<Limit> {
  const field = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 24 });
  const kind = fc.oneof(
    fc.constantFrom(...LIMIT_KIND_NAMES).map((k) => ({ kind: k })),
    fc
      .integer({ min: 1, max: 0xffff })
      .filter((c) => limitKindOfCode(c) === undefined)
      .map((code) => ({ kind: "unknown" as const, code })),
  );
  return fc.record({ k: kind, fields: fc.array(field, { maxLength: 4 }), message: arbText() }).map(({ k, fields, message }) => ({ ...k, fields, message }));
}

export function arbInterpretation(): fc.Arbitrary<Interpretation> {
  return fc.record({
    model: fc.constantFrom("P7IOC", "PHB3", "PHB4", "unknown") as fc.Arbitrary<Interpretation["model"]>,
    severity: fc.constantFrom(...SEVERITY_NAMES),
    headline: arbText(),
    findings: fc.array(arbFinding(), { maxLength: 5 }),
    limits: fc.array(arbLimit(), { maxLength: 3 }),
  }).map((i) => ({ ...i })); // plain objects (fc.record's have a null prototype)
}
