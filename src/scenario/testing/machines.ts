// Machines for property tests of recovery code: random PHBs (IODA1 = P7IOC, IODA2 = PHB3)
// with trees of switches, PCIe-to-PCI bridges and endpoints, and PE layouts (a bus PE per
// bridge, or a PE per device below a `pePerDevice` bridge). Built on the shape arbitrary of
// pci/arbitraries.ts, then narrowed to what a recovery test wants: machines that *build*
// (the description arbitrary also produces descriptions the platform refuses — conflicting
// pinned PEs, SR-IOV on P7IOC, 64-bit BARs overflowing a PE's M64 segment), PHBs numbered
// 0, 1, … so addresses read like a real box's (`0000:03:00.0`), and endpoints that a
// driver can poll (each has a memory BAR).

import fc from "fast-check";
import { ArgumentError, TopologyError } from "../../core/errors.js";
import { buildLayout } from "../../ioda/layout.js";
import { formatPciAddress, ridOf } from "../../pci/address.js";
import { arbMachineShape, buildMachine, type BusShape, type DeviceShape, type EndpointShape, type MachineShape } from "../../pci/arbitraries.js";
import type { BarOptions } from "../../pci/builder.js";
import type { BarSpec, MachineSpec, PciFunctionSpec, PhbModelKind } from "../../pci/topology.js";

export { arbBar, arbMachineShape, arbMachineSpec, buildMachine, type ArbMachineOptions as ArbMachineShapeOptions, type MachineShape } from "../../pci/arbitraries.js";

export interface ArbMachineOptions {
  /** PHB models to draw from (default both). */
  readonly models?: readonly PhbModelKind[];
  /** Most PHBs (default 2). */
  readonly maxPhbs?: number;
  /** Most levels of switches/bridges below a root port (default 2). */
  readonly maxDepth?: number;
  /** Most devices per bus (default 2). */
  readonly maxDevicesPerBus?: number;
  /** Fewest endpoint functions (PFs, VFs, ordinary functions) in the machine (default 1). */
  readonly minEndpoints?: number;
  /** SR-IOV PFs with VFs (IODA2 PHBs only: Linux has VF PEs from PHB3 on). Default true. */
  readonly sriov?: boolean;
  /** Keep the PE numbers the shape pins on some functions (default false: Linux allocates). */
  readonly pinnedPes?: boolean;
}

/** Largest BARs generated: a PE's 64-bit BARs must fit its 256 MiB M64 segment. */
const MAX_MEM32_BAR = 1 << 20;
const MAX_MEM64_BAR = 1 << 22;
const POLL_BAR: BarOptions = { type: "mem32", size: 0x1000, prefetchable: false };

/**
 * A machine description that `Machine.build` accepts, with at least `minEndpoints`
 * endpoints, each with a memory BAR. Shrinks towards one PHB with few devices. The value
 * prints (in fast-check's counter-examples) as `describeMachine` one-liners.
 */
export function arbMachine(options: ArbMachineOptions = {}): fc.Arbitrary<MachineSpec> {
  const models = options.models ?? ["ioda1", "ioda2"];
  if (models.length === 0) throw new ArgumentError("arbMachine: `models` is empty", { models });
  const minEndpoints = options.minEndpoints ?? 1;
  if (!Number.isInteger(minEndpoints) || minEndpoints < 0 || minEndpoints > 8) {
    throw new ArgumentError(`arbMachine: minEndpoints ${minEndpoints} is outside 0..8`, { minEndpoints });
  }
  const shape = arbMachineShape({ maxPhbs: options.maxPhbs ?? 2, maxDepth: options.maxDepth ?? 2, maxDevicesPerBus: options.maxDevicesPerBus ?? 2 });
  return shape
    .map((s) => narrowShape(s, models, options))
    .map(buildMachine)
    .filter((spec) => endpointsOf(spec).length >= minEndpoints && builds(spec))
    .map(printable);
}

function narrowShape(s: MachineShape, models: readonly PhbModelKind[], o: ArbMachineOptions): MachineShape {
  return {
    phbs: s.phbs.map((p, i) => {
      const model = models.includes(p.model) ? p.model : models[0]!;
      return { ...p, id: i, domain: i, model, root: narrowBus(p.root, model, o) };
    }),
  };
}

function narrowBus(bus: BusShape, model: PhbModelKind, o: ArbMachineOptions): BusShape {
  return bus.map((d): DeviceShape => {
    if (d.type === "endpoint") return narrowEndpoint(d, model, o);
    if (d.type === "switch") return { ...d, ports: d.ports.map((p) => narrowBus(p, model, o)) };
    return { ...d, bus: narrowBus(d.bus, model, o) };
  });
}

