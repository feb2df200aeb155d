// The per-device AER statistics Linux exposes in sysfs (aer-xen.md §2.4): per-bit counters of
// `status & ~mask` for correctable, fatal and non-fatal errors with their totals, and on
// root ports the totals of messages received. Rendered exactly as the sysfs files read.

import { AER_COR_NAMES, AER_MAX_TYPEOF_COR_ERRS, AER_MAX_TYPEOF_UNCOR_ERRS, AER_UNCOR_NAMES, type AerSeverity } from "../log/aer/names.js";

export interface AerStats {
  readonly devCorErrs: number[];
  readonly devFatalErrs: number[];
  readonly devNonfatalErrs: number[];
  devTotalCorErrs: number;
  devTotalFatalErrs: number;
  devTotalNonfatalErrs: number;
  /** Root ports: messages received (pci_rootport_aer_stats_incr). */
  rootportTotalCorErrs: number;
  rootportTotalFatalErrs: number;
  rootportTotalNonfatalErrs: number;
}

export function newAerStats(): AerStats {
  return {
    devCorErrs: new Array<number>(AER_MAX_TYPEOF_COR_ERRS).fill(0),
    devFatalErrs: new Array<number>(AER_MAX_TYPEOF_UNCOR_ERRS).fill(0),
    devNonfatalErrs: new Array<number>(AER_MAX_TYPEOF_UNCOR_ERRS).fill(0),
    devTotalCorErrs: 0,
    devTotalFatalErrs: 0,
    devTotalNonfatalErrs: 0,
    rootportTotalCorErrs: 0,
    rootportTotalFatalErrs: 0,
    rootportTotalNonfatalErrs: 0,
  };
}

/** pci_dev_aer_stats_incr: one total, and one count per set bit of status & ~mask (array-sized). */
export function countDeviceError(s: AerStats, severity: AerSeverity, status: number, mask: number): void {
  const shown = (status & ~mask) >>> 0;
  const counts = severity === "correctable" ? s.devCorErrs : severity === "fatal" ? s.devFatalErrs : s.devNonfatalErrs;
  if (severity === "correctable") s.devTotalCorErrs++;
  else if (severity === "fatal") s.devTotalFatalErrs++;
  else s.devTotalNonfatalErrs++;
  for (let i = 0; i < counts.length; i++) if ((shown >>> i) & 1) counts[i]!++;
}

export type AerSysfsFile =
  | "aer_dev_correctable"
  | "aer_dev_fatal"
  | "aer_dev_nonfatal"
  | "aer_rootport_total_err_cor"
  | "aer_rootport_total_err_fatal"
  | "aer_rootport_total_err_nonfatal";

/**
 * The text of one sysfs file: per named bit `<name> <count>`, per unnamed bit with a
 * non-zero count `<array>_bit[<n>] <count>` (array = the kernel's stats array name), then
 * `TOTAL_ERR_*`. The rootport files are a single number.
 */
export function renderAerSysfs(s: AerStats, file: AerSysfsFile): string {
  const dev = (counts: readonly number[], names: readonly (string | undefined)[], array: string, total: string, n: number): string => {
    let out = "";
    counts.forEach((c, i) => {
      const name = names[i];
      if (name) out += `${name} ${c}\n`;
      else if (c) out += `${array}_bit[${i}] ${c}\n`;
    });
    return out + `TOTAL_${total} ${n}\n`;
  };
  switch (file) {
    case "aer_dev_correctable":
      return dev(s.devCorErrs, AER_COR_NAMES, "dev_cor_errs", "ERR_COR", s.devTotalCorErrs);
    case "aer_dev_fatal":
      return dev(s.devFatalErrs, AER_UNCOR_NAMES, "dev_fatal_errs", "ERR_FATAL", s.devTotalFatalErrs);
    case "aer_dev_nonfatal":
      return dev(s.devNonfatalErrs, AER_UNCOR_NAMES, "dev_nonfatal_errs", "ERR_NONFATAL", s.devTotalNonfatalErrs);
    case "aer_rootport_total_err_cor":
      return `${s.rootportTotalCorErrs}\n`;
    case "aer_rootport_total_err_fatal":
      return `${s.rootportTotalFatalErrs}\n`;
    case "aer_rootport_total_err_nonfatal":
      return `${s.rootportTotalNonfatalErrs}\n`;
  }
}
