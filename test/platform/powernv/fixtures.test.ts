// fixtures/opal/emulated/: PHB diag blobs the emulator produces for each kind of fault on
// both models, with their decodings (JSON) and the Linux dump text. This test rebuilds
// them and compares byte for byte; run with UPDATE_FIXTURES=1 to rewrite them.
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VirtualClock } from "../../../src/core/clock.js";
import { Machine } from "../../../src/ioda/machine.js";
import { injectBadDma, injectFence, injectLinkDown, injectMmioError, injectPcieUe } from "../../../src/ioda/faults.js";
import { OpalFirmware } from "../../../src/platform/powernv/opal.js";
import { decodePhbDiag } from "../../../src/log/opal/decode.js";
import { printPhbDiag } from "../../../src/log/dmesg/print-diag.js";
import { jsonLine } from "../../../src/core/json.js";
import { interpretPhbDiag } from "../../../src/log/interpret/interpret.js";
import { interpretationToJson } from "../../../src/log/interpret/json.js";
import type { FindingType } from "../../../src/log/interpret/catalogue.js";
import { switchPhb } from "../../ioda/fixtures.js";

const DIR = join(import.meta.dirname, "../../../fixtures/opal/emulated");
const UPDATE = process.env.UPDATE_FIXTURES === "1";

type Scenario = (m: Machine, opal: OpalFirmware) => void;

/** The finding the interpretation must lead with for each fault (decided from registers). */
const EXPECTED: Record<string, FindingType> = {
  "dma-page-fault": "DMA_IOMMU_FAULT",
  "dma-access-fault": "DMA_IOMMU_FAULT",
  "mmio-ur": "MMIO_ERROR",
  "mmio-injected": "MMIO_ERROR",
  "link-loss": "PCIE_UE",
  "pcie-ue": "PCIE_UE",
  fence: "PHB_FENCE",
};

const SCENARIOS: Record<string, Scenario> = {
  "dma-page-fault": (m) => void injectBadDma(m, "0000:04:00.0"),
  "dma-access-fault": (m) => {
    const w = m.dmaWindow("0000:04:00.0");
    m.mapDma("0000:04:00.0", w.base, 0x40000n, "r");
    m.dmaWrite("0000:04:00.0", w.base + 0x10n, 8, 1n);
  },
  "mmio-ur": (m) => void injectMmioError(m, "0000:03:00.0"),
  "mmio-injected": (m, opal) => {
    opal.errInject(0, m.peOf("0000:03:00.0").pe, 0, 0, 0n, 0n);
    m.mmioLoad(m.barCpuAddress("0000:03:00.0", 0), 4);
  },
  "link-loss": (m) => void injectLinkDown(m, "0000:02:01.0"),
  "pcie-ue": (m) => void injectPcieUe(m, "0000:05:00.0"),
  fence: (m) => injectFence(m, 0),
};

describe("emulator-made OPAL diag fixtures", () => {
  for (const model of ["ioda2", "ioda1"] as const) {
    for (const [name, run] of Object.entries(SCENARIOS)) {
      it(`${model} ${name}`, () => {
        const m = Machine.build({ phbs: [switchPhb(0, model, 3)] });
        const opal = new OpalFirmware(m, new VirtualClock());
        run(m, opal);
        const r = opal.getPhbDiagData2(0, opal.diagDataSize(0)!);
        expect(r.rc).toBe(0);
        const bytes = r.buffer!;
        const data = decodePhbDiag(bytes);
        const interp = interpretPhbDiag(data);
        expect(interp.findings.map((x) => x.type)).toContain(EXPECTED[name]);
        if (name.startsWith("dma")) {
          const f = interp.findings.find((x) => x.type === "DMA_IOMMU_FAULT")!;
          expect(f.rid).toBe(0x0400);
          expect(f.address).toBeDefined();
        }
        const files = {
          bin: bytes,
          json: jsonLine(data) + "\n",
          interpretation: JSON.stringify(interpretationToJson(interp), null, 1) + "\n",
          dmesg: printPhbDiag(data, { domain: 0, format: "mainline" }).join("\n") + "\n",
        };
        const base = join(DIR, `${model}-${name}`);
        if (UPDATE || !existsSync(`${base}.bin`)) {
          mkdirSync(DIR, { recursive: true });
          writeFileSync(`${base}.bin`, files.bin);
          writeFileSync(`${base}.json`, files.json);
          writeFileSync(`${base}.dmesg`, files.dmesg);
          writeFileSync(`${base}.interpretation.json`, files.interpretation);
        }
        expect(new Uint8Array(readFileSync(`${base}.bin`))).toEqual(files.bin);
        expect(readFileSync(`${base}.json`, "utf8")).toBe(files.json);
        expect(readFileSync(`${base}.dmesg`, "utf8")).toBe(files.dmesg);
        expect(readFileSync(`${base}.interpretation.json`, "utf8")).toBe(files.interpretation);
      });
    }
  }
});
