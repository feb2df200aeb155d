// The two shapes of Linux' PHB diag dump (powernv-opal.md §4.2–§4.4) and how each prints
// the PHB number in the header.
//
// * "mainline": PEST runs collapsed ("as above"), PE index %03x; header PHB#%x for P7IOC and
//   PHB3, PHB#%d for PHB4.
// * "legacy": every stopped PE printed as PE[%3d] (decimal, space-padded). The kernels that
//   printed this form (before the pnv_pci_dump_pest helper and PHB4 support) also printed
//   the header as PHB#%d for P7IOC and PHB3; the spec does not say, the kernel sources of
//   that era do, so legacy headers are decimal for every model.

import type { PhbDiagModel } from "../opal/constants.js";

export type DumpFormat = "mainline" | "legacy";

/** Radix of the PHB number in the `<model> PHB#<n> Diag-data` header. */
export function headerPhbRadix(model: PhbDiagModel, format: DumpFormat): 10 | 16 {
  return format === "legacy" || model === "PHB4" ? 10 : 16;
}
