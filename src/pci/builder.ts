// A fluent builder for machine descriptions: describe the shape (PHBs, switches, bridges,
// endpoints, SR-IOV PFs) and let it number the buses the way Linux enumerates them, so a
// test or scenario writes a machine in a few lines:
//
//   const spec = new MachineBuilder()
//     .phb({ model: "ioda2" }, (root) => {
//       root.switch({ downstreamPorts: 3 }, (ports) => {
//         ports[0]!.endpoint({ vendorId: 0x15b3, deviceId: 0x1013, label: "mlx0" });
//         ports[1]!.endpoint({ functions: 2 });           // a multi-function device
//         ports[2]!.endpoint({ sriov: { numVfs: 4 } });   // a PF and its 4 VFs
//       });
//     })
//     .phb({ model: "ioda1" }, (root) => root.endpoint().endpoint())
//     .build();
//
// Bus numbering (Linux' depth-first scan, pci_scan_bridge): the root port is 00:00.0 on
// bus 0 of every PHB with secondary bus 1. Devices of a bus are visited in device-number
// order; a bridge takes the next free bus number as its secondary bus, its subtree is
// numbered, then its subordinate bus is fixed up to the highest bus below it. A switch is an
// upstream port on its parent's bus whose secondary (internal) bus holds downstream ports at
// devices 0..N-1, each with its own secondary bus.
//
// SR-IOV: unless firstVfOffset/vfStride are given, VFs use stride 1 and are packed on the
// PF's bus from devfn 0x80 (device 0x10) upward, PF after PF in build order; each PF
// reserves TotalVFs routing IDs, so its First VF Offset is (0x80 + already reserved) − PF
// devfn. Ordinary devices are numbered from device 0, so they and the VFs meet only on a
// bus with more than 16 devices' worth of functions — the builder then throws a
// TopologyError asking for explicit offsets. (Real devices pick similar values: the 82599
// uses offset 0x80, stride 2.)
//
// Impossible requests (a 33rd device on a bus, a 256th bus, a ninth function) throw a
// TopologyError whose path names the builder call, e.g. `phbs[0].root.devices[0].ports[2]`;
// the finished description is then checked by validateMachine and its errors are reported
// at the builder path of the offending function (`phbs[0].root.devices[1].functions[1].pe`).

import { TopologyError } from "../core/errors.js";
import { devfn, ridOf, type PciAddress } from "./address.js";
import type { BarSpec, BarType, FunctionKind, MachineSpec, PciFunctionSpec, PhbModelKind, PhbSpec, SriovSpec } from "./topology.js";
import { validateMachine } from "./validate.js";

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

export interface BarOptions {
  /** Default "mem64". */
  readonly type?: BarType;
  readonly size: number;
  /** Default: true for mem64, false otherwise. */
  readonly prefetchable?: boolean;
  /** BAR register index; default the next free one (a mem64 BAR takes two). */
  readonly index?: number;
}

/** Options shared by every function. */
export interface CommonFunctionOptions {
  readonly vendorId?: number;
  readonly deviceId?: number;
  readonly classCode?: number;
  readonly bars?: readonly BarOptions[];
  /** Implements AER (default true). */
  readonly aer?: boolean;
  /** Pin the function's PE number. */
  readonly pe?: number;
  readonly label?: string;
  /** Slot location code; default the PHB's. */
  readonly location?: string;
}

export interface SriovOptions {
  readonly numVfs: number;
  /** Default max(numVfs, 1). */
  readonly totalVfs?: number;
  /** Default 0x10ed (82599 VF) with the default PF, else the PF device id + 1. */
  readonly vfDeviceId?: number;
  /** Default: pack VFs from devfn 0x80 of the PF's bus (see the header comment). */
  readonly firstVfOffset?: number;
  /** Default 1 (when firstVfOffset is also defaulted). */
  readonly vfStride?: number;
  /** BARs of each VF; default one 16 KiB prefetchable mem64 BAR. */
  readonly vfBars?: readonly BarOptions[];
  /** VFs implement AER; default as the PF. */
  readonly vfAer?: boolean;
}

