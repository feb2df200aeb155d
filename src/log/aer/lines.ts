// One AER kernel-log line as a value (aer-xen.md §2.2, §2.3, §4.2): what the AER driver,
// the recovery engine (err.c), DPC and aer_inject print. The printer turns a value into the
// line a given kernel generation prints; the parser turns any generation's line back into
// the value. Every line may carry the device prefix `<driver> <DDDD:BB:DD.F>: `.

import type { AerAgent, AerLayer, AerSeverity } from "./names.js";

/** The `dev_printk` prefix: the bound driver's name (or the bus name "pci") and the BDF. */
export interface AerDevRef {
  readonly driver: string;
  /** `DDDD:BB:DD.F`, lower-case hex, as Linux prints it. */
  readonly address: string;
}

export interface AerBitLine {
  readonly kind: "bit";
  readonly bit: number;
  /** As printed: a short or old name, or "Unknown Error Bit". */
  readonly name: string;
  readonly first: boolean;
}

export interface AerTlpLine {
  readonly kind: "tlp";
  /** Header log dwords: 4, or up to 14 in Flit mode (C only). */
  readonly dwords: readonly number[];
  /** (C) Flit mode: `TLP Header (Flit): …`. */
  readonly flit: boolean;
  /** (C) TLP prefix log dwords, printed after ` E-E Prefixes:` (non-Flit only). */
  readonly prefixes: readonly number[];
}

export type AerLineBody =
  /** The root port's line for one error message (§2.1 step 2). `source`: a BDF, or (legacy) the 16-bit id. */
  | { readonly kind: "root"; readonly severity: AerSeverity; readonly multiple: boolean; readonly source: string | number; readonly noDetails: boolean }
  /** `PCIe Bus Error: severity=…, type=<layer>, (<agent>)`; `id` only in (A). */
  | { readonly kind: "bus-error"; readonly severity: AerSeverity; readonly layer: AerLayer; readonly agent: AerAgent; readonly id?: number }
  /** The status-0 case: a fatal error on an endpoint whose registers were not read (§2.1 step 4). */
  | { readonly kind: "inaccessible"; readonly severity: AerSeverity; readonly id?: number }
  | { readonly kind: "device"; readonly vendor: number; readonly device: number; readonly status: number; readonly mask: number }
  | AerBitLine
  | AerTlpLine
  | { readonly kind: "agent-first"; readonly id?: number }
  | { readonly kind: "no-source"; readonly id: number }
  | { readonly kind: "exceeded"; readonly max: number }
  // firmware-first (GHES/CPER) path, §2.2
  | { readonly kind: "ff-status"; readonly status: number; readonly mask: number }
  | { readonly kind: "ff-layer"; readonly layer: AerLayer; readonly agent: AerAgent }
  | { readonly kind: "ff-severity"; readonly severity: number }
  // recovery (err.c), §2.3
  | { readonly kind: "cant-recover-transition"; readonly from: number; readonly to: number }
  | { readonly kind: "cant-recover-no-callback" }
  | { readonly kind: "reset-failed" }
  | { readonly kind: "recovery-successful" }
  | { readonly kind: "recovery-failed" }
  | { readonly kind: "link-reset"; readonly port: "Root" | "Downstream"; readonly rc: number }
  /** RCEC/RCiEP reset by FLR: rc 0 "has been reset", else "not reset (no FLR support: rc)". */
  | { readonly kind: "flr-reset"; readonly rc: number }
  | { readonly kind: "enabled"; readonly irq: number }
  // DPC, §2.3
  | { readonly kind: "dpc-containment"; readonly status: number; readonly source: number }
  | { readonly kind: "dpc-unmasked" }
  // aer_inject, §4.2
  | { readonly kind: "inject"; readonly cor: number; readonly uncor: number; readonly target: string };

export type AerLineKind = AerLineBody["kind"];

export interface AerLine {
  readonly dev?: AerDevRef;
  readonly body: AerLineBody;
}

/** Kinds that belong to one device's error printout (after a root line). */
export const AER_DETAIL_KINDS: ReadonlySet<AerLineKind> = new Set<AerLineKind>([
  "bus-error",
  "inaccessible",
  "device",
  "bit",
  "tlp",
  "agent-first",
  "ff-status",
  "ff-layer",
  "ff-severity",
]);

/** Kinds printed by the recovery engine, DPC or aer_inject. */
export const AER_RECOVERY_KINDS: ReadonlySet<AerLineKind> = new Set<AerLineKind>([
  "cant-recover-transition",
  "cant-recover-no-callback",
  "reset-failed",
  "recovery-successful",
  "recovery-failed",
  "link-reset",
  "flr-reset",
  "enabled",
  "dpc-containment",
  "dpc-unmasked",
  "inject",
]);
