// The machine description: PHBs (one PCI domain each) and the PCI functions under them.
// This is the normalized, validated form that the builder (builder.ts) and the JSON codec
// (topology-json.ts) produce and that the PHB models and PE assignment consume. Every
// function is listed once with its full address; bridges carry their bus range; VFs are
// listed as functions of kind "vf" naming their PF.
//
// Numbers (not bigint) are used for sizes and addresses here so the description is plain
// JSON; every value stays below 2^53.

import type { PciAddress } from "./address.js";

export type PhbModelKind = "ioda1" | "ioda2";

export const PHB_MODEL_KINDS: readonly PhbModelKind[] = ["ioda1", "ioda2"];

export type FunctionKind =
  | "root-port" // PCIe root port, 00:00.0 under every PHB
  | "upstream-port" // switch upstream port
  | "downstream-port" // switch downstream port
  | "pci-bridge" // PCIe-to-PCI(-X) bridge
  | "endpoint" // an ordinary function (an SR-IOV PF is an endpoint with `sriov`)
  | "vf"; // an SR-IOV virtual function

export const BRIDGE_KINDS: readonly FunctionKind[] = ["root-port", "upstream-port", "downstream-port", "pci-bridge"];

export function isBridgeKind(k: FunctionKind): boolean {
  return BRIDGE_KINDS.includes(k);
}

export type BarType = "mem32" | "mem64" | "io";

export interface BarSpec {
  /** BAR register index 0..5 (a 64-bit BAR also uses index+1). */
  readonly index: number;
  readonly type: BarType;
  /** Size in bytes, a power of two (>= 16 for memory, >= 4 for I/O). */
  readonly size: number;
  readonly prefetchable: boolean;
}
// BAR *addresses* are not part of the description: the platform assigns them when it
// builds the machine (ioda/resources.ts), the way Linux assigns resources so that a PE's
// 32-bit space lands in whole M32 segments and its 64-bit space in the M64 segment whose
// number is the PE number.

export interface SriovSpec {
  readonly totalVfs: number;
  readonly numVfs: number;
  readonly vfDeviceId: number;
  /** First VF offset and VF stride, in routing-ID units (SR-IOV capability fields). */
  readonly firstVfOffset: number;
  readonly vfStride: number;
}

export interface PciFunctionSpec {
  readonly address: PciAddress;
  readonly kind: FunctionKind;
  readonly vendorId: number;
  readonly deviceId: number;
  /** 24-bit class code (base class << 16 | subclass << 8 | prog-if). */
  readonly classCode: number;
  readonly bars: readonly BarSpec[];
  /** Bridges only: the bus right below the bridge, and the highest bus below it. */
  readonly secondaryBus?: number;
  readonly subordinateBus?: number;
  /** Bridges only: give each device on the secondary bus its own PE instead of one bus PE. */
  readonly pePerDevice?: boolean;
  /** Whether the function implements the AER extended capability (default true for PCIe). */
  readonly aer: boolean;
  /** SR-IOV PFs only. */
  readonly sriov?: SriovSpec;
  /** VFs only: the PF and the VF index (0-based). */
  readonly physfn?: PciAddress;
  readonly vfIndex?: number;
  /** Pin this function's PE number instead of letting the Linux-style allocator choose. */
  readonly pe?: number;
  /** Slot location code (`ibm,slot-location-code`), printed in EEH log lines. */
  readonly location?: string;
  /** A human label ("eth0", "nvme0"), used in reports. */
  readonly label?: string;
}

export interface PhbSpec {
  /** OPAL PHB id (also the index used to place the PHB's MMIO aperture). */
  readonly id: number;
  /** Linux PCI domain = `PHB#` in log lines. */
  readonly domain: number;
  readonly model: PhbModelKind;
  /** `ibm,io-base-loc-code` of the root bus. */
  readonly location?: string;
  readonly functions: readonly PciFunctionSpec[];
}

export interface MachineSpec {
  readonly phbs: readonly PhbSpec[];
}

/** True for 1, 2, 4, … up to 2^53 (sizes are plain numbers, see above). */
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n <= 0) return false;
  return 2 ** Math.round(Math.log2(n)) === n;
}

// PE numbers per PHB model (powernv-opal.md §1.1): the last PE is the reserved PE that
// unmapped RIDs land in, so a description may pin a function to 0..NUM_PES-2 only.
export const IODA1_NUM_PES = 128;
export const IODA1_RESERVED_PE = 127;
export const IODA2_NUM_PES = 256;
export const IODA2_RESERVED_PE = 255;

/** Number of PEs of a PHB model (`ibm,opal-num-pes`). */
export function numPesOf(model: PhbModelKind): number {
  return model === "ioda1" ? IODA1_NUM_PES : IODA2_NUM_PES;
}

/** The reserved PE of a PHB model (`ibm,opal-reserved-pe`). */
export function reservedPeOf(model: PhbModelKind): number {
  return model === "ioda1" ? IODA1_RESERVED_PE : IODA2_RESERVED_PE;
}
