// One step of a scenario's timeline, performed on the world. Each returns the text of its
// timeline event; a guest's steps also go to that guest's log. Faults go to the hardware
// model directly (as a misbehaving device would); loads go through the EEH core, the way a
// host driver's readl() does, so an all-ones answer is checked (eeh_dev_check_failure).

import { allOnes, hex } from "../core/bits.js";
import { ArgumentError } from "../core/errors.js";
import { injectBadDma, injectFence, injectLinkDown, injectMmioError, injectMmioUnassigned, injectPcieUe, killPhb, freezePe, portAbove, setUeSeverity } from "../ioda/faults.js";
import type { AccessOutcome } from "../ioda/machine.js";
import { resolveAerError } from "../log/aer/error-names.js";
import { RTAS_CALLS } from "../platform/pseries/rtas-constants.js";
import { encodePeOp } from "../vfio/pe-op-struct.js";
import { guestRecover } from "../vfio/guest-recover.js";
import type { VfioContainer } from "../vfio/container.js";
import { VFIO_EEH_PE_INJECT_ERR, VFIO_EEH_PE_OP_NAMES, VFIO_EEH_PE_RESET_DEACTIVATE, VFIO_EEH_PE_RESET_FUNDAMENTAL, VFIO_EEH_PE_RESET_HOT, VFIO_EEH_PE_UNFREEZE_DMA, VFIO_EEH_PE_UNFREEZE_IO } from "../vfio/vfio-uapi.js";
import { peName } from "./machine.js";
import type { Recorder } from "./recorder.js";
import type { ScenarioAction, VfioOpName } from "./schema.js";
import type { GuestRuntime, World } from "./world.js";

export interface ActionContext {
  readonly w: World;
  readonly rec: Recorder;
  /** JSON path of the step (`timeline[3]`), for errors. */
  readonly path: string;
  /** Keep a flow that runs on in virtual time (a guest's recovery) until the run ends. */
  background(p: Promise<unknown>): void;
  /** Report progress through a long step (0..1 of this step). */
  progress(fraction: number): void;
}

const OP_BY_NAME = new Map(Object.entries(VFIO_EEH_PE_OP_NAMES).map(([n, name]) => [name, Number(n)]));

function outcomeText(o: AccessOutcome): string {
  return o.blocked === "error" ? " → error" : o.blocked ? ` → dropped (${o.blocked})` : "";
}

/** A guest's log line, at the current virtual time. */
export function guestLine(ctx: ActionContext, g: GuestRuntime, line: string): void {
  const t = ctx.w.clock.now();
  g.lines.push({ t, line });
  ctx.rec.event(t, "guest", `${g.spec.name}: ${line}`, { guest: g.spec.name });
}

/**
 * The container as the guest's code sees it, with every EEH op and log fetch written to
 * the guest's log as it happens (the documented flow in vfio/guest-recover.ts runs on it).
 */
