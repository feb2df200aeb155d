// The config space of one PCI function: the bytes software reads and writes with config
// cycles, plus the write semantics of every bit. Modelled the way QEMU's hw/pci does it:
// next to the bytes sit a write mask (RW bits) and a write-1-to-clear mask (RW1C bits), both
// fixed when the function is created, so one generic write rule covers read-only ids, RW
// control bits, RW1C error status and the BAR sizing protocol (a BAR's writable bits are its
// address bits above the size, so writing all ones reads back ~(size-1) | type flags).
//
// A ConfigSpace is immutable: it lives inside the emulator's immer state tree, which does
// not draft class instances, so every write returns a new ConfigSpace with a copied byte
// array (copy-on-write, DESIGN.md "State"); the masks never change and are shared.
//
// Layout (fixed offsets, so callers may use the constants below):
//   0x000  type 0 header (endpoints, VFs) or type 1 header (bridges)
//   0x040  PCI Express capability (cap id 0x10, version 2)
//   0x100  AER extended capability (aer-xen.md §1) when the function has `aer`
//   0x140  SR-IOV extended capability on SR-IOV PFs
// Config space is 0x1000 bytes logically; only the first CONFIG_BACKING_SIZE bytes are
// stored and the rest reads as zero and ignores writes (no capability lives there).

import { ArgumentError } from "../core/errors.js";
import type { BarSpec, BarType, FunctionKind, PciFunctionSpec } from "./topology.js";
import { isBridgeKind, isPowerOfTwo } from "./topology.js";
import * as R from "./regs.js";

/** Where this emulator places the PCI Express capability. */
export const PCI_EXP_CAP_BASE = 0x40;
/** Where this emulator places the AER extended capability (aer-xen.md §1: in extended space, ≥ 0x100). */
export const PCI_AER_CAP_BASE = 0x100;
/** Where this emulator places the SR-IOV extended capability (PFs only). */
export const PCI_SRIOV_CAP_BASE = 0x140;
/** Bytes actually stored; everything above reads as zero. */
export const CONFIG_BACKING_SIZE = 0x200;

export type ConfigAccessSize = 1 | 2 | 4;

/**
 * One function's config space. Treat as a value: read it with `configRead`, change it with
 * `configWrite` (software) or `withHardwareWrites` (the device itself), both of which return
 * a new ConfigSpace. The arrays are exposed for those functions only; never write them.
 */
export class ConfigSpace {
  /** @internal */
  constructor(
    /** Register contents. */
    readonly bytes: Uint8Array,
    /** Bits software may write (RW). Shared by every version of this function's space. */
    readonly wmask: Uint8Array,
    /** Bits software clears by writing 1 (RW1C). Shared likewise. */
    readonly w1cmask: Uint8Array,
  ) {}
}

export interface ConfigSpaceOptions {
  /** Set the multi-function bit of PCI_HEADER_TYPE (the device has more than function 0). */
  readonly multiFunction?: boolean;
}

// ---------------------------------------------------------------------------------------
// Creation and reset
// ---------------------------------------------------------------------------------------

/**
 * The config space of `fn` as it is after firmware/Linux enumeration: power-on values
 * (BARs zero, command 0, AER at its default masks/severities) plus, on bridges, the bus
 * numbers of the description programmed into 0x18..0x1a and, on SR-IOV PFs, VFs enabled
 * with NumVFs = `sriov.numVfs`. BAR addresses are programmed later by the platform
 * (`setBarAddress`), as the description deliberately has none.
 */
export function createConfigSpace(fn: PciFunctionSpec, options: ConfigSpaceOptions = {}): ConfigSpace {
  const cs = powerOn(fn, options);
  const b = cs.bytes;
  if (isBridgeKind(fn.kind)) {
    put(b, R.PCI_PRIMARY_BUS, 1, fn.address.bus);
    put(b, R.PCI_SECONDARY_BUS, 1, fn.secondaryBus ?? 0);
    put(b, R.PCI_SUBORDINATE_BUS, 1, fn.subordinateBus ?? 0);
  }
  if (fn.sriov && fn.sriov.numVfs > 0) {
    put(b, PCI_SRIOV_CAP_BASE + R.PCI_SRIOV_CTRL, 2, R.PCI_SRIOV_CTRL_VFE | R.PCI_SRIOV_CTRL_MSE);
    put(b, PCI_SRIOV_CAP_BASE + R.PCI_SRIOV_NUM_VF, 2, fn.sriov.numVfs);
  }
  return cs;
}

/**
 * The config space of `fn` right after a hot or fundamental reset: power-on values
 * everywhere (bus numbers, BARs, windows and command zero; Linux EEH then restores them,
 * linux-eeh.md §3.8 `eeh_pe_restore_bars`). If `previous` is given, the sticky AER
 * registers (PCIe: RW1CS/RWS/ROS — UE/CE status, masks, severity, first error pointer,
 * header log, root error status/source) keep their values, as on a reset with aux power,
 * which is what lets software read the cause of the error after the reset.
 */
