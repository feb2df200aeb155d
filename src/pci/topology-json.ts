// The machine description as plain JSON, for scenario files and `--json` output:
//
//   { "phbs": [ { "id": 0, "domain": 0, "model": "ioda2", "location": "U78C9.001.WZS0001-P1-C1",
//                 "functions": [ { "address": "0000:00:00.0", "kind": "root-port",
//                                  "vendorId": 4116, …, "secondaryBus": 1, "subordinateBus": 5 }, … ] } ] }
//
// Addresses are "dddd:bb:dd.f" strings (on input "bb:dd.f" takes the PHB's domain); numbers
// are JSON numbers on output, and on input may also be hex strings ("0x15b3"), which is how
// people copy ids out of lspci. Reading checks shapes here (types, unknown fields, address
// text) and semantics in validateMachine, and every failure is a TopologyError whose `path`
// is the JSON path of the bad value (`phbs[0].functions[3].secondaryBus`), "$" for the root.
// machineFromJson(machineToJson(s)) deep-equals s for every valid s.

import { PciAddressError, TopologyError } from "../core/errors.js";
import { formatPciAddress, parsePciAddress, type PciAddress } from "./address.js";
import type { BarSpec, FunctionKind, MachineSpec, PciFunctionSpec, PhbModelKind, PhbSpec, SriovSpec } from "./topology.js";
import { validateMachine } from "./validate.js";

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/** Plain JSON for `spec` (addresses as text; optional fields omitted when absent). */
export function machineToJson(spec: MachineSpec): unknown {
  return {
    phbs: spec.phbs.map((phb) => ({
      id: phb.id,
      domain: phb.domain,
      model: phb.model,
      ...(phb.location !== undefined ? { location: phb.location } : {}),
      functions: phb.functions.map(functionToJson),
    })),
  };
}

function functionToJson(fn: PciFunctionSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    address: formatPciAddress(fn.address),
    kind: fn.kind,
    vendorId: fn.vendorId,
    deviceId: fn.deviceId,
    classCode: fn.classCode,
    bars: fn.bars.map((b) => ({ index: b.index, type: b.type, size: b.size, prefetchable: b.prefetchable })),
    aer: fn.aer,
  };
  if (fn.secondaryBus !== undefined) out["secondaryBus"] = fn.secondaryBus;
  if (fn.subordinateBus !== undefined) out["subordinateBus"] = fn.subordinateBus;
  if (fn.pePerDevice !== undefined) out["pePerDevice"] = fn.pePerDevice;
  if (fn.sriov !== undefined) out["sriov"] = { ...fn.sriov };
  if (fn.physfn !== undefined) out["physfn"] = formatPciAddress(fn.physfn);
  if (fn.vfIndex !== undefined) out["vfIndex"] = fn.vfIndex;
  if (fn.pe !== undefined) out["pe"] = fn.pe;
  if (fn.location !== undefined) out["location"] = fn.location;
  if (fn.label !== undefined) out["label"] = fn.label;
  return out;
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

const MACHINE_KEYS = ["phbs"] as const;
const PHB_KEYS = ["id", "domain", "model", "location", "functions"] as const;
const FUNCTION_KEYS = [
  "address",
  "kind",
  "vendorId",
  "deviceId",
  "classCode",
  "bars",
  "aer",
  "secondaryBus",
  "subordinateBus",
  "pePerDevice",
  "sriov",
  "physfn",
  "vfIndex",
  "pe",
  "location",
  "label",
] as const;
const BAR_KEYS = ["index", "type", "size", "prefetchable"] as const;
const SRIOV_KEYS = ["totalVfs", "numVfs", "vfDeviceId", "firstVfOffset", "vfStride"] as const;

/**
 * Parse and validate a machine description (the machineToJson form). `bars` defaults to
 * [], `aer` to true, a BAR's `prefetchable` to false. Throws TopologyError only.
 */
export function machineFromJson(value: unknown): MachineSpec {
  const o = object(value, "$", MACHINE_KEYS);
  const phbs = array(required(o, "phbs", "$"), "phbs").map((p, i) => phbFromJson(p, `phbs[${i}]`));
  return validateMachine({ phbs });
}

function phbFromJson(value: unknown, path: string): PhbSpec {
  const o = object(value, path, PHB_KEYS);
  const id = integer(required(o, "id", path), `${path}.id`);
  const domain = integer(required(o, "domain", path), `${path}.domain`);
  const model = string(required(o, "model", path), `${path}.model`) as PhbModelKind;
  const location = optional(o, "location", (v, p) => string(v, p), path);
  const functions = array(required(o, "functions", path), `${path}.functions`).map((f, j) =>
    functionFromJson(f, `${path}.functions[${j}]`, domain),
  );
  return { id, domain, model, ...(location !== undefined ? { location } : {}), functions };
}

