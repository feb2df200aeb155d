// Guest op sequences: VFIO_EEH_PE_OP calls as plain values (`{ op: "RESET_HOT" }`), a
// `wait` for virtual time to pass, and INJECT_ERR with its error fields — as arbitraries of
// single ops and sequences, as fast-check commands for model-based tests, and applied to a
// container with the clock driven alongside.

import fc from "fast-check";
import type { VirtualClock } from "../../core/clock.js";
import { ArgumentError } from "../../core/errors.js";
import type { VfioContainer } from "../../vfio/container.js";
import {
  EEH_ERR_FUNC_MAX,
  EEH_ERR_FUNC_MIN,
  VFIO_EEH_PE_CONFIGURE,
  VFIO_EEH_PE_DISABLE,
  VFIO_EEH_PE_ENABLE,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_INJECT_ERR,
  VFIO_EEH_PE_RESET_DEACTIVATE,
  VFIO_EEH_PE_RESET_FUNDAMENTAL,
  VFIO_EEH_PE_RESET_HOT,
  VFIO_EEH_PE_UNFREEZE_DMA,
  VFIO_EEH_PE_UNFREEZE_IO,
} from "../../vfio/vfio-uapi.js";
import { formatValue } from "./counter-example.js";

/** VFIO_EEH_PE_OP ops by their uapi names (without the VFIO_EEH_PE_ prefix). */
export const GUEST_OP_NUMBERS = {
  DISABLE: VFIO_EEH_PE_DISABLE,
  ENABLE: VFIO_EEH_PE_ENABLE,
  UNFREEZE_IO: VFIO_EEH_PE_UNFREEZE_IO,
  UNFREEZE_DMA: VFIO_EEH_PE_UNFREEZE_DMA,
  GET_STATE: VFIO_EEH_PE_GET_STATE,
  RESET_DEACTIVATE: VFIO_EEH_PE_RESET_DEACTIVATE,
  RESET_HOT: VFIO_EEH_PE_RESET_HOT,
  RESET_FUNDAMENTAL: VFIO_EEH_PE_RESET_FUNDAMENTAL,
  CONFIGURE: VFIO_EEH_PE_CONFIGURE,
  INJECT_ERR: VFIO_EEH_PE_INJECT_ERR,
} as const;

export type GuestOpName = keyof typeof GUEST_OP_NUMBERS;
export const GUEST_OP_NAMES = Object.keys(GUEST_OP_NUMBERS) as GuestOpName[];

/** `struct vfio_eeh_pe_err` types: 32- and 64-bit MMIO/DMA errors (EEH_ERR_TYPE_32 = 0, EEH_ERR_TYPE_64 = 1). */
const EEH_ERR_TYPES = [0, 1] as const;

export type GuestOp =
  | { readonly op: Exclude<GuestOpName, "INJECT_ERR"> }
  | { readonly op: "INJECT_ERR"; readonly type: number; readonly func: number; readonly addr: number; readonly mask: number }
  /** Not an op: the guest lets virtual time pass. */
  | { readonly op: "wait"; readonly ms: number };

export interface ArbGuestOpOptions {
  /** Ops to draw from (default every op but DISABLE, which turns EEH off for the rest of the sequence). */
  readonly ops?: readonly GuestOpName[];
  /** Longest `wait`, in virtual ms; 0 draws no waits (default 5000). */
  readonly maxWaitMs?: number;
}

export interface ArbGuestOpsOptions extends ArbGuestOpOptions {
  readonly minLength?: number;
  /** Default 8. */
  readonly maxLength?: number;
}

const PLAIN = { noNullPrototype: true } as const;

/** One guest op. */
export function arbGuestOp(options: ArbGuestOpOptions = {}): fc.Arbitrary<GuestOp> {
  const ops = options.ops ?? GUEST_OP_NAMES.filter((n) => n !== "DISABLE");
  for (const o of ops) if (!(o in GUEST_OP_NUMBERS)) throw new ArgumentError(`unknown guest op "${String(o)}" (ops: ${GUEST_OP_NAMES.join(", ")})`, { op: o });
  const maxWaitMs = options.maxWaitMs ?? 5000;
  if (!Number.isInteger(maxWaitMs) || maxWaitMs < 0) throw new ArgumentError(`maxWaitMs ${maxWaitMs} is not a non-negative integer`, { maxWaitMs });
  const plain = ops.filter((o): o is Exclude<GuestOpName, "INJECT_ERR"> => o !== "INJECT_ERR");
  const arbs: Array<fc.Arbitrary<GuestOp>> = [];
  if (plain.length > 0) arbs.push(fc.record({ op: fc.constantFrom(...plain) }, PLAIN));
  if (ops.includes("INJECT_ERR")) {
    arbs.push(
      fc.record(
        {
          op: fc.constant("INJECT_ERR" as const),
          type: fc.constantFrom(...EEH_ERR_TYPES),
          func: fc.integer({ min: EEH_ERR_FUNC_MIN, max: EEH_ERR_FUNC_MAX }),
          addr: fc.nat({ max: 0xffff_ffff }).map((n) => n - (n % 8)),
          mask: fc.constantFrom(0, 0xffff_ffff, 0xffff_f000),
        },
        PLAIN,
      ),
    );
  }
  if (maxWaitMs > 0) arbs.push(fc.record({ op: fc.constant("wait" as const), ms: fc.integer({ min: 1, max: maxWaitMs }) }, PLAIN));
  if (arbs.length === 0) throw new ArgumentError("no guest ops to draw from", { ops });
  return fc.oneof(...arbs);
}

