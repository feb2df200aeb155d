// The README's library example, run as a test (imports the package entry point).
import { expect, it } from "vitest";
import { MachineBuilder, Machine, injectBadDma, unfreezePe } from "../src/index.js";

it("README example", () => {
  const spec = new MachineBuilder()
    .phb({ model: "ioda2" }, (root) =>
      root.switch({ downstreamPorts: 2 }, (ports) => {
        ports[0]!.endpoint({ label: "eth0", bars: [{ type: "mem32", size: 0x10000 }] });
        ports[1]!.endpoint({ label: "nvme0", bars: [{ type: "mem32", size: 0x4000 }] });
      }),
    )
    .build();
  const m = Machine.build(spec);

  const nvme = "0000:04:00.0";
  const { phb, pe } = m.peOf(nvme);
  expect({ phb, pe }).toEqual({ phb: 0, pe: 0xfa });
  injectBadDma(m, nvme);
  expect(m.peFreezeState(phb, pe)).toEqual({ mmio: true, dma: true });
  expect(m.mmioLoad(m.barCpuAddress(nvme, 0), 4)).toBe(0xffffffffn);
  expect(m.phbState(phb).hw.pestB[pe]! >> 63n).toBe(1n);
  unfreezePe(m, phb, pe, { mmio: true, dma: false });
  expect(m.peFreezeState(phb, pe)).toEqual({ mmio: false, dma: true });
});
