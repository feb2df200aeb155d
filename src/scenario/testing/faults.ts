// Faults as plain data, so a failing property prints them the way a person would say them
// (`{ kind: "bad-dma", device: "0000:03:00.0", page: 0, dir: "write", at: 1500 }`), and
// one function that makes a fault happen on a machine through the same hardware paths a
// real one takes (ioda/faults.ts): a DMA that misses its TCE, an MMIO load nobody decodes,
// an uncorrectable error message, a link that drops, a fenced or dead PHB.
//
// `at` is virtual time in milliseconds from the moment the machine is up; the harnesses
// schedule each fault on the virtual clock at that time.

import fc from "fast-check";
import { ArgumentError, NotFoundError } from "../../core/errors.js";
import { injectBadDma, injectFence, injectLinkDown, injectMmioError, injectMmioUnassigned, injectPcieUe, killPhb } from "../../ioda/faults.js";
import type { Machine } from "../../ioda/machine.js";
import type { HwEvent } from "../../ioda/machine-state.js";
import { addressFromRid, formatPciAddress, parsePciAddress } from "../../pci/address.js";
import {
  PCI_ERR_UNC_ACSV,
  PCI_ERR_UNC_COMP_ABORT,
  PCI_ERR_UNC_COMP_TIME,
  PCI_ERR_UNC_DLP,
  PCI_ERR_UNC_ECRC,
  PCI_ERR_UNC_FCP,
  PCI_ERR_UNC_INTN,
  PCI_ERR_UNC_MALF_TLP,
  PCI_ERR_UNC_POISON_TLP,
  PCI_ERR_UNC_RX_OVER,
  PCI_ERR_UNC_SURPDN,
  PCI_ERR_UNC_UNSUP,
  PCI_ERR_UNC_UNX_COMP,
} from "../../pci/regs.js";
import type { MachineSpec } from "../../pci/topology.js";
import { endpointsOf, functionOf, linkPortsOf } from "./machines.js";

/**
 * Uncorrectable errors a function can report, by the kernel's PCI_ERR_UNC_* names. With
 * the power-on severity DLP, SURPDN, FCP, RX_OVER and MALF_TLP are fatal, INTN is masked,
 * the rest non-fatal (aer-xen.md §1.1).
 */
export const UE_BITS = {
  DLP: PCI_ERR_UNC_DLP,
  SURPDN: PCI_ERR_UNC_SURPDN,
  POISON_TLP: PCI_ERR_UNC_POISON_TLP,
  FCP: PCI_ERR_UNC_FCP,
  COMP_TIME: PCI_ERR_UNC_COMP_TIME,
  COMP_ABORT: PCI_ERR_UNC_COMP_ABORT,
  UNX_COMP: PCI_ERR_UNC_UNX_COMP,
  RX_OVER: PCI_ERR_UNC_RX_OVER,
  MALF_TLP: PCI_ERR_UNC_MALF_TLP,
  ECRC: PCI_ERR_UNC_ECRC,
  UNSUP: PCI_ERR_UNC_UNSUP,
  ACSV: PCI_ERR_UNC_ACSV,
  INTN: PCI_ERR_UNC_INTN,
} as const;
export type UeBit = keyof typeof UE_BITS;
const UE_NAMES = Object.keys(UE_BITS) as UeBit[];