export function resetConfigSpace(
  fn: PciFunctionSpec,
  previous?: ConfigSpace,
  options: ConfigSpaceOptions = {},
): ConfigSpace {
  const cs = powerOn(fn, options);
  if (previous && fn.aer && hasAerAt(previous)) {
    const a = PCI_AER_CAP_BASE;
    const sticky: Array<[number, number]> = [
      [R.PCI_ERR_UNCOR_STATUS, 0xffffffff],
      [R.PCI_ERR_UNCOR_MASK, 0xffffffff],
      [R.PCI_ERR_UNCOR_SEVER, 0xffffffff],
      [R.PCI_ERR_COR_STATUS, 0xffffffff],
      [R.PCI_ERR_COR_MASK, 0xffffffff],
      [R.PCI_ERR_CAP, R.PCI_ERR_CAP_FEP_MASK],
      [R.PCI_ERR_HEADER_LOG, 0xffffffff],
      [R.PCI_ERR_HEADER_LOG + 4, 0xffffffff],
      [R.PCI_ERR_HEADER_LOG + 8, 0xffffffff],
      [R.PCI_ERR_HEADER_LOG + 12, 0xffffffff],
      [R.PCI_ERR_ROOT_STATUS, 0xffffffff],
      [R.PCI_ERR_ROOT_ERR_SRC, 0xffffffff],
    ];
    for (const [off, keep] of sticky) {
      const old = get(previous.bytes, a + off, 4);
      const now = get(cs.bytes, a + off, 4);
      put(cs.bytes, a + off, 4, ((now & ~keep) | (old & keep)) >>> 0);
    }
  }
  return cs;
}

function hasAerAt(cs: ConfigSpace): boolean {
  return R.PCI_EXT_CAP_ID(get(cs.bytes, PCI_AER_CAP_BASE, 4)) === R.PCI_EXT_CAP_ID_ERR;
}

/** PCIe Device/Port Type (PCI_EXP_FLAGS_TYPE) for each kind of function. */
export function pcieTypeOf(kind: FunctionKind): number {
  switch (kind) {
    case "root-port":
      return R.PCI_EXP_TYPE_ROOT_PORT;
    case "upstream-port":
      return R.PCI_EXP_TYPE_UPSTREAM;
    case "downstream-port":
      return R.PCI_EXP_TYPE_DOWNSTREAM;
    case "pci-bridge":
      return R.PCI_EXP_TYPE_PCI_BRIDGE;
    case "endpoint":
    case "vf":
      return R.PCI_EXP_TYPE_ENDPOINT;
  }
}

