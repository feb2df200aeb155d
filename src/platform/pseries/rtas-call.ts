// The RTAS calling convention over PseriesPlatform (pseries-rtas.md §4.3–§4.5, §6.2): a
// call named by its `/rtas` name or token, its arguments as 32-bit cells and the number of
// return cells wanted. Wrong nargs/nret is a parameter error (−3), as QEMU answers. Buffer
// arguments are physical addresses in the machine's memory: ibm,slot-error-detail writes
// the log there (only the log's bytes), ibm,errinjct reads its 1 KiB work area from there.
//
// Return cells follow the calls: the status first, then the outputs; ibm,open-errinjct is
// the exception, its first cell is the open token and its second the status (§4.5). When
// a call fails, outputs after the status are 0.

import { memRead, PAGE_SIZE } from "../../core/memory.js";
import type { Machine } from "../../ioda/machine.js";
import { isCell } from "./config-address.js";
import type { PseriesPlatform } from "./pseries-platform.js";
import { RTAS_CALLS, RTAS_ERRINJCT_WORK_AREA_SIZE, RTAS_OUT_PARAM_ERROR, RTAS_OUT_SUCCESS, RTAS_TOKENS, type RtasCallName } from "./rtas-constants.js";
import { RTAS_ERROR_LOG_MAX } from "../../log/rtas/index.js";

export interface RtasCallResult {
  /** The call's status (for ibm,open-errinjct, its second cell). */
  readonly status: number;
  /** The return cells in RTAS order. */
  readonly rets: readonly number[];
}

const NAME_OF_TOKEN = new Map<number, RtasCallName>(Object.entries(RTAS_TOKENS).map(([name, token]) => [token, name as RtasCallName]));

export function rtasCallName(call: RtasCallName | number): RtasCallName | undefined {
  if (typeof call === "number") return NAME_OF_TOKEN.get(call);
  return Object.hasOwn(RTAS_CALLS, call) ? call : undefined;
}

function result(status: number, nret: number, outputs: readonly number[] = []): RtasCallResult {
  const rets = [status];
  for (let i = 1; i < nret; i++) rets.push(status === RTAS_OUT_SUCCESS ? (outputs[i - 1] ?? 0) : 0);
  return { status, rets };
}

/** Make an RTAS call. Never throws for any argument values (bugs aside). */
export function rtasCall(platform: PseriesPlatform, call: RtasCallName | number, args: readonly number[], nret: number): RtasCallResult {
  const name = rtasCallName(call);
  if (!name) return { status: RTAS_OUT_PARAM_ERROR, rets: [RTAS_OUT_PARAM_ERROR] };
  const spec = RTAS_CALLS[name];
  if (args.length !== spec.nargs || !(spec.nret as readonly number[]).includes(nret) || !args.every(isCell)) {
    return { status: RTAS_OUT_PARAM_ERROR, rets: [RTAS_OUT_PARAM_ERROR] };
  }
  const a = (i: number): number => args[i]!;
  switch (name) {
    case "ibm,set-eeh-option":
      return result(platform.setEehOption(a(0), a(1), a(2), a(3)), nret);
    case "ibm,set-slot-reset":
      return result(platform.setSlotReset(a(0), a(1), a(2), a(3)), nret);
    case "ibm,read-slot-reset-state2": {
      const r = platform.readSlotResetState2(a(0), a(1), a(2));
      return result(r.status, nret, [r.state ?? 0, r.supported ?? 0, r.delayMs ?? 0, r.recoveryInfo ?? 0]);
    }
    case "ibm,slot-error-detail": {
      // A buffer longer than the maximum is refused by the platform; never allocate more.
      const buffer = new Uint8Array(Math.min(a(6), RTAS_ERROR_LOG_MAX + 1));
      const r = platform.slotErrorDetail(a(0), a(1), a(2), null, buffer, a(7));
      if (r.status === RTAS_OUT_SUCCESS) writeBytes(platform.machine, BigInt(a(5)), buffer.subarray(0, r.length));
      return result(r.status, nret);
    }
    case "ibm,get-config-addr-info2": {
      const r = platform.getConfigAddrInfo2(a(0), a(1), a(2), a(3));
      return result(r.status, nret, [r.info ?? 0]);
    }
    case "ibm,configure-pe":
      return result(platform.configurePe(a(0), a(1), a(2)), nret);
    case "ibm,configure-bridge":
      return result(platform.configureBridge(a(0), a(1), a(2)), nret);
    case "ibm,open-errinjct": {
      const r = platform.openErrinjct();
      return { status: r.status, rets: [r.token, r.status] };
    }
    case "ibm,errinjct":
      return result(platform.errinjct(a(0), a(1), readBytes(platform.machine, BigInt(a(2)), RTAS_ERRINJCT_WORK_AREA_SIZE)), nret);
    case "ibm,close-errinjct":
      return result(platform.closeErrinjct(a(0)), nret);
  }
}

function readBytes(m: Machine, addr: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Number(memRead(m.state.memory, addr + BigInt(i), 1));
  return out;
}

/** Write bytes into machine memory as one operation, copying each touched page once. */
function writeBytes(m: Machine, addr: bigint, bytes: Uint8Array): void {
  if (bytes.length === 0) return;
  m.apply((d) => {
    let i = 0;
    while (i < bytes.length) {
      const a = addr + BigInt(i);
      const page = Number(a / BigInt(PAGE_SIZE));
      const off = Number(a % BigInt(PAGE_SIZE));
      const n = Math.min(PAGE_SIZE - off, bytes.length - i);
      const old = d.memory[page];
      const p = old ? old.slice() : new Uint8Array(PAGE_SIZE);
      p.set(bytes.subarray(i, i + n), off);
      d.memory[page] = p;
      i += n;
    }
  });
}
