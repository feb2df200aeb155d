// The structured form of an RTAS error log (pseries-rtas.md §3). It holds what the bytes
// say and nothing that can be derived: lengths (log, section, SRC, subsection, callout,
// location code, name fields) and presence bits that follow from optional fields are
// computed by the encoder and checked by the decoder, so `decodeRtasLog(encodeRtasLog(x))`
// deep-equals `x`. Reserved bytes are not kept (the decoder ignores them, the encoder writes
// zeros). Text fields are latin-1 strings without NUL; a NUL in the bytes ends the text.

/** Bytes 0–3 of every RTAS log (§3.1); the extended bit and length live in `extended`. */
export interface RtasFixedHeader {
  /** 6 for everything current; 3 and 4 are older layouts. */
  version: number;
  /** 0..7 (RTAS_SEVERITY_*). */
  severity: number;
  /** 0..3 (RTAS_DISP_*). */
  disposition: number;
  /** 0..15 (RTAS_INITIATOR_*). */
  initiator: number;
  /** 0..15 (RTAS_TARGET_*). */
  target: number;
  /** Byte 3 (RTAS_TYPE_*; 0xE0 for EEH). */
  type: number;
}

/** Bytes 8–10 of a v6 log (§3.3); bytes 9, 11 and 12–19 are reserved in v6, 20–23 are "IBM\0". */
export interface RtasV6ExtendedHeader {
  /** Byte 8: RTAS_V6EXT_LOG_VALID | … (0xAE in the EEH sample). */
  flags: number;
  /** Byte 10: 0x8E (PowerPC format, log format 14) in every v6 log. */
  format: number;
}

/**
 * What follows the fixed header:
 * - `none`: the extended bit is clear, only the 8-byte header is valid; bytes 4–7 are kept.
 * - `opaque`: an extended log this codec does not walk — a pre-v6 layout (version ≠ 6), or
 *   the empty extended log of a shortened event (version 6, extended length 0, see
 *   rtas_errd's "shortened epow events").
 * - `v6`: the v6 extended header, company "IBM", and PEL-style sections.
 */
export type RtasExtendedLog =
  | { kind: "none"; lengthField: number }
  | { kind: "opaque"; bytes: Uint8Array }
  | { kind: "v6"; header: RtasV6ExtendedHeader; sections: RtasSection[] };

export interface RtasErrorLog {
  header: RtasFixedHeader;
  extended: RtasExtendedLog;
}

/** The common part of the 8-byte section header (§3.4); the length is derived. */
export interface SectionHead {
  /** Two characters, e.g. "PH". */
  id: string;
  version: number;
  subtype: number;
  creatorComponent: number;
}

/** A BCD date and time as PH holds it (§3.6): year 0..9999, the others 0..99. */
export interface BcdTimestamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  hundredths: number;
}

/** PH, always 48 bytes (§3.6). */
export interface PrivateHeaderSection extends SectionHead {
  kind: "privateHeader";
  id: "PH";
  created: BcdTimestamp;
  /** librtasevent ignores it; zeros in the sample. */
  committed: BcdTimestamp;
  /** One character: 'L' partition firmware, 'H' PHyp, … (RTAS_PH_CREATOR_*). */
  creatorId: string;
  /** Number of sections including PH, as the log states it (not derived: see rtasLogProblems). */
  sectionCount: number;
  /** Bytes 32–39: two u32 (subsystem id/version), or 8 ASCII characters when the creator is 'E'. */
  creatorSubsystem: Uint8Array;
  platformLogId: number;
  logEntryId: number;
}

/** UH, always 24 bytes (§3.7). */
export interface UserHeaderSection extends SectionHead {
  kind: "userHeader";
  id: "UH";
  subsystemId: number;
  eventScope: number;
  eventSeverity: number;
  eventType: number;
  problemDomain: number;
  problemVector: number;
  actionFlags: number;
}

/** A substructure of a FRU callout (§3.8). */
export type FruSubstructure = FruIdentity | FruMruList | FruPowerEnclosure | FruUnknownSubstructure;

/**
 * "ID" FRU identity. `flags` is the whole byte: the high nibble is the component type, the low
 * bits say which fields follow, and the fields present must agree with them. Part number
 * (0x08) and procedure id (0x02) share one 8-byte slot, so at most one of them is set; when
 * both flags are set the slot is read as the part number.
 */
export interface FruIdentity {
  kind: "identity";
  flags: number;
  partNumber?: string;
  procedureId?: string;
  ccin?: string;
  serialNumber?: string;
}

/** "MR" MRU list; the count lives in the low nibble of the flags and is derived. */
export interface FruMruList {
  kind: "mru";
  /** High nibble of the flags byte (the low nibble is the count). */
  flags: number;
  mrus: Array<{ priority: string; id: number }>;
}

/** "PE" power-controlling enclosure: MTMS then the enclosure name. */
export interface FruPowerEnclosure {
  kind: "enclosure";
  flags: number;
  machineTypeModel: string;
  serialNumber: string;
  pceName: string;
}

export interface FruUnknownSubstructure {
  kind: "unknown";
  id: string;
  flags: number;
  data: Uint8Array;
}

/** One FRU callout of the 0xC0 subsection (§3.8). */
export interface FruCallout {
  /** Whole flags byte: high nibble = callout type (2), 0x08 = ID follows, … */
  flags: number;
  /** One ASCII character: 'H', 'M', 'A', 'B', 'C', 'L'. */
  priority: string;
  /** "" for "no location" (4 NULs on the wire). */
  locationCode: string;
  substructures: FruSubstructure[];
}

