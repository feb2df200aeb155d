// The emulator's hardware state tree (DESIGN.md "State"): per PHB the model's hardware
// state, the config space and small register file of every function, link state of every
// bridge, and the Linux PE tree; plus host memory. Immutable, updated through immer.

import type { ConfigSpace } from "../pci/config-space.js";
import type { SystemMemory } from "../core/memory.js";
import type { PeTree } from "./pe/pe-tree.js";
import type { PhbState } from "./phb-engine.js";

export interface FunctionState {
  readonly rid: number;
  config: ConfigSpace;
  /** The device's MMIO registers that software wrote, keyed by `bar:offset:size` (hex). */
  mmio: Record<string, bigint>;
  /** Bridges: whether the link to the secondary bus is up. */
  linkUp: boolean;
  /** A link fault that a reset does not cure (a dead adapter or cable). */
  linkFaultPermanent: boolean;
}

export interface PhbMachineState {
  hw: PhbState;
  functions: Record<number, FunctionState>;
  peTree: PeTree;
}

export interface MachineState {
  phbs: Record<number, PhbMachineState>;
  memory: SystemMemory;
}

/** Something the hardware did that a reader of the run wants to see. */
export type HwEvent =
  | { readonly kind: "freeze"; readonly phb: number; readonly pe: number; readonly frozen: readonly number[]; readonly error: string; readonly rid?: number; readonly address?: bigint }
  | { readonly kind: "fence"; readonly phb: number; readonly error: string }
  | { readonly kind: "dead"; readonly phb: number }
  | { readonly kind: "error-logged"; readonly phb: number; readonly error: string; readonly pe: number }
  | { readonly kind: "link-down"; readonly phb: number; readonly port: number; readonly permanent: boolean }
  | { readonly kind: "link-up"; readonly phb: number; readonly port: number }
  | { readonly kind: "aer"; readonly phb: number; readonly rid: number; readonly bit: number; readonly severity: "fatal" | "nonfatal" | "masked" }
  | { readonly kind: "inject-armed"; readonly phb: number; readonly pe: number; readonly ctl: bigint; readonly addr: bigint; readonly mask: bigint }
  | { readonly kind: "reset"; readonly phb: number; readonly scope: "phb" | "bus"; readonly bridge?: number };
