// Model-based tests of the VFIO EEH interface (issue 6): random sequences of ops from
// several guests, device opens and closes, guest device accesses, log fetches, guest
// recoveries, time passing, and faults injected into the hardware (bad DMA, MMIO errors,
// PCIe UEs, link loss, fences) on PEs owned by guests and by the host. Invariants:
//
//  - isolation: a guest's command changes no PE its container does not hold (Linux PE
//    entry, PEST words, the config/MMIO state of the PE's devices); a refused one changes
//    nothing at all (the machine's state tree is the same object);
//  - GET_STATE agrees with the PHB model's freeze bits (§5.4, with the parent rule);
//  - no fault is lost: one on a passed-through PE is counted in its owner's view; one on
//    a host PE is recovered or reported permanent by the host (core.outcomes, REMOVED)
//    once the host has looked; at the end every guest PE recovers or its guest is told
//    the recovery failed;
//  - the guest-caused host log stays within the limiter's bound (maxAdmitted over the
//    elapsed virtual time, per (guest, PE) and globally, plus one summary per line).
//
// The host "looks" after each fault the way an administrator would run eeh_dev_check on
// every device in bus order: PE tree pre-order, parents first, after the OPAL event was
// handled. (Checking a leaf first can leave a fully frozen parent marked ISOLATED but
// never recovered — a host-core behaviour reported separately, not a VFIO matter.)
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EehError } from "../../src/core/errors.js";
import { maxAdmitted } from "../../src/core/ratelimit.js";
import { scriptedDriver } from "../../src/eeh/driver.js";
import { injectBadDma, injectFence, injectLinkDown, injectMmioError, injectPcieUe } from "../../src/ioda/faults.js";
import type { HwEvent } from "../../src/ioda/machine-state.js";
import { forEachPe } from "../../src/ioda/pe/pe-tree.js";
import { EEH_PE_ISOLATED, EEH_PE_RECOVERING, EEH_PE_REMOVED, EEH_PE_RESET } from "../../src/ioda/pe/pe-flags.js";
import { EINVAL, ENODEV, EPERM } from "../../src/platform/eeh-ops.js";
import {
  EFAULT,
  VFIO_EEH_PE_GET_STATE,
  VFIO_EEH_PE_INJECT_ERR,
  encodePeOp,
  guestRecover,
  iommuGroupToPe,
  type IommuGroup,
  type VfioContainer,
} from "../../src/vfio/index.js";
import { switchPhb } from "../ioda/fixtures.js";
import { vfioEnv, vt, type Env } from "./setup.js";

const ENDPOINTS = ["0000:03:00.0", "0000:04:00.0", "0000:05:00.0", "0001:03:00.0", "0001:04:00.0", "0001:05:00.0"];
const PORTS = ["0000:02:00.0", "0000:02:01.0", "0000:02:02.0", "0001:02:00.0", "0001:02:01.0", "0001:02:02.0"];
/** alice: two containers of one group each; bob: one container with two groups; the rest is the host's. */
const LAYOUT: ReadonlyArray<{ guest: string; devices: readonly string[] }> = [
  { guest: "alice", devices: ["0000:04:00.0"] },
  { guest: "alice", devices: ["0001:04:00.0"] },
  { guest: "bob", devices: ["0000:05:00.0", "0001:05:00.0"] },
];
const LIMITS = { perGuestPe: { burst: 3, intervalMs: 1000 }, global: { burst: 5, intervalMs: 1000 } };

interface Real {
  readonly env: Env;
  readonly cs: VfioContainer[];
}
type Model = Record<string, never>;

const key = (phbId: number, pe: number | "phb") => `${phbId}:${pe}`;

// ------------------------------------------------------------------ expectations

/** What GET_STATE must answer for one group, from the PE tree and the PHB model's freeze bits. */
function expectedState(env: Env, g: IommuGroup): number {
  const pe = iommuGroupToPe(env.core, g);
  if (!pe) return -ENODEV;
  const p = env.core.pe(pe);
  if (p.parent !== null && !(p.state & EEH_PE_REMOVED) && env.core.pe({ phbId: pe.phbId, pe: p.parent }).state & (EEH_PE_ISOLATED | EEH_PE_RECOVERING)) return 5;
  if (p.state & EEH_PE_RESET) return 0; // PowerNV answers all-OK while the PE is being reset
  const f = env.m.peFreezeState(pe.phbId, pe.pe as number);
  if (f.mmio && f.dma) return 2;
  if (f.mmio) return 5; // DMA enabled only
  if (f.dma) return 4;
  return 0;
}

