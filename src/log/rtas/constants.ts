// Constants of the RTAS error log (pseries-rtas.md §3, §4.1, §4.2), each defined once with
// the name Linux (rtas.h), librtasevent or QEMU gives it and the value the spec records.
// Where no source names a value, the name follows the nearest Linux family and says so.

// ---- Fixed header, bytes 0–7 (§3.1, §4.1) ----

export const RTAS_LOG_VERSION_6 = 6;

/** Byte 1 bits 7–5. */
export const RTAS_SEVERITY_NO_ERROR = 0;
export const RTAS_SEVERITY_EVENT = 1;
export const RTAS_SEVERITY_WARNING = 2;
export const RTAS_SEVERITY_ERROR_SYNC = 3;
export const RTAS_SEVERITY_ERROR = 4;
export const RTAS_SEVERITY_FATAL = 5;
/** librtasevent and QEMU only; Linux has no name for 6. */
export const RTAS_SEVERITY_ALREADY_REPORTED = 6;

/** Byte 1 bits 4–3. */
export const RTAS_DISP_FULLY_RECOVERED = 0;
export const RTAS_DISP_LIMITED_RECOVERY = 1;
export const RTAS_DISP_NOT_RECOVERED = 2;

export const RTAS_SEVERITY_MASK = 0xe0;
export const RTAS_SEVERITY_SHIFT = 5;
export const RTAS_DISPOSITION_MASK = 0x18;
export const RTAS_DISPOSITION_SHIFT = 3;
/** Byte 1 bit 2: bytes 4–7 are valid and an extended log follows. */
export const RTAS_EXTENDED_MASK = 0x04;
export const RTAS_INITIATOR_MASK = 0xf0;
export const RTAS_INITIATOR_SHIFT = 4;
export const RTAS_TARGET_MASK = 0x0f;

/** Byte 2 high nibble (initiator) and low nibble (target) share one code space. */
export const RTAS_INITIATOR_UNKNOWN = 0;
export const RTAS_INITIATOR_CPU = 1;
export const RTAS_INITIATOR_PCI = 2;
export const RTAS_INITIATOR_ISA = 3;
export const RTAS_INITIATOR_MEMORY = 4;
export const RTAS_INITIATOR_POWERMGM = 5;
/** 6 = hot plug in librtasevent's name table and in QEMU; Linux has no name. */
export const RTAS_INITIATOR_HOTPLUG = 6;
export const RTAS_TARGET_UNKNOWN = 0;
export const RTAS_TARGET_CPU = 1;
export const RTAS_TARGET_PCI = 2;
export const RTAS_TARGET_ISA = 3;
export const RTAS_TARGET_MEMORY = 4;
export const RTAS_TARGET_POWERMGM = 5;
export const RTAS_TARGET_HOTPLUG = 6;

// ---- Event/error types, byte 3 (§3.2) ----

export const RTAS_TYPE_RETRY = 0x01;
export const RTAS_TYPE_TCE_ERR = 0x02;
export const RTAS_TYPE_INTERN_DEV_FAIL = 0x03;
export const RTAS_TYPE_TIMEOUT = 0x04;
export const RTAS_TYPE_DATA_PARITY = 0x05;
export const RTAS_TYPE_ADDR_PARITY = 0x06;
export const RTAS_TYPE_CACHE_PARITY = 0x07;
export const RTAS_TYPE_ADDR_INVALID = 0x08;
export const RTAS_TYPE_ECC_UNCORR = 0x09;
export const RTAS_TYPE_ECC_CORR = 0x0a;
export const RTAS_TYPE_EPOW = 0x40;
/** First and last of the RTAS_TYPE_PMGM_* power-management events (0x60–0x71). */
export const RTAS_TYPE_PMGM_FIRST = 0x60;
export const RTAS_TYPE_PMGM_LAST = 0x71;
export const RTAS_TYPE_PRRN = 0xa0;
/** Platform error: the EEH logs. */
export const RTAS_TYPE_PLATFORM = 0xe0;
export const RTAS_TYPE_IO = 0xe1;
export const RTAS_TYPE_INFO = 0xe2;
export const RTAS_TYPE_DEALLOC = 0xe3;
export const RTAS_TYPE_DUMP = 0xe4;
export const RTAS_TYPE_HOTPLUG = 0xe5;

// ---- v6 extended header, bytes 8–23 (§3.3, §4.1) ----