export type Fault =
  /** The device DMAs to a page of its 32-bit DMA window that has no TCE (page taken modulo the window). */
  | { readonly kind: "bad-dma"; readonly device: string; readonly page: number; readonly dir: "read" | "write"; readonly at: number }
  /** An MMIO load just past the device's BARs, inside its PE: Unsupported Request. */
  | { readonly kind: "mmio-error"; readonly device: string; readonly at: number }
  /** The device detects an uncorrectable error and reports it (unless the bit is masked). */
  | { readonly kind: "pcie-ue"; readonly device: string; readonly bit: UeBit; readonly at: number }
  /** The link below a root or downstream port drops; `permanent` survives resets (a dead adapter). */
  | { readonly kind: "link-down"; readonly port: string; readonly permanent: boolean; readonly at: number }
  /** An MMIO load to an M32 segment no PE owns: the reserved PE freezes. */
  | { readonly kind: "mmio-unassigned"; readonly phb: number; readonly at: number }
  /** A fence-enabled PHB internal error: every PE of the PHB reads as stopped. */
  | { readonly kind: "fence"; readonly phb: number; readonly at: number }
  /** The PHB dies (skiboot `broken`): it answers nothing, for good. */
  | { readonly kind: "dead-phb"; readonly phb: number; readonly at: number };

export type FaultKind = Fault["kind"];

/** Records with Object.prototype, so values print as plain objects. */
const PLAIN = { noNullPrototype: true } as const;

export const FAULT_KINDS: readonly FaultKind[] = ["bad-dma", "mmio-error", "pcie-ue", "link-down", "mmio-unassigned", "fence", "dead-phb"];

/**
 * Kinds drawn by default: every fault that can reach a device. (`mmio-unassigned` freezes
 * only the reserved PE, which holds no device; ask for it explicitly.)
 */
export const DEFAULT_FAULT_KINDS: readonly FaultKind[] = ["bad-dma", "mmio-error", "pcie-ue", "link-down", "fence", "dead-phb"];

export interface ArbFaultOptions {
  /** Kinds to draw from (default DEFAULT_FAULT_KINDS); kinds with no target in the machine are skipped. */
  readonly kinds?: readonly FaultKind[];
  /** Latest `at`, in virtual ms (default 30 000). */
  readonly maxAt?: number;
  /** Devices to aim device faults at (default every endpoint). */
  readonly devices?: readonly string[];
}

export interface ArbFaultPlanOptions extends ArbFaultOptions {
  /** Default 1. */
  readonly minFaults?: number;
  /** Default 3. */
  readonly maxFaults?: number;
}

function checkKinds(kinds: readonly FaultKind[]): void {
  for (const k of kinds) if (!FAULT_KINDS.includes(k)) throw new ArgumentError(`unknown fault kind "${String(k)}" (kinds: ${FAULT_KINDS.join(", ")})`, { kind: k });
}

/**
 * One timed fault aimed at something in `spec`: a device fault at one of its endpoints, a
 * link loss below one of its root or downstream ports, a PHB fault at one of its PHBs.
 * Throws ArgumentError when none of the asked kinds has a target in the machine.
 */
export function arbFault(spec: MachineSpec, options: ArbFaultOptions = {}): fc.Arbitrary<Fault> {
  const kinds = options.kinds ?? DEFAULT_FAULT_KINDS;
  checkKinds(kinds);
  const maxAt = options.maxAt ?? 30_000;
  if (!Number.isInteger(maxAt) || maxAt < 0) throw new ArgumentError(`maxAt ${maxAt} is not a non-negative integer of ms`, { maxAt });
  const devices = targetDevices(spec, options.devices);
  const ports = linkPortsOf(spec);
  const phbs = spec.phbs.map((p) => p.id);
  const at = fc.integer({ min: 0, max: maxAt });
  const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
  const byKind: Record<FaultKind, fc.Arbitrary<Fault> | undefined> = {
    "bad-dma":
      devices.length > 0
        ? fc.record({ kind: fc.constant("bad-dma" as const), device: pick(devices), page: fc.nat({ max: 0xffff }), dir: fc.constantFrom("write" as const, "read" as const), at }, PLAIN)
        : undefined,
    "mmio-error": devices.length > 0 ? fc.record({ kind: fc.constant("mmio-error" as const), device: pick(devices), at }, PLAIN) : undefined,
    "pcie-ue": devices.length > 0 ? fc.record({ kind: fc.constant("pcie-ue" as const), device: pick(devices), bit: pick(UE_NAMES), at }, PLAIN) : undefined,
    "link-down": ports.length > 0 ? fc.record({ kind: fc.constant("link-down" as const), port: pick(ports), permanent: fc.boolean(), at }, PLAIN) : undefined,
    "mmio-unassigned": phbs.length > 0 ? fc.record({ kind: fc.constant("mmio-unassigned" as const), phb: pick(phbs), at }, PLAIN) : undefined,
    fence: phbs.length > 0 ? fc.record({ kind: fc.constant("fence" as const), phb: pick(phbs), at }, PLAIN) : undefined,
    "dead-phb": phbs.length > 0 ? fc.record({ kind: fc.constant("dead-phb" as const), phb: pick(phbs), at }, PLAIN) : undefined,
  };
  const arbs = kinds.map((k) => byKind[k]).filter((a): a is fc.Arbitrary<Fault> => a !== undefined);
  if (arbs.length === 0) throw new ArgumentError(`the machine has no target for fault kinds ${kinds.join(", ")}`, { kinds });
  return fc.oneof(...arbs);
}