/** The container's answer: the first non-zero group answer, else 0. */
function expectedContainerState(env: Env, c: VfioContainer): number {
  for (const g of c.groups) {
    const s = expectedState(env, g);
    if (s !== 0) return s;
  }
  return 0;
}

/** Everything of the PEs a container does not hold: Linux PE entries, PEST words, endpoint state. */
function snapshot(env: Env, owned: ReadonlySet<string>): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const phbId of env.m.layout.phbs.keys()) {
    const st = env.m.phbState(phbId);
    out.set(key(phbId, "phb"), [st.peTree.phbPe]);
    for (const [n, pe] of Object.entries(st.peTree.pes)) {
      const k = key(phbId, Number(n));
      if (owned.has(k)) continue;
      const fns = pe.rids.filter((r) => env.m.phbLayout(phbId).fnByRid.get(r)?.kind === "endpoint").map((r) => st.functions[r]);
      out.set(k, [pe, st.hw.pestA[Number(n)], st.hw.pestB[Number(n)], ...fns]);
    }
  }
  return out;
}

function expectUnchanged(before: Map<string, unknown[]>, after: Map<string, unknown[]>, what: string): void {
  for (const [k, v] of before) {
    const w = after.get(k)!;
    for (let i = 0; i < v.length; i++) if (v[i] !== w[i]) throw new Error(`${what} changed PE ${k} (item ${i}) it does not own`);
  }
}

function ownedBy(c: VfioContainer): Set<string> {
  return new Set(c.groups.map((g) => key(g.phbId, g.pe)));
}

/** Guest-caused lines within the buckets' bounds over the elapsed virtual time. */
function checkLogBound(env: Env): void {
  const elapsed = env.clock.now();
  const guest = env.log.records.filter((r) => r.guest !== undefined);
  const summaries = guest.filter((r) => r.line.includes("messages suppressed"));
  const lines = guest.filter((r) => !r.line.includes("messages suppressed"));
  expect(lines.length).toBeLessThanOrEqual(maxAdmitted(LIMITS.global, elapsed));
  expect(summaries.length).toBeLessThanOrEqual(lines.length);
  const perKey = new Map<string, number>();
  for (const r of lines) perKey.set(`${r.guest}/${r.phb ?? "-"}/${r.pe ?? "-"}`, (perKey.get(`${r.guest}/${r.phb ?? "-"}/${r.pe ?? "-"}`) ?? 0) + 1);
  for (const n of perKey.values()) expect(n).toBeLessThanOrEqual(maxAdmitted(LIMITS.perGuestPe, elapsed));
}

/** The host looks: OPAL event handled, then eeh_dev_check on each host PE in pre-order, then recovery. */
async function hostStep(env: Env): Promise<void> {
  await env.core.settle();
  for (const phbId of env.m.layout.phbs.keys()) {
    forEachPe(env.m.phbState(phbId).peTree, "phb", (pe) => {
      if (pe.ref === "phb" || pe.passDevCnt > 0 || pe.state & EEH_PE_REMOVED || pe.rids.length === 0) return;
      const fn = env.m.phbLayout(phbId).fnByRid.get(pe.rids[0]!)!;
      const dev = env.core.devices.get(`${fn.address.domain.toString(16).padStart(4, "0")}:${fn.address.bus.toString(16).padStart(2, "0")}:${fn.address.device.toString(16).padStart(2, "0")}.${fn.address.fn}`);
      if (dev) env.core.devCheckFailure(dev);
    });
  }
  await env.core.settle();
}

// ------------------------------------------------------------------ commands

/** A command whose run ends with the log-bound check. */
abstract class Cmd implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(_m: Model, r: Real): Promise<void> {
    await this.body(r);
    checkLogBound(r.env);
  }
  protected abstract body(r: Real): Promise<void>;
}

type OpArg = { kind: "op"; op: number; type: number; func: number } | { kind: "short" } | { kind: "argsz" } | { kind: "flags" } | { kind: "badop"; op: number };

