// The comparison's input: a small JSON document (for `eeh-emu compare --input FILE`) or the
// equivalent command-line flags, validated into a CompareInput. Every problem is a
// CompareInputError naming the JSON path (`driver.slot_reset`, `models[1]`) or the flag.
//
//   {
//     "device": "0000:03:00.0",                // required: the device the error is on
//     "error": "MALF_TLP",                     // required: aer-inject symbol, kernel name, or "link-down"
//     "severity": "fatal",                     // optional: program the UE severity bit first
//     "tlpHeader": [1, 2, 3, 4],               // optional: up to 4 u32 the device logs
//     "driver": {                              // optional; null = no driver in the guest
//       "name": "igb",
//       "error_detected": "need reset",        // a result: none, can recover, need reset,
//       "mmio_enabled": "recovered",           //   disconnect, recovered, no AER driver
//       "slot_reset": "recovered",             //   (spaces, _ or -; PCI_ERS_RESULT_ prefix ok)
//       "resume": true, "cor_error_detected": false
//     },                                       // default: need reset / slot_reset recovered
//     "models": ["eeh-vfio", "xen-pciback", "qemu-vfio-aer"],
//     "xen": { "toolstack": "xend", "guest": "pv", "stall": ["aer_mmio"] },
//     "qemu": { "mode": "vm-stop", "management": "leave-paused" },
//     "aerFormat": "mainline",                 // mainline | v4.19 | legacy
//     "machine": { … }                         // optional: a machine in the topology JSON format
//   }

import { EehError, TopologyError } from "../core/errors.js";
import type { ResultName } from "../eeh/driver.js";
import { AER_LOG_FORMATS, type AerLogFormat } from "../log/aer/names.js";
import { parsePciAddress } from "../pci/address.js";
import { machineFromJson } from "../pci/topology-json.js";
import { resolveAerError } from "../log/aer/error-names.js";
import { HYPERVISOR_MODELS, type CompareInput, type GuestDriverAnswers, type HypervisorModel } from "./compare.js";
import type { ToolstackPolicy, XenDomainType } from "./xen/domain.js";
import type { ManagementPolicy, QemuAerMode } from "./qemu/qemu-vm.js";

/** Bad comparison input; `path` is a JSON path or a command-line flag. */
export class CompareInputError extends EehError {
  readonly path: string;
  constructor(path: string, message: string) {
    super("BAD_ARGUMENT", `${path}: ${message}`, { path });
    this.path = path;
  }
}

const RESULT_NAMES: readonly ResultName[] = ["none", "can recover", "need reset", "disconnect", "recovered", "no AER driver"];
const QEMU_MODES: readonly QemuAerMode[] = ["vm-stop", "forward-nonfatal", "forward-all"];
const MANAGEMENT: readonly ManagementPolicy[] = ["leave-paused", "cont", "system-reset", "destroy"];
const TOOLSTACKS: readonly ToolstackPolicy[] = ["xend", "xl"];
const GUESTS: readonly XenDomainType[] = ["pv", "hvm"];
const STALLABLE = ["aer_detected", "aer_mmio", "aer_slotreset", "aer_resume"];

/** The driver a comparison uses when the input names none. */
export const DEFAULT_GUEST_DRIVER: GuestDriverAnswers & { name: string } = { name: "guestdrv", errorDetected: "need reset", slotReset: "recovered" };

/** A result name in any common spelling → the ResultName, or undefined. */
export function parseResultName(text: string): ResultName | undefined {
  const n = text.trim().toLowerCase().replace(/^pci_ers_result_/, "").replace(/[_-]+/g, " ");
  return RESULT_NAMES.find((r) => r.toLowerCase() === n);
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function oneOf<T extends string>(v: Json, allowed: readonly T[], path: string): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) throw new CompareInputError(path, `expected one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(v)}`);
  return v as T;
}

function str(v: Json, path: string): string {
  if (typeof v !== "string") throw new CompareInputError(path, `expected a string, got ${JSON.stringify(v)}`);
  return v;
}

function checkKeys(o: Record<string, Json>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new CompareInputError(path ? `${path}.${k}` : k, `unknown key (expected ${allowed.join(", ")})`);
}

function device(v: Json, path: string): string {
  const s = str(v, path);
  try {
    parsePciAddress(s);
  } catch (e) {
    throw new CompareInputError(path, e instanceof Error ? e.message : String(e));
  }
  return s;
}