export interface FunctionOptions extends CommonFunctionOptions {
  /** Makes this function an SR-IOV PF. */
  readonly sriov?: SriovOptions;
}

export interface EndpointOptions extends FunctionOptions {
  /** Device number on the bus; default the lowest free one. */
  readonly device?: number;
  /**
   * Number of functions (1..8, each with these options), or per-function options that
   * override the endpoint's. With several functions a label becomes `label.N`.
   */
  readonly functions?: number | readonly FunctionOptions[];
}

/** Options of a bridge (root port, switch port, PCIe-to-PCI bridge). */
export interface BridgeOptions extends CommonFunctionOptions {
  /** Give each device below this bridge its own PE instead of one PE for the bus. */
  readonly pePerDevice?: boolean;
}

export interface SwitchOptions {
  readonly downstreamPorts: number;
  /** Device number of the upstream port on the parent bus; default the lowest free one. */
  readonly device?: number;
  readonly upstream?: BridgeOptions;
  /** Options of every downstream port (each port may also set its own with `port()`). */
  readonly downstream?: BridgeOptions;
}

export interface PciBridgeOptions extends BridgeOptions {
  readonly device?: number;
}

export interface PhbOptions {
  readonly model: PhbModelKind;
  /** OPAL PHB id; default the lowest id not yet used. */
  readonly id?: number;
  /** PCI domain; default the PHB id. */
  readonly domain?: number;
  /** `ibm,io-base-loc-code`; default `<unit>-P1-C<n>` with n = PHB position + 1. */
  readonly location?: string;
  readonly rootPort?: BridgeOptions;
}

export interface MachineOptions {
  /** System unit part of location codes; default "U78C9.001.WZS0001". */
  readonly unit?: string;
}

// ---------------------------------------------------------------------------------------
// Defaults (real parts, so dumps look familiar)
// ---------------------------------------------------------------------------------------

const CLASS_BRIDGE_PCI = 0x060400;
const DEFAULT_IDS: Record<Exclude<FunctionKind, "vf">, { vendorId: number; deviceId: number; classCode: number }> = {
  "root-port": { vendorId: 0x1014, deviceId: 0x03dc, classCode: CLASS_BRIDGE_PCI }, // IBM PHB3 root port
  "upstream-port": { vendorId: 0x10b5, deviceId: 0x8748, classCode: CLASS_BRIDGE_PCI }, // PLX PEX 8748
  "downstream-port": { vendorId: 0x10b5, deviceId: 0x8748, classCode: CLASS_BRIDGE_PCI },
  "pci-bridge": { vendorId: 0x10b5, deviceId: 0x8112, classCode: CLASS_BRIDGE_PCI }, // PLX PEX 8112
  endpoint: { vendorId: 0x8086, deviceId: 0x10fb, classCode: 0x020000 }, // Intel 82599 10GbE
};
const P7IOC_ROOT_PORT_ID = 0x03b9;
const DEFAULT_VF_DEVICE_ID = 0x10ed; // 82599 VF
const DEFAULT_ENDPOINT_BARS: readonly BarOptions[] = [
  { type: "mem64", size: 0x100000, prefetchable: true },
  { type: "mem32", size: 0x4000 },
];
const DEFAULT_VF_BARS: readonly BarOptions[] = [{ type: "mem64", size: 0x4000, prefetchable: true }];
const DEFAULT_UNIT = "U78C9.001.WZS0001";
/** Where default VF routing IDs start on the PF's bus (devfn). */
export const DEFAULT_VF_DEVFN_BASE = 0x80;

// ---------------------------------------------------------------------------------------
// The recorded shape
// ---------------------------------------------------------------------------------------

interface EndpointNode {
  readonly type: "endpoint";
  readonly device: number;
  readonly path: string;
  readonly functions: readonly FunctionOptions[];
  readonly multi: boolean;
}

interface SwitchNode {
  readonly type: "switch";
  readonly device: number;
  readonly path: string;
  readonly upstream: BridgeOptions;
  readonly ports: readonly BusBuilder[];
}

interface PciBridgeNode {
  readonly type: "pci-bridge";
  readonly device: number;
  readonly path: string;
  readonly bus: BusBuilder;
}