/** A sequence of guest ops (shrinks to shorter sequences of simpler ops). */
export function arbGuestOps(options: ArbGuestOpsOptions = {}): fc.Arbitrary<GuestOp[]> {
  const minLength = options.minLength ?? 0;
  const maxLength = options.maxLength ?? 8;
  if (!Number.isInteger(minLength) || !Number.isInteger(maxLength) || minLength < 0 || maxLength < minLength) {
    throw new ArgumentError(`sequence length ${minLength}..${maxLength} is not a range`, { minLength, maxLength });
  }
  return fc.array(arbGuestOp(options), { minLength, maxLength });
}

/**
 * Issue one op on a container (the VFIO_EEH_PE_OP ioctl, or a wait) and return its result:
 * 0, a PE state (GET_STATE) or a negative errno. Resets and waits take virtual time: the
 * promise settles only while someone drives the clock (see runGuestOp).
 */
export function applyGuestOp(container: VfioContainer, op: GuestOp): Promise<number> {
  if (op.op === "wait") {
    if (!Number.isFinite(op.ms) || op.ms < 0) throw new ArgumentError(`wait of ${op.ms} ms`, { ms: op.ms });
    return container.host.core.clock.sleep(op.ms, "guest wait").then(() => 0);
  }
  const n = GUEST_OP_NUMBERS[op.op];
  if (n === undefined) throw new ArgumentError(`unknown guest op "${String(op.op)}"`, { op: op.op });
  if (op.op === "INJECT_ERR") return container.eehPeOp({ op: n, err: { type: op.type, func: op.func, addr: BigInt(op.addr), mask: BigInt(op.mask) } });
  return container.eehPeOp({ op: n });
}

/**
 * Issue one op and run the virtual clock until it is done (and everything it started).
 * For a host with nothing else on the clock — a periodic timer would never let it idle.
 */
export async function runGuestOp(container: VfioContainer, op: GuestOp, clock: VirtualClock = container.host.core.clock): Promise<number> {
  const p = applyGuestOp(container, op);
  await clock.runUntilIdle();
  return p;
}

/** What a guest op command acts on. */
export interface GuestOpTarget {
  readonly container: VfioContainer;
  /** Every op issued so far and its result. */
  readonly results: Array<{ readonly op: GuestOp; readonly rc: number }>;
}

/**
 * A guest op as a fast-check command: runs the op (driving the clock) and hands the
 * result to `check`, which throws to fail the run.
 */
export class GuestOpCommand<Model extends object> implements fc.AsyncCommand<Model, GuestOpTarget> {
  constructor(
    readonly op: GuestOp,
    private readonly after?: (model: Model, target: GuestOpTarget, op: GuestOp, rc: number) => void | Promise<void>,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: Model, target: GuestOpTarget): Promise<void> {
    const rc = await runGuestOp(target.container, this.op);
    target.results.push({ op: this.op, rc });
    await this.after?.(model, target, this.op, rc);
  }

  toString(): string {
    return formatValue(this.op);
  }
}

/** Guest ops as commands for `fc.asyncModelRun`: `fc.commands` over GuestOpCommand. */
export function guestOpCommands<Model extends object>(
  options: ArbGuestOpOptions & {
    readonly maxCommands?: number;
    /** Called after each op with its result; throw to fail. */
    readonly check?: (model: Model, target: GuestOpTarget, op: GuestOp, rc: number) => void | Promise<void>;
  } = {},
): fc.Arbitrary<Iterable<fc.AsyncCommand<Model, GuestOpTarget>>> {
  const cmd = arbGuestOp(options).map((op) => new GuestOpCommand<Model>(op, options.check));
  return fc.commands([cmd], { maxCommands: options.maxCommands ?? 10 });
}