/** Byte 8 flags. */
export const RTAS_V6EXT_LOG_VALID = 0x80;
export const RTAS_V6EXT_UNRECOVERABLE = 0x40;
/** Corrected or successfully retried. */
export const RTAS_V6EXT_RECOVERABLE = 0x20;
/** Unrecoverable but bypassed (degraded operation). */
export const RTAS_V6EXT_UNRECOVERABLE_BYPASSED = 0x10;
export const RTAS_V6EXT_PREDICTIVE = 0x08;
/** Always 1 in logs returned by RTAS. */
export const RTAS_V6EXT_NEW_LOG = 0x04;
export const RTAS_V6EXT_BIG_ENDIAN = 0x02;

/** Byte 10: 0x80 PowerPC format, low nibble the log format. */
export const RTAS_V6EXT_POWERPC_FORMAT = 0x80;
export const RTAS_V6EXT_LOG_FORMAT_MASK = 0x0f;
/** Log format 14 (vendor-specific-1) = the v6 platform event log. */
export const RTAS_V6EXT_LOG_FORMAT_EVENT_LOG = 14;
/** Byte 10 as every v6 log writes it. */
export const RTAS_V6EXT_FORMAT_BYTE = RTAS_V6EXT_POWERPC_FORMAT | RTAS_V6EXT_LOG_FORMAT_EVENT_LOG; // 0x8E

/** Bytes 20–23: "IBM\0". */
export const RTAS_V6EXT_COMPANY_ID_IBM = 0x49424d00;
export const RTAS_COMPANY_ID_TEXT = "IBM";

/** Fixed header (8) + extended header (12) + company id (4): the first section starts here. */
export const RTAS_V6_SECTIONS_OFFSET = 24;
/** Bytes of the extended log before the first section (extended header + company id). */
export const RTAS_V6EXT_HEADER_LENGTH = 16;

// ---- Log size (§4.2) ----

export const RTAS_ERROR_LOG_MAX = 2048;

// ---- Section ids (§3.5, §4.1): Linux's numeric form, first char << 8 | second ----

export const PSERIES_ELOG_SECT_ID_PRIV_HDR = 0x5048; // "PH"
export const PSERIES_ELOG_SECT_ID_USER_HDR = 0x5548; // "UH"
export const PSERIES_ELOG_SECT_ID_PRIMARY_SRC = 0x5053; // "PS"
export const PSERIES_ELOG_SECT_ID_EXTENDED_UH = 0x4548; // "EH"
export const PSERIES_ELOG_SECT_ID_FAILING_MTMS = 0x4d54; // "MT"
export const PSERIES_ELOG_SECT_ID_SECONDARY_SRC = 0x5353; // "SS"
export const PSERIES_ELOG_SECT_ID_DUMP_LOCATOR = 0x4448; // "DH"
export const PSERIES_ELOG_SECT_ID_FW_ERROR = 0x5357; // "SW"
export const PSERIES_ELOG_SECT_ID_IMPACT_PART_ID = 0x4c50; // "LP"
export const PSERIES_ELOG_SECT_ID_LOGIC_RESOURCE_ID = 0x4c52; // "LR"
export const PSERIES_ELOG_SECT_ID_HMC_ID = 0x484d; // "HM"
export const PSERIES_ELOG_SECT_ID_EPOW = 0x4550; // "EP"
export const PSERIES_ELOG_SECT_ID_IO_EVENT = 0x4945; // "IE"
export const PSERIES_ELOG_SECT_ID_MANUFACT_INFO = 0x4d49; // "MI"
export const PSERIES_ELOG_SECT_ID_CALL_HOME = 0x4348; // "CH"
export const PSERIES_ELOG_SECT_ID_USER_DEF = 0x5544; // "UD"
export const PSERIES_ELOG_SECT_ID_HOTPLUG = 0x4850; // "HP"
export const PSERIES_ELOG_SECT_ID_MCE = 0x4d43; // "MC"
/** opal-elog-parse only; Linux has no name (named here after the Linux family). */
export const PSERIES_ELOG_SECT_ID_EXT_USER_DATA = 0x4544; // "ED"
export const PSERIES_ELOG_SECT_ID_ENV_INFO = 0x4549; // "EI"