type DeviceNode = EndpointNode | SwitchNode | PciBridgeNode;

/**
 * The bus below one bridge. Add devices to it; `port()` sets options of the bridge that
 * leads to it (the root port, a switch downstream port or a PCIe-to-PCI bridge).
 */
export class BusBuilder {
  /** @internal */ readonly devices: DeviceNode[] = [];
  /** @internal */ bridgeOptions: BridgeOptions;
  private readonly used = new Set<number>();

  /** @internal */
  constructor(
    /** Builder path of this bus, for error messages. */
    readonly path: string,
    bridgeOptions: BridgeOptions = {},
    /** The conventional PCI bus below a PCIe-to-PCI bridge: no PCIe switches there. */
    private readonly conventional = false,
  ) {
    this.bridgeOptions = bridgeOptions;
  }

  /** Options of the bridge above this bus (merged over what was set before). */
  port(options: BridgeOptions): this {
    this.bridgeOptions = { ...this.bridgeOptions, ...defined(options) };
    return this;
  }

  /** Add a device: one function, several (`functions`), or an SR-IOV PF (`sriov`). */
  endpoint(options: EndpointOptions = {}): this {
    const path = this.nextPath();
    const device = this.claimDevice(options.device, path);
    const { functions, device: _d, ...shared } = defined(options);
    let list: FunctionOptions[];
    if (functions === undefined) {
      list = [shared];
    } else if (typeof functions === "number") {
      if (!Number.isInteger(functions) || functions < 1 || functions > 8) {
        throw new TopologyError(`a device has 1..8 functions, not ${functions}`, `${path}.functions`);
      }
      list = Array.from({ length: functions }, () => shared);
    } else {
      if (functions.length < 1 || functions.length > 8) {
        throw new TopologyError(`a device has 1..8 functions, not ${functions.length}`, `${path}.functions`);
      }
      list = functions.map((f) => ({ ...shared, ...defined(f) }));
    }
    this.devices.push({ type: "endpoint", device, path, functions: list, multi: list.length > 1 });
    return this;
  }

  /** Add a PCIe switch: an upstream port here and `downstreamPorts` ports below it. */
  switch(options: SwitchOptions, populate?: (ports: BusBuilder[]) => void): this {
    const path = this.nextPath();
    if (this.conventional) throw new TopologyError("a PCIe switch cannot sit on the PCI bus below a PCIe-to-PCI bridge", path);
    const n = options.downstreamPorts;
    if (!Number.isInteger(n) || n < 1 || n > 32) {
      throw new TopologyError(`a switch has 1..32 downstream ports, not ${n}`, `${path}.downstreamPorts`);
    }
    const device = this.claimDevice(options.device, path);
    const ports = Array.from({ length: n }, (_, i) => new BusBuilder(`${path}.ports[${i}]`, defined(options.downstream ?? {})));
    this.devices.push({ type: "switch", device, path, upstream: defined(options.upstream ?? {}), ports });
    populate?.(ports);
    return this;
  }

  /** Add a PCIe-to-PCI bridge with its own secondary bus. */
  pciBridge(options: PciBridgeOptions = {}, populate?: (bus: BusBuilder) => void): this {
    const path = this.nextPath();
    const device = this.claimDevice(options.device, path);
    const { device: _d, ...bridgeOptions } = defined(options);
    const bus = new BusBuilder(`${path}.bus`, bridgeOptions, true);
    this.devices.push({ type: "pci-bridge", device, path, bus });
    populate?.(bus);
    return this;
  }

  private nextPath(): string {
    return `${this.path}.devices[${this.devices.length}]`;
  }

  private claimDevice(requested: number | undefined, path: string): number {
    if (requested !== undefined) {
      if (!Number.isInteger(requested) || requested < 0 || requested > 0x1f) {
        throw new TopologyError(`device number ${requested} outside 0..0x1f`, `${path}.device`);
      }
      if (this.used.has(requested)) throw new TopologyError(`device ${hex2(requested)} is already used on this bus`, `${path}.device`);
      this.used.add(requested);
      return requested;
    }
    for (let d = 0; d <= 0x1f; d++) {
      if (!this.used.has(d)) {
        this.used.add(d);
        return d;
      }
    }
    throw new TopologyError("more than 32 devices on one bus", path);
  }
}

