// Error names a user types (CLI, comparison input) → the AER bit to inject (aer-xen.md §1.1,
// §1.2, §4.1): the aer-inject symbols (MALF_TLP, BAD_TLP…), the kernel's short names
// (MalfTLP, BadTLP…) and the old long names ("Malformed TLP"), case-insensitive; plus
// "link-down" (the port above the device loses its link and reports Surprise Down).

import { ArgumentError } from "../../core/errors.js";
import { AER_COR_NAMES, AER_COR_NAMES_OLD, AER_INJECT_COR_SYMBOLS, AER_INJECT_UNCOR_SYMBOLS, AER_UNCOR_NAMES, AER_UNCOR_NAMES_OLD } from "./names.js";

export type AerErrorKind =
  | { readonly kind: "uncorrectable"; readonly bit: number; readonly name: string }
  | { readonly kind: "correctable"; readonly bit: number; readonly name: string }
  | { readonly kind: "link-down"; readonly name: string };

const norm = (s: string): string => s.toLowerCase().replace(/[\s_-]+/g, "");

function fromTables(n: string, tables: readonly (readonly (string | undefined)[])[]): number | undefined {
  for (const t of tables) {
    const i = t.findIndex((x) => x !== undefined && norm(x) === n);
    if (i >= 0) return (1 << i) >>> 0;
  }
  return undefined;
}

/** Every name `resolveAerError` accepts, one spelling each (for help texts). */
export const AER_ERROR_NAMES: readonly string[] = [
  ...Object.keys(AER_INJECT_UNCOR_SYMBOLS),
  ...AER_UNCOR_NAMES.filter((x): x is string => !!x),
  ...Object.keys(AER_INJECT_COR_SYMBOLS),
  ...AER_COR_NAMES.filter((x): x is string => !!x),
  "link-down",
];

export function resolveAerError(name: string): AerErrorKind {
  const n = norm(name);
  if (n === "linkdown" || n === "surprisedown") return { kind: "link-down", name: "link-down" };
  for (const [sym, bit] of Object.entries(AER_INJECT_UNCOR_SYMBOLS)) if (norm(sym) === n) return { kind: "uncorrectable", bit, name: sym };
  for (const [sym, bit] of Object.entries(AER_INJECT_COR_SYMBOLS)) if (norm(sym) === n) return { kind: "correctable", bit, name: sym };
  const ue = fromTables(n, [AER_UNCOR_NAMES, AER_UNCOR_NAMES_OLD]);
  if (ue !== undefined) return { kind: "uncorrectable", bit: ue, name };
  const ce = fromTables(n, [AER_COR_NAMES, AER_COR_NAMES_OLD]);
  if (ce !== undefined) return { kind: "correctable", bit: ce, name };
  throw new ArgumentError(`unknown AER error "${name}" (an aer-inject symbol such as MALF_TLP or BAD_TLP, a kernel name such as MalfTLP, or link-down)`, { error: name });
}
