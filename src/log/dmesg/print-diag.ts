// printPhbDiag: the lines Linux prints for a PHB diag blob (powernv-opal.md §4.1–§4.4,
// pnv_pci_dump_phb_diag_data), without the kernel's timestamp or level — one string per
// printk. `domain` is the Linux PCI domain (hose->global_number), not the OPAL PHB id.

import { ArgumentError } from "../../core/errors.js";
import { PHB_DIAG_MODEL_OF } from "../opal/constants.js";
import type { PhbDiagData } from "../opal/types.js";
import { DIAG_PRINT_MODELS, fieldWidth } from "./diag-lines.js";
import { headerPhbRadix, type DumpFormat } from "./dump-format.js";
import { printPestLines } from "./pest-lines.js";

export interface PrintPhbDiagOptions {
  /** Linux PCI domain = the PHB# Linux prints. */
  readonly domain: number;
  /** Default "mainline". */
  readonly format?: DumpFormat;
}

export function printPhbDiag(d: PhbDiagData, opts: PrintPhbDiagOptions): string[] {
  const { domain } = opts;
  const format = opts.format ?? "mainline";
  if (!Number.isInteger(domain) || domain < 0) throw new ArgumentError(`domain must be a non-negative integer, got ${domain}`, { domain });
  const model = PHB_DIAG_MODEL_OF[d.ioType];
  if (model === undefined) throw new ArgumentError(`unknown diag-data ioType ${String(d.ioType)}`, { ioType: d.ioType });
  const printModel = DIAG_PRINT_MODELS[model];
  const values = d as unknown as Readonly<Record<string, number | bigint>>;

  const out = [`${model} PHB#${domain.toString(headerPhbRadix(model, format))} Diag-data (Version: ${d.version})`];
  for (const line of printModel.lines) {
    if (!line.gate.some((f) => isNonZero(values[f]))) continue;
    const words = line.fields.map((f) => hexWord(values[f], fieldWidth(model, f)));
    out.push(`${`${line.label}:`.padEnd(printModel.labelWidth)}${words.join(" ")}`);
  }
  out.push(...printPestLines(d.pestA, d.pestB, format));
  return out;
}

function isNonZero(v: number | bigint | undefined): boolean {
  return v !== undefined && v !== 0 && v !== 0n;
}

function hexWord(v: number | bigint | undefined, width: number): string {
  return (v ?? 0).toString(16).padStart(width, "0");
}
