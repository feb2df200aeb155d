// The RTAS error log pSeries firmware returns for an EEH event (ibm,slot-error-detail), built
// from a plain description. Every choice not driven by the input copies the one real EEH log,
// v6_eeh_serv (§3.10), following the emission checklist (§3.13): creator 'L', UH subsystem
// 0x83, scope 1, PS with SRC BA188001 (recovered) or BA188002 (permanent), callout 'H' = the
// slot and 'L' = its parent with a bare FRU identity (`ID 04 10`), MT, LP, then a UD
// register dump.
//
// Assumptions (the spec does not say, §7): the PHB and bridge blocks of the register dump
// carry the low word of the PHB BUID as their handle (0x20000003 in the sample looks like
// one), the slot and adapter blocks the slot's DRC index if given, else the PE config
// address; a bigint register value is a 64-bit register, dumped as two pairs (high word at
// the offset, low word at offset + 4); hex words 2–9 stay ASCII spaces as in the sample.

import { ArgumentError } from "../../core/errors.js";
import { encodeRtasLog } from "./codec.js";
import {
  EEH_SAMPLE_CREATOR_COMPONENT,
  EEH_SAMPLE_HEX_WORD,
  EEH_SRC_PERMANENT,
  EEH_SRC_RECOVERED,
  EEH_UD_SUBTYPE,
  EEH_UD_VERSION,
  RTAS_DISP_FULLY_RECOVERED,
  RTAS_ERROR_LOG_MAX,
  RTAS_FRU_CALLOUT_FLAG_ID,
  RTAS_FRU_CALLOUT_TYPE_2,
  RTAS_FRU_ID_HARDWARE_FRU,
  RTAS_FRU_PRIORITY_HIGH,
  RTAS_FRU_PRIORITY_LOW,
  RTAS_IE_SCOPE_EADS_SLOT,
  RTAS_IE_SCOPE_PHB,
  RTAS_IE_SCOPE_RIO_BRIDGE,
  RTAS_INITIATOR_UNKNOWN,
  RTAS_LOG_VERSION_6,
  RTAS_PH_CREATOR_PARTITION_FW,
  RTAS_SEVERITY_WARNING,
  RTAS_SRC_HEX_WORD_COUNT,
  RTAS_SRC_STORED_HEX_WORDS,
  RTAS_SRC_VERSION,
  RTAS_TARGET_UNKNOWN,
  RTAS_TYPE_PLATFORM,
  RTAS_UH_ACTION_CALL_HOME,
  RTAS_UH_ACTION_HMC_ONLY,
  RTAS_UH_ACTION_REPORT_EXTERNALLY,
  RTAS_UH_ACTION_SERVICE_ACTION,
  RTAS_UH_EVENT_TYPE_NA,
  RTAS_UH_SCOPE_SINGLE_PARTITION,
  RTAS_UH_SEVERITY_PREDICTIVE,
  RTAS_UH_SEVERITY_RECOVERED,
  RTAS_UH_SUBSYSTEM_IO_ADAPTER,
  RTAS_UH_SUBSYSTEM_PARTITION_FW,
  RTAS_V6EXT_BIG_ENDIAN,
  RTAS_V6EXT_FORMAT_BYTE,
  RTAS_V6EXT_LOG_VALID,
  RTAS_V6EXT_NEW_LOG,
  RTAS_V6EXT_PREDICTIVE,
  RTAS_V6EXT_RECOVERABLE,
} from "./constants.js";
import { encodeRegisterDump, type RegisterDumpBlock } from "./eeh-register-dump.js";
import { bcdTimestampFromMs, ZERO_BCD_TIMESTAMP } from "./fields.js";
import type { FruCallout, RtasErrorLog, RtasSection, SectionHead } from "./types.js";

/** A register: (offset, value); a bigint value is a 64-bit register (two dump pairs). */
export type EehRegister = readonly [offset: number, value: number | bigint];

export interface EehRegisterInput {
  /** RIO bridge / hub registers (block 0x37; one register in the sample). */
  hub?: readonly EehRegister[];
  /** PHB registers (block 0x38). */
  phb: readonly EehRegister[];
  /** Registers of the PCI bridge above the slot (block 0x3A, the sample's "EADS slot"). */
  bridge?: readonly EehRegister[];
  /**
   * Adapter config space (block 0x40), as the platform read it — all ones while the PE is
   * frozen. Either (offset, dword) pairs, or dwords from offset 0 (dword i at offset 4·i).
   */
  adapter?: readonly number[] | ReadonlyArray<readonly [number, number]>;
}

