// Semantic validation of a machine description, shared by the builder and the JSON codec:
// everything a real PCI hierarchy cannot be (two functions at one address, a bus no bridge
// leads to, overlapping bridge bus ranges, a VF without its PF, a PE number the PHB does not
// have). Every failure is a TopologyError whose path is the JSON path of the offending value
// in the machineToJson form (`phbs[0].functions[3].secondaryBus`), so a person can find it
// in the file they wrote. The first problem in document order wins.

import { TopologyError } from "../core/errors.js";
import { formatBdf, formatPciAddress, ridOf, type PciAddress, type Rid } from "./address.js";
import {
  BRIDGE_KINDS,
  PHB_MODEL_KINDS,
  isBridgeKind,
  isPowerOfTwo,
  reservedPeOf,
  type BarSpec,
  type FunctionKind,
  type MachineSpec,
  type PciFunctionSpec,
  type PhbSpec,
} from "./topology.js";

const FUNCTION_KINDS: readonly FunctionKind[] = [...BRIDGE_KINDS, "endpoint", "vf"];

/** Largest BAR sizes: 32-bit BARs decode at most 2 GiB, I/O BARs at most 64 KiB here. */
const MAX_BAR_SIZE = { mem32: 2 ** 31, io: 2 ** 16, mem64: 2 ** 52 } as const;
const MIN_BAR_SIZE = { mem32: 16, mem64: 16, io: 4 } as const;

/** Check `spec` and return it unchanged, or throw the first TopologyError found. */
export function validateMachine(spec: MachineSpec): MachineSpec {
  if (!Array.isArray(spec.phbs)) throw new TopologyError("expected an array of PHBs", "phbs");
  if (spec.phbs.length === 0) throw new TopologyError("a machine needs at least one PHB", "phbs");
  const ids = new Map<number, number>();
  const domains = new Map<number, number>();
  spec.phbs.forEach((phb, i) => {
    const p = `phbs[${i}]`;
    checkPhbFields(phb, p);
    const dupId = ids.get(phb.id);
    if (dupId !== undefined) throw new TopologyError(`duplicate PHB id ${phb.id} (also phbs[${dupId}])`, `${p}.id`);
    ids.set(phb.id, i);
    const dupDomain = domains.get(phb.domain);
    if (dupDomain !== undefined) {
      throw new TopologyError(`duplicate PCI domain ${hex4(phb.domain)} (also phbs[${dupDomain}])`, `${p}.domain`);
    }
    domains.set(phb.domain, i);
  });
  spec.phbs.forEach((phb, i) => validatePhbFunctions(phb, `phbs[${i}]`));
  return spec;
}

function checkPhbFields(phb: PhbSpec, p: string): void {
  if (!isUint(phb.id, Number.MAX_SAFE_INTEGER)) throw new TopologyError(`PHB id ${String(phb.id)} is not a non-negative integer`, `${p}.id`);
  if (!isUint(phb.domain, 0xffff)) throw new TopologyError(`PCI domain ${String(phb.domain)} outside 0..0xffff`, `${p}.domain`);
  if (!PHB_MODEL_KINDS.includes(phb.model)) {
    throw new TopologyError(`unknown PHB model ${JSON.stringify(phb.model)} (expected ${PHB_MODEL_KINDS.join(" or ")})`, `${p}.model`);
  }
  if (phb.location !== undefined && typeof phb.location !== "string") throw new TopologyError("expected a string", `${p}.location`);
  if (!Array.isArray(phb.functions)) throw new TopologyError("expected an array of functions", `${p}.functions`);
}

// ---------------------------------------------------------------------------------------
// One PHB
// ---------------------------------------------------------------------------------------

