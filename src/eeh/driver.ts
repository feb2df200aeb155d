// PCI error-recovery driver callbacks and results (linux-eeh.md §3.1, §3.2). Drivers are
// plain objects a test or scenario hands to the EEH core per device: each callback returns
// the answer the script chose. A driver with no callbacks is "not EEH aware".

export const pci_channel_io_normal = 1;
export const pci_channel_io_frozen = 2;
export const pci_channel_io_perm_failure = 3;
export type ChannelState = typeof pci_channel_io_normal | typeof pci_channel_io_frozen | typeof pci_channel_io_perm_failure;

export const PCI_ERS_RESULT_NONE = 1;
export const PCI_ERS_RESULT_CAN_RECOVER = 2;
export const PCI_ERS_RESULT_NEED_RESET = 3;
export const PCI_ERS_RESULT_DISCONNECT = 4;
export const PCI_ERS_RESULT_RECOVERED = 5;
export const PCI_ERS_RESULT_NO_AER_DRIVER = 6;

export type PciErsResult = number;

export type ResultName = "none" | "can recover" | "need reset" | "disconnect" | "recovered" | "no AER driver";

const NAMES: Record<number, ResultName> = {
  [PCI_ERS_RESULT_NONE]: "none",
  [PCI_ERS_RESULT_CAN_RECOVER]: "can recover",
  [PCI_ERS_RESULT_NEED_RESET]: "need reset",
  [PCI_ERS_RESULT_DISCONNECT]: "disconnect",
  [PCI_ERS_RESULT_RECOVERED]: "recovered",
  [PCI_ERS_RESULT_NO_AER_DRIVER]: "no AER driver",
};

export function resultName(r: PciErsResult): string {
  return NAMES[r] ?? "unknown";
}

export function resultFromName(name: ResultName): PciErsResult {
  const e = Object.entries(NAMES).find(([, n]) => n === name);
  return Number(e![0]);
}

// eeh_result_priority: NONE < NO_AER_DRIVER < RECOVERED < CAN_RECOVER < DISCONNECT < NEED_RESET.
const PRIORITY: Record<number, number> = {
  [PCI_ERS_RESULT_NONE]: 1,
  [PCI_ERS_RESULT_NO_AER_DRIVER]: 2,
  [PCI_ERS_RESULT_RECOVERED]: 3,
  [PCI_ERS_RESULT_CAN_RECOVER]: 4,
  [PCI_ERS_RESULT_DISCONNECT]: 5,
  [PCI_ERS_RESULT_NEED_RESET]: 6,
};

export function resultPriority(r: PciErsResult): number {
  return PRIORITY[r] ?? 0;
}

/** pci_ers_merge_result: the new result wins only with a strictly higher priority. */
export function mergeResult(old: PciErsResult, next: PciErsResult): PciErsResult {
  return resultPriority(next) > resultPriority(old) ? next : old;
}

export const CHANNEL_NAMES: Record<ChannelState, string> = {
  [pci_channel_io_normal]: "IO normal",
  [pci_channel_io_frozen]: "IO frozen",
  [pci_channel_io_perm_failure]: "permanent failure",
};

/** What a driver's callbacks see of the device. */
export interface DeviceHandle {
  readonly address: string;
  readonly phbId: number;
  readonly rid: number;
}

export interface PciDriver {
  readonly name: string;
  errorDetected?(dev: DeviceHandle, state: ChannelState): PciErsResult;
  mmioEnabled?(dev: DeviceHandle): PciErsResult;
  slotReset?(dev: DeviceHandle): PciErsResult;
  resume?(dev: DeviceHandle): void;
}

/** A driver is EEH aware when it has error handlers at all (Linux: driver->err_handler). */
export function eehAware(d: PciDriver | undefined): boolean {
  return !!d && (d.errorDetected !== undefined || d.mmioEnabled !== undefined || d.slotReset !== undefined || d.resume !== undefined);
}

export interface ScriptedAnswers {
  readonly errorDetected?: ResultName;
  readonly mmioEnabled?: ResultName;
  readonly slotReset?: ResultName;
  /** Whether the driver implements resume (default: when it implements anything). */
  readonly resume?: boolean;
}

/**
 * A driver that answers what it is told, and records the calls it got (for tests and
 * reports). Omitted answers mean the callback is not implemented.
 */
export function scriptedDriver(name: string, answers: ScriptedAnswers): PciDriver & { readonly calls: string[] } {
  const calls: string[] = [];
  const d: PciDriver & { calls: string[] } = { name, calls };
  const aware = answers.errorDetected || answers.mmioEnabled || answers.slotReset || answers.resume;
  if (answers.errorDetected) {
    const r = resultFromName(answers.errorDetected);
    d.errorDetected = (_dev, state) => (calls.push(`error_detected(${CHANNEL_NAMES[state]})`), r);
  }
  if (answers.mmioEnabled) {
    const r = resultFromName(answers.mmioEnabled);
    d.mmioEnabled = () => (calls.push("mmio_enabled"), r);
  }
  if (answers.slotReset) {
    const r = resultFromName(answers.slotReset);
    d.slotReset = () => (calls.push("slot_reset"), r);
  }
  if (answers.resume ?? aware) d.resume = () => void calls.push("resume");
  return d;
}
