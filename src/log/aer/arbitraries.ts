// fast-check arbitraries for AER log lines (STYLE.md: next to the types they generate).
// `arbAerLine(format)` yields only lines the printer of that generation prints as they
// are (e.g. no `noDetails` before 6.16, no TLP prefixes before it, numeric ids only in
// (A)), so parse(print(line)) is the identity on them. Imports fast-check: tests only.

import fc from "fast-check";
import type { AerDevRef, AerLine, AerLineBody } from "./lines.js";
import { AER_AGENTS, AER_COR_NAMES, AER_COR_NAMES_OLD, AER_LAYERS, AER_SEVERITIES, AER_UNCOR_NAMES, AER_UNCOR_NAMES_OLD, AER_UNKNOWN_ERROR_BIT, type AerLogFormat } from "./names.js";

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const hex = (n: number, w: number): string => n.toString(16).padStart(w, "0");

export const arbBdf: fc.Arbitrary<string> = fc
  .tuple(u16, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 7 }))
  .map(([d, b, dev, f]) => `${hex(d, 4)}:${hex(b, 2)}:${hex(dev, 2)}.${f}`);

export const arbDevRef: fc.Arbitrary<AerDevRef> = fc.record({
  driver: fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/),
  address: arbBdf,
});

const BIT_NAMES = [...new Set([...AER_UNCOR_NAMES, ...AER_UNCOR_NAMES_OLD, ...AER_COR_NAMES, ...AER_COR_NAMES_OLD, AER_UNKNOWN_ERROR_BIT].filter((x): x is string => !!x))];

export function arbAerBody(format: AerLogFormat): fc.Arbitrary<AerLineBody> {
  const legacy = format === "legacy";
  const mainline = format === "mainline";
  const sev = fc.constantFrom(...AER_SEVERITIES);
  const id = legacy ? u16.map((v) => ({ id: v })) : fc.constant({});
  const tlp: fc.Arbitrary<AerLineBody> = mainline
    ? fc.oneof(
        fc.record({ kind: fc.constant("tlp" as const), dwords: fc.array(u32, { minLength: 4, maxLength: 4 }), flit: fc.constant(false), prefixes: fc.array(u32, { maxLength: 4 }) }),
        fc.record({ kind: fc.constant("tlp" as const), dwords: fc.array(u32, { minLength: 4, maxLength: 14 }), flit: fc.constant(true), prefixes: fc.constant([]) }),
      )
    : fc.record({ kind: fc.constant("tlp" as const), dwords: fc.array(u32, { minLength: 4, maxLength: 4 }), flit: fc.constant(false), prefixes: fc.constant([]) });
  return fc.oneof(
    fc.record({ kind: fc.constant("root" as const), severity: sev, multiple: fc.boolean(), source: legacy ? (u16 as fc.Arbitrary<string | number>) : arbBdf, noDetails: mainline ? fc.boolean() : fc.constant(false) }),
    fc.tuple(sev, fc.constantFrom(...AER_LAYERS), fc.constantFrom(...AER_AGENTS), id).map(([severity, layer, agent, i]) => ({ kind: "bus-error" as const, severity, layer, agent, ...i })),
    fc.tuple(sev, id).map(([severity, i]) => ({ kind: "inaccessible" as const, severity, ...i })),
    fc.record({ kind: fc.constant("device" as const), vendor: u16, device: u16, status: u32, mask: u32 }),
    fc.record({ kind: fc.constant("bit" as const), bit: fc.integer({ min: 0, max: 31 }), name: fc.constantFrom(...BIT_NAMES), first: fc.boolean() }),
    tlp,
    id.map((i) => ({ kind: "agent-first" as const, ...i })),
    u16.map((v) => ({ kind: "no-source" as const, id: v })),
    fc.integer({ min: 1, max: 999 }).map((max) => ({ kind: "exceeded" as const, max })),
    fc.record({ kind: fc.constant("ff-status" as const), status: u32, mask: u32 }),
    fc.record({ kind: fc.constant("ff-layer" as const), layer: fc.constantFrom(...AER_LAYERS), agent: fc.constantFrom(...AER_AGENTS) }),
    fc.record({ kind: fc.constant("ff-severity" as const), severity: u32 }),
    fc.record({ kind: fc.constant("cant-recover-transition" as const), from: fc.integer({ min: 0, max: 9 }), to: fc.integer({ min: 0, max: 9 }) }),
    fc.constantFrom<AerLineBody>({ kind: "cant-recover-no-callback" }, { kind: "reset-failed" }, { kind: "recovery-successful" }, { kind: "recovery-failed" }, { kind: "dpc-unmasked" }),
    fc.record({ kind: fc.constant("link-reset" as const), port: fc.constantFrom("Root" as const, "Downstream" as const), rc: fc.integer({ min: -200, max: 200 }) }),
    fc.record({ kind: fc.constant("flr-reset" as const), rc: fc.integer({ min: -200, max: 200 }) }),
    fc.record({ kind: fc.constant("enabled" as const), irq: fc.integer({ min: 0, max: 100000 }) }),
    fc.record({ kind: fc.constant("dpc-containment" as const), status: u16, source: u16 }),
    fc.record({ kind: fc.constant("inject" as const), cor: u32, uncor: u32, target: arbBdf }),
  );
}

export function arbAerLine(format: AerLogFormat): fc.Arbitrary<AerLine> {
  return fc.tuple(fc.option(arbDevRef, { nil: undefined }), arbAerBody(format)).map(([dev, body]) => (dev ? { dev, body } : { body }));
}
