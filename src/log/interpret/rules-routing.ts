// Registers whose bits the spec does not name one by one are attributed, not interpreted:
//
// * Error-status groups (status + first-error words; diag-view.ts lists them by path) go
//   to the findings of their path — outbound → MMIO/CONFIG errors, inbound → DMA errors,
//   pcie → link/UE/CE — else to the fence or dead PHB, else to an UNKNOWN naming the group.
//   PHB3: with a fence present, bits skiboot enables to fence the PHB (§6.3
//   AIB_FENCE_ENABLE) go to the PHB_FENCE rather than to a PE error.
//   PHB4 bits the spec names ("PAPR … Injection Error Triggered", §3.4) mark the path's
//   findings INJECTED, or become an MMIO/DMA error of their own when there is none.
// * ER-class LEM bits (they freeze a PE): to the PE_FROZEN whose PESTA bits 26..31 record
//   that LEM bit; else to every frozen PE (the PEST did not say which); else to the
//   fence/dead PHB; else UNKNOWN.
// * PLSSR/CSR ANY_FREEZE (bit 29) corroborates the PE_FROZEN findings.
// A group word that reads all-ones is a failed read: it goes to the fence/dead PHB or an
// UNKNOWN, never to a path finding.

import { ppcBit, setBits } from "../../core/bits.js";
import { FINDING_FLAGS, type FindingType } from "./catalogue.js";
import { PHB_STATUS_ANY_FREEZE, type DiagView, type ErrorGroup, type ErrorPath } from "./diag-view.js";
import type { Draft, Drafts } from "./draft.js";
import { isAllOnes64 } from "./fir-classes.js";
import { isPciWord } from "./registers.js";
import { PESTA_LEM_FIELD_MASK, pestLemBit } from "./rules-pest.js";

const PATH_TYPES: Readonly<Record<ErrorPath, readonly FindingType[]>> = {
  outbound: ["MMIO_ERROR", "CONFIG_ERROR"],
  inbound: ["DMA_IOMMU_FAULT", "DMA_ERROR"],
  pcie: ["LINK_LOSS", "LINK_DOWN", "PCIE_UE", "PCIE_CE"],
  phb: [],
};

const PATH_WORDS: Readonly<Record<ErrorPath, string>> = {
  outbound: "MMIO/config",
  inbound: "DMA",
  pcie: "PCIe",
  phb: "fence",
};

export function applyRoutingRules(v: DiagView, f: Drafts, lemEr: bigint): void {
  for (const g of v.groups) routeGroup(v, f, g);
  routeLemEr(v, f, lemEr);
  for (const d of f.ofType("PE_FROZEN")) {
    f.citeSet(d, v.plssr, PHB_STATUS_ANY_FREEZE);
    f.citeSet(d, v.csr, PHB_STATUS_ANY_FREEZE);
  }
}

function namedMask(g: ErrorGroup): bigint {
  let m = 0n;
  for (const b of g.named?.keys() ?? []) m |= ppcBit(b);
  return m;
}

function routeGroup(v: DiagView, f: Drafts, g: ErrorGroup): void {
  const named = namedMask(g);
  const targets = (): Draft[] => f.ofType(...PATH_TYPES[g.path]);
  for (const reg of g.registers) {
    const value = v.value(reg);
    if (value === 0n) continue;
    if (isAllOnes64(value) || (isPciWord(reg) && value === 0xffffffffn)) {
      // A failed read (§6.1's all-ones rule), not a set of error bits.
      f.cite(f.fallback() ?? f.unknown(`all-ones:${reg}`, "register reading all-ones"), reg, value);
      continue;
    }
    if (value & named) {
      let ts = targets();
      if (ts.length === 0) ts = [injectedFinding(f, g, value & named)];
      for (const d of ts) {
        d.flags |= FINDING_FLAGS.INJECTED;
        f.cite(d, reg, value & named);
      }
    }
    let rest = value & ~named;
    const fence = f.find("PHB_FENCE");
    if (fence && g.fenceEnable !== undefined) {
      f.cite(fence, reg, rest & g.fenceEnable);
      rest &= ~g.fenceEnable;
    }
    if (rest === 0n) continue;
    const ts = targets();
    if (ts.length) {
      for (const d of ts) f.cite(d, reg, rest);
      continue;
    }
    const sink = f.fallback() ?? f.unknown(`group:${g.label}`, `${g.label} error bits with no ${PATH_WORDS[g.path]} finding`);
    f.cite(sink, reg, rest);
  }
}

/** A PHB4 injection bit with no PE error of its path: the error itself, PE unknown. */
function injectedFinding(f: Drafts, g: ErrorGroup, bits: bigint): Draft {
  const names = [...new Set(setBits(bits).map((b) => g.named?.get(b) ?? `bit ${b}`))].join(", ");
  const outbound = g.path === "outbound";
  return f.get(outbound ? "MMIO_ERROR" : "DMA_ERROR", `injected:${g.label}`, () => ({
    flags: (outbound ? FINDING_FLAGS.MMIO : FINDING_FLAGS.DMA) | FINDING_FLAGS.INJECTED,
    describe: () => `${outbound ? "MMIO" : "DMA"} error: ${names} (${g.label}), PE not recorded`,
  }));
}

function routeLemEr(v: DiagView, f: Drafts, lemEr: bigint): void {
  if (lemEr === 0n) return;
  const frozen = f.ofType("PE_FROZEN");
  const fir = v.value("lemFir");
  const wof = v.value("lemWOF");
  const cite = (d: Draft, m: bigint): void => {
    f.cite(d, "lemFir", fir & m);
    f.cite(d, "lemWOF", wof & m);
  };
  for (const n of setBits(lemEr)) {
    const m = ppcBit(n);
    const named = frozen.filter((d) => d.pe !== undefined && pestLemBit(v, d.pe) === n);
    for (const d of named) {
      cite(d, m);
      f.cite(d, "pestA", (v.d.pestA[d.pe!] ?? 0n) & PESTA_LEM_FIELD_MASK, { index: d.pe! });
    }
    if (named.length) continue;
    const sinks = frozen.length ? frozen : [f.fallback() ?? f.unknown("lem-er", "ER-class LEM bits with no frozen PE")];
    for (const d of sinks) cite(d, m);
  }
}
