// fast-check arbitraries for PHB diag structures, built from the same field tables as the
// codec so a new field is generated without touching this file. Exported for users' own
// property tests (fast-check is a devDependency: import this module from tests only).
//
// Two flavours: dense (every word uniformly random — the codec's worst case) and sparse
// (mostly-zero words, PEST tables made of a few runs of identical entries, all-ones words
// included) — the shape of real dumps, which exercises the print gates and the "as above"
// collapsing of powernv-opal.md §4.4.

import fc from "fast-check";
import { OPAL_PHB_ERROR_DATA_VERSION_1, type PhbDiagIoType } from "./constants.js";
import { phbDiagLayout, type AnyPhbDiagLayout } from "./layout.js";
import type { P7iocPhbDiagData, Phb3PhbDiagData, Phb4PhbDiagData, PhbDiagData } from "./types.js";

const U64_MAX = (1n << 64n) - 1n;
const STOPPED = 1n << 63n;

export interface PhbDiagArbOptions {
  /** Realistic sparse values instead of uniformly random words (default false). */
  readonly sparse?: boolean;
}

export const arbU32 = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 0xffff_ffff });
export const arbU64 = (): fc.Arbitrary<bigint> => fc.bigInt({ min: 0n, max: U64_MAX });

function sparseU32(): fc.Arbitrary<number> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: arbU32() });
}

function sparseU64(): fc.Arbitrary<bigint> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: arbU64() });
}

/** A PEST word as dumps show them: zero, frozen with a cause, arbitrary, or all-ones. */
export function arbPestWord(): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(0n) },
    { weight: 3, arbitrary: arbU64().map((w) => w | STOPPED) },
    { weight: 1, arbitrary: fc.constant(STOPPED) },
    { weight: 1, arbitrary: arbU64() },
    { weight: 1, arbitrary: fc.constant(U64_MAX) }, // equals Linux' initial `prev`
  );
}

export interface PestTables {
  readonly pestA: bigint[];
  readonly pestB: bigint[];
}

/** PESTA/PESTB tables of `count` entries. */
export function arbPestTables(count: number, opts: PhbDiagArbOptions = {}): fc.Arbitrary<PestTables> {
  if (!opts.sparse) {
    const table = fc.array(arbU64(), { minLength: count, maxLength: count });
    return fc.record({ pestA: table, pestB: table });
  }
  const start = fc.oneof(fc.nat({ max: count - 1 }), fc.integer({ min: Math.max(0, count - 4), max: count - 1 }), fc.constant(0));
  // Both words all-ones together is the pair equal to Linux' initial `prev` (§4.4 quirk).
  const pair = fc.oneof({ weight: 6, arbitrary: fc.tuple(arbPestWord(), arbPestWord()) }, { weight: 1, arbitrary: fc.constant([U64_MAX, U64_MAX] as [bigint, bigint]) });
  const run = fc.record({ start, length: fc.integer({ min: 1, max: 6 }), pair });
  return fc.array(run, { maxLength: 8 }).map((runs) => {
    const pestA = new Array<bigint>(count).fill(0n);
    const pestB = new Array<bigint>(count).fill(0n);
    for (const r of runs) {
      for (let i = r.start; i < Math.min(count, r.start + r.length); i++) {
        [pestA[i], pestB[i]] = r.pair;
      }
    }
    return { pestA, pestB };
  });
}

function arbFromLayout<T extends PhbDiagData>(layout: AnyPhbDiagLayout, opts: PhbDiagArbOptions): fc.Arbitrary<T> {
  const scalars: Record<string, fc.Arbitrary<number | bigint>> = {};
  for (const e of layout.entries) {
    if (e.kind === "u32") scalars[e.name] = opts.sparse ? sparseU32() : arbU32();
    else if (e.kind === "u64") scalars[e.name] = opts.sparse ? sparseU64() : arbU64();
  }
  return fc
    .tuple(fc.record(scalars), arbPestTables(layout.pestCount, opts))
    .map(([s, p]) => ({ ioType: layout.ioType, version: OPAL_PHB_ERROR_DATA_VERSION_1, ...s, ...p }) as unknown as T);
}

export function arbP7iocDiag(opts: PhbDiagArbOptions = {}): fc.Arbitrary<P7iocPhbDiagData> {
  return arbFromLayout(phbDiagLayout(1), opts);
}

export function arbPhb3Diag(opts: PhbDiagArbOptions = {}): fc.Arbitrary<Phb3PhbDiagData> {
  return arbFromLayout(phbDiagLayout(2), opts);
}

export function arbPhb4Diag(opts: PhbDiagArbOptions = {}): fc.Arbitrary<Phb4PhbDiagData> {
  return arbFromLayout(phbDiagLayout(3), opts);
}

/** Any of the three models. */
export function arbPhbDiag(opts: PhbDiagArbOptions = {}): fc.Arbitrary<PhbDiagData> {
  return fc.oneof(arbP7iocDiag(opts), arbPhb3Diag(opts), arbPhb4Diag(opts));
}

/** One model by ioType. */
export function arbPhbDiagOf(ioType: PhbDiagIoType, opts: PhbDiagArbOptions = {}): fc.Arbitrary<PhbDiagData> {
  return arbFromLayout<PhbDiagData>(phbDiagLayout(ioType), opts);
}