export interface EehErrorLogInput {
  /** true → SRC BA188001 (EEH recovered the adapter); false → BA188002 (permanent failure). */
  recovered: boolean;
  /** Virtual-clock time in ms since the Unix epoch (UTC) → PH creation date/time. */
  timestamp: number;
  /** Platform log id (PH offset 40): the firmware's log counter. */
  platformLogId: number;
  /** PH log entry id; 0 as in the sample. */
  logEntryId?: number;
  /** Location code of the failing slot → callout 'H'. */
  failingLocation: string;
  /** Location code of its parent (planar / bridge) → callout 'L'. */
  parentLocation?: string;
  /** PE config address (the RTAS handle's first word). */
  peConfigAddress: number;
  /** PHB BUID. */
  buid: bigint;
  /** DRC index of the slot, if known (register-dump handle of the slot and adapter blocks). */
  drcIndex?: number;
  /** SRC hex words 2..9; default ASCII spaces as in the sample. */
  hexWords?: readonly number[];
  machineTypeModel: string;
  serialNumber: string;
  partitionId: number;
  /** Header severity; default RTAS_SEVERITY_WARNING (the sample's 2). */
  severity?: number;
  /** Header disposition; default fully recovered (the sample's 0, even for BA188002). */
  disposition?: number;
  /** UH action flags; default 0xB800 (service action, report externally, HMC, call home) as in the sample. */
  actionFlags?: number;
  registers?: EehRegisterInput;
  /** Largest log allowed; default RTAS_ERROR_LOG_MAX (2048), the buffer Linux passes. */
  maxLength?: number;
}

/** Head of every section the builder writes: version 1, subtype 0, component 0xA236 (sample). */
function head<I extends string>(id: I, version = 1, subtype = 0): SectionHead & { id: I } {
  return { id, version, subtype, creatorComponent: EEH_SAMPLE_CREATOR_COMPONENT };
}

function slotCallout(priority: string, locationCode: string): FruCallout {
  return {
    flags: RTAS_FRU_CALLOUT_TYPE_2 | RTAS_FRU_CALLOUT_FLAG_ID,
    priority,
    locationCode,
    substructures: [{ kind: "identity", flags: RTAS_FRU_ID_HARDWARE_FRU }],
  };
}

function pairs(regs: readonly EehRegister[] | undefined): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [offset, value] of regs ?? []) {
    if (typeof value === "bigint") {
      if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new ArgumentError(`register 0x${offset.toString(16)}: ${value} is not a u64`);
      out.push([offset, Number(value >> 32n)], [offset + 4, Number(value & 0xffff_ffffn)]);
    } else {
      out.push([offset, value]);
    }
  }
  return out;
}

function adapterPairs(adapter: EehRegisterInput["adapter"]): Array<[number, number]> {
  if (!adapter) return [];
  return adapter.map((e, i): [number, number] => (typeof e === "number" ? [4 * i, e] : [e[0], e[1]]));
}

/** Blocks of at most 255 pairs (the count is one byte); empty register sets are left out. */
function blocks(scope: number, flag: number, handle: number, regs: Array<[number, number]>): RegisterDumpBlock[] {
  const out: RegisterDumpBlock[] = [];
  for (let i = 0; i < regs.length; i += 0xff) out.push({ scope, flag, handle, registers: regs.slice(i, i + 0xff) });
  return out;
}

export function eehRegisterDump(input: Pick<EehErrorLogInput, "buid" | "peConfigAddress" | "drcIndex">, regs: EehRegisterInput): RegisterDumpBlock[] {
  const bridgeHandle = Number(BigInt.asUintN(32, input.buid));
  const slotHandle = input.drcIndex ?? input.peConfigAddress;
  return [
    ...blocks(RTAS_IE_SCOPE_RIO_BRIDGE, 0, bridgeHandle, pairs(regs.hub)),
    ...blocks(RTAS_IE_SCOPE_PHB, 0, bridgeHandle, pairs(regs.phb)),
    ...blocks(RTAS_IE_SCOPE_EADS_SLOT, 1, slotHandle, pairs(regs.bridge)),
    ...blocks(RTAS_UH_SUBSYSTEM_IO_ADAPTER, 0, slotHandle, adapterPairs(regs.adapter)),
  ];
}

