// The register dump PHyp puts in the UD section of an EEH log (§3.10). Its layout is
// inferred from the one real sample, not documented (spec §7): a sequence of blocks, each an
// 8-byte head [id, flag, N, 0x04][u32 handle] followed by N (u32 register offset, u32 value)
// pairs. The block ids coincide with the IE scope / UH subsystem codes: 0x37 RIO bridge,
// 0x38 PHB, 0x3A EADS slot (the PCI bridge above the slot), 0x40 I/O adapter.

import { ByteReader } from "../../core/byte-reader.js";
import { ArgumentError } from "../../core/errors.js";
import { ByteSink } from "./byte-sink.js";
import { EEH_UD_DUMP_UNIT } from "./constants.js";
import { at, decodeError } from "./fields.js";

export interface RegisterDumpBlock {
  /** Byte 0: what the registers belong to (RTAS_IE_SCOPE_* / RTAS_UH_SUBSYSTEM_IO_ADAPTER). */
  scope: number;
  /** Byte 1: 1 on the sample's EADS-slot block, 0 on the others; meaning unknown. */
  flag: number;
  /** Bytes 4–7: a location handle (0x20000003 for the bridge/PHB, 0x21030003 for the slot in the sample). */
  handle: number;
  /** (register offset, 32-bit value) pairs, at most 255 per block. */
  registers: Array<[number, number]>;
}

const BLOCK_HEAD = 8;
const PAIR = 8;
const MAX_PAIRS = 0xff;

export function encodeRegisterDump(blocks: readonly RegisterDumpBlock[]): Uint8Array {
  const w = new ByteSink();
  blocks.forEach((b, i) => {
    const what = `register dump block ${i}`;
    if (b.registers.length > MAX_PAIRS) throw new ArgumentError(`${what}: at most ${MAX_PAIRS} registers, got ${b.registers.length}`);
    w.u8(b.scope, `${what} id`);
    w.u8(b.flag, `${what} flag`);
    w.u8(b.registers.length, `${what} count`);
    w.u8(EEH_UD_DUMP_UNIT, `${what} unit`);
    w.u32(b.handle, `${what} handle`);
    for (const [offset, value] of b.registers) {
      w.u32(offset, `${what} register offset`);
      w.u32(value, `${what} register 0x${offset.toString(16)} value`);
    }
  });
  return w.bytes();
}

/**
 * Read a UD payload as a register dump. `base` is the payload's offset in the log, so errors
 * name log offsets. Throws DecodeError when the bytes are not blocks of this shape (other
 * creators put other things in UD).
 */
export function decodeRegisterDump(data: Uint8Array, base = 0): RegisterDumpBlock[] {
  const r = new ByteReader(data, 0, base);
  const blocks: RegisterDumpBlock[] = [];
  while (r.remaining() > 0) {
    const start = at(r);
    r.need(BLOCK_HEAD, "register dump block head");
    const scope = r.u8("register dump block id");
    const flag = r.u8("register dump block flag");
    const count = r.u8("register dump block count");
    const unit = r.u8("register dump block unit");
    if (unit !== EEH_UD_DUMP_UNIT) throw decodeError(r, `register dump block unit ${unit} is not 4`, { unit }, start + 3);
    const handle = r.u32("register dump block handle");
    r.need(count * PAIR, `${count} register pairs`);
    const registers: Array<[number, number]> = [];
    for (let i = 0; i < count; i++) registers.push([r.u32("register offset"), r.u32("register value")]);
    blocks.push({ scope, flag, handle, registers });
  }
  return blocks;
}

