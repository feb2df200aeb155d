// Encoder for PHB diag blobs: the mirror of decode.ts over the same field tables. Output is
// exactly the struct size, big-endian, padding zero — what skiboot writes (§3, §9 item 7).
// Values are checked first (u32 range, u64 range, PEST lengths) so a bad structure is an
// ArgumentError naming the field, never a silently wrapped number.

import { ByteWriter } from "../../core/byte-reader.js";
import { ArgumentError } from "../../core/errors.js";
import { isPhbDiagIoType } from "./constants.js";
import { phbDiagLayout } from "./layout.js";
import type { PhbDiagData } from "./types.js";

const U32_MAX = 0xffff_ffff;
const U64_MAX = (1n << 64n) - 1n;

export function encodePhbDiag(d: PhbDiagData): Uint8Array {
  if (!isPhbDiagIoType(d.ioType)) throw new ArgumentError(`unknown diag-data ioType ${String(d.ioType)}`, { ioType: d.ioType });
  const layout = phbDiagLayout(d.ioType);
  const fields = d as unknown as Readonly<Record<string, unknown>>;
  const w = new ByteWriter(layout.size);
  w.u32(checkU32(d.version, "version"));
  w.u32(d.ioType);
  w.u32(layout.size);
  for (const e of layout.entries) {
    w.seek(e.offset);
    switch (e.kind) {
      case "u32":
        w.u32(checkU32(fields[e.name], e.name));
        break;
      case "u64":
        w.u64(checkU64(fields[e.name], e.name));
        break;
      case "pad":
        w.zeros(e.size); // the buffer starts zeroed
        break;
      case "pest": {
        const words = fields[e.name];
        if (!Array.isArray(words) || words.length !== e.count) {
          throw new ArgumentError(`${layout.model} ${e.name} must hold ${e.count} words`, { field: e.name, length: Array.isArray(words) ? words.length : undefined });
        }
        words.forEach((v: unknown, i) => w.u64(checkU64(v, `${e.name}[${i}]`)));
        break;
      }
    }
  }
  return w.bytes; // layout.ts covers every byte up to the size (checkLayout, tested)
}

function checkU32(v: unknown, name: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > U32_MAX) {
    throw new ArgumentError(`${name} must be a u32 number, got ${String(v)}`, { field: name });
  }
  return v;
}

function checkU64(v: unknown, name: string): bigint {
  if (typeof v !== "bigint" || v < 0n || v > U64_MAX) {
    throw new ArgumentError(`${name} must be a u64 bigint, got ${String(v)}`, { field: name });
  }
  return v;
}