class OpCmd extends Cmd {
  constructor(
    readonly ci: number,
    readonly arg: OpArg,
  ) {
    super();
  }
  protected override async body(r: Real): Promise<void> {
    const { env } = r;
    const c = r.cs[this.ci]!;
    const before = snapshot(env, ownedBy(c));
    const state0 = env.m.state;
    let bytes: Uint8Array;
    let refused: number | undefined;
    switch (this.arg.kind) {
      case "op":
        bytes = encodePeOp({ op: this.arg.op, err: { type: this.arg.type, func: this.arg.func, addr: 0n, mask: 0n } });
        if (this.arg.op === VFIO_EEH_PE_INJECT_ERR && this.arg.func > 19) refused = -EINVAL;
        break;
      case "short":
        bytes = new Uint8Array(8);
        refused = -EFAULT;
        break;
      case "argsz":
        bytes = encodePeOp({ argsz: 8, op: VFIO_EEH_PE_GET_STATE });
        refused = -EINVAL;
        break;
      case "flags":
        bytes = encodePeOp({ flags: 2, op: VFIO_EEH_PE_GET_STATE });
        refused = -EINVAL;
        break;
      case "badop":
        bytes = encodePeOp({ op: this.arg.op });
        refused = -EINVAL;
        break;
    }
    const firstHasPe = c.groups[0] && iommuGroupToPe(env.core, c.groups[0]);
    const rc = await vt(env, c.eehPeOp(bytes));
    if (refused !== undefined && firstHasPe) {
      expect(rc).toBe(refused);
      expect(env.m.state).toBe(state0);
    }
    if (this.arg.kind === "op" && this.arg.op === VFIO_EEH_PE_GET_STATE) expect(rc).toBe(expectedContainerState(env, c));
    expectUnchanged(before, snapshot(env, ownedBy(c)), `container ${this.ci} op ${JSON.stringify(this.arg)}`);
  }
  override toString(): string {
    return `op(c${this.ci}, ${JSON.stringify(this.arg)})`;
  }
}

class AccessCmd extends Cmd {
  constructor(
    readonly ci: number,
    readonly what: "mmio" | "cfg" | "dma",
  ) {
    super();
  }
  protected override async body(r: Real): Promise<void> {
    const c = r.cs[this.ci]!;
    const dev = c.devices()[0];
    if (!dev || !r.env.core.device(dev.address).present) return;
    const before = snapshot(r.env, new Set([key(dev.pe.phbId, dev.pe.pe as number)]));
    if (this.what === "mmio") dev.readMmio(0, 0n, 4);
    else if (this.what === "cfg") dev.readConfig(0, 4);
    else dev.dmaRead(0x1000n, 8);
    expectUnchanged(before, snapshot(r.env, new Set([key(dev.pe.phbId, dev.pe.pe as number)])), `access by container ${this.ci}`);
  }
  override toString(): string {
    return `access(c${this.ci}, ${this.what})`;
  }
}

class OpenCloseCmd extends Cmd {
  constructor(
    readonly ci: number,
    readonly address: string,
  ) {
    super();
  }
  protected override async body(r: Real): Promise<void> {
    const { env } = r;
    const c = r.cs[this.ci]!;
    const g = env.vfio.groupOf(this.address);
    const state0 = env.m.state;
    const before = snapshot(env, ownedBy(c));
    if (!g || !c.holds(g.id)) {
      expect(await vt(env, c.openDevice(this.address))).toBe(g ? -EPERM : -ENODEV);
      expect(env.m.state).toBe(state0);
      return;
    }
    const open = c.device(this.address);
    if (open) await vt(env, open.close());
    else await vt(env, c.openDevice(this.address));
    expectUnchanged(before, snapshot(env, ownedBy(c)), `open/close by container ${this.ci}`);
  }
  override toString(): string {
    return `openClose(c${this.ci}, ${this.address})`;
  }
}

class FetchLogCmd extends Cmd {
  constructor(
    readonly ci: number,
    readonly groupId: number,
  ) {
    super();
  }
  protected override async body(r: Real): Promise<void> {
    const { env } = r;
    const c = r.cs[this.ci]!;
    const state0 = env.m.state;
    const before = snapshot(env, ownedBy(c));
    const log = await vt(env, c.fetchPeLog(this.groupId));
    if (!c.holds(this.groupId)) {
      expect(log).toBe(-EPERM);
      expect(env.m.state).toBe(state0);
    } else if (typeof log !== "number") {
      expect(log.kind).toBe("opal-diag");
    }
    expectUnchanged(before, snapshot(env, ownedBy(c)), `log fetch by container ${this.ci}`);
  }
  override toString(): string {
    return `fetchLog(c${this.ci}, g${this.groupId})`;
  }
}