function errorName(v: Json, path: string): string {
  const s = str(v, path);
  try {
    resolveAerError(s);
  } catch (e) {
    throw new CompareInputError(path, e instanceof Error ? e.message : String(e));
  }
  return s;
}

function driverFromJson(v: Json, path: string): (GuestDriverAnswers & { name?: string }) | null {
  if (v === null) return null;
  if (!isObject(v)) throw new CompareInputError(path, `expected an object or null, got ${JSON.stringify(v)}`);
  checkKeys(v, ["name", "error_detected", "mmio_enabled", "slot_reset", "resume", "cor_error_detected"], path);
  const out: { -readonly [K in keyof GuestDriverAnswers]: GuestDriverAnswers[K] } & { name?: string } = {};
  if (v["name"] !== undefined) out.name = str(v["name"], `${path}.name`);
  const result = (key: string): ResultName | undefined => {
    const x = v[key];
    if (x === undefined) return undefined;
    const r = typeof x === "string" ? parseResultName(x) : undefined;
    if (!r) throw new CompareInputError(`${path}.${key}`, `expected a result (${RESULT_NAMES.join(", ")}), got ${JSON.stringify(x)}`);
    return r;
  };
  const ed = result("error_detected");
  const me = result("mmio_enabled");
  const sr = result("slot_reset");
  if (ed) out.errorDetected = ed;
  if (me) out.mmioEnabled = me;
  if (sr) out.slotReset = sr;
  for (const [key, field] of [["resume", "resume"], ["cor_error_detected", "corErrorDetected"]] as const) {
    const x = v[key];
    if (x === undefined) continue;
    if (typeof x !== "boolean") throw new CompareInputError(`${path}.${key}`, `expected true or false, got ${JSON.stringify(x)}`);
    out[field] = x;
  }
  return out;
}

/** Validate a parsed JSON document into a CompareInput. */
export function compareInputFromJson(v: Json): CompareInput {
  if (!isObject(v)) throw new CompareInputError("$", `expected an object, got ${JSON.stringify(v)?.slice(0, 40)}`);
  checkKeys(v, ["device", "error", "severity", "tlpHeader", "driver", "models", "xen", "qemu", "aerFormat", "machine"], "");
  if (v["device"] === undefined) throw new CompareInputError("device", "missing (the device the error is on, dddd:bb:dd.f)");
  if (v["error"] === undefined) throw new CompareInputError("error", "missing (e.g. MALF_TLP, UNSUP, BAD_TLP, link-down)");
  const fault: { device: string; error: string; severity?: "fatal" | "nonfatal"; tlpHeader?: number[] } = { device: device(v["device"], "device"), error: errorName(v["error"], "error") };
  if (v["severity"] !== undefined) fault.severity = oneOf(v["severity"], ["fatal", "nonfatal"] as const, "severity");
  if (v["tlpHeader"] !== undefined) {
    const t = v["tlpHeader"];
    if (!Array.isArray(t) || t.length > 4) throw new CompareInputError("tlpHeader", "expected an array of at most 4 numbers");
    fault.tlpHeader = t.map((x, i) => {
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x > 0xffffffff) throw new CompareInputError(`tlpHeader[${i}]`, `expected an unsigned 32-bit integer, got ${JSON.stringify(x)}`);
      return x;
    });
  }
  const input: { -readonly [K in keyof CompareInput]: CompareInput[K] } = { fault, driver: v["driver"] === undefined ? DEFAULT_GUEST_DRIVER : driverFromJson(v["driver"], "driver") };
  if (v["models"] !== undefined) {
    const ms = v["models"];
    if (!Array.isArray(ms) || ms.length === 0) throw new CompareInputError("models", `expected a non-empty array of ${HYPERVISOR_MODELS.join(", ")}`);
    input.models = ms.map((x, i) => oneOf<HypervisorModel>(x, HYPERVISOR_MODELS, `models[${i}]`));
  }
  if (v["xen"] !== undefined) {
    const x = v["xen"];
    if (!isObject(x)) throw new CompareInputError("xen", "expected an object");
    checkKeys(x, ["toolstack", "guest", "stall"], "xen");
    const xen: { toolstack?: ToolstackPolicy; guest?: XenDomainType; stall?: string[] } = {};
    if (x["toolstack"] !== undefined) xen.toolstack = oneOf(x["toolstack"], TOOLSTACKS, "xen.toolstack");
    if (x["guest"] !== undefined) xen.guest = oneOf(x["guest"], GUESTS, "xen.guest");
    if (x["stall"] !== undefined) {
      const s = x["stall"];
      if (!Array.isArray(s)) throw new CompareInputError("xen.stall", `expected an array of ${STALLABLE.join(", ")}`);
      xen.stall = s.map((c, i) => oneOf(c, STALLABLE, `xen.stall[${i}]`));
    }
    input.xen = xen;
  }
  if (v["qemu"] !== undefined) {
    const q = v["qemu"];
    if (!isObject(q)) throw new CompareInputError("qemu", "expected an object");
    checkKeys(q, ["mode", "management"], "qemu");
    const qemu: { mode?: QemuAerMode; management?: ManagementPolicy } = {};
    if (q["mode"] !== undefined) qemu.mode = oneOf(q["mode"], QEMU_MODES, "qemu.mode");
    if (q["management"] !== undefined) qemu.management = oneOf(q["management"], MANAGEMENT, "qemu.management");
    input.qemu = qemu;
  }
  if (v["aerFormat"] !== undefined) input.aerFormat = oneOf<AerLogFormat>(v["aerFormat"], AER_LOG_FORMATS, "aerFormat");
  if (v["machine"] !== undefined) {
    try {
      input.machine = machineFromJson(v["machine"]);
    } catch (e) {
      if (e instanceof TopologyError) throw new CompareInputError(`machine.${e.path}`.replace(/\.$/, ""), e.message.replace(/^[^:]*: /, ""));
      if (e instanceof EehError) throw new CompareInputError("machine", e.message);
      throw e;
    }
  }
  return input;
}