function functionFromJson(value: unknown, path: string, domain: number): PciFunctionSpec {
  const o = object(value, path, FUNCTION_KEYS);
  const int = (key: string): number => integer(required(o, key, path), `${path}.${key}`);
  const optInt = (key: string): number | undefined => optional(o, key, integer, path);
  const address = pciAddress(required(o, "address", path), `${path}.address`, domain);
  const kind = string(required(o, "kind", path), `${path}.kind`) as FunctionKind;
  const vendorId = int("vendorId");
  const deviceId = int("deviceId");
  const classCode = int("classCode");
  const bars = (optional(o, "bars", array, path) ?? []).map((b, k) => barFromJson(b, `${path}.bars[${k}]`));
  const aer = optional(o, "aer", boolean, path) ?? true;
  const secondaryBus = optInt("secondaryBus");
  const subordinateBus = optInt("subordinateBus");
  const pePerDevice = optional(o, "pePerDevice", boolean, path);
  const sriov = optional(o, "sriov", sriovFromJson, path);
  const physfn = optional(o, "physfn", (v, p) => pciAddress(v, p, domain), path);
  const vfIndex = optInt("vfIndex");
  const pe = optInt("pe");
  const location = optional(o, "location", string, path);
  const label = optional(o, "label", string, path);
  return {
    address,
    kind,
    vendorId,
    deviceId,
    classCode,
    bars,
    aer,
    ...(pe !== undefined ? { pe } : {}),
    ...(location !== undefined ? { location } : {}),
    ...(label !== undefined ? { label } : {}),
    ...(secondaryBus !== undefined ? { secondaryBus } : {}),
    ...(subordinateBus !== undefined ? { subordinateBus } : {}),
    ...(pePerDevice !== undefined ? { pePerDevice } : {}),
    ...(sriov !== undefined ? { sriov } : {}),
    ...(physfn !== undefined ? { physfn } : {}),
    ...(vfIndex !== undefined ? { vfIndex } : {}),
  };
}

function barFromJson(value: unknown, path: string): BarSpec {
  const o = object(value, path, BAR_KEYS);
  return {
    index: integer(required(o, "index", path), `${path}.index`),
    type: string(required(o, "type", path), `${path}.type`) as BarSpec["type"],
    size: integer(required(o, "size", path), `${path}.size`),
    prefetchable: optional(o, "prefetchable", boolean, path) ?? false,
  };
}

function sriovFromJson(value: unknown, path: string): SriovSpec {
  const o = object(value, path, SRIOV_KEYS);
  const int = (key: string): number => integer(required(o, key, path), `${path}.${key}`);
  return {
    totalVfs: int("totalVfs"),
    numVfs: int("numVfs"),
    vfDeviceId: int("vfDeviceId"),
    firstVfOffset: int("firstVfOffset"),
    vfStride: int("vfStride"),
  };
}

// ---------------------------------------------------------------------------------------
// Typed readers: each names the JSON path of what it rejects
// ---------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

function object(v: unknown, path: string, keys: readonly string[]): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new TopologyError(`expected an object, got ${describe(v)}`, path);
  for (const key of Object.keys(v)) {
    if (!keys.includes(key)) {
      throw new TopologyError(`unknown field ${JSON.stringify(key)} (expected ${keys.join(", ")})`, path === "$" ? key : `${path}.${key}`);
    }
  }
  return v as Obj;
}

function required(o: Obj, key: string, path: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(o, key) || o[key] === undefined) {
    throw new TopologyError(`missing field ${JSON.stringify(key)}`, path === "$" ? key : `${path}.${key}`);
  }
  return o[key];
}

function optional<T>(o: Obj, key: string, read: (v: unknown, path: string) => T, path: string): T | undefined {
  if (!Object.prototype.hasOwnProperty.call(o, key) || o[key] === undefined) return undefined;
  return read(o[key], `${path}.${key}`);
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new TopologyError(`expected an array, got ${describe(v)}`, path);
  return v;
}

function string(v: unknown, path: string): string {
  if (typeof v !== "string") throw new TopologyError(`expected a string, got ${describe(v)}`, path);
  return v;
}

function boolean(v: unknown, path: string): boolean {
  if (typeof v !== "boolean") throw new TopologyError(`expected true or false, got ${describe(v)}`, path);
  return v;
}

const HEX = /^0x[0-9a-f]+$/i;

/** A non-negative integer: a JSON number, or a hex string "0x…". Ranges are validateMachine's job. */
function integer(v: unknown, path: string): number {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v) || v < 0) throw new TopologyError(`expected a non-negative integer, got ${String(v)}`, path);
    return v;
  }
  if (typeof v === "string" && HEX.test(v)) {
    const n = parseInt(v.slice(2), 16);
    if (!Number.isSafeInteger(n)) throw new TopologyError(`hex number ${describe(v)} is too large`, path);
    return n;
  }
  throw new TopologyError(`expected a non-negative integer or a hex string like "0x15b3", got ${describe(v)}`, path);
}

function pciAddress(v: unknown, path: string, domain: number): PciAddress {
  const text = string(v, path);
  try {
    return parsePciAddress(text, domain);
  } catch (e) {
    if (e instanceof PciAddressError) throw new TopologyError(e.message, path, { column: e.context["column"] });
    throw e;
  }
}