/** The §3.5 catalogue, text form, in the spec's order. */
export const RTAS_SECTION_CATALOGUE = [
  { id: "PH", name: "Private Header" },
  { id: "UH", name: "User Header" },
  { id: "PS", name: "Primary SRC" },
  { id: "SS", name: "Secondary SRC" },
  { id: "EH", name: "Extended User Header" },
  { id: "MT", name: "Failing Enclosure MTMS" },
  { id: "MI", name: "Manufacturing Information" },
  { id: "CH", name: "Call Home Comment" },
  { id: "UD", name: "User Defined Data" },
  { id: "IE", name: "I/O Event" },
  { id: "LP", name: "Logical Partition" },
  { id: "LR", name: "Logical Resource" },
  { id: "HM", name: "HMC Id" },
  { id: "EP", name: "EPOW" },
  { id: "DH", name: "Dump Locator" },
  { id: "SW", name: "Firmware Error" },
  { id: "HP", name: "Hotplug" },
  { id: "MC", name: "Machine Check" },
  { id: "ED", name: "Extended User Data" },
  { id: "EI", name: "Environmental Information" },
] as const;

export type RtasCatalogueSectionId = (typeof RTAS_SECTION_CATALOGUE)[number]["id"];

/** Every section starts with id (2), length (2), version (1), subtype (1), component (2) (§3.4). */
export const RTAS_SECTION_HEADER_LENGTH = 8;

// ---- Fixed section lengths incl. the 8-byte header: librtasevent advances by these and
// ignores the length field, so an emitter must use exactly these sizes (§3.12 rule 2). ----

export const RTAS_PH_LENGTH = 48;
export const RTAS_UH_LENGTH = 24;
export const RTAS_MT_LENGTH = 28;
export const RTAS_HM_LENGTH = 28;
export const RTAS_LR_LENGTH = 20;
export const RTAS_DH_LENGTH = 64;
export const RTAS_EP_LENGTH = 20;
export const RTAS_MI_LENGTH = 16;
/** HP with a DRC index or count; librtasevent advances every HP by this much. */
export const RTAS_HP_INDEX_LENGTH = 16;
/** PS/SS up to the end of the ASCII reference code; callouts follow (§3.8). */
export const RTAS_SRC_FIXED_LENGTH = 80;

// ---- PH (§3.6) ----

export const RTAS_PH_CREATOR_SERVICE_PROCESSOR = "E";
export const RTAS_PH_CREATOR_HYPERVISOR = "H";
export const RTAS_PH_CREATOR_POWER_CONTROL = "W";
export const RTAS_PH_CREATOR_PARTITION_FW = "L";
export const RTAS_PH_CREATOR_HMC = "C";
export const RTAS_PH_CREATOR_SLIC = "S";
export const RTAS_PH_CREATOR_HOSTBOOT = "B";
export const RTAS_PH_CREATOR_OCC = "T";
export const RTAS_PH_CREATOR_IO_DRAWER = "M";
export const RTAS_PH_CREATOR_OPAL = "K";
export const RTAS_PH_CREATOR_POWERNV = "P";

// ---- UH (§3.7) ----

export const RTAS_UH_SUBSYSTEM_IO_HUB = 0x30;
export const RTAS_UH_SUBSYSTEM_RIO_HUB = 0x31;
/** PHB, PCI/PCI, EADS. */
export const RTAS_UH_SUBSYSTEM_IO_BRIDGE = 0x32;
export const RTAS_UH_SUBSYSTEM_IO_BUS_INTERFACE = 0x33;
export const RTAS_UH_SUBSYSTEM_PHB = 0x38;
export const RTAS_UH_SUBSYSTEM_EADS_GLOBAL = 0x39;
export const RTAS_UH_SUBSYSTEM_EADS_SLOT = 0x3a;
export const RTAS_UH_SUBSYSTEM_IO_ADAPTER = 0x40;
export const RTAS_UH_SUBSYSTEM_COMM_ADAPTER = 0x41;
export const RTAS_UH_SUBSYSTEM_IO_DEVICE = 0x46;
export const RTAS_UH_SUBSYSTEM_DASD = 0x47;
export const RTAS_UH_SUBSYSTEM_HYPERVISOR_FW = 0x82;
export const RTAS_UH_SUBSYSTEM_PARTITION_FW = 0x83;
export const RTAS_UH_SUBSYSTEM_HYPERVISOR_CODE = 0x87;

export const RTAS_UH_SCOPE_SINGLE_PARTITION = 1;
export const RTAS_UH_SCOPE_MULTIPLE_PARTITIONS = 2;
export const RTAS_UH_SCOPE_SINGLE_PLATFORM = 3;
export const RTAS_UH_SCOPE_POSSIBLY_MULTIPLE_PLATFORMS = 4;