// Builds the three arrays for `fn` at power-on.
function powerOn(fn: PciFunctionSpec, options: ConfigSpaceOptions): ConfigSpace {
  const b = new Uint8Array(CONFIG_BACKING_SIZE);
  const w = new Uint8Array(CONFIG_BACKING_SIZE);
  const c = new Uint8Array(CONFIG_BACKING_SIZE);
  // reg(offset, size, value, rw, rw1c): one register's power-on value and write semantics.
  const reg = (off: number, size: ConfigAccessSize, value: number, rw = 0, rw1c = 0): void => {
    put(b, off, size, value >>> 0);
    put(w, off, size, rw >>> 0);
    put(c, off, size, rw1c >>> 0);
  };
  const bridge = isBridgeKind(fn.kind);
  const vf = fn.kind === "vf";

  // --- common header -------------------------------------------------------------------
  // A VF reports its PF's vendor id and the SR-IOV VF device id (the SR-IOV spec has both
  // read 0xffff in the VF; the emulator keeps them readable so dumps name the device).
  reg(R.PCI_VENDOR_ID, 2, fn.vendorId);
  reg(R.PCI_DEVICE_ID, 2, fn.deviceId);
  reg(
    R.PCI_COMMAND,
    2,
    0,
    R.PCI_COMMAND_IO |
      R.PCI_COMMAND_MEMORY |
      R.PCI_COMMAND_MASTER |
      R.PCI_COMMAND_PARITY |
      R.PCI_COMMAND_SERR |
      R.PCI_COMMAND_INTX_DISABLE,
  );
  reg(R.PCI_STATUS, 2, R.PCI_STATUS_CAP_LIST, 0, R.PCI_STATUS_ERROR_BITS);
  reg(R.PCI_CLASS_REVISION, 4, ((fn.classCode & 0xffffff) << 8) >>> 0); // revision 0
  reg(R.PCI_CACHE_LINE_SIZE, 1, 0, 0xff);
  const headerType = bridge ? R.PCI_HEADER_TYPE_BRIDGE : R.PCI_HEADER_TYPE_NORMAL;
  reg(R.PCI_HEADER_TYPE, 1, headerType | (options.multiFunction ? R.PCI_HEADER_TYPE_MFD : 0));
  reg(R.PCI_CAPABILITY_LIST, 1, PCI_EXP_CAP_BASE);
  reg(R.PCI_INTERRUPT_LINE, 1, 0, 0xff);
  reg(R.PCI_INTERRUPT_PIN, 1, vf ? 0 : 1); // VFs have no INTx

  // --- BARs ----------------------------------------------------------------------------
  const maxBars = bridge ? 2 : 6;
  for (const bar of fn.bars) {
    if (!Number.isInteger(bar.index) || bar.index < 0 || bar.index >= maxBars) {
      throw new ArgumentError(`BAR index ${bar.index} outside 0..${maxBars - 1}`, { bar });
    }
    const off = R.PCI_BASE_ADDRESS_0 + 4 * bar.index;
    const { flags, lowMask, highMask } = barEncoding(bar);
    reg(off, 4, flags, lowMask);
    if (bar.type === "mem64") {
      if (bar.index + 1 >= maxBars) throw new ArgumentError(`64-bit BAR at last index ${bar.index}`, { bar });
      reg(off + 4, 4, 0, highMask);
    }
  }

  // --- type-specific header ------------------------------------------------------------
  if (bridge) {
    reg(R.PCI_PRIMARY_BUS, 1, 0, 0xff);
    reg(R.PCI_SECONDARY_BUS, 1, 0, 0xff);
    reg(R.PCI_SUBORDINATE_BUS, 1, 0, 0xff);
    reg(R.PCI_SEC_LATENCY_TIMER, 1, 0, 0xff);
    // 16-bit I/O decode: bits 7:4 of base/limit are address bits 15:12.
    reg(R.PCI_IO_BASE, 1, R.PCI_IO_RANGE_TYPE_16, 0xf0);
    reg(R.PCI_IO_LIMIT, 1, R.PCI_IO_RANGE_TYPE_16, 0xf0);
    reg(R.PCI_SEC_STATUS, 2, 0, 0, R.PCI_STATUS_ERROR_BITS);
    reg(R.PCI_MEMORY_BASE, 2, 0, 0xfff0);
    reg(R.PCI_MEMORY_LIMIT, 2, 0, 0xfff0);
    // 64-bit prefetchable window: the type nibble says so, the upper dwords are RW.
    reg(R.PCI_PREF_MEMORY_BASE, 2, R.PCI_PREF_RANGE_TYPE_64, 0xfff0);
    reg(R.PCI_PREF_MEMORY_LIMIT, 2, R.PCI_PREF_RANGE_TYPE_64, 0xfff0);
    reg(R.PCI_PREF_BASE_UPPER32, 4, 0, 0xffffffff);
    reg(R.PCI_PREF_LIMIT_UPPER32, 4, 0, 0xffffffff);
    reg(
      R.PCI_BRIDGE_CONTROL,
      2,
      0,
      R.PCI_BRIDGE_CTL_PARITY |
        R.PCI_BRIDGE_CTL_SERR |
        R.PCI_BRIDGE_CTL_ISA |
        R.PCI_BRIDGE_CTL_VGA |
        R.PCI_BRIDGE_CTL_VGA_16BIT |
        R.PCI_BRIDGE_CTL_MASTER_ABORT |
        R.PCI_BRIDGE_CTL_BUS_RESET,
    );
  } else {
    reg(R.PCI_SUBSYSTEM_VENDOR_ID, 2, fn.vendorId);
    reg(R.PCI_SUBSYSTEM_ID, 2, fn.deviceId);
  }

  // --- PCI Express capability ----------------------------------------------------------
  const e = PCI_EXP_CAP_BASE;
  const type = pcieTypeOf(fn.kind);
  // Downstream-facing ports (root and switch downstream ports) own a link to a slot: they
  // report Data Link Layer Link Active and have slot registers with presence detect set.
  const downstreamFacing = fn.kind === "root-port" || fn.kind === "downstream-port";
  reg(e + R.PCI_CAP_LIST_ID, 1, R.PCI_CAP_ID_EXP);
  reg(e + R.PCI_CAP_LIST_NEXT, 1, 0);
  reg(e + R.PCI_EXP_FLAGS, 2, 2 | (type << 4) | (downstreamFacing ? R.PCI_EXP_FLAGS_SLOT : 0));
  const flr = fn.kind === "endpoint" || vf;
  reg(e + R.PCI_EXP_DEVCAP, 4, 1 | R.PCI_EXP_DEVCAP_EXT_TAG | R.PCI_EXP_DEVCAP_RBER | (flr ? R.PCI_EXP_DEVCAP_FLR : 0));
  // Device Control power-on value per the PCIe spec: relaxed ordering, no-snoop, 512-byte reads.
  reg(
    e + R.PCI_EXP_DEVCTL,
    2,
    R.PCI_EXP_DEVCTL_RELAX_EN | R.PCI_EXP_DEVCTL_NOSNOOP_EN | R.PCI_EXP_DEVCTL_READRQ_512B,
    0x7fff, // BCR_FLR (bit 15) is a trigger that always reads 0
  );
  reg(
    e + R.PCI_EXP_DEVSTA,
    2,
    0,
    0,
    R.PCI_EXP_DEVSTA_CED | R.PCI_EXP_DEVSTA_NFED | R.PCI_EXP_DEVSTA_FED | R.PCI_EXP_DEVSTA_URD,
  );
  if (!vf) {
    // VF link registers are reserved (the VF shares its PF's link).
    const width = 8; // x8 Gen3: a typical POWER8 slot
    const port = fn.kind === "downstream-port" ? fn.address.device : 0;
    reg(
      e + R.PCI_EXP_LNKCAP,
      4,
      (R.PCI_EXP_LNKCAP_SLS_8_0GB | (width << 4) | (downstreamFacing ? R.PCI_EXP_LNKCAP_DLLLARC : 0) | (port << 24)) >>> 0,
    );
    reg(
      e + R.PCI_EXP_LNKCTL,
      2,
      0,
      R.PCI_EXP_LNKCTL_ASPMC |
        R.PCI_EXP_LNKCTL_RCB |
        R.PCI_EXP_LNKCTL_CCC |
        R.PCI_EXP_LNKCTL_ES |
        (downstreamFacing ? R.PCI_EXP_LNKCTL_LD : 0),
    );
    reg(
      e + R.PCI_EXP_LNKSTA,
      2,
      R.PCI_EXP_LNKSTA_CLS_8_0GB |
        (width << R.PCI_EXP_LNKSTA_NLW_SHIFT) |
        R.PCI_EXP_LNKSTA_SLC |
        (downstreamFacing ? R.PCI_EXP_LNKSTA_DLLLA : 0),
      0,
      downstreamFacing ? R.PCI_EXP_LNKSTA_LBMS | R.PCI_EXP_LNKSTA_LABS : 0,
    );
  }
  if (downstreamFacing) {
    const slot = (((fn.address.bus << 5) | fn.address.device) + 1) & 0x1fff; // 13-bit physical slot number
    reg(e + R.PCI_EXP_SLTCAP, 4, (R.PCI_EXP_SLTCAP_PCP | (slot << R.PCI_EXP_SLTCAP_PSN_SHIFT)) >>> 0);
    reg(e + R.PCI_EXP_SLTCTL, 2, 0, 0x17ff); // EIC (0x800) is a trigger that reads 0
    reg(
      e + R.PCI_EXP_SLTSTA,
      2,
      R.PCI_EXP_SLTSTA_PDS,
      0,
      R.PCI_EXP_SLTSTA_ABP |
        R.PCI_EXP_SLTSTA_PFD |
        R.PCI_EXP_SLTSTA_MRLSC |
        R.PCI_EXP_SLTSTA_PDC |
        R.PCI_EXP_SLTSTA_CC |
        R.PCI_EXP_SLTSTA_DLLSC,
    );
  }
  if (fn.kind === "root-port") {
    reg(e + R.PCI_EXP_RTCTL, 2, 0, 0x1f);
    reg(e + R.PCI_EXP_RTSTA, 4, 0, 0, R.PCI_EXP_RTSTA_PME);
  }

  // --- extended capabilities -----------------------------------------------------------
  const sriov = fn.sriov !== undefined && fn.kind === "endpoint";
  const nextAfterAer = sriov ? PCI_SRIOV_CAP_BASE : 0;
  if (fn.aer) {
    const a = PCI_AER_CAP_BASE;
    reg(a, 4, extCapHeader(R.PCI_EXT_CAP_ID_ERR, R.PCI_ERR_CAP_VERSION, nextAfterAer));
    reg(a + R.PCI_ERR_UNCOR_STATUS, 4, 0, 0, R.PCI_ERR_UNC_DEFINED);
    reg(a + R.PCI_ERR_UNCOR_MASK, 4, R.PCI_ERR_UNC_MASK_DEFAULT, R.PCI_ERR_UNC_DEFINED);
    reg(a + R.PCI_ERR_UNCOR_SEVER, 4, R.PCI_ERR_UNC_SEVERITY_DEFAULT, R.PCI_ERR_UNC_DEFINED);
    reg(a + R.PCI_ERR_COR_STATUS, 4, 0, 0, R.PCI_ERR_COR_DEFINED);
    reg(a + R.PCI_ERR_COR_MASK, 4, R.PCI_ERR_COR_MASK_DEFAULT, R.PCI_ERR_COR_DEFINED);
    // ECRC generation and checking capable; their enables are RW; FEP is hardware-owned.
    reg(
      a + R.PCI_ERR_CAP,
      4,
      R.PCI_ERR_CAP_ECRC_GENC | R.PCI_ERR_CAP_ECRC_CHKC,
      R.PCI_ERR_CAP_ECRC_GENE | R.PCI_ERR_CAP_ECRC_CHKE,
    );
    if (fn.kind === "root-port") {
      // Root error registers exist on root ports only (aer-xen.md §1); elsewhere they read 0.
      reg(
        a + R.PCI_ERR_ROOT_COMMAND,
        4,
        0,
        R.PCI_ERR_ROOT_CMD_COR_EN | R.PCI_ERR_ROOT_CMD_NONFATAL_EN | R.PCI_ERR_ROOT_CMD_FATAL_EN,
      );
      reg(a + R.PCI_ERR_ROOT_STATUS, 4, 0, 0, 0x7f);
    }
  } else if (sriov) {
    // The extended list must start at 0x100; without AER a null capability header
    // (id 0, version 0) just points on to SR-IOV, as Linux' list walk allows.
    reg(PCI_AER_CAP_BASE, 4, extCapHeader(0, 0, PCI_SRIOV_CAP_BASE));
  }
  if (sriov && fn.sriov) {
    const s = PCI_SRIOV_CAP_BASE;
    const iov = fn.sriov;
    reg(s, 4, extCapHeader(R.PCI_EXT_CAP_ID_SRIOV, 1, 0));
    reg(
      s + R.PCI_SRIOV_CTRL,
      2,
      0,
      R.PCI_SRIOV_CTRL_VFE | R.PCI_SRIOV_CTRL_VFM | R.PCI_SRIOV_CTRL_INTR | R.PCI_SRIOV_CTRL_MSE | R.PCI_SRIOV_CTRL_ARI,
    );
    reg(s + R.PCI_SRIOV_INITIAL_VF, 2, iov.totalVfs);
    reg(s + R.PCI_SRIOV_TOTAL_VF, 2, iov.totalVfs);
    reg(s + R.PCI_SRIOV_NUM_VF, 2, 0, 0xffff);
    reg(s + R.PCI_SRIOV_FUNC_LINK, 1, fn.address.fn);
    reg(s + R.PCI_SRIOV_VF_OFFSET, 2, iov.firstVfOffset);
    reg(s + R.PCI_SRIOV_VF_STRIDE, 2, iov.vfStride);
    reg(s + R.PCI_SRIOV_VF_DID, 2, iov.vfDeviceId);
    reg(s + R.PCI_SRIOV_SUP_PGSIZE, 4, 0x553); // 4K, 8K, 64K, 256K, 1M, 4M
    reg(s + R.PCI_SRIOV_SYS_PGSIZE, 4, 1, 0xffffffff); // 4K
    // VF BAR registers (PCI_SRIOV_BAR..) read 0: in this emulator each VF's BARs are in
    // the VF's own config space (its description lists them), so the platform programs
    // a VF like any other function.
  }
  return new ConfigSpace(b, w, c);
}