/** The structured log for an EEH event (see buildEehErrorLog for the bytes). */
export function eehErrorLog(input: EehErrorLogInput): RtasErrorLog {
  const hexWords = [...(input.hexWords ?? Array<number>(RTAS_SRC_STORED_HEX_WORDS).fill(EEH_SAMPLE_HEX_WORD))];
  const callouts = [slotCallout(RTAS_FRU_PRIORITY_HIGH, input.failingLocation)];
  if (input.parentLocation !== undefined) callouts.push(slotCallout(RTAS_FRU_PRIORITY_LOW, input.parentLocation));

  const body: RtasSection[] = [
    {
      kind: "userHeader",
      ...head("UH"),
      subsystemId: RTAS_UH_SUBSYSTEM_PARTITION_FW,
      eventScope: RTAS_UH_SCOPE_SINGLE_PARTITION,
      eventSeverity: input.recovered ? RTAS_UH_SEVERITY_RECOVERED : RTAS_UH_SEVERITY_PREDICTIVE,
      eventType: RTAS_UH_EVENT_TYPE_NA,
      problemDomain: 0,
      problemVector: 0,
      actionFlags:
        input.actionFlags ??
        RTAS_UH_ACTION_SERVICE_ACTION | RTAS_UH_ACTION_REPORT_EXTERNALLY | RTAS_UH_ACTION_HMC_ONLY | RTAS_UH_ACTION_CALL_HOME,
    },
    {
      kind: "src",
      ...head("PS"),
      srcVersion: RTAS_SRC_VERSION,
      srcFlags: 0,
      hexWordCount: RTAS_SRC_HEX_WORD_COUNT,
      hexWords,
      referenceCode: input.recovered ? EEH_SRC_RECOVERED : EEH_SRC_PERMANENT,
      callouts,
    },
    { kind: "mtms", ...head("MT"), machineTypeModel: input.machineTypeModel, serialNumber: input.serialNumber },
    { kind: "partition", ...head("LP"), primaryPartitionId: input.partitionId, logId: 0, name: "", targetPartitionIds: [input.partitionId] },
  ];
  if (input.registers) {
    body.push({ kind: "userData", ...head("UD", EEH_UD_VERSION, EEH_UD_SUBTYPE), data: encodeRegisterDump(eehRegisterDump(input, input.registers)) });
  }
  const ph: RtasSection = {
    kind: "privateHeader",
    ...head("PH"),
    created: bcdTimestampFromMs(input.timestamp),
    committed: { ...ZERO_BCD_TIMESTAMP },
    creatorId: RTAS_PH_CREATOR_PARTITION_FW,
    sectionCount: body.length + 1,
    creatorSubsystem: new Uint8Array(8),
    platformLogId: input.platformLogId,
    logEntryId: input.logEntryId ?? 0,
  };
  // The sample (a BA188002) sets recoverable + predictive; a recovered event is recoverable only.
  const flags =
    RTAS_V6EXT_LOG_VALID | RTAS_V6EXT_NEW_LOG | RTAS_V6EXT_BIG_ENDIAN | RTAS_V6EXT_RECOVERABLE | (input.recovered ? 0 : RTAS_V6EXT_PREDICTIVE);
  return {
    header: {
      version: RTAS_LOG_VERSION_6,
      severity: input.severity ?? RTAS_SEVERITY_WARNING,
      disposition: input.disposition ?? RTAS_DISP_FULLY_RECOVERED,
      initiator: RTAS_INITIATOR_UNKNOWN,
      target: RTAS_TARGET_UNKNOWN,
      type: RTAS_TYPE_PLATFORM,
    },
    extended: { kind: "v6", header: { flags, format: RTAS_V6EXT_FORMAT_BYTE }, sections: [ph, ...body] },
  };
}

/**
 * The bytes of an EEH error log, as ibm,slot-error-detail returns them. Refuses (ArgumentError)
 * a log longer than `maxLength` (default 2048): Linux would truncate it (§3.13, §4.2).
 */
export function buildEehErrorLog(input: EehErrorLogInput): Uint8Array {
  const bytes = encodeRtasLog(eehErrorLog(input));
  const max = input.maxLength ?? RTAS_ERROR_LOG_MAX;
  if (bytes.length > max) {
    throw new ArgumentError(`EEH error log is ${bytes.length} bytes, more than the ${max}-byte RTAS error log buffer; dump fewer registers`, {
      length: bytes.length,
      max,
    });
  }
  return bytes;
}