export const RTAS_UH_SEVERITY_INFORMATIONAL = 0x00;
export const RTAS_UH_SEVERITY_RECOVERED = 0x10;
export const RTAS_UH_SEVERITY_PREDICTIVE = 0x20;
export const RTAS_UH_SEVERITY_PREDICTIVE_DEGRADED_PERF = 0x21;
export const RTAS_UH_SEVERITY_PREDICTIVE_FIXED_AFTER_IPL = 0x22;
export const RTAS_UH_SEVERITY_PREDICTIVE_DEGRADED_AND_FIXED = 0x23;
export const RTAS_UH_SEVERITY_PREDICTIVE_LOSS_OF_REDUNDANCY = 0x24;
export const RTAS_UH_SEVERITY_UNRECOVERABLE = 0x40;
export const RTAS_UH_SEVERITY_BYPASSED_DEGRADED = 0x41;
export const RTAS_UH_SEVERITY_BYPASSED_LOSS_OF_REDUNDANCY = 0x44;
export const RTAS_UH_SEVERITY_BYPASSED_BOTH = 0x45;
export const RTAS_UH_SEVERITY_BYPASSED_LOSS_OF_FUNCTION = 0x48;
export const RTAS_UH_SEVERITY_DIAGNOSTIC_ERROR = 0x60;
export const RTAS_UH_SEVERITY_DIAGNOSTIC_INCORRECT_RESULTS = 0x61;

export const RTAS_UH_EVENT_TYPE_NA = 0x00;
export const RTAS_UH_EVENT_TYPE_INFORMATIONAL = 0x01;
export const RTAS_UH_EVENT_TYPE_TRACING = 0x02;
export const RTAS_UH_EVENT_TYPE_DUMP_NOTIFICATION = 0x08;
export const RTAS_UH_EVENT_TYPE_PREVIOUSLY_REPORTED_CORRECTED = 0x10;
export const RTAS_UH_EVENT_TYPE_DECONFIG_USER = 0x20;
export const RTAS_UH_EVENT_TYPE_DECONFIG_SYSTEM = 0x21;
export const RTAS_UH_EVENT_TYPE_DEALLOCATION_NOTICE = 0x22;
export const RTAS_UH_EVENT_TYPE_ENVIRONMENT_NORMAL = 0x30;
export const RTAS_UH_EVENT_TYPE_CONCURRENT_MAINTENANCE = 0x40;
export const RTAS_UH_EVENT_TYPE_CAPACITY_UPGRADE = 0x60;
export const RTAS_UH_EVENT_TYPE_RESOURCE_SPARING = 0x70;
export const RTAS_UH_EVENT_TYPE_DYNAMIC_RECONFIG = 0x80;
export const RTAS_UH_EVENT_TYPE_NORMAL_SHUTDOWN = 0xd0;
export const RTAS_UH_EVENT_TYPE_ABNORMAL_POWER_OFF = 0xe0;

export const RTAS_UH_ACTION_SERVICE_ACTION = 0x8000;
/** "hidden" in librtasevent, "healthy system event" in opal-elog-parse. */
export const RTAS_UH_ACTION_HIDDEN = 0x4000;
export const RTAS_UH_ACTION_REPORT_EXTERNALLY = 0x2000;
export const RTAS_UH_ACTION_HMC_ONLY = 0x1000;
export const RTAS_UH_ACTION_CALL_HOME = 0x0800;
export const RTAS_UH_ACTION_ISOLATION_INCOMPLETE = 0x0400;
export const RTAS_UH_ACTION_TERMINATION = 0x0100;

// ---- PS/SS and FRU callouts (§3.8) ----

export const RTAS_SRC_VERSION = 2;
/** SRC flags byte 9: the 0xC0 callout subsection follows the reference code. */
export const RTAS_SRC_FLAG_SUBSECTION = 0x01;
export const RTAS_SRC_HEX_WORD_COUNT = 9;
/** Words 2..9 are stored; word 1 is the ASCII reference code. */
export const RTAS_SRC_STORED_HEX_WORDS = 8;
export const RTAS_SRC_REF_CODE_LENGTH = 32;
export const RTAS_SRC_SUBSECTION_ID = 0xc0;

export const RTAS_FRU_CALLOUT_TYPE_MASK = 0xf0;
/** Callout type 2 (high nibble), as in every sample. */
export const RTAS_FRU_CALLOUT_TYPE_2 = 0x20;
export const RTAS_FRU_CALLOUT_FLAG_ID = 0x08;
export const RTAS_FRU_CALLOUT_FLAG_MR = 0x04;
export const RTAS_FRU_CALLOUT_FLAG_PE = 0x03;