function validatePhbFunctions(phb: PhbSpec, p: string): void {
  const fns = phb.functions;
  const fp = (j: number): string => `${p}.functions[${j}]`;

  // Each function on its own.
  fns.forEach((fn, j) => checkFunction(fn, phb, fp(j)));

  // Addresses are unique; remember where each RID is.
  const byRid = new Map<Rid, number>();
  fns.forEach((fn, j) => {
    const rid = ridOf(fn.address);
    const other = byRid.get(rid);
    if (other !== undefined) {
      throw new TopologyError(`duplicate address ${formatPciAddress(fn.address)} (also functions[${other}])`, `${fp(j)}.address`);
    }
    byRid.set(rid, j);
  });

  // Exactly one root port, at 00:00.0, alone on the root bus.
  const roots = fns.map((fn, j) => (fn.kind === "root-port" ? j : -1)).filter((j) => j >= 0);
  if (roots.length === 0) throw new TopologyError("the PHB has no root port (expected one at 00:00.0)", `${p}.functions`);
  if (roots.length > 1) throw new TopologyError(`a second root port (the first is functions[${roots[0]}])`, `${fp(roots[1]!)}.kind`);
  const rootIndex = roots[0]!;
  const root = fns[rootIndex]!;
  if (root.address.bus !== 0 || root.address.device !== 0 || root.address.fn !== 0) {
    throw new TopologyError(`the root port must be at 00:00.0, not ${formatBdf(root.address)}`, `${fp(rootIndex)}.address`);
  }
  fns.forEach((fn, j) => {
    if (fn.address.bus === 0 && j !== rootIndex) {
      throw new TopologyError(`only the root port lives on the root bus 00 (${formatBdf(fn.address)})`, `${fp(j)}.address`);
    }
  });

  // Bridges: each secondary bus is led to by one bridge.
  const bySecondary = new Map<number, number>();
  fns.forEach((fn, j) => {
    if (!isBridgeKind(fn.kind)) return;
    const other = bySecondary.get(fn.secondaryBus!);
    if (other !== undefined) {
      throw new TopologyError(
        `secondary bus ${hex2(fn.secondaryBus!)} is already the secondary bus of functions[${other}]`,
        `${fp(j)}.secondaryBus`,
      );
    }
    bySecondary.set(fn.secondaryBus!, j);
  });

  // Every function sits on the secondary bus of a bridge (VFs may sit on a bus reserved for
  // VFs inside their PF's parent range instead); that bridge is its parent.
  const parentOf = new Map<number, number>();
  fns.forEach((fn, j) => {
    if (j === rootIndex) return;
    const bus = fn.address.bus;
    const parent = bySecondary.get(bus);
    if (parent !== undefined) {
      parentOf.set(j, parent);
      return;
    }
    if (fn.kind === "vf") return; // checked with the SR-IOV rules below
    if (bus < root.secondaryBus! || bus > root.subordinateBus!) {
      throw new TopologyError(
        `bus ${hex2(bus)} is outside the root port's bus range ${hex2(root.secondaryBus!)}..${hex2(root.subordinateBus!)}: a device on no PHB bus`,
        `${fp(j)}.address`,
      );
    }
    throw new TopologyError(`bus ${hex2(bus)} is not the secondary bus of any bridge`, `${fp(j)}.address`);
  });

  // Bridge ranges nest inside their parent's range, and siblings do not overlap.
  const childBridges = new Map<number, number[]>();
  fns.forEach((fn, j) => {
    if (!isBridgeKind(fn.kind) || j === rootIndex) return;
    const parent = parentOf.get(j)!;
    const pf = fns[parent]!;
    if (fn.subordinateBus! > pf.subordinateBus!) {
      throw new TopologyError(
        `bus range ${range(fn)} is not inside its parent bridge's range ${range(pf)} (functions[${parent}])`,
        `${fp(j)}.subordinateBus`,
      );
    }
    const list = childBridges.get(parent) ?? [];
    list.push(j);
    childBridges.set(parent, list);
  });
  for (const siblings of childBridges.values()) {
    const sorted = [...siblings].sort((a, b) => fns[a]!.secondaryBus! - fns[b]!.secondaryBus!);
    for (let k = 1; k < sorted.length; k++) {
      const prev = fns[sorted[k - 1]!]!;
      const cur = fns[sorted[k]!]!;
      if (cur.secondaryBus! <= prev.subordinateBus!) {
        const [a, b] = sorted[k - 1]! < sorted[k]! ? [sorted[k - 1]!, sorted[k]!] : [sorted[k]!, sorted[k - 1]!];
        throw new TopologyError(
          `bus range ${range(fns[b]!)} overlaps functions[${a}]'s range ${range(fns[a]!)}`,
          `${fp(b)}.secondaryBus`,
        );
      }
    }
  }

  // PCIe port rules: a switch is an upstream port below a root or downstream port, whose
  // internal bus holds downstream ports.
  fns.forEach((fn, j) => {
    const parent = parentOf.get(j);
    if (parent === undefined) return;
    const pk = fns[parent]!.kind;
    if (fn.kind === "upstream-port" && pk !== "root-port" && pk !== "downstream-port") {
      throw new TopologyError(`a switch upstream port must sit below a root or downstream port, not a ${pk}`, `${fp(j)}.kind`);
    }
    if (fn.kind === "downstream-port" && pk !== "upstream-port") {
      throw new TopologyError(`a switch downstream port must sit on a switch's internal bus, not below a ${pk}`, `${fp(j)}.kind`);
    }
    if (pk === "upstream-port" && fn.kind !== "downstream-port") {
      throw new TopologyError(`only downstream ports sit on a switch's internal bus, not a ${fn.kind}`, `${fp(j)}.kind`);
    }
  });

  // A device's function n > 0 needs function 0 (enumeration probes function 0 first).
  fns.forEach((fn, j) => {
    if (fn.kind === "vf" || fn.address.fn === 0) return;
    const f0 = byRid.get(ridOf({ ...fn.address, fn: 0 }));
    if (f0 === undefined || fns[f0]!.kind === "vf") {
      throw new TopologyError(`function ${formatBdf(fn.address)} has no function 0 on its device`, `${fp(j)}.address`);
    }
  });

  validateSriov(phb, p, byRid, bySecondary, parentOf, root);
}

