// fast-check arbitraries for RTAS error logs, exported for users' own property tests
// (STYLE.md: "arbitraries live next to the types they generate"). Every value they produce is
// a valid structure: encodeRtasLog accepts it and decodeRtasLog gives it back unchanged.
// fast-check is a devDependency; this module is not re-exported from index.ts.

import fc from "fast-check";
import {
  RTAS_CH_COMMENT_MAX,
  RTAS_DH_OS_ID_MAX,
  RTAS_FRU_ID_CCIN,
  RTAS_FRU_ID_PART_NUMBER,
  RTAS_FRU_ID_PROCEDURE_ID,
  RTAS_FRU_ID_SERIAL,
  RTAS_LOG_VERSION_6,
} from "./constants.js";
import { encodeRtasLog } from "./codec.js";
import type { EehErrorLogInput, EehRegister } from "./eeh-log.js";
import { DECODED_SECTION_IDS } from "./sections.js";
import type {
  BcdTimestamp,
  EnvReading,
  FruCallout,
  FruIdentity,
  FruSubstructure,
  HotplugIdentifier,
  RtasErrorLog,
  RtasExtendedLog,
  RtasFixedHeader,
  RtasSection,
  SectionHead,
} from "./types.js";

// ---- scalars ----

const u4 = fc.integer({ min: 0, max: 0xf });
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u64 = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

/** Any latin-1 character but NUL (which ends a text field). */
const textChar = fc.integer({ min: 1, max: 0xff }).map((c) => String.fromCharCode(c));
/** Any latin-1 character, NUL included (one-byte ids and priorities). */
export const arbChar = fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c));
export const arbText = (maxLength: number) => fc.string({ unit: textChar, maxLength });
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const arbId = fc.tuple(arbChar, arbChar).map(([a, b]) => a + b);

export const arbBcdTimestamp: fc.Arbitrary<BcdTimestamp> = fc.record({
  year: fc.integer({ min: 0, max: 9999 }),
  month: fc.integer({ min: 0, max: 99 }),
  day: fc.integer({ min: 0, max: 99 }),
  hour: fc.integer({ min: 0, max: 99 }),
  minute: fc.integer({ min: 0, max: 99 }),
  second: fc.integer({ min: 0, max: 99 }),
  hundredths: fc.integer({ min: 0, max: 99 }),
});

const headOf = <I extends string>(id: I): fc.Arbitrary<SectionHead & { id: I }> =>
  fc.record({ version: u8, subtype: u8, creatorComponent: u16 }).map((h) => ({ id, ...h }));

/** A section arbitrary: header fields plus a body record. */
function section<const I extends string, B extends object>(ids: readonly I[], body: fc.Arbitrary<B>) {
  return fc.tuple(fc.constantFrom(...ids).chain(headOf), body).map(([h, b]) => ({ ...h, ...b }));
}

// ---- FRU callouts ----

export const arbFruIdentity: fc.Arbitrary<FruIdentity> = fc
  .record({
    component: u4,
    slot: fc.constantFrom("none", "part", "procedure", "both"),
    slotText: arbText(8),
    ccin: fc.option(arbText(4), { nil: undefined }),
    serial: fc.option(arbText(12), { nil: undefined }),
  })
  .map(({ component, slot, slotText, ccin, serial }) => {
    const flags =
      (component << 4) |
      (slot === "part" || slot === "both" ? RTAS_FRU_ID_PART_NUMBER : 0) |
      (slot === "procedure" || slot === "both" ? RTAS_FRU_ID_PROCEDURE_ID : 0) |
      (ccin !== undefined ? RTAS_FRU_ID_CCIN : 0) |
      (serial !== undefined ? RTAS_FRU_ID_SERIAL : 0);
    return {
      kind: "identity" as const,
      flags,
      ...(slot === "part" || slot === "both" ? { partNumber: slotText } : {}),
      ...(slot === "procedure" ? { procedureId: slotText } : {}),
      ...(ccin !== undefined ? { ccin } : {}),
      ...(serial !== undefined ? { serialNumber: serial } : {}),
    };
  });