interface PhbRecord {
  readonly options: PhbOptions;
  readonly root: BusBuilder;
  readonly path: string;
}

/** Describe a machine PHB by PHB; `build()` numbers the buses and validates. */
export class MachineBuilder {
  private readonly phbs: PhbRecord[] = [];

  constructor(private readonly options: MachineOptions = {}) {}

  /** Add a PHB; `populate` receives the root port's secondary bus. */
  phb(options: PhbOptions, populate?: (root: BusBuilder) => void): this {
    const path = `phbs[${this.phbs.length}]`;
    const root = new BusBuilder(`${path}.root`, defined(options.rootPort ?? {}));
    this.phbs.push({ options, root, path });
    populate?.(root);
    return this;
  }

  /** The validated MachineSpec (throws TopologyError). */
  build(): MachineSpec {
    const unit = this.options.unit ?? DEFAULT_UNIT;
    const usedIds = new Set(this.phbs.map((p) => p.options.id).filter((id): id is number => id !== undefined));
    let nextId = 0;
    const origins: string[][] = [];
    const phbs: PhbSpec[] = this.phbs.map((rec, i) => {
      let id = rec.options.id;
      if (id === undefined) {
        while (usedIds.has(nextId)) nextId++;
        id = nextId;
        usedIds.add(id);
      }
      const domain = rec.options.domain ?? id;
      const location = rec.options.location ?? `${unit}-P1-C${i + 1}`;
      const emitter = new PhbEmitter(rec, domain, location);
      const functions = emitter.run();
      origins.push(emitter.origins);
      return { id, domain, model: rec.options.model, location, functions };
    });
    const spec: MachineSpec = { phbs };
    try {
      return validateMachine(spec);
    } catch (e) {
      throw rebase(e, origins);
    }
  }
}

// Reports a validation error at the builder path of the function it concerns.
function rebase(e: unknown, origins: string[][]): unknown {
  if (!(e instanceof TopologyError)) return e;
  const m = /^phbs\[(\d+)\]\.functions\[(\d+)\](.*)$/.exec(e.path);
  const origin = m ? origins[Number(m[1])]?.[Number(m[2])] : undefined;
  if (!m || origin === undefined) return e;
  const message = e.message.slice(e.path.length + 2);
  return new TopologyError(message, `${origin}${m[3]}`, { specPath: e.path });
}

// ---------------------------------------------------------------------------------------
// Numbering and emission
// ---------------------------------------------------------------------------------------

class PhbEmitter {
  readonly functions: PciFunctionSpec[] = [];
  /** Builder path of each emitted function (same order as `functions`). */
  readonly origins: string[] = [];
  private lastBus = 0;
  private readonly vfCursor = new Map<number, number>(); // bus -> next free VF devfn

  constructor(
    private readonly rec: PhbRecord,
    private readonly domain: number,
    private readonly location: string,
  ) {}

  run(): PciFunctionSpec[] {
    const root = this.rec.root;
    const model = this.rec.options.model;
    const ids = { ...DEFAULT_IDS["root-port"], ...(model === "ioda1" ? { deviceId: P7IOC_ROOT_PORT_ID } : {}) };
    this.bridge("root-port", this.addr(0, 0, 0), ids, root.bridgeOptions, `${this.rec.path}.rootPort`, (bus) =>
      this.bus(root, bus),
    );
    return this.functions;
  }

  private addr(bus: number, device: number, fn: number): PciAddress {
    return { domain: this.domain, bus, device, fn };
  }

  private allocBus(path: string): number {
    if (this.lastBus >= 0xff) throw new TopologyError("more than 255 buses below one PHB", path);
    return ++this.lastBus;
  }

