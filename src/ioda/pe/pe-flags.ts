// Linux `struct eeh_pe` type and state flags (linux-eeh.md §1.2, §1.3) and the PowerNV
// allocator's PE flags (powernv-opal.md §1.4). Values are the kernel's.

// eeh_pe.type (bit flags)
export const EEH_PE_INVALID = 0x01;
export const EEH_PE_PHB = 0x02;
export const EEH_PE_DEVICE = 0x04;
export const EEH_PE_BUS = 0x08;
export const EEH_PE_VF = 0x10;

// eeh_pe.state
export const EEH_PE_ISOLATED = 0x001;
export const EEH_PE_RECOVERING = 0x002;
export const EEH_PE_CFG_BLOCKED = 0x004;
export const EEH_PE_RESET = 0x008;
export const EEH_PE_KEEP = 0x100;
export const EEH_PE_CFG_RESTRICTED = 0x200;
export const EEH_PE_REMOVED = 0x400;
export const EEH_PE_PRI_BUS = 0x800;

// pnv_ioda_pe.flags (PowerNV allocator)
export const PNV_IODA_PE_DEV = 0x01;
export const PNV_IODA_PE_BUS = 0x02;
export const PNV_IODA_PE_BUS_ALL = 0x04;
export const PNV_IODA_PE_MASTER = 0x08;
export const PNV_IODA_PE_SLAVE = 0x10;
export const PNV_IODA_PE_VF = 0x20;

const TYPE_NAMES: ReadonlyArray<[number, string]> = [
  [EEH_PE_INVALID, "INVALID"],
  [EEH_PE_PHB, "PHB"],
  [EEH_PE_DEVICE, "DEVICE"],
  [EEH_PE_BUS, "BUS"],
  [EEH_PE_VF, "VF"],
];

const STATE_NAMES: ReadonlyArray<[number, string]> = [
  [EEH_PE_ISOLATED, "ISOLATED"],
  [EEH_PE_RECOVERING, "RECOVERING"],
  [EEH_PE_CFG_BLOCKED, "CFG_BLOCKED"],
  [EEH_PE_RESET, "RESET"],
  [EEH_PE_KEEP, "KEEP"],
  [EEH_PE_CFG_RESTRICTED, "CFG_RESTRICTED"],
  [EEH_PE_REMOVED, "REMOVED"],
  [EEH_PE_PRI_BUS, "PRI_BUS"],
];

function names(table: ReadonlyArray<[number, string]>, v: number): string[] {
  return table.filter(([bit]) => v & bit).map(([, n]) => n);
}

export function peTypeNames(type: number): string[] {
  return names(TYPE_NAMES, type);
}

export function peStateNames(state: number): string[] {
  return names(STATE_NAMES, state);
}