export const arbFruSubstructure: fc.Arbitrary<FruSubstructure> = fc.oneof(
  arbFruIdentity,
  fc.record({
    kind: fc.constant("mru" as const),
    flags: u4.map((n) => n << 4),
    mrus: fc.array(fc.record({ priority: arbChar, id: u32 }), { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant("enclosure" as const),
    flags: u8,
    machineTypeModel: arbText(8),
    serialNumber: arbText(12),
    pceName: arbText(32),
  }),
  fc.record({
    kind: fc.constant("unknown" as const),
    id: arbId.filter((id) => id !== "ID" && id !== "MR" && id !== "PE" && id !== "\0\0"),
    flags: u8,
    data: bytes(16),
  }),
);

export const arbFruCallout: fc.Arbitrary<FruCallout> = fc.record({
  flags: u8,
  priority: arbChar,
  locationCode: arbText(40),
  substructures: fc.array(arbFruSubstructure, { maxLength: 3 }),
});

// ---- sections ----

const arbReading: fc.Arbitrary<EnvReading> = fc.record({ corrosionRate: u32, temperature: u16, rate: u16 });

const arbHotplugIdentifier: fc.Arbitrary<HotplugIdentifier> = fc.oneof(
  fc.record({ type: fc.constant("name" as const), name: arbText(24) }),
  fc.record({ type: fc.constant("index" as const), index: u32 }),
  fc.record({ type: fc.constant("count" as const), count: u32 }),
  fc.record({ type: fc.constant("countIndex" as const), count: u32, index: u32 }),
  fc.record({ type: fc.constant("other" as const), idType: u8.filter((t) => t < 1 || t > 4), data: bytes(12) }),
);

const arbPrivateHeader = section(
  ["PH"],
  fc.record({
    kind: fc.constant("privateHeader" as const),
    created: arbBcdTimestamp,
    committed: arbBcdTimestamp,
    creatorId: arbChar,
    sectionCount: u8,
    creatorSubsystem: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    platformLogId: u32,
    logEntryId: u32,
  }),
);

const arbUserHeader = section(
  ["UH"],
  fc.record({
    kind: fc.constant("userHeader" as const),
    subsystemId: u8,
    eventScope: u8,
    eventSeverity: u8,
    eventType: u8,
    problemDomain: u8,
    problemVector: u8,
    actionFlags: u16,
  }),
);

const arbSrc = section(
  ["PS", "SS"] as const,
  fc
    .record({
      srcVersion: u8,
      srcFlags: u8.map((f) => f & ~1),
      hexWordCount: u8,
      hexWords: fc.array(u32, { minLength: 8, maxLength: 8 }),
      referenceCode: arbText(32).map((s) => s.replace(/ +$/, "")),
      callouts: fc.option(fc.array(arbFruCallout, { maxLength: 3 }), { nil: undefined }),
    })
    .map(({ callouts, ...rest }) => ({ kind: "src" as const, ...rest, ...(callouts ? { callouts } : {}) })),
);

const arbOtherSections: Array<fc.Arbitrary<RtasSection>> = [
  section(["MT", "HM"] as const, fc.record({ kind: fc.constant("mtms" as const), machineTypeModel: arbText(8), serialNumber: arbText(12) })),
  section(
    ["LP"],
    fc.record({
      kind: fc.constant("partition" as const),
      primaryPartitionId: u16,
      logId: u32,
      name: arbText(20),
      targetPartitionIds: fc.array(u16, { maxLength: 6 }),
    }),
  ),
  section(["LR"], fc.record({ kind: fc.constant("logicalResource" as const), resourceType: u8, capacity: u16, resourceId: u32, memoryAddressHigh: u32 })),
  section(["DH"], fc.record({ kind: fc.constant("dumpLocator" as const), dumpId: u32, flags: u8, dumpSize: u64, osDumpId: bytes(RTAS_DH_OS_ID_MAX) })),
  section(
    ["EP"],
    fc.record({ kind: fc.constant("epow" as const), sensorValue: u4, actionCode: u4, eventModifier: u8, extendedModifier: u8, reasonCode: u64 }),
  ),
  section(["IE"], fc.record({ kind: fc.constant("ioEvent" as const), eventType: u8, scope: u8, eventSubtype: u8, drcIndex: u32, rpcData: bytes(40) })),
  section(["HP"], fc.record({ kind: fc.constant("hotplug" as const), resourceType: u8, action: u8, identifier: arbHotplugIdentifier })),
  fc
    .tuple(headOf("SW"), fc.record({ returnCode: u32, lineNumber: u32, objectId: u32, fileId: arbText(30) }))
    .map(([h, b]) => ({ ...h, version: 1 as const, kind: "firmwareErrorV1" as const, ...b })),
  fc
    .tuple(headOf("SW"), fc.record({ returnCode: u32, fileId: u16, locationId: u16, objectId: u32 }))
    .map(([h, b]) => ({ ...h, version: 2 as const, kind: "firmwareErrorV2" as const, ...b })),
  section(["UD"], fc.record({ kind: fc.constant("userData" as const), data: bytes(64) })),
  section(
    ["EH"],
    fc.record({
      kind: fc.constant("extendedUserHeader" as const),
      machineTypeModel: arbText(8),
      serialNumber: arbText(12),
      firmwareVersion: arbText(16),
      subsystemVersion: arbText(16),
      referenceTime: u64,
      symptomId: arbText(40),
    }),
  ),
  section(["MI"], fc.record({ kind: fc.constant("manufacturingInfo" as const), flags: u32 })),
  section(["CH"], fc.record({ kind: fc.constant("callHome" as const), comment: arbText(RTAS_CH_COMMENT_MAX) })),
  section(["ED"], fc.record({ kind: fc.constant("extendedUserData" as const), creatorId: arbChar, data: bytes(32) })),
  section(
    ["EI"],
    fc.record({
      kind: fc.constant("envInfo" as const),
      genesisTimestamp: u64,
      genesis: arbReading,
      status: u8,
      userDataSection: u8,
      readings: fc.array(arbReading, { maxLength: 4 }),
    }),
  ),
  // Unknown: ids without a layout (MC, vendor ids), and SW of versions other than 1 and 2.
  fc.record({
    kind: fc.constant("unknown" as const),
    id: fc.oneof(fc.constant("MC"), arbId.filter((id) => !DECODED_SECTION_IDS.has(id))),
    version: u8,
    subtype: u8,
    creatorComponent: u16,
    data: bytes(32),
  }),
  fc.record({
    kind: fc.constant("unknown" as const),
    id: fc.constant("SW"),
    version: u8.filter((v) => v !== 1 && v !== 2),
    subtype: u8,
    creatorComponent: u16,
    data: bytes(32),
  }),
];

/** Any section the codec writes and reads back unchanged. */
export const arbRtasSection: fc.Arbitrary<RtasSection> = fc.oneof(arbPrivateHeader, arbUserHeader, arbSrc, ...arbOtherSections);

// ---- logs ----

const arbFixedHeader = (version: fc.Arbitrary<number>): fc.Arbitrary<RtasFixedHeader> =>
  fc.record({
    version,
    severity: fc.integer({ min: 0, max: 7 }),
    disposition: fc.integer({ min: 0, max: 3 }),
    initiator: u4,
    target: u4,
    type: u8,
  });

/** A v6 log: PH and UH usually first, as firmware writes them, then any sections. */
export const arbRtasV6Log: fc.Arbitrary<RtasErrorLog> = fc
  .record({
    header: arbFixedHeader(fc.constant(RTAS_LOG_VERSION_6)),
    flags: u8,
    format: u8,
    lead: fc.option(fc.tuple(arbPrivateHeader, arbUserHeader), { nil: undefined, freq: 4 }),
    sections: fc.array(arbRtasSection, { maxLength: 6 }),
  })
  .map(({ header, flags, format, lead, sections }) => {
    const all = lead ? [...lead, ...sections] : sections;
    return { header, extended: { kind: "v6" as const, header: { flags, format }, sections: all } };
  });

const arbNonV6Extended: fc.Arbitrary<{ header: RtasFixedHeader; extended: RtasExtendedLog }> = fc.oneof(
  fc.record({ header: arbFixedHeader(u8), extended: fc.record({ kind: fc.constant("none" as const), lengthField: u32 }) }),
  fc.record({
    header: arbFixedHeader(u8.filter((v) => v !== RTAS_LOG_VERSION_6)),
    extended: fc.record({ kind: fc.constant("opaque" as const), bytes: bytes(64) }),
  }),
  fc.record({
    header: arbFixedHeader(fc.constant(RTAS_LOG_VERSION_6)),
    extended: fc.constant({ kind: "opaque" as const, bytes: new Uint8Array(0) }),
  }),
);

/** Any valid RTAS log, mostly v6. */
export const arbRtasErrorLog: fc.Arbitrary<RtasErrorLog> = fc.oneof({ arbitrary: arbRtasV6Log, weight: 6 }, { arbitrary: arbNonV6Extended, weight: 1 });

/**
 * Encoded logs damaged the way real inputs are: bytes overwritten, the end cut off, bytes
 * inserted or removed — to drive decoders down their error paths.
 */
export const arbDamagedRtasBytes: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    arbRtasErrorLog.map(encodeRtasLog),
    fc.array(fc.tuple(fc.nat(), u8, fc.constantFrom("set", "cut", "insert", "delete")), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  )
  .map(([encoded, edits, fixLength]) => {
    let b = [...encoded];
    for (const [where, value, op] of edits) {
      const i = b.length === 0 ? 0 : where % b.length;
      if (op === "set") b[i] = value;
      else if (op === "cut") b = b.slice(0, i);
      else if (op === "insert") b.splice(i, 0, value);
      else b.splice(i, 1);
    }
    const out = Uint8Array.from(b);
    // Half the time keep the extended length consistent with the damaged size, so the damage
    // is met by the section walker rather than by the first length check.
    if (fixLength && out.length >= 8) new DataView(out.buffer).setUint32(4, out.length - 8);
    return out;
  });

// ---- EEH builder input ----

const arbLocation = fc.string({ unit: printable, minLength: 1, maxLength: 40 });
const arbRegister: fc.Arbitrary<EehRegister> = fc.tuple(
  fc.integer({ min: 0, max: 0xffff_fff0 }),
  fc.oneof(u32, u64) as fc.Arbitrary<number | bigint>,
);

/** Inputs for buildEehErrorLog that fit the 2048-byte log. */
export const arbEehErrorLogInput: fc.Arbitrary<EehErrorLogInput> = fc
  .record({
    recovered: fc.boolean(),
    timestamp: fc.integer({ min: 0, max: Date.UTC(9999, 11, 31) }),
    platformLogId: u32,
    logEntryId: fc.option(u32, { nil: undefined }),
    failingLocation: arbLocation,
    parentLocation: fc.option(arbLocation, { nil: undefined }),
    peConfigAddress: u32,
    buid: u64,
    drcIndex: fc.option(u32, { nil: undefined }),
    hexWords: fc.option(fc.array(u32, { minLength: 8, maxLength: 8 }), { nil: undefined }),
    machineTypeModel: fc.string({ unit: printable, maxLength: 8 }),
    serialNumber: fc.string({ unit: printable, maxLength: 12 }),
    partitionId: u16,
    registers: fc.option(
      fc.record({
        hub: fc.array(arbRegister, { maxLength: 2 }),
        phb: fc.array(arbRegister, { maxLength: 16 }),
        bridge: fc.array(arbRegister, { maxLength: 32 }),
        adapter: fc.oneof(
          fc.array(u32, { maxLength: 16 }),
          fc.array(fc.tuple(fc.integer({ min: 0, max: 0xfff }), u32), { maxLength: 16 }),
        ),
      }),
      { nil: undefined },
    ),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as EehErrorLogInput);