function extCapHeader(id: number, version: number, next: number): number {
  return (id | (version << 16) | (next << 20)) >>> 0;
}

// The read-only type flags and the writable address bits of a BAR of `bar.size` bytes.
function barEncoding(bar: BarSpec): { flags: number; lowMask: number; highMask: number } {
  const size = bar.size;
  if (!isPowerOfTwo(size)) {
    throw new ArgumentError(`BAR size ${size} is not a power of two`, { bar });
  }
  const TWO32 = 0x1_0000_0000;
  switch (bar.type) {
    case "io":
      return { flags: R.PCI_BASE_ADDRESS_SPACE_IO, lowMask: low32(~(size - 1)) & R.PCI_BASE_ADDRESS_IO_MASK, highMask: 0 };
    case "mem32":
      return {
        flags: bar.prefetchable ? R.PCI_BASE_ADDRESS_MEM_PREFETCH : 0,
        lowMask: size >= TWO32 ? 0 : low32(~(size - 1)) & R.PCI_BASE_ADDRESS_MEM_MASK,
        highMask: 0,
      };
    case "mem64":
      return {
        flags: R.PCI_BASE_ADDRESS_MEM_TYPE_64 | (bar.prefetchable ? R.PCI_BASE_ADDRESS_MEM_PREFETCH : 0),
        lowMask: size >= TWO32 ? 0 : low32(~(size - 1)) & R.PCI_BASE_ADDRESS_MEM_MASK,
        highMask: size > TWO32 ? low32(~(size / TWO32 - 1)) : 0xffffffff,
      };
  }
}