function validateSriov(
  phb: PhbSpec,
  p: string,
  byRid: Map<Rid, number>,
  bySecondary: Map<number, number>,
  parentOf: Map<number, number>,
  root: PciFunctionSpec,
): void {
  const fns = phb.functions;
  const fp = (j: number): string => `${p}.functions[${j}]`;
  const seen = new Map<number, Map<number, number>>(); // PF index -> vfIndex -> VF index
  fns.forEach((fn, j) => {
    if (fn.kind !== "vf") return;
    const physfn = fn.physfn!;
    if (physfn.domain !== phb.domain) {
      throw new TopologyError(`physfn ${formatPciAddress(physfn)} is not under this PHB (domain ${hex4(phb.domain)})`, `${fp(j)}.physfn`);
    }
    const pfIndex = byRid.get(ridOf(physfn));
    if (pfIndex === undefined) throw new TopologyError(`physfn ${formatPciAddress(physfn)} does not exist`, `${fp(j)}.physfn`);
    const pf = fns[pfIndex]!;
    if (pf.kind !== "endpoint" || !pf.sriov) {
      throw new TopologyError(`physfn ${formatPciAddress(physfn)} (functions[${pfIndex}]) is not an SR-IOV PF`, `${fp(j)}.physfn`);
    }
    const iov = pf.sriov;
    const vfIndex = fn.vfIndex!;
    if (vfIndex >= iov.numVfs) {
      throw new TopologyError(`VF index ${vfIndex} but the PF enables only ${iov.numVfs} VFs`, `${fp(j)}.vfIndex`);
    }
    const indices = seen.get(pfIndex) ?? new Map<number, number>();
    const dup = indices.get(vfIndex);
    if (dup !== undefined) throw new TopologyError(`VF index ${vfIndex} of this PF is also functions[${dup}]`, `${fp(j)}.vfIndex`);
    indices.set(vfIndex, j);
    seen.set(pfIndex, indices);
    const want = ridOf(pf.address) + iov.firstVfOffset + vfIndex * iov.vfStride;
    if (ridOf(fn.address) !== want) {
      const where = want > 0xffff ? "beyond bus ff" : formatBdf({ bus: want >> 8, device: (want >> 3) & 0x1f, fn: want & 7 });
      throw new TopologyError(
        `VF ${vfIndex} must be at ${where} (PF RID + firstVfOffset 0x${iov.firstVfOffset.toString(16)} + index × vfStride ${iov.vfStride})`,
        `${fp(j)}.address`,
      );
    }
    if (fn.vendorId !== pf.vendorId) {
      throw new TopologyError(`a VF reports its PF's vendor id 0x${hex4(pf.vendorId)}`, `${fp(j)}.vendorId`);
    }
    if (fn.deviceId !== iov.vfDeviceId) {
      throw new TopologyError(`a VF reports the PF's SR-IOV VF device id 0x${hex4(iov.vfDeviceId)}`, `${fp(j)}.deviceId`);
    }
    // A VF off its PF's bus must sit on a bus reserved inside the PF's parent bridge range
    // that no bridge uses (Linux reserves such buses for VFs).
    if (!parentOf.has(j)) {
      const pfParent = parentOf.get(pfIndex);
      const bridge = pfParent === undefined ? root : fns[pfParent]!;
      const bus = fn.address.bus;
      if (bySecondary.has(bus) || bus < bridge.secondaryBus! || bus > bridge.subordinateBus!) {
        throw new TopologyError(`VF bus ${hex2(bus)} is outside its PF's parent bridge range ${range(bridge)}`, `${fp(j)}.address`);
      }
      const busIsBridgeRange = [...bySecondary.values()].some((b) => {
        const f = fns[b]!;
        return f !== bridge && bus >= f.secondaryBus! && bus <= f.subordinateBus! && isBelow(f, bridge);
      });
      if (busIsBridgeRange) throw new TopologyError(`VF bus ${hex2(bus)} belongs to another bridge's range`, `${fp(j)}.address`);
    }
  });
  fns.forEach((fn, j) => {
    if (!fn.sriov) return;
    const listed = seen.get(j)?.size ?? 0;
    if (listed !== fn.sriov.numVfs) {
      throw new TopologyError(`${fn.sriov.numVfs} VFs enabled but ${listed} listed as functions`, `${fp(j)}.sriov.numVfs`);
    }
  });
}