/** A few timed faults, in time order (shrinks to fewer, earlier, simpler faults). */
export function arbFaultPlan(spec: MachineSpec, options: ArbFaultPlanOptions = {}): fc.Arbitrary<Fault[]> {
  return fc.array(arbFault(spec, options), planSize(options)).map((fs) => [...fs].sort((a, b) => a.at - b.at));
}

// ------------------------------------------------------------------ plans for any machine

/** A fault not yet aimed: its kind and parameters, and which of that kind's targets it hits (modulo their number). */
export interface FaultSeed {
  readonly kind: FaultKind;
  readonly target: number;
  readonly page: number;
  readonly dir: "read" | "write";
  readonly bit: UeBit;
  readonly permanent: boolean;
  readonly at: number;
}

/**
 * Fault plans that do not depend on the machine: aimed at a machine afterwards with
 * `aimFaults`. A harness drawing the machine and the plan independently shrinks both
 * (a plan drawn from the machine would be redrawn whenever the machine shrinks).
 */
export function arbFaultSeeds(options: ArbFaultPlanOptions = {}): fc.Arbitrary<FaultSeed[]> {
  const kinds = options.kinds ?? DEFAULT_FAULT_KINDS;
  checkKinds(kinds);
  if (kinds.length === 0) throw new ArgumentError("no fault kinds to draw from", { kinds });
  const maxAt = options.maxAt ?? 30_000;
  if (!Number.isInteger(maxAt) || maxAt < 0) throw new ArgumentError(`maxAt ${maxAt} is not a non-negative integer of ms`, { maxAt });
  const { minLength, maxLength } = planSize(options);
  const seed = fc.record(
    {
      kind: fc.constantFrom(...kinds),
      target: fc.nat({ max: 0xff }),
      page: fc.nat({ max: 0xffff }),
      dir: fc.constantFrom("write" as const, "read" as const),
      bit: fc.constantFrom(...UE_NAMES),
      permanent: fc.boolean(),
      at: fc.integer({ min: 0, max: maxAt }),
    },
    PLAIN,
  );
  return fc.array(seed, { minLength, maxLength });
}

/**
 * Aim seeds at a machine, in time order. A seed whose kind has no target in the machine
 * (a link loss in a machine without ports, a device fault outside `devices`) is dropped.
 */
