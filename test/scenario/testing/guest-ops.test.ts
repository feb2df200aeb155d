// Guest op sequences: plain values, and as fast-check commands a guest's random ops never
// reach a PE its container does not hold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../src/core/errors.js";
import { MachineBuilder } from "../../../src/pci/builder.js";
import { VfioHost } from "../../../src/vfio/vfio-host.js";
import { GUEST_OP_NAMES, arbGuestOps, createHost, formatValue, guestOpCommands, runGuestOp, type GuestOpTarget } from "../../../src/scenario/testing/index.js";

const SWITCHED = new MachineBuilder()
  .phb({ model: "ioda2" }, (root) =>
    root.switch({ downstreamPorts: 2 }, (ports) => {
      ports[0]!.endpoint({ bars: [{ type: "mem32", size: 0x10000 }] });
      ports[1]!.endpoint({ bars: [{ type: "mem32", size: 0x4000 }] });
    }),
  )
  .build();
const GUEST_DEV = "0000:03:00.0";
const HOST_DEV = "0000:04:00.0";

async function guestEnv() {
  const host = createHost(SWITCHED, "powernv");
  const vfio = new VfioHost(host.core);
  const container = vfio.openContainer("vm");
  container.addGroup(vfio.groupOf(GUEST_DEV)!.id);
  const open = container.openDevice(GUEST_DEV);
  await host.clock.runUntilIdle();
  expect(typeof (await open)).toBe("object");
  return { host, container };
}

describe("guest ops", () => {
  it("are plain values naming VFIO_EEH_PE_OP ops, or waits", () => {
    fc.assert(
      fc.property(arbGuestOps({ maxLength: 6 }), (ops) => {
        for (const op of ops) {
          expect(Object.getPrototypeOf(op)).toBe(Object.prototype);
          expect([...GUEST_OP_NAMES, "wait"]).toContain(op.op);
          expect(op.op).not.toBe("DISABLE"); // not drawn unless asked for
        }
      }),
      { numRuns: 30 },
    );
    expect(formatValue({ op: "INJECT_ERR", type: 0, func: 4, addr: 4096, mask: 0 })).toBe('{ op: "INJECT_ERR", type: 0, func: 4, addr: 4096, mask: 0 }');
    expect(() => arbGuestOps({ ops: ["REBOOT" as never] })).toThrow(ArgumentError);
  });
  it("runGuestOp issues the op with the virtual clock driven until it is done", async () => {
    const { container } = await guestEnv();
    expect(await runGuestOp(container, { op: "GET_STATE" })).toBe(0);
    expect(await runGuestOp(container, { op: "wait", ms: 2500 })).toBe(0);
    expect(await runGuestOp(container, { op: "RESET_HOT" })).toBe(0);
    expect(await runGuestOp(container, { op: "RESET_DEACTIVATE" })).toBe(0);
    expect(await runGuestOp(container, { op: "CONFIGURE" })).toBe(0);
  });
  it("as commands: a guest's random ops change nothing outside the PE it holds", async () => {
    await fc.assert(
      fc.asyncProperty(
        guestOpCommands<object>({
          maxCommands: 8,
          check: (_model, target: GuestOpTarget, op, rc) => {
            const m = target.container.host.core.machine;
            const { phb, pe } = m.peOf(HOST_DEV);
            expect(m.peFreezeState(phb, pe), `after ${formatValue(op)} → ${rc}`).toEqual({ mmio: false, dma: false });
            expect(m.mmioLoad(m.barCpuAddress(HOST_DEV, 0), 4)).toBe(0x10fb8086n);
            expect(Number.isInteger(rc)).toBe(true);
          },
        }),
        async (cmds) => {
          const { container } = await guestEnv();
          await fc.asyncModelRun(() => ({ model: {}, real: { container, results: [] } }), cmds);
        },
      ),
      { numRuns: 10, seed: 11 },
    );
  });
});
