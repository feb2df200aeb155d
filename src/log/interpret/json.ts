// The JSON form of an interpretation (what `eeh-emu run --out` writes beside a blob, and
// what `decode --json` prints): the same content as the binary form, with bigints as
// "0x…" strings, flags as names, and each evidence entry's human reading in `text`
// (ignored when reading back). interpretationFromJson validates strictly and throws
// ArgumentError naming the JSON path of the first bad value.

import { ArgumentError } from "../../core/errors.js";
import { describeEvidence } from "./bit-names.js";
import {
  FINDING_FLAGS,
  FINDING_FLAG_NAMES,
  FINDING_TYPES,
  LIMIT_KINDS,
  SEVERITIES,
  findingTypeOfCode,
  limitKindOfCode,
  type FindingFlagName,
  type FindingType,
  type LimitKind,
  type Severity,
} from "./catalogue.js";
import { INTERPRETATION_VERSION_MAJOR, INTERPRETATION_VERSION_MINOR, PRINTABLE_ASCII } from "./binary-format.js";
import { REGISTER_CODES, isPciWord, registerOfCode } from "./registers.js";
import type { Evidence, EvidenceRegister, Finding, Interpretation, Limit } from "./types.js";

export const INTERPRETATION_JSON_FORMAT = "eeh-emu/interpretation";

export interface EvidenceJson {
  readonly register: EvidenceRegister;
  readonly index?: number;
  readonly code?: number;
  readonly mask: string;
  readonly clear?: true;
  /** describeEvidence(); informative, ignored by interpretationFromJson. */
  readonly text?: string;
}

export interface FindingJson {
  readonly type: FindingType;
  readonly unknownCode?: number;
  /** Flag names; bits this version does not name as "0x…". */
  readonly flags: readonly string[];
  readonly pe?: number;
  readonly rid?: number;
  readonly address?: string;
  readonly evidence: readonly EvidenceJson[];
  readonly summary: string;
}

export interface InterpretationJson {
  readonly format: typeof INTERPRETATION_JSON_FORMAT;
  readonly version: string;
  readonly model: Interpretation["model"];
  readonly severity: Severity;
  readonly headline: string;
  readonly findings: readonly FindingJson[];
  readonly limits: readonly Limit[];
}

const hexOf = (v: bigint, digits: number): string => `0x${v.toString(16).padStart(digits, "0")}`;

function flagsToJson(flags: number): string[] {
  const out: string[] = FINDING_FLAG_NAMES.filter((n) => flags & FINDING_FLAGS[n]);
  for (let b = 1; b <= 0x8000; b <<= 1) {
    if (flags & b && !FINDING_FLAG_NAMES.some((n) => FINDING_FLAGS[n] === b)) out.push(hexOf(BigInt(b), 4));
  }
  return out;
}

export function interpretationToJson(interp: Interpretation): InterpretationJson {
  return {
    format: INTERPRETATION_JSON_FORMAT,
    version: `${INTERPRETATION_VERSION_MAJOR}.${INTERPRETATION_VERSION_MINOR}`,
    model: interp.model,
    severity: interp.severity,
    headline: interp.headline,
    findings: interp.findings.map((f) => ({
      type: f.type,
      ...(f.unknownCode !== undefined ? { unknownCode: f.unknownCode } : {}),
      flags: flagsToJson(f.flags),
      ...(f.pe !== undefined ? { pe: f.pe } : {}),
      ...(f.rid !== undefined ? { rid: f.rid } : {}),
      ...(f.address !== undefined ? { address: hexOf(f.address, 0) } : {}),
      evidence: f.evidence.map((e) => ({
        register: e.register,
        ...(e.index !== undefined ? { index: e.index } : {}),
        ...(e.code !== undefined ? { code: e.code } : {}),
        mask: hexOf(e.mask, e.register !== "unknown" && isPciWord(e.register) ? 8 : 16),
        ...(e.clear ? { clear: true as const } : {}),
        text: describeEvidence(e, interp.model),
      })),
      summary: f.summary,
    })),
    limits: interp.limits.map((l) => ({ ...l, fields: [...l.fields] })),
  };
}

// ---------------------------------------------------------------------------------------
// Reading back
// ---------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

const bad = (path: string, message: string): never => {
  throw new ArgumentError(`${path}: ${message}`, { path });
};

function object(v: unknown, path: string, keys: readonly string[]): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) bad(path, "expected an object");
  const o = v as Obj;
  for (const k of Object.keys(o)) if (!keys.includes(k)) bad(`${path}.${k}`, "unknown key");
  return o;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) bad(path, "expected an array");
  return v as unknown[];
}

function str(v: unknown, path: string): string {
  if (typeof v !== "string") bad(path, "expected a string");
  return v as string;
}

function int(v: unknown, path: string, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) bad(path, `expected an integer 0..${max}`);
  return v as number;
}

function hexBig(v: unknown, path: string, bits: bigint): bigint {
  const s = str(v, path);
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(s)) bad(path, 'expected "0x" and 1 to 16 hex digits');
  const n = BigInt(s);
  if (n >> bits !== 0n) bad(path, `does not fit ${bits} bits`);
  return n;
}

function oneOf<T extends string>(v: unknown, path: string, names: readonly T[]): T {
  const s = str(v, path);
  if (!(names as readonly string[]).includes(s)) bad(path, `expected one of ${names.join(", ")}`);
  return s as T;
}

const has = (o: Obj, k: string): boolean => o[k] !== undefined;