export const RTAS_FRU_PRIORITY_HIGH = "H";
export const RTAS_FRU_PRIORITY_MEDIUM = "M";
export const RTAS_FRU_PRIORITY_MEDIUM_A = "A";
export const RTAS_FRU_PRIORITY_MEDIUM_B = "B";
export const RTAS_FRU_PRIORITY_MEDIUM_C = "C";
export const RTAS_FRU_PRIORITY_LOW = "L";

/** FRU identity ("ID") flags: high nibble = failing component type. */
export const RTAS_FRU_ID_COMPONENT_MASK = 0xf0;
export const RTAS_FRU_ID_HARDWARE_FRU = 0x10;
export const RTAS_FRU_ID_CODE_FRU = 0x20;
export const RTAS_FRU_ID_CONFIG_ERROR = 0x30;
export const RTAS_FRU_ID_MAINTENANCE_PROCEDURE = 0x40;
export const RTAS_FRU_ID_EXTERNAL_FRU = 0x90;
export const RTAS_FRU_ID_EXTERNAL_CODE = 0xa0;
export const RTAS_FRU_ID_TOOL = 0xb0;
export const RTAS_FRU_ID_SYMBOLIC_FRU = 0xc0;
export const RTAS_FRU_ID_SYMBOLIC_TRUSTED_LOC = 0xe0;
export const RTAS_FRU_ID_PART_NUMBER = 0x08;
export const RTAS_FRU_ID_PROCEDURE_ID = 0x02;
export const RTAS_FRU_ID_CCIN = 0x04;
export const RTAS_FRU_ID_SERIAL = 0x01;
export const RTAS_FRU_ID_PART_LENGTH = 8;
export const RTAS_FRU_ID_CCIN_LENGTH = 4;
export const RTAS_FRU_ID_SERIAL_LENGTH = 12;

/** MRU list: flags low nibble = count. */
export const RTAS_FRU_MR_COUNT_MASK = 0x0f;
/** Power-controlling enclosure name, at most this many bytes. */
export const RTAS_FRU_PE_NAME_MAX = 32;

// ---- MTMS (MT, HM, EH, PE): 8-byte machine type-model + 12-byte serial (§3.9) ----

export const RTAS_MTMS_MODEL_LENGTH = 8;
export const RTAS_MTMS_SERIAL_LENGTH = 12;

// ---- LR (§3.9) ----

export const RTAS_LR_RESOURCE_PROCESSOR = 0x10;
export const RTAS_LR_RESOURCE_SHARED_PROCESSOR = 0x11;
export const RTAS_LR_RESOURCE_MEMORY_PAGE = 0x40;
export const RTAS_LR_RESOURCE_MEMORY_LMB = 0x41;

// ---- DH (§3.9) ----

export const RTAS_DH_FLAG_LOCATION_HMC = 0x80;
export const RTAS_DH_FLAG_NAME_HEX = 0x40;
export const RTAS_DH_FLAG_SIZE_VALID = 0x20;
export const RTAS_DH_OS_ID_MAX = 40;

// ---- EP (§3.9) ----

export const RTAS_EPOW_ACTION_RESET = 0;
export const RTAS_EPOW_ACTION_WARN_COOLING = 1;
export const RTAS_EPOW_ACTION_WARN_POWER = 2;
export const RTAS_EPOW_ACTION_SYSTEM_SHUTDOWN = 3;
export const RTAS_EPOW_ACTION_SYSTEM_HALT = 4;
export const RTAS_EPOW_ACTION_MAIN_ENCLOSURE = 5;
export const RTAS_EPOW_ACTION_POWER_OFF = 7;
export const RTAS_EPOW_MODIFIER_NORMAL_SHUTDOWN = 1;
export const RTAS_EPOW_MODIFIER_UTILITY_POWER_LOSS = 2;
export const RTAS_EPOW_MODIFIER_CRITICAL_FUNCTION_LOSS = 3;
export const RTAS_EPOW_MODIFIER_AMBIENT_TEMP = 4;
export const RTAS_EPOW_EXT_MODIFIER_SYSTEM_WIDE = 0;
export const RTAS_EPOW_EXT_MODIFIER_PARTITION = 1;

// ---- IE (§3.9) ----