export function aimFaults(spec: MachineSpec, seeds: readonly FaultSeed[], options: Pick<ArbFaultOptions, "devices"> = {}): Fault[] {
  const devices = targetDevices(spec, options.devices);
  const ports = linkPortsOf(spec);
  const phbs = spec.phbs.map((p) => p.id);
  const out: Fault[] = [];
  for (const s of seeds) {
    const of = <T>(xs: readonly T[]): T | undefined => (xs.length === 0 ? undefined : xs[s.target % xs.length]);
    const device = of(devices);
    const port = of(ports);
    const phb = of(phbs);
    switch (s.kind) {
      case "bad-dma":
        if (device !== undefined) out.push({ kind: s.kind, device, page: s.page, dir: s.dir, at: s.at });
        break;
      case "mmio-error":
        if (device !== undefined) out.push({ kind: s.kind, device, at: s.at });
        break;
      case "pcie-ue":
        if (device !== undefined) out.push({ kind: s.kind, device, bit: s.bit, at: s.at });
        break;
      case "link-down":
        if (port !== undefined) out.push({ kind: s.kind, port, permanent: s.permanent, at: s.at });
        break;
      case "mmio-unassigned":
      case "fence":
      case "dead-phb":
        if (phb !== undefined) out.push({ kind: s.kind, phb, at: s.at });
        break;
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

function planSize(options: ArbFaultPlanOptions): { minLength: number; maxLength: number } {
  const minLength = options.minFaults ?? 1;
  const maxLength = options.maxFaults ?? 3;
  if (!Number.isInteger(minLength) || !Number.isInteger(maxLength) || minLength < 0 || maxLength < minLength) {
    throw new ArgumentError(`fault plan size ${minLength}..${maxLength} is not a range of counts`, { minFaults: minLength, maxFaults: maxLength });
  }
  return { minLength, maxLength };
}

function targetDevices(spec: MachineSpec, devices: readonly string[] | undefined): string[] {
  if (devices === undefined) return endpointsOf(spec);
  return devices.map((d) => {
    const a = formatPciAddress(parsePciAddress(d));
    const f = functionOf(spec, a)?.fn;
    if (!f || (f.kind !== "endpoint" && f.kind !== "vf")) throw new ArgumentError(`${d} is not an endpoint of the machine`, { device: d });
    return a;
  });
}

// ------------------------------------------------------------------ applying

export interface FaultResult {
  /** What the hardware did, in order. */
  readonly events: readonly HwEvent[];
  /** The same, as a phrase: "froze PHB#0-PE#fd (dma-tce-page-fault)". */
  readonly effect: string;
}

/**
 * Make `fault` happen on `m` now (its `at` is the caller's business). Throws a typed
 * EehError when it cannot happen: an unknown device or PHB (NotFoundError), a device
 * fault on a dead PHB (HardwareStateError), a device with no memory BAR for an MMIO
 * error (ArgumentError).
 */
export function applyFault(m: Machine, fault: Fault): FaultResult {
  const from = m.events.length;
  switch (fault.kind) {
    case "bad-dma": {
      const w = m.dmaWindow(fault.device);
      const pages = w.size / 0x1000n;
      injectBadDma(m, fault.device, w.base + (BigInt(fault.page) % pages) * 0x1000n, fault.dir);
      break;
    }
    case "mmio-error":
      injectMmioError(m, fault.device);
      break;
    case "pcie-ue":
      injectPcieUe(m, fault.device, UE_BITS[fault.bit]);
      break;
    case "link-down":
      injectLinkDown(m, fault.port, { permanent: fault.permanent });
      break;
    case "mmio-unassigned":
      injectMmioUnassigned(m, fault.phb);
      break;
    case "fence":
      injectFence(m, fault.phb);
      break;
    case "dead-phb":
      killPhb(m, fault.phb);
      break;
    default:
      throw new ArgumentError(`unknown fault kind "${String((fault as { kind: unknown }).kind)}"`, { fault });
  }
  const events = m.events.slice(from);
  return { events, effect: describeEffect(m, events) };
}

function phbName(m: Machine, phbId: number): string {
  return `PHB#${m.phbLayout(phbId).spec.domain.toString(16)}`;
}

const UE_NAME_OF_BIT = new Map<number, string>(Object.entries(UE_BITS).map(([n, b]) => [b, n]));

/** Hardware events as a phrase. */
export function describeEffect(m: Machine, events: readonly HwEvent[]): string {
  const parts: string[] = [];
  const at = (phb: number, rid: number): string => formatPciAddress(addressFromRid(m.phbLayout(phb).spec.domain, rid));
  for (const e of events) {
    switch (e.kind) {
      case "freeze": {
        const others = e.frozen.filter((p) => p !== e.pe);
        parts.push(`froze ${phbName(m, e.phb)}-PE#${e.pe.toString(16)}${others.length > 0 ? ` and PE#${others.map((p) => p.toString(16)).join(", PE#")}` : ""} (${e.error})`);
        break;
      }
      case "fence":
        parts.push(`fenced ${phbName(m, e.phb)} (${e.error})`);
        break;
      case "dead":
        parts.push(`${phbName(m, e.phb)} dead`);
        break;
      case "error-logged":
        parts.push(`${e.error} logged, nothing frozen`);
        break;
      case "link-down":
        parts.push(`link below ${at(e.phb, e.port)} down${e.permanent ? " for good" : ""}`);
        break;
      case "link-up":
        parts.push(`link below ${at(e.phb, e.port)} up`);
        break;
      case "aer":
        parts.push(`${at(e.phb, e.rid)} AER ${UE_NAME_OF_BIT.get(e.bit) ?? `0x${e.bit.toString(16)}`} ${e.severity}`);
        break;
      case "inject-armed":
        parts.push(`error injection armed on ${phbName(m, e.phb)}-PE#${e.pe.toString(16)}`);
        break;
      case "reset":
        parts.push(`${phbName(m, e.phb)} ${e.scope} reset`);
        break;
    }
  }
  return parts.length > 0 ? parts.join("; ") : "no effect";
}

/** A fault as a sentence: "bad DMA write by 0000:03:00.0 (window page 0) at 1500 ms". */
export function describeFault(f: Fault): string {
  const when = `at ${f.at} ms`;
  switch (f.kind) {
    case "bad-dma":
      return `bad DMA ${f.dir} by ${f.device} (window page ${f.page}) ${when}`;
    case "mmio-error":
      return `MMIO load past the BARs of ${f.device} ${when}`;
    case "pcie-ue":
      return `uncorrectable error ${f.bit} reported by ${f.device} ${when}`;
    case "link-down":
      return `${f.permanent ? "permanent " : ""}link loss below ${f.port} ${when}`;
    case "mmio-unassigned":
      return `MMIO load to an unassigned segment of PHB id ${f.phb} ${when}`;
    case "fence":
      return `fence of PHB id ${f.phb} ${when}`;
    case "dead-phb":
      return `death of PHB id ${f.phb} ${when}`;
  }
}

/** Whether a reset cannot cure the fault (a dead PHB, a link that stays down). */
export function isPermanent(f: Fault): boolean {
  return f.kind === "dead-phb" || (f.kind === "link-down" && f.permanent);
}

/**
 * The first fault of `faults` that breaks `device` for good: the death of its PHB, or a
 * permanent link loss above it. Undefined when every fault that reaches it is curable.
 */
export function permanentFaultOf(spec: MachineSpec, faults: readonly Fault[], device: string): Fault | undefined {
  const target = functionOf(spec, formatPciAddress(parsePciAddress(device)));
  if (!target) throw new NotFoundError(`no function ${device} in the machine`, { device });
  const { phbId, fn } = target;
  return faults.find((f) => {
    if (f.kind === "dead-phb") return f.phb === phbId;
    if (f.kind !== "link-down" || !f.permanent) return false;
    const port = functionOf(spec, f.port);
    if (!port || port.phbId !== phbId) return false;
    const { secondaryBus: lo, subordinateBus: hi } = port.fn;
    return lo !== undefined && hi !== undefined && fn.address.bus >= lo && fn.address.bus <= hi;
  });
}