/** PS (primary) or SS (secondary) SRC section (§3.8). */
export interface SrcSection extends SectionHead {
  kind: "src";
  id: "PS" | "SS";
  /** Byte 8, 2. */
  srcVersion: number;
  /** Byte 9 without the 0x01 bit, which follows from `callouts`. */
  srcFlags: number;
  /** Byte 11, number of valid hex words (9). */
  hexWordCount: number;
  /** Hex words 2..9: exactly 8 u32. */
  hexWords: number[];
  /** The ASCII reference code, e.g. "BA188002"; space padding removed. */
  referenceCode: string;
  /** The 0xC0 callout subsection, absent when the flags byte does not announce it. */
  callouts?: FruCallout[];
}

/** MT (failing enclosure) or HM (HMC id): an MTMS, 28 bytes (§3.9). */
export interface MtmsSection extends SectionHead {
  kind: "mtms";
  id: "MT" | "HM";
  machineTypeModel: string;
  serialNumber: string;
}

/** LP, impacted partitions (§3.9). */
export interface PartitionSection extends SectionHead {
  kind: "partition";
  id: "LP";
  primaryPartitionId: number;
  logId: number;
  /** The name field is NUL-terminated and padded to 4 (4 NULs for "" as in the sample). */
  name: string;
  targetPartitionIds: number[];
}

/** LR, 20 bytes (§3.9). */
export interface LogicalResourceSection extends SectionHead {
  kind: "logicalResource";
  id: "LR";
  resourceType: number;
  capacity: number;
  /** CPU id, DRC index, or the low word of a memory address. */
  resourceId: number;
  memoryAddressHigh: number;
}

/** DH, 64 bytes (§3.9). */
export interface DumpLocatorSection extends SectionHead {
  kind: "dumpLocator";
  id: "DH";
  dumpId: number;
  flags: number;
  dumpSize: bigint;
  /** The valid bytes of the 40-byte OS dump id (ASCII or hex per flag 0x40). */
  osDumpId: Uint8Array;
}

/** EP, 20 bytes (§3.9). The reason code is at section offset 12 as QEMU writes it (§3.12 rule 11). */
export interface EpowSection extends SectionHead {
  kind: "epow";
  id: "EP";
  sensorValue: number;
  actionCode: number;
  eventModifier: number;
  extendedModifier: number;
  reasonCode: bigint;
}

/** IE, I/O event (§3.9). */
export interface IoEventSection extends SectionHead {
  kind: "ioEvent";
  id: "IE";
  eventType: number;
  scope: number;
  eventSubtype: number;
  drcIndex: number;
  rpcData: Uint8Array;
}

export type HotplugIdentifier =
  | { type: "name"; name: string }
  | { type: "index"; index: number }
  | { type: "count"; count: number }
  | { type: "countIndex"; count: number; index: number }
  | { type: "other"; idType: number; data: Uint8Array };

/** HP (§3.9). */
export interface HotplugSection extends SectionHead {
  kind: "hotplug";
  id: "HP";
  resourceType: number;
  action: number;
  identifier: HotplugIdentifier;
}

/** SW version 1 (§3.9). */
export interface FirmwareErrorV1Section extends SectionHead {
  kind: "firmwareErrorV1";
  id: "SW";
  version: 1;
  returnCode: number;
  lineNumber: number;
  objectId: number;
  fileId: string;
}

/** SW version 2 (§3.9). Other SW versions decode as unknown sections. */
export interface FirmwareErrorV2Section extends SectionHead {
  kind: "firmwareErrorV2";
  id: "SW";
  version: 2;
  returnCode: number;
  fileId: number;
  locationId: number;
  objectId: number;
}

/** UD, free-form (§3.9); see eeh-register-dump.ts for the EEH payload. */
export interface UserDataSection extends SectionHead {
  kind: "userData";
  id: "UD";
  data: Uint8Array;
}

/** EH (§3.9). */
export interface ExtendedUserHeaderSection extends SectionHead {
  kind: "extendedUserHeader";
  id: "EH";
  machineTypeModel: string;
  serialNumber: string;
  firmwareVersion: string;
  subsystemVersion: string;
  /** 8 bytes, kept as one number (its encoding is not given by the spec). */
  referenceTime: bigint;
  symptomId: string;
}

/** MI, 16 bytes (§3.9). */
export interface ManufacturingInfoSection extends SectionHead {
  kind: "manufacturingInfo";
  id: "MI";
  flags: number;
}

/** CH (§3.9). */
export interface CallHomeSection extends SectionHead {
  kind: "callHome";
  id: "CH";
  comment: string;
}

/** ED (§3.9). */
export interface ExtendedUserDataSection extends SectionHead {
  kind: "extendedUserData";
  id: "ED";
  creatorId: string;
  data: Uint8Array;
}

export interface EnvReading {
  corrosionRate: number;
  temperature: number;
  rate: number;
}

/** EI (§3.9). */
export interface EnvInfoSection extends SectionHead {
  kind: "envInfo";
  id: "EI";
  genesisTimestamp: bigint;
  genesis: EnvReading;
  status: number;
  userDataSection: number;
  readings: EnvReading[];
}

/** Any other id (MC, vendor ids, SW of an unknown version): header fields and the raw body. */
export interface UnknownSection extends SectionHead {
  kind: "unknown";
  data: Uint8Array;
}

export type RtasSection =
  | PrivateHeaderSection
  | UserHeaderSection
  | SrcSection
  | MtmsSection
  | PartitionSection
  | LogicalResourceSection
  | DumpLocatorSection
  | EpowSection
  | IoEventSection
  | HotplugSection
  | FirmwareErrorV1Section
  | FirmwareErrorV2Section
  | UserDataSection
  | ExtendedUserHeaderSection
  | ManufacturingInfoSection
  | CallHomeSection
  | ExtendedUserDataSection
  | EnvInfoSection
  | UnknownSection;

export type RtasSectionKind = RtasSection["kind"];