function low32(n: number): number {
  return n >>> 0;
}

// ---------------------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------------------

function checkAccess(offset: number, size: number): void {
  if (size !== 1 && size !== 2 && size !== 4) {
    throw new ArgumentError(`config access size ${size} is not 1, 2 or 4`, { offset, size });
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + size > R.PCI_CFG_SPACE_EXP_SIZE) {
    throw new ArgumentError(`config access of ${size} bytes at ${fmtOff(offset)} is outside 0x000..0xfff`, {
      offset,
      size,
    });
  }
  if (offset % size !== 0) {
    throw new ArgumentError(`config access of ${size} bytes at ${fmtOff(offset)} is misaligned`, { offset, size });
  }
}

function fmtOff(offset: number): string {
  return Number.isInteger(offset) && offset >= 0 ? `0x${offset.toString(16).padStart(3, "0")}` : String(offset);
}

/** A config read: little-endian, `size` bytes at an aligned `offset` (throws ArgumentError otherwise). */
export function configRead(cs: ConfigSpace, offset: number, size: ConfigAccessSize): number {
  checkAccess(offset, size);
  return offset >= CONFIG_BACKING_SIZE ? 0 : get(cs.bytes, offset, size);
}

/**
 * A config write by software: read-only bits keep their value, RW bits take the written
 * value, RW1C bits written as 1 are cleared. Returns a new ConfigSpace (the argument is
 * unchanged). Writes above the stored part of the space are dropped, as a device drops
 * writes to unimplemented registers.
 */