  // Emit a bridge, number its subtree, then fix up its subordinate bus.
  private bridge(
    kind: FunctionKind,
    address: PciAddress,
    ids: { vendorId: number; deviceId: number; classCode: number },
    options: BridgeOptions,
    path: string,
    below: (secondary: number) => void,
  ): void {
    const secondary = this.allocBus(path);
    const at = this.functions.length;
    this.functions.push(undefined as unknown as PciFunctionSpec); // placeholder, keeps preorder
    this.origins.push(path);
    below(secondary);
    const fn: PciFunctionSpec = {
      ...this.common(kind, address, { ...ids, ...options }, path),
      secondaryBus: secondary,
      subordinateBus: this.lastBus,
      ...(options.pePerDevice !== undefined ? { pePerDevice: options.pePerDevice } : {}),
    };
    this.functions[at] = fn;
  }

  private bus(bus: BusBuilder, number: number): void {
    const devices = [...bus.devices].sort((a, b) => a.device - b.device);
    for (const node of devices) {
      if (node.type === "endpoint") this.endpoint(node, number, bus);
      else if (node.type === "switch") this.switchNode(node, number);
      else {
        this.bridge("pci-bridge", this.addr(number, node.device, 0), DEFAULT_IDS["pci-bridge"], node.bus.bridgeOptions, node.path, (b) =>
          this.bus(node.bus, b),
        );
      }
    }
  }

  private switchNode(node: SwitchNode, number: number): void {
    this.bridge("upstream-port", this.addr(number, node.device, 0), DEFAULT_IDS["upstream-port"], node.upstream, `${node.path}.upstream`, (internal) => {
      node.ports.forEach((port, i) => {
        this.bridge("downstream-port", this.addr(internal, i, 0), DEFAULT_IDS["downstream-port"], port.bridgeOptions, port.path, (b) =>
          this.bus(port, b),
        );
      });
    });
  }

  private endpoint(node: EndpointNode, bus: number, busBuilder: BusBuilder): void {
    const pfs: Array<{ fn: PciFunctionSpec; options: FunctionOptions; path: string }> = [];
    node.functions.forEach((options, f) => {
      const path = node.multi ? `${node.path}.functions[${f}]` : node.path;
      const label = options.label !== undefined && node.multi ? `${options.label}.${f}` : options.label;
      const merged = { ...DEFAULT_IDS.endpoint, ...options, label };
      const base = this.common("endpoint", this.addr(bus, node.device, f), merged, path);
      const sriov = options.sriov ? this.sriov(options, base, path, busBuilder) : undefined;
      const fn: PciFunctionSpec = sriov ? { ...base, sriov } : base;
      this.functions.push(fn);
      this.origins.push(path);
      if (sriov) pfs.push({ fn, options, path });
    });
    // VFs after all functions of the device, in PF order.
    for (const pf of pfs) this.vfs(pf.fn, pf.options, pf.path);
  }

  private sriov(options: FunctionOptions, pf: PciFunctionSpec, path: string, busBuilder: BusBuilder): SriovSpec {
    const o = options.sriov!;
    const sp = `${path}.sriov`;
    if (!Number.isInteger(o.numVfs) || o.numVfs < 0) throw new TopologyError(`NumVFs ${o.numVfs} is not a count`, `${sp}.numVfs`);
    const totalVfs = o.totalVfs ?? Math.max(o.numVfs, 1);
    const vfDeviceId = o.vfDeviceId ?? (options.deviceId === undefined ? DEFAULT_VF_DEVICE_ID : (options.deviceId + 1) & 0xffff);
    if (o.firstVfOffset !== undefined || o.vfStride !== undefined) {
      return { totalVfs, numVfs: o.numVfs, vfDeviceId, firstVfOffset: o.firstVfOffset ?? 1, vfStride: o.vfStride ?? 1 };
    }
    // Pack this PF's VFs after those already placed on the bus (see the header comment).
    const bus = pf.address.bus;
    const pfDevfn = devfn(pf.address.device, pf.address.fn);
    const start = Math.max(this.vfCursor.get(bus) ?? DEFAULT_VF_DEVFN_BASE, pfDevfn + 1);
    const end = start + totalVfs; // exclusive
    if (end > 0x100) {
      throw new TopologyError(
        `${totalVfs} VFs do not fit on bus ${hex2(bus)} from devfn 0x${start.toString(16)}; pass firstVfOffset/vfStride`,
        sp,
      );
    }
    const taken = occupiedDevfns(busBuilder);
    for (let d = start; d < end; d++) {
      if (taken.has(d)) {
        throw new TopologyError(
          `VF routing IDs 0x${start.toString(16)}..0x${(end - 1).toString(16)} of bus ${hex2(bus)} collide with function ${hex2(d >> 3)}.${d & 7}; pass firstVfOffset/vfStride or use lower device numbers`,
          sp,
        );
      }
    }
    this.vfCursor.set(bus, end);
    return { totalVfs, numVfs: o.numVfs, vfDeviceId, firstVfOffset: start - pfDevfn, vfStride: 1 };
  }

