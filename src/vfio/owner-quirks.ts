// Devices whose PE is reset, not just thawed, when it changes owner (linux-eeh.md §5.1,
// eeh.c `eeh_reset_ids`): they do not come back sane from a thaw alone.

export interface PciId {
  readonly vendor: number;
  readonly device: number;
  readonly name: string;
}

export const EEH_RESET_QUIRKS: readonly PciId[] = [
  { vendor: 0x19a2, device: 0x0710, name: "Emulex, BE" },
  { vendor: 0x10df, device: 0xe220, name: "Emulex, Lancer" },
  { vendor: 0x14e4, device: 0x1657, name: "Broadcom BCM5719" },
];

export function needsResetOnOwnerChange(vendor: number, device: number): boolean {
  return EEH_RESET_QUIRKS.some((q) => q.vendor === vendor && q.device === device);
}