export function configWrite(cs: ConfigSpace, offset: number, size: ConfigAccessSize, value: number): ConfigSpace {
  checkAccess(offset, size);
  const max = size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ArgumentError(`config write value ${value} does not fit ${size} bytes`, { offset, size, value });
  }
  if (offset >= CONFIG_BACKING_SIZE) return cs;
  const bytes = cs.bytes.slice();
  for (let i = 0; i < size; i++) {
    const at = offset + i;
    const v = Math.floor(value / 2 ** (8 * i)) & 0xff;
    const w = cs.wmask[at]!;
    const c = cs.w1cmask[at]!;
    bytes[at] = ((bytes[at]! & ~w) | (v & w)) & ~(v & c);
  }
  return new ConfigSpace(bytes, cs.wmask, cs.w1cmask);
}

/** Register access for the device's own updates (status bits, logs): no write masks apply. */
export interface HardwareRegs {
  read(offset: number, size: ConfigAccessSize): number;
  write(offset: number, size: ConfigAccessSize, value: number): void;
  /** OR `bits` into the register. */
  set(offset: number, size: ConfigAccessSize, bits: number): void;
  /** Clear `bits` in the register. */
  clear(offset: number, size: ConfigAccessSize, bits: number): void;
}

/**
 * Changes made by the hardware itself (an error setting a status bit, a link going down
 * clearing DLLLA): `update` sees and edits one copy of the registers, ignoring the
 * software write masks. Returns the new ConfigSpace. Offsets must be inside the stored part.
 */
export function withHardwareWrites(cs: ConfigSpace, update: (regs: HardwareRegs) => void): ConfigSpace {
  const bytes = cs.bytes.slice();
  const check = (offset: number, size: ConfigAccessSize): void => {
    checkAccess(offset, size);
    if (offset + size > CONFIG_BACKING_SIZE) {
      throw new ArgumentError(`hardware write at ${fmtOff(offset)} is above the implemented registers`, { offset });
    }
  };
  const regs: HardwareRegs = {
    read(offset, size) {
      check(offset, size);
      return get(bytes, offset, size);
    },
    write(offset, size, value) {
      check(offset, size);
      put(bytes, offset, size, size === 4 ? value >>> 0 : value & ((1 << (8 * size)) - 1));
    },
    set(offset, size, bits) {
      regs.write(offset, size, (regs.read(offset, size) | bits) >>> 0);
    },
    clear(offset, size, bits) {
      regs.write(offset, size, (regs.read(offset, size) & ~bits) >>> 0);
    },
  };
  update(regs);
  return new ConfigSpace(bytes, cs.wmask, cs.w1cmask);
}

/** The whole logical config space as bytes (a fresh 0x1000-byte copy, for dumps). */
export function configBytes(cs: ConfigSpace): Uint8Array {
  const out = new Uint8Array(R.PCI_CFG_SPACE_EXP_SIZE);
  out.set(cs.bytes);
  return out;
}

// ---------------------------------------------------------------------------------------
// Capability lists (the walks Linux' pci_find_capability / pci_find_ext_capability do)
// ---------------------------------------------------------------------------------------

/** Offset of the standard capability `id`, or 0 if the function has none. */
export function findCapability(cs: ConfigSpace, id: number): number {
  if ((configRead(cs, R.PCI_STATUS, 2) & R.PCI_STATUS_CAP_LIST) === 0) return 0;
  let pos = configRead(cs, R.PCI_CAPABILITY_LIST, 1) & ~3;
  for (let ttl = 48; pos >= 0x40 && ttl > 0; ttl--) {
    if (configRead(cs, pos + R.PCI_CAP_LIST_ID, 1) === id) return pos;
    pos = configRead(cs, pos + R.PCI_CAP_LIST_NEXT, 1) & ~3;
  }
  return 0;
}

/** Offset of the extended capability `id`, or 0 if the function has none. */
export function findExtCapability(cs: ConfigSpace, id: number): number {
  let pos = R.PCI_CFG_SPACE_SIZE;
  for (let ttl = (R.PCI_CFG_SPACE_EXP_SIZE - R.PCI_CFG_SPACE_SIZE) / 8; ttl > 0; ttl--) {
    const header = configRead(cs, pos, 4);
    if (header === 0) return 0;
    if (R.PCI_EXT_CAP_ID(header) === id) return pos;
    pos = R.PCI_EXT_CAP_NEXT(header);
    if (pos < R.PCI_CFG_SPACE_SIZE) return 0;
  }
  return 0;
}

/** PCIe Device/Port Type of the function (PCI_EXP_TYPE_*), from its PCI Express capability. */
export function pcieType(cs: ConfigSpace): number {
  return (configRead(cs, PCI_EXP_CAP_BASE + R.PCI_EXP_FLAGS, 2) & R.PCI_EXP_FLAGS_TYPE) >> 4;
}

/** Whether the header is type 1 (a bridge). */
export function isBridgeHeader(cs: ConfigSpace): boolean {
  return (configRead(cs, R.PCI_HEADER_TYPE, 1) & R.PCI_HEADER_TYPE_MASK) === R.PCI_HEADER_TYPE_BRIDGE;
}

// ---------------------------------------------------------------------------------------
// BARs
// ---------------------------------------------------------------------------------------

