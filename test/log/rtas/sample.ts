// The v6_eeh_serv log of pseries-rtas.md §3.10 as buildEehErrorLog input. Register values
// other than the adapter's all-ones config words are not in the spec; they match the ones
// fixtures/rtas/make-fixtures.py made up, so the two independent builds can be compared.

import type { EehErrorLogInput, EehRegister } from "../../../src/log/rtas/index.js";

export const SAMPLE_SLOT = "U787A.001.DNZ00Z5-P1-C3";
export const SAMPLE_PARENT = "U787A.001.DNZ00Z5-P1";

const phb: EehRegister[] = Array.from({ length: 11 }, (_, i) => [0x8000 + i * 0x120, (0x80000000 >>> i) >>> 0]);
const bridge: EehRegister[] = [...Array.from({ length: 31 }, (_, i): EehRegister => [0x200 + i * 0xb0, i]), [0x16d8, 0]];

export const SAMPLE_INPUT: EehErrorLogInput = {
  recovered: false,
  timestamp: Date.UTC(2007, 2, 15, 22, 54, 10),
  platformLogId: 0x583,
  failingLocation: SAMPLE_SLOT,
  parentLocation: SAMPLE_PARENT,
  peConfigAddress: 0x10000,
  buid: 0x800000020000003n,
  drcIndex: 0x21030003,
  machineTypeModel: "9111-520",
  serialNumber: "10D3D2C",
  partitionId: 1,
  registers: {
    hub: [[0x10, 0]],
    phb,
    bridge,
    adapter: [
      [0x04, 0xffffffff],
      [0x00, 0xffffffff],
      [0x2c, 0xffffffff],
    ],
  },
};

/** Bytes as a compact hex string, for comparing against the spec's tables. */
export function hexOf(b: Uint8Array, from = 0, length = b.length - from): string {
  return [...b.subarray(from, from + length)].map((x) => x.toString(16).padStart(2, "0")).join("");
}

export function ascii(s: string): string {
  return [...s].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}
