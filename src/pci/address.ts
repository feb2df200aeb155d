// PCI addresses as Linux prints them: `dddd:bb:dd.f` (domain, bus, device, function, all
// hex), and the requester ID (RID) the PHB tables are indexed by: bus << 8 | devfn, with
// devfn = device << 3 | function.

import { PciAddressError } from "../core/errors.js";

export interface PciAddress {
  readonly domain: number; // 0..0xffff (Linux prints 4 digits; PHB# = domain)
  readonly bus: number; // 0..0xff
  readonly device: number; // 0..0x1f
  readonly fn: number; // 0..7
}

export type Rid = number; // 0..0xffff

export function devfn(device: number, fn: number): number {
  return (device << 3) | fn;
}

export function ridOf(a: Pick<PciAddress, "bus" | "device" | "fn">): Rid {
  return (a.bus << 8) | devfn(a.device, a.fn);
}

export function addressFromRid(domain: number, rid: Rid): PciAddress {
  return { domain, bus: rid >> 8, device: (rid >> 3) & 0x1f, fn: rid & 7 };
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** `0000:01:00.0` */
export function formatPciAddress(a: PciAddress): string {
  return `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.device, 2)}.${a.fn}`;
}

/** `01:00.0` (bus:device.function, no domain) */
export function formatBdf(a: Pick<PciAddress, "bus" | "device" | "fn">): string {
  return `${hex(a.bus, 2)}:${hex(a.device, 2)}.${a.fn}`;
}

const FULL = /^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])$/;
const SHORT = /^([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])$/;

/**
 * Parse `dddd:bb:dd.f`, or `bb:dd.f` with `defaultDomain`. Errors name the column of the
 * first bad character (a device above 0x1f is a range error at the device column).
 */
export function parsePciAddress(text: string, defaultDomain?: number): PciAddress {
  if (typeof text !== "string") throw new PciAddressError("not a string", String(text), 0);
  const s = text.trim();
  const lead = text.length - text.trimStart().length;
  let m = FULL.exec(s);
  let domain: number;
  let rest: string[];
  if (m) {
    domain = parseInt(m[1]!, 16);
    rest = [m[2]!, m[3]!, m[4]!];
  } else if ((m = SHORT.exec(s)) && defaultDomain !== undefined) {
    domain = defaultDomain;
    rest = [m[1]!, m[2]!, m[3]!];
  } else {
    throw new PciAddressError(describeBadShape(s, defaultDomain !== undefined), text, lead + firstBadColumn(s));
  }
  const bus = parseInt(rest[0]!, 16);
  const device = parseInt(rest[1]!, 16);
  const fn = parseInt(rest[2]!, 16);
  if (device > 0x1f) {
    const col = s.lastIndexOf(":") + 1;
    throw new PciAddressError(`device 0x${device.toString(16)} is above 0x1f`, text, lead + col);
  }
  return { domain, bus, device, fn };
}

function describeBadShape(s: string, shortAllowed: boolean): string {
  if (s.length === 0) return "empty text";
  return shortAllowed ? "expected dddd:bb:dd.f or bb:dd.f (hex, function 0-7)" : "expected dddd:bb:dd.f (hex, function 0-7)";
}

// The column where the text stops looking like an address, for the error message.
function firstBadColumn(s: string): number {
  const shape = "hhhh:hh:hh.f";
  let i = 0;
  for (; i < s.length && i < shape.length; i++) {
    const c = s[i]!;
    const want = shape[i]!;
    if (want === "h" && !/[0-9a-fA-F]/.test(c)) return i;
    if (want === "f" && !/[0-7]/.test(c)) return i;
    if ((want === ":" || want === ".") && c !== want) return i;
  }
  return i;
}

export function sameAddress(a: PciAddress, b: PciAddress): boolean {
  return a.domain === b.domain && a.bus === b.bus && a.device === b.device && a.fn === b.fn;
}