export interface BarState {
  readonly index: number;
  readonly type: BarType;
  readonly prefetchable: boolean;
  readonly size: number;
  /** Programmed address (0 after reset). */
  readonly address: number;
}

/** The implemented BARs, decoded the way Linux sizes them (from the write masks). */
export function configBars(cs: ConfigSpace): BarState[] {
  const max = isBridgeHeader(cs) ? 2 : 6;
  const out: BarState[] = [];
  for (let i = 0; i < max; i++) {
    const bar = decodeBar(cs, i);
    if (bar) {
      out.push(bar);
      if (bar.type === "mem64") i++;
    }
  }
  return out;
}

/** The BAR at `index`, or undefined when that register is not a BAR (or is the upper half of one). */
export function barState(cs: ConfigSpace, index: number): BarState | undefined {
  const max = isBridgeHeader(cs) ? 2 : 6;
  if (!Number.isInteger(index) || index < 0 || index >= max) {
    throw new ArgumentError(`BAR index ${index} outside 0..${max - 1}`, { index });
  }
  return configBars(cs).find((b) => b.index === index);
}

function decodeBar(cs: ConfigSpace, index: number): BarState | undefined {
  const off = R.PCI_BASE_ADDRESS_0 + 4 * index;
  const value = get(cs.bytes, off, 4);
  const mask = get(cs.wmask, off, 4);
  if (mask === 0 && value === 0) return undefined; // not implemented
  if (value & R.PCI_BASE_ADDRESS_SPACE_IO) {
    // The writable bits are the address bits at and above the size (flags are read-only).
    return { index, type: "io", prefetchable: false, size: low32(~mask) + 1, address: (value & R.PCI_BASE_ADDRESS_IO_MASK) >>> 0 };
  }
  const prefetchable = (value & R.PCI_BASE_ADDRESS_MEM_PREFETCH) !== 0;
  if ((value & R.PCI_BASE_ADDRESS_MEM_TYPE_MASK) === R.PCI_BASE_ADDRESS_MEM_TYPE_64) {
    const hiValue = get(cs.bytes, off + 4, 4);
    const hiMask = get(cs.wmask, off + 4, 4);
    const full = (BigInt(hiMask) << 32n) | BigInt(mask);
    const size = Number((1n << 64n) - full);
    const address = hiValue * 0x1_0000_0000 + ((value & R.PCI_BASE_ADDRESS_MEM_MASK) >>> 0);
    return { index, type: "mem64", prefetchable, size, address };
  }
  return { index, type: "mem32", prefetchable, size: low32(~mask) + 1, address: (value & R.PCI_BASE_ADDRESS_MEM_MASK) >>> 0 };
}

/** The address programmed in BAR `index` (throws ArgumentError if there is no such BAR). */
export function barAddress(cs: ConfigSpace, index: number): number {
  const bar = barState(cs, index);
  if (!bar) throw new ArgumentError(`no BAR at index ${index}`, { index });
  return bar.address;
}

/**
 * Program BAR `index` with `address`, as firmware or Linux' resource assignment does (and
 * as EEH restores it after a reset). The address must be aligned to the BAR size and fit
 * the BAR type (below 4 GiB for 32-bit memory and I/O BARs).
 */
export function setBarAddress(cs: ConfigSpace, index: number, address: number | bigint): ConfigSpace {
  const bar = barState(cs, index);
  if (!bar) throw new ArgumentError(`no BAR at index ${index}`, { index });
  const a = typeof address === "bigint" ? Number(address) : address;
  if (typeof address === "bigint" && BigInt(a) !== address) {
    throw new ArgumentError(`BAR address 0x${address.toString(16)} is above 2^53`, { index });
  }
  if (!Number.isSafeInteger(a) || a < 0) throw new ArgumentError(`BAR address ${String(address)} is not a valid address`, { index });
  const limit = bar.type === "mem64" ? Number.MAX_SAFE_INTEGER : 0xffffffff;
  if (a + bar.size - 1 > limit) {
    throw new ArgumentError(`BAR ${index} (${bar.type}, 0x${bar.size.toString(16)} bytes) cannot sit at 0x${a.toString(16)}`, {
      index,
      address: a,
    });
  }
  if (a % bar.size !== 0) {
    throw new ArgumentError(`BAR ${index} address 0x${a.toString(16)} is not aligned to its size 0x${bar.size.toString(16)}`, {
      index,
      address: a,
    });
  }
  const off = R.PCI_BASE_ADDRESS_0 + 4 * index;
  return withHardwareWrites(cs, (r) => {
    const flags = r.read(off, 4) & (bar.type === "io" ? 0x3 : 0xf);
    r.write(off, 4, ((a % 0x1_0000_0000) | flags) >>> 0);
    if (bar.type === "mem64") r.write(off + 4, 4, Math.floor(a / 0x1_0000_0000));
  });
}

// ---------------------------------------------------------------------------------------
// Bridges
// ---------------------------------------------------------------------------------------

export interface BridgeBuses {
  readonly primary: number;
  readonly secondary: number;
  readonly subordinate: number;
}

