// What an AER-side driver offers (aer-xen.md §2.1 step 5, §3): the four recovery callbacks
// of `struct pci_error_handlers` plus `cor_error_detected`, which only the native AER path
// calls for correctable errors. Result codes and channel states are Linux's (eeh/driver.ts
// defines them once). Callbacks may answer asynchronously: Xen's pciback waits for its
// frontend on the virtual clock before it can vote.

import {
  CHANNEL_NAMES,
  resultFromName,
  scriptedDriver,
  type ChannelState,
  type DeviceHandle,
  type PciErsResult,
  type ScriptedAnswers,
} from "../eeh/driver.js";

export type MaybePromise<T> = T | Promise<T>;

/**
 * A driver as the AER core sees it. Omitted callbacks are not implemented. Every
 * synchronous `PciDriver` of the EEH core is also an `AerDriver`.
 */
export interface AerDriver {
  readonly name: string;
  errorDetected?(dev: DeviceHandle, state: ChannelState): MaybePromise<PciErsResult>;
  mmioEnabled?(dev: DeviceHandle): MaybePromise<PciErsResult>;
  slotReset?(dev: DeviceHandle): MaybePromise<PciErsResult>;
  resume?(dev: DeviceHandle): MaybePromise<void>;
  /** Native AER only: told of a correctable error after its status is cleared (§2.1 step 5). */
  corErrorDetected?(dev: DeviceHandle): MaybePromise<void>;
}

export interface ScriptedAerAnswers extends ScriptedAnswers {
  /** Implement cor_error_detected. */
  readonly corErrorDetected?: boolean;
}

/** A scripted driver (eeh/driver.ts scriptedDriver) that can also take cor_error_detected. */
export function scriptedAerDriver(name: string, answers: ScriptedAerAnswers): AerDriver & { readonly calls: string[] } {
  const d = scriptedDriver(name, answers) as AerDriver & { calls: string[] };
  if (answers.corErrorDetected) {
    const calls = d.calls;
    (d as { corErrorDetected?: AerDriver["corErrorDetected"] }).corErrorDetected = () => void calls.push("cor_error_detected");
  }
  return d;
}

/** Whether the driver has an error_detected callback (what err.c and pcifront check). */
export function hasErrorDetected(d: AerDriver | undefined): d is AerDriver & Required<Pick<AerDriver, "errorDetected">> {
  return d?.errorDetected !== undefined;
}

/** The callback name as the logs and reports show it, e.g. `error_detected(IO frozen)`. */
export function callbackLabel(pass: "error_detected" | "mmio_enabled" | "slot_reset" | "resume" | "cor_error_detected", state?: ChannelState): string {
  return pass === "error_detected" && state !== undefined ? `error_detected(${CHANNEL_NAMES[state]})` : pass;
}

export { resultFromName };