export function interpretationFromJson(value: unknown): Interpretation {
  const o = object(value, "$", ["format", "version", "model", "severity", "headline", "findings", "limits"]);
  if (o["format"] !== INTERPRETATION_JSON_FORMAT) bad("$.format", `expected "${INTERPRETATION_JSON_FORMAT}"`);
  const version = str(o["version"], "$.version");
  const m = /^(\d+)\.(\d+)$/.exec(version);
  if (!m || Number(m[1]) !== INTERPRETATION_VERSION_MAJOR) bad("$.version", `expected ${INTERPRETATION_VERSION_MAJOR}.x`);
  return {
    model: oneOf(o["model"], "$.model", ["P7IOC", "PHB3", "PHB4", "unknown"] as const),
    severity: oneOf(o["severity"], "$.severity", Object.keys(SEVERITIES) as Severity[]),
    headline: str(o["headline"], "$.headline"),
    findings: array(o["findings"], "$.findings").map((f, i) => findingFromJson(f, `$.findings[${i}]`)),
    limits: array(o["limits"], "$.limits").map((l, i) => limitFromJson(l, `$.limits[${i}]`)),
  };
}

function findingFromJson(v: unknown, path: string): Finding {
  const o = object(v, path, ["type", "unknownCode", "flags", "pe", "rid", "address", "evidence", "summary"]);
  const type = oneOf(o["type"], `${path}.type`, Object.keys(FINDING_TYPES) as FindingType[]);
  let unknownCode: number | undefined;
  if (has(o, "unknownCode")) {
    unknownCode = int(o["unknownCode"], `${path}.unknownCode`, 0xffff);
    if (type !== "UNKNOWN" || unknownCode === 0 || findingTypeOfCode(unknownCode) !== undefined) bad(`${path}.unknownCode`, "only for an UNKNOWN finding, with a code the catalogue does not know");
  }
  let flags = 0;
  array(o["flags"], `${path}.flags`).forEach((x, j) => {
    const p = `${path}.flags[${j}]`;
    const s = str(x, p);
    if ((FINDING_FLAG_NAMES as readonly string[]).includes(s)) flags |= FINDING_FLAGS[s as FindingFlagName];
    else flags |= Number(hexBig(s, p, 16n));
  });
  return {
    type,
    ...(unknownCode !== undefined ? { unknownCode } : {}),
    flags,
    ...(has(o, "pe") ? { pe: int(o["pe"], `${path}.pe`, 0xffff) } : {}),
    ...(has(o, "rid") ? { rid: int(o["rid"], `${path}.rid`, 0xffff) } : {}),
    ...(has(o, "address") ? { address: hexBig(o["address"], `${path}.address`, 64n) } : {}),
    evidence: array(o["evidence"], `${path}.evidence`).map((e, j) => evidenceFromJson(e, `${path}.evidence[${j}]`)),
    summary: str(o["summary"], `${path}.summary`),
  };
}

const REGISTERS = [...Object.keys(REGISTER_CODES), "pestA", "pestB", "unknown"] as EvidenceRegister[];

function evidenceFromJson(v: unknown, path: string): Evidence {
  const o = object(v, path, ["register", "index", "code", "mask", "clear", "text"]);
  const register = oneOf(o["register"], `${path}.register`, REGISTERS);
  const pest = register === "pestA" || register === "pestB";
  if (pest !== has(o, "index")) bad(`${path}.index`, pest ? "a PEST entry needs its index" : "only PEST entries have an index");
  if ((register === "unknown") !== has(o, "code")) bad(`${path}.code`, register === "unknown" ? "an unknown register needs its code" : "only an unknown register has a code");
  if (has(o, "clear") && o["clear"] !== true) bad(`${path}.clear`, "expected true or absent");
  const width = register !== "unknown" && isPciWord(register) ? 32n : 64n;
  if (register === "unknown") {
    const code = int(o["code"], `${path}.code`, 0xffff);
    if (code === 0 || registerOfCode(code).register !== "unknown") bad(`${path}.code`, "must be a register code the catalogue does not know");
  }
  const mask = hexBig(o["mask"], `${path}.mask`, width);
  if (mask === 0n) bad(`${path}.mask`, "empty mask");
  return {
    register,
    ...(pest ? { index: int(o["index"], `${path}.index`, 0xfff) } : {}),
    ...(register === "unknown" ? { code: int(o["code"], `${path}.code`, 0xffff) } : {}),
    mask,
    ...(o["clear"] === true ? { clear: true as const } : {}),
  };
}

function limitFromJson(v: unknown, path: string): Limit {
  const o = object(v, path, ["kind", "code", "fields", "message"]);
  const kind = oneOf(o["kind"], `${path}.kind`, [...(Object.keys(LIMIT_KINDS) as LimitKind[]), "unknown"]);
  if ((kind === "unknown") !== has(o, "code")) bad(`${path}.code`, kind === "unknown" ? "an unknown limit needs its code" : "only an unknown limit has a code");
  const code = kind === "unknown" ? int(o["code"], `${path}.code`, 0xffff) : undefined;
  if (code !== undefined && (code === 0 || limitKindOfCode(code) !== undefined)) bad(`${path}.code`, "must be a code the catalogue does not know");
  return {
    kind,
    ...(code !== undefined ? { code } : {}),
    fields: array(o["fields"], `${path}.fields`).map((s, j) => {
      const field = str(s, `${path}.fields[${j}]`);
      if (!PRINTABLE_ASCII.test(field) || field.length > 0xff) bad(`${path}.fields[${j}]`, "expected printable ASCII of at most 255 characters");
      return field;
    }),
    message: str(o["message"], `${path}.message`),
  };
}