class RecoverCmd extends Cmd {
  constructor(readonly ci: number) {
    super();
  }
  protected override async body(r: Real): Promise<void> {
    const { env } = r;
    const c = r.cs[this.ci]!;
    const before = snapshot(env, ownedBy(c));
    const rep = await vt(env, guestRecover(c, { maxWaitMs: 5000 }));
    if (rep.outcome !== "failed") expect(expectedContainerState(env, c)).toBe(0);
    expectUnchanged(before, snapshot(env, ownedBy(c)), `recovery by container ${this.ci}`);
  }
  override toString(): string {
    return `recover(c${this.ci})`;
  }
}

class AdvanceCmd extends Cmd {
  constructor(readonly ms: number) {
    super();
  }
  protected override async body(r: Real): Promise<void> {
    r.env.clock.advanceBy(this.ms);
  }
  override toString(): string {
    return `advance(${this.ms})`;
  }
}

type Fault = { kind: "dma" | "mmio" | "ue"; dev: string } | { kind: "link"; port: string; permanent: boolean } | { kind: "fence"; phb: number };

class FaultCmd extends Cmd {
  constructor(readonly fault: Fault) {
    super();
  }
  protected override async body(r: Real): Promise<void> {
    const { env } = r;
    const views = new Map(["alice", "bob"].map((g) => [g, env.vfio.guestView(g)]));
    const n0 = env.m.events.length;
    const f = this.fault;
    try {
      if (f.kind === "link") injectLinkDown(env.m, f.port, { permanent: f.permanent });
      else if (f.kind === "fence") injectFence(env.m, f.phb);
      else if (f.kind === "dma") injectBadDma(env.m, f.dev);
      else if (f.kind === "mmio") injectMmioError(env.m, f.dev);
      else injectPcieUe(env.m, f.dev);
    } catch (e) {
      if (!(e instanceof EehError)) throw e;
      return;
    }
    const events: HwEvent[] = env.m.events.slice(n0);
    // Passed-through PEs: their owner was told, right away.
    const passedAtFault = new Set<string>();
    for (const e of events) {
      if (e.kind === "freeze") {
        for (const pe of e.frozen) {
          const holder = env.vfio.holderOfPe({ phbId: e.phb, pe });
          if (!holder) continue;
          const ref = { phbId: e.phb, pe };
          const was = views.get(holder.guest)!.perPe.find((p) => p.pe.phbId === e.phb && p.pe.pe === pe)?.counts.freeze ?? 0;
          expect(env.vfio.guestView(holder.guest).perPe.find((p) => p.pe.phbId === e.phb && p.pe.pe === pe)?.counts.freeze).toBe(was + 1);
          if (env.core.isPassed(ref)) passedAtFault.add(key(e.phb, pe));
        }
      } else if (e.kind === "fence") {
        for (const g of ["alice", "bob"]) {
          const held = r.cs.filter((c) => c.guest === g).some((c) => c.groups.some((x) => x.phbId === e.phb));
          if (held) expect(env.vfio.guestView(g).counts.fence ?? 0).toBeGreaterThan(views.get(g)!.counts.fence ?? 0);
        }
      }
    }
    const t = env.clock.now();
    const outcomes0 = env.core.outcomes.length;
    await hostStep(env);
    // Host PEs: nothing frozen is left unrecovered unless it was failed permanently. A PE
    // whose group a guest's container holds is the guest's to operate on even with no
    // device open (VFIO_EEH_PE_OP works on the container's groups): a RESET_HOT it issued
    // and never deactivated leaves the PE frozen, and that is not a lost host fault.
    for (const phbId of env.m.layout.phbs.keys()) {
      forEachPe(env.m.phbState(phbId).peTree, "phb", (pe) => {
        if (pe.ref === "phb" || pe.passDevCnt > 0) return;
        if (env.vfio.holderOfPe({ phbId, pe: pe.ref })) return;
        const f = env.m.peFreezeState(phbId, pe.ref);
        if (!(f.mmio || f.dma)) return;
        if (pe.state & EEH_PE_REMOVED) return;
        throw new Error(`host PE ${key(phbId, pe.ref)} left frozen and not failed after ${JSON.stringify(this.fault)} at ${t} ms`);
      });
    }
    // A freeze of a PE already failed permanently (REMOVED) starts no new recovery.
    const live = (phb: number, pe: number): boolean => !passedAtFault.has(key(phb, pe)) && !(env.core.pe({ phbId: phb, pe }).state & EEH_PE_REMOVED);
    const froze = events.some((e) => e.kind === "freeze" && e.frozen.some((pe) => live(e.phb, pe))) || events.some((e) => e.kind === "fence");
    if (froze) expect(env.core.outcomes.length).toBeGreaterThan(outcomes0);
  }
  override toString(): string {
    return `fault(${JSON.stringify(this.fault)})`;
  }
}