export interface CompareArgs {
  /** From flags; undefined when `--input` names a file to read. */
  readonly input?: CompareInput;
  readonly inputFile?: string;
  readonly json: boolean;
  /** Print the host and guest logs after the table (default true). */
  readonly logs: boolean;
}

/** `--answers error_detected=need-reset,slot_reset=recovered,resume` (or `none`: no handlers). */
export function parseAnswers(text: string): GuestDriverAnswers {
  if (text.trim().toLowerCase() === "none") return {};
  const out: { -readonly [K in keyof GuestDriverAnswers]: GuestDriverAnswers[K] } = {};
  for (const part of text.split(",")) {
    const [k, val] = part.split("=", 2).map((s) => s.trim()) as [string, string | undefined];
    const key = k.toLowerCase().replace(/-/g, "_");
    if (key === "resume" || key === "cor_error_detected") {
      if (val !== undefined && !/^(true|false|yes|no)$/i.test(val)) throw new CompareInputError("--answers", `${k} takes no value or true/false, got "${val}"`);
      const on = val === undefined || /^(true|yes)$/i.test(val);
      if (key === "resume") out.resume = on;
      else out.corErrorDetected = on;
      continue;
    }
    if (!["error_detected", "mmio_enabled", "slot_reset"].includes(key)) throw new CompareInputError("--answers", `unknown callback "${k}" (error_detected, mmio_enabled, slot_reset, resume, cor_error_detected)`);
    const r = val === undefined ? undefined : parseResultName(val);
    if (!r) throw new CompareInputError("--answers", `${k} needs =<result> (${RESULT_NAMES.join(", ")}), got ${val === undefined ? "nothing" : `"${val}"`}`);
    if (key === "error_detected") out.errorDetected = r;
    else if (key === "mmio_enabled") out.mmioEnabled = r;
    else out.slotReset = r;
  }
  return out;
}

