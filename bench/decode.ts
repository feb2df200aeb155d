// Decode throughput (issue 4): PHB3 diag blobs and Linux dmesg text, each next to a
// baseline that only reads every u64 of the same buffers once (ratio = decode / baseline
// throughput; the decoder's overhead over touching the bytes).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodePhbDiag } from "../src/log/opal/decode.js";
import { parseKernelLog } from "../src/log/dmesg/parse-kernel-log.js";
import { decodeRtasLog } from "../src/log/rtas/codec.js";
import type { BenchGroup } from "./report.js";

const FIX = join(import.meta.dirname, "../fixtures/opal");

function readEveryU64(buffers: readonly Uint8Array[]): bigint {
  let acc = 0n;
  for (const b of buffers) {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i + 8 <= b.byteLength; i += 8) acc ^= v.getBigUint64(i, false);
  }
  return acc;
}

function readEveryU32(buffers: readonly Uint8Array[]): number {
  let acc = 0;
  for (const b of buffers) {
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i + 4 <= b.byteLength; i += 4) acc ^= v.getUint32(i, false);
  }
  return acc;
}

function mbPerSecond(bytes: number, run: () => void, minMs = 400): number {
  run(); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    run();
    n++;
    t = performance.now();
  }
  return (bytes * n) / 2 ** 20 / ((t - t0) / 1000);
}

export function benchDecode(): BenchGroup {
  const blob = new Uint8Array(readFileSync(join(FIX, "emulated/ioda2-dma-page-fault.bin")));
  const blobs = Array.from({ length: 200 }, () => blob);
  const blobBytes = blob.length * blobs.length;
  const decode = mbPerSecond(blobBytes, () => {
    for (const b of blobs) decodePhbDiag(b);
  });
  const base = mbPerSecond(blobBytes, () => void readEveryU64(blobs));

  const text = readFileSync(join(FIX, "syslog-two-dumps.log"), "utf8").repeat(50);
  const textBytes = Buffer.byteLength(text);
  const textBuf = [new TextEncoder().encode(text)];
  const parse = mbPerSecond(textBytes, () => void parseKernelLog(text));
  const textBase = mbPerSecond(textBytes, () => void readEveryU64(textBuf));
  const rtas = new Uint8Array(readFileSync(join(import.meta.dirname, "../fixtures/rtas/emitted/ioda2-bus-pe-dma-permanent.bin")));
  const rtasLogs = Array.from({ length: 500 }, () => rtas);
  const rtasBytes = rtas.length * rtasLogs.length;
  const rtasDecode = mbPerSecond(rtasBytes, () => {
    for (const b of rtasLogs) decodeRtasLog(b);
  });
  const rtasBase = mbPerSecond(rtasBytes, () => void readEveryU32(rtasLogs));
  return {
    title: "Decode throughput",
    note:
      "Each decoder runs over the same buffers as its baseline, for at least 0.4 s of wall time after a warm-up run. " +
      "Baseline: a loop that reads every big-endian word of those buffers once and does nothing else (u32 for RTAS logs, whose fields are 32-bit; " +
      "u64 for the PHB3 diag blob and the dmesg text) — the cost of touching the bytes at all. " +
      "Ratio = decoder throughput ÷ baseline throughput (1.00 would mean decoding is as cheap as reading; there is no target, it says what the decoder costs over the bytes).",
    rows: [
      {
        figure: "RTAS error log decode",
        value: rtasDecode,
        unit: "MiB/s",
        baseline: `${rtasBase.toFixed(0)} MiB/s read-every-u32`,
        ratio: rtasDecode / rtasBase,
        detail: `${rtas.length}-byte RTAS v6 EEH error log (fixtures/rtas/emitted/ioda2-bus-pe-dma-permanent.bin) × ${rtasLogs.length}, \`decodeRtasLog\`.`,
      },
      {
        figure: "PHB3 diag blob decode",
        value: decode,
        unit: "MiB/s",
        baseline: `${base.toFixed(0)} MiB/s read-every-u64`,
        ratio: decode / base,
        detail: `${blob.length}-byte PHB3 diag blob (fixtures/opal/emulated/ioda2-dma-page-fault.bin) × ${blobs.length}, \`decodePhbDiag\`.`,
      },
      {
        figure: "dmesg EEH text parse",
        value: parse,
        unit: "MiB/s",
        baseline: `${textBase.toFixed(0)} MiB/s read-every-u64`,
        ratio: parse / textBase,
        detail: `fixtures/opal/syslog-two-dumps.log repeated 50 times (${(textBytes / 1024).toFixed(0)} KiB of syslog text with two EEH PHB diag dumps), \`parseKernelLog\`.`,
      },
    ],
  };
}