// ------------------------------------------------------------------ arbitraries

const ci = fc.integer({ min: 0, max: LAYOUT.length - 1 });
const opArg: fc.Arbitrary<OpArg> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant("op" as const), op: fc.integer({ min: 0, max: 9 }), type: fc.constantFrom(0, 1, 2), func: fc.constantFrom(0, 4, 6, 10, 12, 16, 19, 20, 0xffffffff) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("op" as const), op: fc.constant(VFIO_EEH_PE_GET_STATE), type: fc.constant(0), func: fc.constant(0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("short" as const, "argsz" as const, "flags" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("badop" as const), op: fc.constantFrom(10, 11, 0x7fffffff, 0xffffffff) }) },
);
const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom("dma" as const, "mmio" as const, "ue" as const), dev: fc.constantFrom(...ENDPOINTS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("link" as const), port: fc.constantFrom(...PORTS), permanent: fc.constantFrom(false, false, false, false, true) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fence" as const), phb: fc.constantFrom(0, 1) }) },
);

const commands = fc.commands(
  [
    fc.tuple(ci, opArg).map(([c, a]) => new OpCmd(c, a)),
    fc.tuple(ci, fc.constantFrom("mmio" as const, "cfg" as const, "dma" as const)).map(([c, w]) => new AccessCmd(c, w)),
    fc.tuple(ci, fc.constantFrom(...ENDPOINTS, "0000:02:00.0")).map(([c, a]) => new OpenCloseCmd(c, a)),
    fc.tuple(ci, fc.integer({ min: 0, max: 5 })).map(([c, g]) => new FetchLogCmd(c, g)),
    ci.map((c) => new RecoverCmd(c)),
    fc.constantFrom(1, 500, 10_000, 3_700_000).map((ms) => new AdvanceCmd(ms)),
    fault.map((f) => new FaultCmd(f)),
  ],
  { maxCommands: 30, size: "large" },
);

async function setup(): Promise<{ model: Model; real: Real }> {
  const drivers = Object.fromEntries(ENDPOINTS.map((a) => [a, scriptedDriver("mlx5_core", { errorDetected: "need reset", slotReset: "recovered" })]));
  const env = vfioEnv("ioda2", { phbs: [switchPhb(0, "ioda2", 3), switchPhb(1, "ioda1", 3)], core: { drivers }, limits: LIMITS });
  const cs: VfioContainer[] = [];
  for (const l of LAYOUT) {
    const c = env.vfio.openContainer(l.guest);
    for (const a of l.devices) expect(c.addGroup(env.vfio.groupOf(a)!.id)).toBe(0);
    for (const a of l.devices) expect(typeof (await vt(env, c.openDevice(a)))).toBe("object");
    cs.push(c);
  }
  return { model: {}, real: { env, cs } };
}

describe("VFIO EEH model (fc.asyncModelRun)", () => {
  it("isolation, GET_STATE agreement, no lost fault, bounded host log", async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        let real: Real | undefined;
        await fc.asyncModelRun(async () => {
          const s = await setup();
          real = s.real;
          return s;
        }, cmds);
        const { env, cs } = real!;
        // At the end every guest recovers what it holds, or is told it cannot.
        for (const c of cs) {
          const rep = await vt(env, guestRecover(c, { maxWaitMs: 5000 }));
          if (rep.outcome !== "failed") expect(expectedContainerState(env, c)).toBe(0);
        }
        checkLogBound(env);
      }),
      { numRuns: 150 },
    );
  });
});