function instrumented(ctx: ActionContext, g: GuestRuntime): VfioContainer {
  const c = g.container;
  return new Proxy(c, {
    get(target, prop) {
      if (prop === "eehPeOp") {
        return async (arg: Parameters<VfioContainer["eehPeOp"]>[0]) => {
          const op = arg instanceof Uint8Array ? undefined : arg.op;
          const held = [...g.devices.keys()].map((a) => peName(ctx.w.machine.peOf(a)));
          if (op === VFIO_EEH_PE_RESET_HOT || op === VFIO_EEH_PE_RESET_FUNDAMENTAL) for (const pe of held) ctx.rec.heldInReset.add(pe);
          const r = await target.eehPeOp(arg);
          if (op === VFIO_EEH_PE_RESET_DEACTIVATE || ((op === VFIO_EEH_PE_RESET_HOT || op === VFIO_EEH_PE_RESET_FUNDAMENTAL) && r < 0)) for (const pe of held) ctx.rec.heldInReset.delete(pe);
          guestLine(ctx, g, `VFIO_EEH_PE_OP ${op !== undefined ? (VFIO_EEH_PE_OP_NAMES[op] ?? op) : "(raw)"} → ${r}`);
          return r;
        };
      }
      if (prop === "fetchPeLog") {
        return async (groupId: number, severity?: number) => {
          const l = await target.fetchPeLog(groupId, severity);
          if (typeof l === "number") {
            guestLine(ctx, g, `platform log of group ${groupId}: errno ${l}`);
            return l;
          }
          const pe = peName({ phb: l.pe.phbId, pe: l.pe.pe as number });
          const t = ctx.w.clock.now();
          const domain = ctx.rec.domainOf(l.pe.phbId);
          ctx.rec.addLog({ t, kind: l.kind, source: `guest-${g.spec.name}`, pe, domain, bytes: l.bytes });
          if (l.kind === "opal-diag" && l.interpretation) ctx.rec.addLog({ t, kind: "eehi", source: `guest-${g.spec.name}`, pe, domain, bytes: l.interpretation });
          guestLine(ctx, g, `fetched the ${l.kind === "rtas" ? "RTAS error log" : "PHB diag data and its interpretation"} of ${pe} (${l.bytes.length} bytes)`);
          return l;
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Run the documented guest recovery flow (unless one is already running). */
export function startGuestRecovery(ctx: ActionContext, g: GuestRuntime, why: string): void {
  if (g.recovering) return;
  guestLine(ctx, g, `starting EEH recovery (${why})`);
  const run = guestRecover(instrumented(ctx, g), { reset: g.spec.reset }).then((report) => {
    g.outcome = report.outcome;
    g.recovering = undefined;
    guestLine(ctx, g, `recovery ${report.outcome}${report.failedAt ? ` at ${report.failedAt}` : ""}`);
    return report;
  });
  g.recovering = run;
  ctx.background(run);
}

function vfioOp(name: VfioOpName): number {
  return OP_BY_NAME.get(name)!;
}

export async function perform(ctx: ActionContext, a: ScenarioAction): Promise<string> {
  const { w } = ctx;
  const m = w.machine;
  const dev = (ref: string, field = "device"): string => w.names.device(ref, `${ctx.path}.${field}`);
  switch (a.do) {
    case "bad-dma": {
      const d = dev(a.device);
      const o = injectBadDma(m, d, a.address, a.dir);
      return `${w.names.describe(d)} DMA-${a.dir}s ${a.address !== undefined ? `0x${a.address.toString(16)}` : "an unmapped page"}${outcomeText(o)}`;
    }
    case "mmio-error": {
      const d = dev(a.device);
      injectMmioError(m, d);
      return `an MMIO access to ${w.names.describe(d)} fails (nothing decodes it)`;
    }
    case "mmio-unassigned":
      injectMmioUnassigned(m, w.names.phb(a.phb, `${ctx.path}.phb`));
      return `an MMIO load to an unassigned segment of PHB#${a.phb.toString(16)}`;
    case "link-down": {
      const d = dev(a.device);
      // A downstream or root port names the link below it; any other function, the link above it.
      const kind = m.phbLayout(m.locate(d).phbId).fnByRid.get(m.locate(d).rid)!.kind;
      const port = kind === "downstream-port" || kind === "root-port" ? d : portAbove(m, d);
      const r = injectLinkDown(m, port, { permanent: a.permanent });
      return `the link below ${w.names.describe(port)} goes down${a.permanent ? " for good" : ""} (surprise down, ${r.severity})`;
    }
    case "pcie-ue": {
      const d = dev(a.device);
      const kind = resolveAerError(a.error);
      if (kind.kind !== "uncorrectable") throw new ArgumentError(`${ctx.path}.error: "${a.error}" is not an uncorrectable AER error (use link-down for a link loss)`, { path: `${ctx.path}.error` });
      if (a.severity) setUeSeverity(m, d, kind.bit, a.severity);
      const r = injectPcieUe(m, d, kind.bit);
      return `${w.names.describe(d)} reports a PCIe UE ${kind.name} (${r.severity})`;
    }
    case "fence":
      injectFence(m, w.names.phb(a.phb, `${ctx.path}.phb`));
      return `PHB#${a.phb.toString(16)} fences (an error the PHB cannot pin on one PE)`;
    case "dead-phb":
      killPhb(m, w.names.phb(a.phb, `${ctx.path}.phb`));
      return `PHB#${a.phb.toString(16)} dies`;
    case "freeze": {
      const p = w.names.pe(a.pe, `${ctx.path}.pe`);
      freezePe(m, p.phb, p.pe, { mmio: a.mmio, dma: a.dma });
      return `${peName(p)} frozen by hand (${[a.mmio && "MMIO", a.dma && "DMA"].filter(Boolean).join(" and ")})`;
    }
    case "random-faults":
      // Expanded into concrete steps before the run (random.ts); never performed as such.
      throw new ArgumentError(`${ctx.path}: random-faults must be expanded before the run`);
    case "load": {
      const d = dev(a.device);
      const v = w.core.readMmio(d, a.bar, a.offset, a.size);
      return `host driver load${a.size * 8} ${w.names.describe(d)} BAR${a.bar}+0x${a.offset.toString(16)} → 0x${hex(v, a.size * 2)}${v === allOnes(a.size) ? " (all ones)" : ""}`;
    }
    case "store": {
      const d = dev(a.device);
      m.mmioStore(m.barCpuAddress(d, a.bar) + a.offset, a.size, a.value);
      return `host driver store${a.size * 8} ${w.names.describe(d)} BAR${a.bar}+0x${a.offset.toString(16)} ← 0x${a.value.toString(16)}`;
    }
    case "dma": {
      const d = dev(a.device);
      const win = m.dmaWindow(d);
      const addr = a.address ?? win.base;
      if (a.map) m.mapDma(d, addr & ~0xfffn, 0x100000n + (addr & ~0xfffn) - win.base, "rw");
      if (a.dir === "read") {
        const v = m.dmaRead(d, addr, 8);
        return `${w.names.describe(d)} DMA-reads 0x${addr.toString(16)} → 0x${v.toString(16)}`;
      }
      const o = m.dmaWrite(d, addr, 8, 0x5a5a5a5an);
      return `${w.names.describe(d)} DMA-writes 0x${addr.toString(16)}${o.blocked ? ` → dropped (${o.blocked})` : ""}`;
    }
    case "config-read": {
      const d = dev(a.device);
      const r = w.core.readConfig(d, a.offset, a.size);
      return `host config read ${w.names.describe(d)} +0x${a.offset.toString(16)} → 0x${hex(r.value, a.size * 2)}`;
    }
    case "config-write": {
      const d = dev(a.device);
      m.configWrite(d, a.offset, a.size, a.value);
      return `host config write ${w.names.describe(d)} +0x${a.offset.toString(16)} ← 0x${hex(a.value, a.size * 2)}`;
    }
    case "guest-load": {
      const g = w.guest(a.guest);
      const d = dev(a.device);
      const vd = g.devices.get(d);
      if (!vd) throw new ArgumentError(`${ctx.path}.device: guest "${a.guest}" does not own ${w.names.describe(d)}`, { path: `${ctx.path}.device` });
      const v = vd.readMmio(a.bar, a.offset, 4);
      guestLine(ctx, g, `load32 BAR${a.bar}+0x${a.offset.toString(16)} of ${w.names.describe(d)} → 0x${hex(v, 8)}`);
      if (v === allOnes(4) && g.spec.onError === "recover") startGuestRecovery(ctx, g, "a load returned all ones");
      return `guest ${a.guest} loads from ${w.names.describe(d)} → 0x${hex(v, 8)}`;
    }
    case "vfio": {
      const g = w.guest(a.guest);
      const op = vfioOp(a.op);
      const arg = op === VFIO_EEH_PE_INJECT_ERR ? { op, err: { type: 0, func: 4, addr: 0n, mask: 0n } } : { op };
      const r = await instrumented(ctx, g).eehPeOp(arg);
      return `guest ${a.guest}: VFIO_EEH_PE_OP ${a.op} → ${r}`;
    }
    case "guest-recover": {
      const g = w.guest(a.guest);
      startGuestRecovery(ctx, g, "the scenario says so");
      return `guest ${a.guest} runs its EEH recovery`;
    }
    case "rtas": {
      const g = w.guest(a.guest);
      const d = dev(a.device);
      const vd = g.devices.get(d);
      if (!vd) throw new ArgumentError(`${ctx.path}.device: guest "${a.guest}" does not own ${w.names.describe(d)}`, { path: `${ctx.path}.device` });
      const spec = RTAS_CALLS[a.call];
      const args = [g.spapr.peConfigAddr(vd), g.spapr.buidHi, g.spapr.buidLo];
      while (args.length < spec.nargs) args.push(args.length === 3 ? a.option : 0);
      const nret = Math.max(...(spec.nret as readonly number[]));
      const r = await g.spapr.rtas(a.call, args.slice(0, spec.nargs), nret);
      guestLine(ctx, g, `rtas ${a.call}(${args.slice(0, spec.nargs).map((x) => `0x${x.toString(16)}`).join(", ")}) → status ${r.status}, rets [${r.rets.join(", ")}]`);
      return `guest ${a.guest}: RTAS ${a.call} → ${r.status}`;
    }
    case "flood":
      return flood(ctx, a);
  }
}

/**
 * A guest that injects errors as fast as it can: INJECT_ERR arms the PHB, a config read
 * trips it (freezing the PE), and every `thawEvery` injections it thaws MMIO and DMA to go
 * again. Each round takes 0.1 ms of virtual time. What the host logs about it must stay
 * within the rate limiter's bound however long the guest keeps going.
 */
async function flood(ctx: ActionContext, a: Extract<ScenarioAction, { do: "flood" }>): Promise<string> {
  const { w } = ctx;
  const g = w.guest(a.guest);
  const vd = [...g.devices.values()][0]!;
  const inject = encodePeOp({ op: VFIO_EEH_PE_INJECT_ERR, err: { type: 0, func: 4, addr: 0n, mask: 0n } });
  const thawIo = encodePeOp({ op: VFIO_EEH_PE_UNFREEZE_IO });
  const thawDma = encodePeOp({ op: VFIO_EEH_PE_UNFREEZE_DMA });
  let accepted = 0;
  let tripped = 0;
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    await w.clock.runUntilIdle();
    return p;
  };
  for (let i = 0; i < a.count; i++) {
    if ((await g.container.eehPeOp(inject)) === 0) accepted++;
    if ((i + 1) % a.thawEvery === 0) {
      if (vd.readConfig(0, 4) === 0xffffffff) tripped++;
      await settle(g.container.eehPeOp(thawIo));
      await settle(g.container.eehPeOp(thawDma));
      ctx.rec.sample();
    }
    w.clock.advanceBy(0.1);
    if ((i & 0x3ff) === 0) ctx.progress(i / a.count);
  }
  w.log.flushSuppressed();
  guestLine(ctx, g, `flooded: ${a.count} INJECT_ERR (${accepted} accepted), ${tripped} freezes tripped`);
  return `guest ${a.guest} floods the host: ${a.count} error injections`;
}