export const RTAS_IO_EVENT_TYPE_ERROR_DETECTED = 1;
export const RTAS_IO_EVENT_TYPE_ERROR_RECOVERED = 2;
export const RTAS_IO_EVENT_TYPE_EVENT = 3;
export const RTAS_IO_EVENT_TYPE_RPC_PASS_THROUGH = 4;
export const RTAS_IE_SCOPE_NA = 0x00;
export const RTAS_IE_SCOPE_RIO_HUB = 0x36;
export const RTAS_IE_SCOPE_RIO_BRIDGE = 0x37;
export const RTAS_IE_SCOPE_PHB = 0x38;
export const RTAS_IE_SCOPE_EADS_GLOBAL = 0x39;
export const RTAS_IE_SCOPE_EADS_SLOT = 0x3a;
export const RTAS_IE_SCOPE_TORRENT_HUB = 0x3b;
export const RTAS_IE_SCOPE_SERVICE_PROCESSOR = 0x51;
export const RTAS_IE_SUBTYPE_NA = 0;
export const RTAS_IE_SUBTYPE_REBALANCE = 1;
/** Linux uses 3; librtasevent's header says NODE_ONLINE = 2 but prints 3 as "Node online" (§3.12 rule 10). */
export const RTAS_IE_SUBTYPE_NODE_ONLINE = 3;
export const RTAS_IE_SUBTYPE_NODE_OFFLINE = 4;
export const RTAS_IE_SUBTYPE_DUMP_SIZE_CHANGE = 5;
export const RTAS_IE_RPC_DATA_MAX = 216;

// ---- HP (§3.9) ----

export const RTAS_HP_TYPE_CPU = 1;
export const RTAS_HP_TYPE_MEMORY = 2;
export const RTAS_HP_TYPE_SLOT = 3;
export const RTAS_HP_TYPE_PHB = 4;
export const RTAS_HP_TYPE_PCI = 5;
export const RTAS_HP_TYPE_PMEM = 6;
export const RTAS_HP_TYPE_DT = 7;
export const RTAS_HP_ACTION_ADD = 1;
export const RTAS_HP_ACTION_REMOVE = 2;
export const RTAS_HP_ID_DRC_NAME = 1;
export const RTAS_HP_ID_DRC_INDEX = 2;
export const RTAS_HP_ID_DRC_COUNT = 3;
export const RTAS_HP_ID_DRC_IC = 4;

// ---- CH (§3.9) ----

export const RTAS_CH_COMMENT_MAX = 144;

// ---- EEH SRCs and rtas_errd's texts (§3.11) ----

export const EEH_SRC_RECOVERED = "BA188001";
export const EEH_SRC_PERMANENT = "BA188002";
export const EEH_SRC_PROBE_BRIDGE_FROZEN = "BA180010";
export const EEH_SRC_PROBE_BRIDGE_UNUSABLE = "BA180011";
export const EEH_SRC_RUNTIME_BRIDGE_FROZEN = "BA180012";

/** rtas_errd's `event_descs` table, in its order (matched on the first 8 characters). */
export const EEH_SRC_DESCRIPTIONS: ReadonlyArray<readonly [string, string]> = [
  [EEH_SRC_RECOVERED, "EEH recovered a failing I/O adapter"],
  [EEH_SRC_PERMANENT, "EEH could not recover the failed I/O adapter"],
  [EEH_SRC_PROBE_BRIDGE_FROZEN, "PCI probe error, bridge in freeze state"],
  [EEH_SRC_PROBE_BRIDGE_UNUSABLE, "PCI bridge probe error, bridge is not usable"],
  [EEH_SRC_RUNTIME_BRIDGE_FROZEN, "PCI device runtime error, bridge in freeze state"],
];

// ---- EEH log template taken from the v6_eeh_serv sample (§3.10, §3.13) ----

/** Creator component id of every section of the sample. */
export const EEH_SAMPLE_CREATOR_COMPONENT = 0xa236;
/** UD register-dump block head byte 3 (0x04 in every block of the sample, §3.10). */
export const EEH_UD_DUMP_UNIT = 0x04;
/** Sample UD section version/subtype. */
export const EEH_UD_VERSION = 1;
export const EEH_UD_SUBTYPE = 1;
/** Hex words 2–9 of the sample: all ASCII spaces (their meaning is undocumented, §7). */
export const EEH_SAMPLE_HEX_WORD = 0x20202020;
/** Config-space dwords the sample dumps for the adapter: command/status, ids, subsystem ids. */
export const EEH_SAMPLE_ADAPTER_CONFIG_OFFSETS: readonly number[] = [0x04, 0x00, 0x2c];