  private vfs(pf: PciFunctionSpec, options: FunctionOptions, path: string): void {
    const iov = pf.sriov!;
    const o = options.sriov!;
    const pfRid = ridOf(pf.address);
    for (let i = 0; i < iov.numVfs; i++) {
      const rid = pfRid + iov.firstVfOffset + i * iov.vfStride;
      const vpath = `${path}.sriov.vfs[${i}]`;
      if (rid > 0xffff) throw new TopologyError(`VF ${i}'s routing ID is beyond bus ff`, vpath);
      const address: PciAddress = { domain: this.domain, bus: rid >> 8, device: (rid >> 3) & 0x1f, fn: rid & 7 };
      const base = this.common(
        "vf",
        address,
        {
          vendorId: pf.vendorId,
          deviceId: iov.vfDeviceId,
          classCode: pf.classCode,
          bars: o.vfBars ?? DEFAULT_VF_BARS,
          aer: o.vfAer ?? pf.aer,
          ...(pf.label !== undefined ? { label: `${pf.label}-vf${i}` } : {}),
          ...(pf.location !== undefined ? { location: pf.location } : {}),
        },
        vpath,
      );
      this.functions.push({ ...base, physfn: { ...pf.address }, vfIndex: i }); // no shared objects
      this.origins.push(vpath);
    }
  }

  // The fields every function has, from (defaults merged with) the caller's options.
  private common(
    kind: FunctionKind,
    address: PciAddress,
    o: CommonFunctionOptions & { vendorId: number; deviceId: number; classCode: number },
    path: string,
  ): PciFunctionSpec {
    const bars = o.bars ?? (kind === "endpoint" ? DEFAULT_ENDPOINT_BARS : []);
    const isBridge = kind !== "endpoint" && kind !== "vf";
    return {
      address,
      kind,
      vendorId: o.vendorId,
      deviceId: o.deviceId,
      classCode: o.classCode,
      bars: assignBars(bars, isBridge ? 2 : 6, `${path}.bars`),
      aer: o.aer ?? true,
      ...(o.pe !== undefined ? { pe: o.pe } : {}),
      location: o.location ?? this.location,
      ...(o.label !== undefined ? { label: o.label } : {}),
    };
  }
}

// The devfns of the ordinary functions on a bus (VFs excluded).
function occupiedDevfns(bus: BusBuilder): Set<number> {
  const out = new Set<number>();
  for (const node of bus.devices) {
    const count = node.type === "endpoint" ? node.functions.length : 1;
    for (let f = 0; f < count; f++) out.add(devfn(node.device, f));
  }
  return out;
}

// Give each BAR a register index: the requested one, or the next free (64-bit BARs take two).
function assignBars(bars: readonly BarOptions[], registers: number, path: string): BarSpec[] {
  const used = new Set<number>();
  for (const b of bars) if (b.index !== undefined) used.add(b.index);
  let next = 0;
  return bars.map((b, k) => {
    const type = b.type ?? "mem64";
    const width = type === "mem64" ? 2 : 1;
    let index = b.index;
    if (index === undefined) {
      while (next < registers && (used.has(next) || (width === 2 && used.has(next + 1)))) next++;
      if (next + width > registers) throw new TopologyError(`no BAR register left for this ${type} BAR`, `${path}[${k}]`);
      index = next;
      used.add(next);
      if (width === 2) used.add(next + 1);
      next += width;
    }
    return { index, type, size: b.size, prefetchable: b.prefetchable ?? type === "mem64" };
  });
}

// Drop keys whose value is undefined, so `{ ...defaults, ...options }` keeps the defaults.
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}