function narrowEndpoint(d: EndpointShape, model: PhbModelKind, o: ArbMachineOptions): EndpointShape {
  const { label: _label, pe, sriov, bars, ...rest } = d.options;
  void _label; // random labels only clutter counter-examples
  const keepSriov = sriov && (o.sriov ?? true) && model === "ioda2";
  return {
    type: "endpoint",
    options: {
      ...rest,
      bars: pollable(bars ?? []),
      ...(o.pinnedPes && pe !== undefined ? { pe } : {}),
      ...(keepSriov ? { sriov: { ...sriov, vfBars: pollable(sriov.vfBars ?? []) } } : {}),
    },
  };
}

/** Clamp BAR sizes and make sure a memory BAR exists (a driver polls it). */
function pollable(bars: readonly BarOptions[]): BarOptions[] {
  const out = bars.map((b) => {
    const max = b.type === "mem64" || b.type === undefined ? MAX_MEM64_BAR : b.type === "mem32" ? MAX_MEM32_BAR : b.size;
    return { ...b, size: Math.min(b.size, max) };
  });
  return out.some((b) => b.type !== "io") ? out : [POLL_BAR, ...out];
}

function builds(spec: MachineSpec): boolean {
  try {
    buildLayout(spec);
    return true;
  } catch (e) {
    if (e instanceof TopologyError) return false;
    throw e;
  }
}

function printable(spec: MachineSpec): MachineSpec {
  Object.defineProperty(spec, fc.toStringMethod, { value: () => `machine(${describeMachine(spec, { oneLine: true })})`, enumerable: false });
  return spec;
}

// ------------------------------------------------------------------ queries

/** Endpoint functions (ordinary functions, SR-IOV PFs and VFs) of a machine, `dddd:bb:dd.f`. */
export function endpointsOf(spec: MachineSpec): string[] {
  return spec.phbs.flatMap((p) => p.functions.filter((f) => f.kind === "endpoint" || f.kind === "vf").map((f) => formatPciAddress(f.address)));
}

/** Bridge ports with a PCIe link below them (root ports and switch downstream ports). */
export function linkPortsOf(spec: MachineSpec): string[] {
  return spec.phbs.flatMap((p) => p.functions.filter((f) => f.kind === "root-port" || f.kind === "downstream-port").map((f) => formatPciAddress(f.address)));
}

/** A function of the machine by address, with its PHB. */
export function functionOf(spec: MachineSpec, address: string): { phbId: number; fn: PciFunctionSpec } | undefined {
  for (const p of spec.phbs) {
    const fn = p.functions.find((f) => formatPciAddress(f.address) === address);
    if (fn) return { phbId: p.id, fn };
  }
  return undefined;
}

function size(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)}G`;
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)}K`;
  return String(n);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

function barText(b: BarSpec): string {
  return `${b.type} ${size(b.size)}`;
}

/**
 * The machine as a reader wants it in a counter-example: per PHB its model, and per
 * function its address, kind, IDs, BARs and the PE Linux gives it, e.g.
 *
 *   PHB#0 ioda2
 *     0000:00:00.0 root-port        PE#fe
 *     0000:01:00.0 endpoint 8086:10fb [mem32 64K]  PE#fd
 */
export function describeMachine(spec: MachineSpec, options: { oneLine?: boolean } = {}): string {
  let peOf: (phbId: number, rid: number) => number | undefined = () => undefined;
  try {
    const layout = buildLayout(spec);
    peOf = (phbId, rid) => layout.phbs.get(phbId)?.plan.peOfRid.get(rid);
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
  }
  const phbs = spec.phbs.map((p) => {
    const fns = p.functions.map((f) => {
      const pe = peOf(p.id, ridOf(f.address));
      const ids = f.kind === "endpoint" || f.kind === "vf" ? ` ${hex(f.vendorId, 4)}:${hex(f.deviceId, 4)}` : "";
      const bars = f.bars.length > 0 ? ` [${f.bars.map(barText).join(", ")}]` : "";
      const sriov = f.sriov ? ` sriov ${f.sriov.numVfs}/${f.sriov.totalVfs} VFs` : "";
      const pin = f.pePerDevice ? " pePerDevice" : "";
      const head = `${formatPciAddress(f.address)} ${f.kind}${ids}${bars}${sriov}${pin}`;
      return pe === undefined ? head : options.oneLine ? `${head} PE#${pe.toString(16)}` : `${head.padEnd(44)} PE#${pe.toString(16)}`;
    });
    const title = `PHB#${p.domain.toString(16)} ${p.model}${p.id !== p.domain ? ` (id ${p.id})` : ""}`;
    return options.oneLine ? `${title}: ${fns.join("; ")}` : [title, ...fns.map((l) => `  ${l}`)].join("\n");
  });
  return phbs.join(options.oneLine ? " | " : "\n");
}