/** The bus numbers programmed into a type 1 header. */
export function bridgeBuses(cs: ConfigSpace): BridgeBuses {
  requireBridge(cs);
  return {
    primary: configRead(cs, R.PCI_PRIMARY_BUS, 1),
    secondary: configRead(cs, R.PCI_SECONDARY_BUS, 1),
    subordinate: configRead(cs, R.PCI_SUBORDINATE_BUS, 1),
  };
}

export type BridgeWindowKind = "io" | "mem" | "pref";

/** An address window forwarded by a bridge, inclusive. */
export interface BridgeWindow {
  readonly base: number;
  readonly limit: number;
}

// Granularity of each window: 4 KiB for I/O, 1 MiB for memory (PCI bridge spec).
const WINDOW_GRAIN: Record<BridgeWindowKind, number> = { io: 0x1000, mem: 0x100000, pref: 0x100000 };

/** A bridge window as programmed, or null when it is closed (base above limit). */
export function bridgeWindow(cs: ConfigSpace, kind: BridgeWindowKind): BridgeWindow | null {
  requireBridge(cs);
  let base: number;
  let limit: number;
  if (kind === "io") {
    base = (configRead(cs, R.PCI_IO_BASE, 1) & 0xf0) << 8;
    limit = ((configRead(cs, R.PCI_IO_LIMIT, 1) & 0xf0) << 8) | 0xfff;
  } else if (kind === "mem") {
    base = (configRead(cs, R.PCI_MEMORY_BASE, 2) & 0xfff0) * 0x10000;
    limit = (configRead(cs, R.PCI_MEMORY_LIMIT, 2) & 0xfff0) * 0x10000 + 0xfffff;
  } else {
    base =
      configRead(cs, R.PCI_PREF_BASE_UPPER32, 4) * 0x1_0000_0000 + (configRead(cs, R.PCI_PREF_MEMORY_BASE, 2) & 0xfff0) * 0x10000;
    limit =
      configRead(cs, R.PCI_PREF_LIMIT_UPPER32, 4) * 0x1_0000_0000 +
      (configRead(cs, R.PCI_PREF_MEMORY_LIMIT, 2) & 0xfff0) * 0x10000 +
      0xfffff;
  }
  return base > limit ? null : { base, limit };
}

/**
 * Program a bridge window (null closes it, as Linux does for an unused window: base above
 * limit). Base and limit+1 must be multiples of the window granularity (4 KiB I/O, 1 MiB memory).
 */
export function setBridgeWindow(cs: ConfigSpace, kind: BridgeWindowKind, window: BridgeWindow | null): ConfigSpace {
  requireBridge(cs);
  const grain = WINDOW_GRAIN[kind];
  const max = kind === "io" ? 0xffff : kind === "mem" ? 0xffffffff : Number.MAX_SAFE_INTEGER;
  const w = window ?? { base: grain, limit: grain - 1 }; // closed: base > limit
  if (
    !Number.isSafeInteger(w.base) ||
    !Number.isSafeInteger(w.limit) ||
    w.base < 0 ||
    w.limit > max ||
    w.base % grain !== 0 ||
    (w.limit + 1) % grain !== 0
  ) {
    throw new ArgumentError(`bad ${kind} window 0x${w.base.toString(16)}..0x${w.limit.toString(16)}`, { kind, window });
  }
  return withHardwareWrites(cs, (r) => {
    if (kind === "io") {
      r.write(R.PCI_IO_BASE, 1, ((w.base >> 8) & 0xf0) | R.PCI_IO_RANGE_TYPE_16);
      r.write(R.PCI_IO_LIMIT, 1, ((w.limit >> 8) & 0xf0) | R.PCI_IO_RANGE_TYPE_16);
    } else if (kind === "mem") {
      r.write(R.PCI_MEMORY_BASE, 2, Math.floor(w.base / 0x10000) & 0xfff0);
      r.write(R.PCI_MEMORY_LIMIT, 2, Math.floor(w.limit / 0x10000) & 0xfff0);
    } else {
      r.write(R.PCI_PREF_MEMORY_BASE, 2, (Math.floor(w.base / 0x10000) & 0xfff0) | R.PCI_PREF_RANGE_TYPE_64);
      r.write(R.PCI_PREF_MEMORY_LIMIT, 2, (Math.floor(w.limit / 0x10000) & 0xfff0) | R.PCI_PREF_RANGE_TYPE_64);
      r.write(R.PCI_PREF_BASE_UPPER32, 4, Math.floor(w.base / 0x1_0000_0000));
      r.write(R.PCI_PREF_LIMIT_UPPER32, 4, Math.floor(w.limit / 0x1_0000_0000));
    }
  });
}

function requireBridge(cs: ConfigSpace): void {
  if (!isBridgeHeader(cs)) throw new ArgumentError("not a bridge (type 1) config space");
}

// ---------------------------------------------------------------------------------------
// Little-endian helpers over the backing arrays
// ---------------------------------------------------------------------------------------

function get(a: Uint8Array, off: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + a[off + i]!;
  return v;
}

function put(a: Uint8Array, off: number, size: number, value: number): void {
  let v = value;
  for (let i = 0; i < size; i++) {
    a[off + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
}