// Whether bridge `f`'s range lies strictly inside bridge `parent`'s.
function isBelow(f: PciFunctionSpec, parent: PciFunctionSpec): boolean {
  return f.secondaryBus! > parent.secondaryBus! && f.subordinateBus! <= parent.subordinateBus!;
}

// ---------------------------------------------------------------------------------------
// One function on its own
// ---------------------------------------------------------------------------------------

function checkFunction(fn: PciFunctionSpec, phb: PhbSpec, fp: string): void {
  if (!FUNCTION_KINDS.includes(fn.kind)) {
    throw new TopologyError(`unknown function kind ${JSON.stringify(fn.kind)} (expected ${FUNCTION_KINDS.join(", ")})`, `${fp}.kind`);
  }
  checkAddress(fn.address, `${fp}.address`);
  if (fn.address.domain !== phb.domain) {
    throw new TopologyError(
      `domain ${hex4(fn.address.domain)} is not this PHB's domain ${hex4(phb.domain)}: a device on no PHB`,
      `${fp}.address`,
    );
  }
  if (!isUint(fn.vendorId, 0xffff)) throw new TopologyError(`vendor id ${String(fn.vendorId)} outside 0..0xffff`, `${fp}.vendorId`);
  if (!isUint(fn.deviceId, 0xffff)) throw new TopologyError(`device id ${String(fn.deviceId)} outside 0..0xffff`, `${fp}.deviceId`);
  if (!isUint(fn.classCode, 0xffffff)) throw new TopologyError(`class code ${String(fn.classCode)} outside 0..0xffffff`, `${fp}.classCode`);
  if (typeof fn.aer !== "boolean") throw new TopologyError("expected true or false", `${fp}.aer`);
  for (const key of ["location", "label"] as const) {
    if (fn[key] !== undefined && typeof fn[key] !== "string") throw new TopologyError("expected a string", `${fp}.${key}`);
  }
  checkBars(fn, fp);

  const bridge = isBridgeKind(fn.kind);
  if (bridge) {
    for (const key of ["secondaryBus", "subordinateBus"] as const) {
      if (fn[key] === undefined) throw new TopologyError(`a ${fn.kind} needs a ${key}`, `${fp}.${key}`);
      if (!isUint(fn[key], 0xff)) throw new TopologyError(`bus ${String(fn[key])} outside 0..0xff`, `${fp}.${key}`);
    }
    if (fn.secondaryBus! <= fn.address.bus) {
      throw new TopologyError(`secondary bus ${hex2(fn.secondaryBus!)} must be above the bridge's own bus ${hex2(fn.address.bus)}`, `${fp}.secondaryBus`);
    }
    if (fn.subordinateBus! < fn.secondaryBus!) {
      throw new TopologyError(`subordinate bus ${hex2(fn.subordinateBus!)} is below secondary bus ${hex2(fn.secondaryBus!)}`, `${fp}.subordinateBus`);
    }
    if (fn.pePerDevice !== undefined && typeof fn.pePerDevice !== "boolean") {
      throw new TopologyError("expected true or false", `${fp}.pePerDevice`);
    }
  } else {
    for (const key of ["secondaryBus", "subordinateBus", "pePerDevice"] as const) {
      if (fn[key] !== undefined) throw new TopologyError(`only bridges have a ${key} (this is a ${fn.kind})`, `${fp}.${key}`);
    }
  }

  if (fn.pe !== undefined) {
    const reserved = reservedPeOf(phb.model);
    if (!isUint(fn.pe, reserved - 1)) {
      throw new TopologyError(
        `PE ${String(fn.pe)} outside 0..${reserved - 1} of an ${phb.model} PHB (PE ${reserved} is the reserved PE)`,
        `${fp}.pe`,
      );
    }
  }

  if (fn.sriov !== undefined) {
    if (fn.kind !== "endpoint") throw new TopologyError(`only an endpoint can be an SR-IOV PF (this is a ${fn.kind})`, `${fp}.sriov`);
    const s = fn.sriov;
    const sp = `${fp}.sriov`;
    if (!isUint(s.totalVfs, 0xffff) || s.totalVfs < 1) throw new TopologyError(`TotalVFs ${String(s.totalVfs)} outside 1..0xffff`, `${sp}.totalVfs`);
    if (!isUint(s.numVfs, 0xffff)) throw new TopologyError(`NumVFs ${String(s.numVfs)} is not a count`, `${sp}.numVfs`);
    if (s.numVfs > s.totalVfs) throw new TopologyError(`NumVFs ${s.numVfs} is above TotalVFs ${s.totalVfs}`, `${sp}.numVfs`);
    if (!isUint(s.vfDeviceId, 0xffff)) throw new TopologyError(`VF device id ${String(s.vfDeviceId)} outside 0..0xffff`, `${sp}.vfDeviceId`);
    if (!isUint(s.firstVfOffset, 0xffff) || s.firstVfOffset < 1) {
      throw new TopologyError(`First VF Offset ${String(s.firstVfOffset)} outside 1..0xffff`, `${sp}.firstVfOffset`);
    }
    if (!isUint(s.vfStride, 0xffff) || s.vfStride < 1) throw new TopologyError(`VF Stride ${String(s.vfStride)} outside 1..0xffff`, `${sp}.vfStride`);
    const last = ridOf(fn.address) + s.firstVfOffset + Math.max(0, s.totalVfs - 1) * s.vfStride;
    if (last > 0xffff) throw new TopologyError(`the last VF's routing ID 0x${last.toString(16)} is beyond bus ff`, `${sp}.totalVfs`);
  }

  if (fn.kind === "vf") {
    if (fn.physfn === undefined) throw new TopologyError("a VF needs its physfn", `${fp}.physfn`);
    checkAddress(fn.physfn, `${fp}.physfn`);
    if (!isUint(fn.vfIndex, 0xfffe)) throw new TopologyError(`VF index ${String(fn.vfIndex)} is not a VF index`, `${fp}.vfIndex`);
  } else {
    if (fn.physfn !== undefined) throw new TopologyError(`only VFs have a physfn (this is a ${fn.kind})`, `${fp}.physfn`);
    if (fn.vfIndex !== undefined) throw new TopologyError(`only VFs have a vfIndex (this is a ${fn.kind})`, `${fp}.vfIndex`);
  }
}