/** Parse `eeh-emu compare` flags; a string is a usage error. Value errors throw CompareInputError. */
export function parseCompareArgs(args: readonly string[]): CompareArgs | string {
  let json = false;
  let logs = true;
  let inputFile: string | undefined;
  const doc: Record<string, Json> = {};
  let answers: GuestDriverAnswers | undefined;
  let noDriver = false;
  let driverName: string | undefined;
  const xen: Record<string, Json> = {};
  const qemu: Record<string, Json> = {};
  const flags: Record<string, (v: string) => void> = {
    "--device": (v) => (doc["device"] = v),
    "--error": (v) => (doc["error"] = v),
    "--severity": (v) => (doc["severity"] = v),
    "--answers": (v) => (answers = parseAnswers(v)),
    "--driver-name": (v) => (driverName = v),
    "--models": (v) => (doc["models"] = v.split(",").map((s) => s.trim())),
    "--xen-toolstack": (v) => (xen["toolstack"] = v),
    "--xen-guest": (v) => (xen["guest"] = v),
    "--xen-stall": (v) => (xen["stall"] = v.split(",").map((s) => s.trim())),
    "--qemu-mode": (v) => (qemu["mode"] = v),
    "--qemu-management": (v) => (qemu["management"] = v),
    "--aer-format": (v) => (doc["aerFormat"] = v),
    "--input": (v) => (inputFile = v),
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") json = true;
    else if (a === "--no-logs") logs = false;
    else if (a === "--no-driver") noDriver = true;
    else if (flags[a]) {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      flags[a](v);
    } else if (a.startsWith("-")) return `unknown option ${a}`;
    else return `unexpected argument "${a}"`;
  }
  if (inputFile !== undefined) {
    if (Object.keys(doc).length || answers || noDriver || Object.keys(xen).length || Object.keys(qemu).length) return "--input cannot be combined with other fault options";
    return { inputFile, json, logs };
  }
  if (doc["error"] === undefined) return "compare needs --error <name> (or --input <file.json>)";
  doc["device"] ??= "0000:03:00.0";
  if (Object.keys(xen).length) doc["xen"] = xen;
  if (Object.keys(qemu).length) doc["qemu"] = qemu;
  const flagPath = (p: string): string => {
    const map: Record<string, string> = { device: "--device", error: "--error", severity: "--severity", aerFormat: "--aer-format", "xen.toolstack": "--xen-toolstack", "xen.guest": "--xen-guest", "qemu.mode": "--qemu-mode", "qemu.management": "--qemu-management" };
    if (p.startsWith("models")) return "--models";
    if (p.startsWith("xen.stall")) return "--xen-stall";
    return map[p] ?? p;
  };
  let input: CompareInput;
  try {
    input = compareInputFromJson(doc);
  } catch (e) {
    if (e instanceof CompareInputError) throw new CompareInputError(flagPath(e.path), e.message.slice(e.path.length + 2));
    throw e;
  }
  const driver = noDriver ? null : answers ? { ...answers, name: driverName ?? "guestdrv" } : { ...DEFAULT_GUEST_DRIVER, ...(driverName ? { name: driverName } : {}) };
  return { input: { ...input, driver }, json, logs };
}


export const COMPARE_HELP = `Usage: eeh-emu compare --error <name> [--device dddd:bb:dd.f] [options] [--json]
       eeh-emu compare --input <file.json|-> [--json]

Runs one PCIe error under three hypervisor models and prints them side by side:
  eeh-vfio       PowerNV: the PHB freezes the PE, EEH recovers it with the guest's driver;
  xen-pciback    x86 native AER in dom0, pciback forwards each step to the PV guest's pcifront;
  qemu-vfio-aer  x86 native AER, vfio-pci signals QEMU, which stops the VM (mainline).
For each: what the guest saw, whether it survived, the host log, time to recovery.

Fault:
  --device A         the device the error is on (default 0000:03:00.0 of the built-in machine:
                     an IODA2 PHB, a 2-port switch, devices 0000:03:00.0 and 0000:04:00.0)
  --error NAME       aer-inject symbol (MALF_TLP, UNSUP, POISON_TLP, COMP_TIME, BAD_TLP, RCVR…),
                     kernel name (MalfTLP, UnsupReq…) or link-down
  --severity fatal|nonfatal   program the device's UE severity bit first
Guest driver (default: error_detected=need-reset, slot_reset=recovered, resume):
  --answers LIST     e.g. error_detected=can-recover,mmio_enabled=recovered,resume
                     ("none": a driver with no error handlers)
  --no-driver        no driver bound in the guest
  --driver-name N
Models:
  --models LIST      eeh-vfio,xen-pciback,qemu-vfio-aer (default all)
  --xen-toolstack xend|xl     --xen-guest pv|hvm
  --xen-stall LIST   pcifront requests the guest never answers (aer_detected,aer_mmio,…)
  --qemu-mode vm-stop|forward-nonfatal|forward-all
  --qemu-management leave-paused|cont|system-reset|destroy
  --aer-format mainline|v4.19|legacy   AER line format of the x86 hosts
Output:
  --json             the report as one JSON object
  --no-logs          the table only

--input reads the same as JSON (see src/hypervisor/compare-input.ts; fixtures/aer/compare-*.json).

Examples:
  eeh-emu compare --error MALF_TLP
  eeh-emu compare --error link-down --device 0000:04:00.0 --models eeh-vfio,xen-pciback
  eeh-emu compare --input fixtures/aer/compare-fatal-aware.json --json`;
