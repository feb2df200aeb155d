// The VFIO EEH user API (linux-eeh.md §5.2–§5.4, §6.1; include/uapi/linux/vfio.h and
// include/uapi/asm/eeh.h): ioctl numbers, the extension, the op numbers, the guest-facing
// PE states, the error-injection limits, and the layout of `struct vfio_eeh_pe_op`.
// Each constant is defined once, with the spec's name and value.

// ---- ioctl encoding (§5.2) ----

/** VFIO_TYPE: the ioctl "magic" ';'. */
export const VFIO_TYPE = 0x3b;
/** VFIO_BASE: ioctl numbers of VFIO start at 100. */
export const VFIO_BASE = 100;
/**
 * `_IOC_NONE` on powerpc is 1 with the direction field at bit 29 (arch/powerpc
 * uapi ioctl.h), so `_IO(type, nr)` = 1 << 29 | type << 8 | nr (§5.2).
 */
export const POWERPC_IOC_NONE = 1;
export const POWERPC_IOC_DIRSHIFT = 29;

/** powerpc `_IO(type, nr)`. */
export function powerpcIo(type: number, nr: number): number {
  return ((POWERPC_IOC_NONE << POWERPC_IOC_DIRSHIFT) | (type << 8) | nr) >>> 0;
}

/**
 * VFIO_CHECK_EXTENSION = _IO(VFIO_TYPE, VFIO_BASE + 1). The spec gives only the number of
 * VFIO_EEH_PE_OP; this one is derived the same way from uapi vfio.h (0x20003B65 on powerpc).
 */
export const VFIO_CHECK_EXTENSION = powerpcIo(VFIO_TYPE, VFIO_BASE + 1);
/** VFIO_EEH_PE_OP = _IO(VFIO_TYPE, VFIO_BASE + 21) = 0x20003B79 on powerpc (§5.2). */
export const VFIO_EEH_PE_OP = powerpcIo(VFIO_TYPE, VFIO_BASE + 21);

/** The EEH extension of a sPAPR TCE container (§5.2). */
export const VFIO_EEH = 5;

// ---- VFIO_EEH_PE_OP op numbers (§5.3) ----

export const VFIO_EEH_PE_DISABLE = 0;
export const VFIO_EEH_PE_ENABLE = 1;
export const VFIO_EEH_PE_UNFREEZE_IO = 2;
export const VFIO_EEH_PE_UNFREEZE_DMA = 3;
export const VFIO_EEH_PE_GET_STATE = 4;
export const VFIO_EEH_PE_RESET_DEACTIVATE = 5;
export const VFIO_EEH_PE_RESET_HOT = 6;
export const VFIO_EEH_PE_RESET_FUNDAMENTAL = 7;
export const VFIO_EEH_PE_CONFIGURE = 8;
export const VFIO_EEH_PE_INJECT_ERR = 9;

/** Op names as QEMU and the kernel spell them (for logs and reports). */
export const VFIO_EEH_PE_OP_NAMES: Readonly<Record<number, string>> = {
  [VFIO_EEH_PE_DISABLE]: "DISABLE",
  [VFIO_EEH_PE_ENABLE]: "ENABLE",
  [VFIO_EEH_PE_UNFREEZE_IO]: "UNFREEZE_IO",
  [VFIO_EEH_PE_UNFREEZE_DMA]: "UNFREEZE_DMA",
  [VFIO_EEH_PE_GET_STATE]: "GET_STATE",
  [VFIO_EEH_PE_RESET_DEACTIVATE]: "RESET_DEACTIVATE",
  [VFIO_EEH_PE_RESET_HOT]: "RESET_HOT",
  [VFIO_EEH_PE_RESET_FUNDAMENTAL]: "RESET_FUNDAMENTAL",
  [VFIO_EEH_PE_CONFIGURE]: "CONFIGURE",
  [VFIO_EEH_PE_INJECT_ERR]: "INJECT_ERR",
};

// ---- guest-facing PE states (§5.4; equal to the PAPR read-slot-reset-state2 codes) ----

export const VFIO_EEH_PE_STATE_NORMAL = 0;
export const VFIO_EEH_PE_STATE_RESET = 1;
export const VFIO_EEH_PE_STATE_STOPPED = 2;
export const VFIO_EEH_PE_STATE_STOPPED_DMA = 4;
export const VFIO_EEH_PE_STATE_UNAVAIL = 5;

// ---- error injection (§6.1) ----

export const EEH_ERR_FUNC_MIN = 0;
export const EEH_ERR_FUNC_MAX = 19;

// ---- struct vfio_eeh_pe_op (§5.2) ----
//   u32 argsz @0; u32 flags @4; u32 op @8; (4 bytes padding: the union is 8-aligned)
//   union { struct vfio_eeh_pe_err { u32 type @16; u32 func @20; u64 addr @24; u64 mask @32; } }
//   sizeof = 40

export const VFIO_EEH_PE_OP_ARGSZ_OFFSET = 0;
export const VFIO_EEH_PE_OP_FLAGS_OFFSET = 4;
export const VFIO_EEH_PE_OP_OP_OFFSET = 8;
export const VFIO_EEH_PE_ERR_TYPE_OFFSET = 16;
export const VFIO_EEH_PE_ERR_FUNC_OFFSET = 20;
export const VFIO_EEH_PE_ERR_ADDR_OFFSET = 24;
export const VFIO_EEH_PE_ERR_MASK_OFFSET = 32;
/** offsetofend(struct vfio_eeh_pe_op, op): what every op copies first. */
export const VFIO_EEH_PE_OP_MINSZ = 12;
/** offsetofend(struct vfio_eeh_pe_op, err.mask) = sizeof: what INJECT_ERR copies. */
export const VFIO_EEH_PE_OP_ERR_MINSZ = 40;
export const VFIO_EEH_PE_OP_SIZE = 40;