function checkBars(fn: PciFunctionSpec, fp: string): void {
  if (!Array.isArray(fn.bars)) throw new TopologyError("expected an array of BARs", `${fp}.bars`);
  const bridge = isBridgeKind(fn.kind);
  const maxIndex = bridge ? 1 : 5; // a type 1 header has two BARs
  const used = new Map<number, number>(); // register index -> BAR position
  fn.bars.forEach((bar: BarSpec, k) => {
    const bp = `${fp}.bars[${k}]`;
    if (!isUint(bar.index, maxIndex)) {
      throw new TopologyError(`BAR index ${String(bar.index)} outside 0..${maxIndex}${bridge ? " (a bridge has two BARs)" : ""}`, `${bp}.index`);
    }
    if (bar.type !== "mem32" && bar.type !== "mem64" && bar.type !== "io") {
      throw new TopologyError(`unknown BAR type ${JSON.stringify(bar.type)} (expected mem32, mem64 or io)`, `${bp}.type`);
    }
    if (typeof bar.prefetchable !== "boolean") throw new TopologyError("expected true or false", `${bp}.prefetchable`);
    if (bar.type === "io" && bar.prefetchable) throw new TopologyError("an I/O BAR cannot be prefetchable", `${bp}.prefetchable`);
    if (!isPowerOfTwo(bar.size)) throw new TopologyError(`BAR size ${String(bar.size)} is not a power of two`, `${bp}.size`);
    if (bar.size < MIN_BAR_SIZE[bar.type] || bar.size > MAX_BAR_SIZE[bar.type]) {
      throw new TopologyError(
        `a ${bar.type} BAR is 0x${MIN_BAR_SIZE[bar.type].toString(16)}..0x${MAX_BAR_SIZE[bar.type].toString(16)} bytes, not 0x${bar.size.toString(16)}`,
        `${bp}.size`,
      );
    }
    if (bar.type === "mem64" && bar.index === maxIndex) {
      throw new TopologyError(`a 64-bit BAR needs two registers; index ${bar.index} is the last`, `${bp}.index`);
    }
    const regs = bar.type === "mem64" ? [bar.index, bar.index + 1] : [bar.index];
    for (const r of regs) {
      const other = used.get(r);
      if (other !== undefined) {
        const what = r === bar.index ? `duplicate BAR index ${r}` : `the upper half of this 64-bit BAR is register ${r}`;
        throw new TopologyError(`${what}, also used by bars[${other}]`, `${bp}.index`);
      }
      used.set(r, k);
    }
  });
}

function checkAddress(a: PciAddress, path: string): void {
  if (typeof a !== "object" || a === null) throw new TopologyError("expected a PCI address", path);
  if (!isUint(a.domain, 0xffff) || !isUint(a.bus, 0xff) || !isUint(a.device, 0x1f) || !isUint(a.fn, 7)) {
    throw new TopologyError(`bad PCI address ${JSON.stringify(a)}`, path);
  }
}

function isUint(v: unknown, max: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

function range(fn: PciFunctionSpec): string {
  return `${hex2(fn.secondaryBus!)}..${hex2(fn.subordinateBus!)}`;
}
