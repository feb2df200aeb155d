// PCI configuration-space register map, with the names and values of Linux
// `include/uapi/linux/pci_regs.h`. Offsets of capability registers are relative to the
// capability's base (the PCI Express capability sits at PCI_EXP_CAP_BASE, the AER extended
// capability at PCI_AER_CAP_BASE in this emulator's config spaces). The AER offsets and bit
// tables are aer-xen.md §1, §1.1, §1.2; everything else is the PCI/PCIe base spec layout as
// pci_regs.h spells it. Each constant is defined here once (DESIGN.md, "Layering").

// ---------------------------------------------------------------------------------------
// Config space geometry
// ---------------------------------------------------------------------------------------

/** Size of a PCIe function's config space (PCI-compatible 256 bytes + extended space). */
export const PCI_CFG_SPACE_EXP_SIZE = 0x1000;
/** Size of the PCI-compatible part; extended capabilities start here. */
export const PCI_CFG_SPACE_SIZE = 0x100;

// ---------------------------------------------------------------------------------------
// Standard header, common to type 0 and type 1
// ---------------------------------------------------------------------------------------

export const PCI_VENDOR_ID = 0x00;
export const PCI_DEVICE_ID = 0x02;

export const PCI_COMMAND = 0x04;
export const PCI_COMMAND_IO = 0x0001;
export const PCI_COMMAND_MEMORY = 0x0002;
export const PCI_COMMAND_MASTER = 0x0004;
export const PCI_COMMAND_SPECIAL = 0x0008;
export const PCI_COMMAND_INVALIDATE = 0x0010;
export const PCI_COMMAND_VGA_PALETTE = 0x0020;
export const PCI_COMMAND_PARITY = 0x0040;
export const PCI_COMMAND_WAIT = 0x0080;
export const PCI_COMMAND_SERR = 0x0100;
export const PCI_COMMAND_FAST_BACK = 0x0200;
export const PCI_COMMAND_INTX_DISABLE = 0x0400;

export const PCI_STATUS = 0x06;
export const PCI_STATUS_IMM_READY = 0x0001;
export const PCI_STATUS_INTERRUPT = 0x0008;
export const PCI_STATUS_CAP_LIST = 0x0010;
export const PCI_STATUS_66MHZ = 0x0020;
export const PCI_STATUS_UDF = 0x0040;
export const PCI_STATUS_FAST_BACK = 0x0080;
export const PCI_STATUS_PARITY = 0x0100; // Master Data Parity Error
export const PCI_STATUS_DEVSEL_MASK = 0x0600;
export const PCI_STATUS_SIG_TARGET_ABORT = 0x0800;
export const PCI_STATUS_REC_TARGET_ABORT = 0x1000;
export const PCI_STATUS_REC_MASTER_ABORT = 0x2000;
export const PCI_STATUS_SIG_SYSTEM_ERROR = 0x4000;
export const PCI_STATUS_DETECTED_PARITY = 0x8000;
/** The error bits of PCI_STATUS (and of PCI_SEC_STATUS): write 1 to clear. */
export const PCI_STATUS_ERROR_BITS =
  PCI_STATUS_PARITY |
  PCI_STATUS_SIG_TARGET_ABORT |
  PCI_STATUS_REC_TARGET_ABORT |
  PCI_STATUS_REC_MASTER_ABORT |
  PCI_STATUS_SIG_SYSTEM_ERROR |
  PCI_STATUS_DETECTED_PARITY;

export const PCI_CLASS_REVISION = 0x08; // high 24 bits class, low 8 revision
export const PCI_REVISION_ID = 0x08;
export const PCI_CLASS_PROG = 0x09;
export const PCI_CLASS_DEVICE = 0x0a;
export const PCI_CACHE_LINE_SIZE = 0x0c;
export const PCI_LATENCY_TIMER = 0x0d;
export const PCI_HEADER_TYPE = 0x0e;
export const PCI_HEADER_TYPE_MASK = 0x7f;
export const PCI_HEADER_TYPE_NORMAL = 0;
export const PCI_HEADER_TYPE_BRIDGE = 1;
export const PCI_HEADER_TYPE_MFD = 0x80; // multi-function device
export const PCI_BIST = 0x0f;

export const PCI_BASE_ADDRESS_0 = 0x10;
export const PCI_BASE_ADDRESS_1 = 0x14;
export const PCI_BASE_ADDRESS_2 = 0x18;
export const PCI_BASE_ADDRESS_3 = 0x1c;
export const PCI_BASE_ADDRESS_4 = 0x20;
export const PCI_BASE_ADDRESS_5 = 0x24;
export const PCI_BASE_ADDRESS_SPACE = 0x01;
export const PCI_BASE_ADDRESS_SPACE_IO = 0x01;
export const PCI_BASE_ADDRESS_SPACE_MEMORY = 0x00;
export const PCI_BASE_ADDRESS_MEM_TYPE_MASK = 0x06;
export const PCI_BASE_ADDRESS_MEM_TYPE_32 = 0x00;
export const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;
export const PCI_BASE_ADDRESS_MEM_PREFETCH = 0x08;
export const PCI_BASE_ADDRESS_MEM_MASK = 0xfffffff0; // as an unsigned 32-bit value
export const PCI_BASE_ADDRESS_IO_MASK = 0xfffffffc;

// Type 0 only
export const PCI_CARDBUS_CIS = 0x28;
export const PCI_SUBSYSTEM_VENDOR_ID = 0x2c;
export const PCI_SUBSYSTEM_ID = 0x2e;
export const PCI_ROM_ADDRESS = 0x30;

export const PCI_CAPABILITY_LIST = 0x34;
export const PCI_INTERRUPT_LINE = 0x3c;
export const PCI_INTERRUPT_PIN = 0x3d;
export const PCI_MIN_GNT = 0x3e;
export const PCI_MAX_LAT = 0x3f;

// Type 1 (PCI-to-PCI bridge) header
export const PCI_PRIMARY_BUS = 0x18;
export const PCI_SECONDARY_BUS = 0x19;
export const PCI_SUBORDINATE_BUS = 0x1a;
export const PCI_SEC_LATENCY_TIMER = 0x1b;
export const PCI_IO_BASE = 0x1c;
export const PCI_IO_LIMIT = 0x1d;
export const PCI_IO_RANGE_TYPE_MASK = 0x0f;
export const PCI_IO_RANGE_TYPE_16 = 0x00;
export const PCI_IO_RANGE_TYPE_32 = 0x01;
export const PCI_SEC_STATUS = 0x1e; // error bits as PCI_STATUS, RW1C
export const PCI_MEMORY_BASE = 0x20;
export const PCI_MEMORY_LIMIT = 0x22;
export const PCI_MEMORY_RANGE_TYPE_MASK = 0x0f;
export const PCI_PREF_MEMORY_BASE = 0x24;
export const PCI_PREF_MEMORY_LIMIT = 0x26;
export const PCI_PREF_RANGE_TYPE_MASK = 0x0f;
export const PCI_PREF_RANGE_TYPE_32 = 0x00;
export const PCI_PREF_RANGE_TYPE_64 = 0x01;
export const PCI_PREF_BASE_UPPER32 = 0x28;
export const PCI_PREF_LIMIT_UPPER32 = 0x2c;
export const PCI_IO_BASE_UPPER16 = 0x30;
export const PCI_IO_LIMIT_UPPER16 = 0x32;
export const PCI_ROM_ADDRESS1 = 0x38;
export const PCI_BRIDGE_CONTROL = 0x3e;
export const PCI_BRIDGE_CTL_PARITY = 0x01;
export const PCI_BRIDGE_CTL_SERR = 0x02;
export const PCI_BRIDGE_CTL_ISA = 0x04;
export const PCI_BRIDGE_CTL_VGA = 0x08;
export const PCI_BRIDGE_CTL_VGA_16BIT = 0x10;
export const PCI_BRIDGE_CTL_MASTER_ABORT = 0x20;
export const PCI_BRIDGE_CTL_BUS_RESET = 0x40; // secondary bus reset: Linux' hot reset of a bus PE
export const PCI_BRIDGE_CTL_FAST_BACK = 0x80;

// ---------------------------------------------------------------------------------------
// Capability list (capability ids)
// ---------------------------------------------------------------------------------------

export const PCI_CAP_LIST_ID = 0;
export const PCI_CAP_LIST_NEXT = 1;
export const PCI_CAP_ID_EXP = 0x10;

// ---------------------------------------------------------------------------------------
// PCI Express capability (offsets from the capability base)
// ---------------------------------------------------------------------------------------

export const PCI_EXP_FLAGS = 0x02;
export const PCI_EXP_FLAGS_VERS = 0x000f;
export const PCI_EXP_FLAGS_TYPE = 0x00f0;
export const PCI_EXP_FLAGS_SLOT = 0x0100;
export const PCI_EXP_FLAGS_IRQ = 0x3e00;
export const PCI_EXP_TYPE_ENDPOINT = 0x0;
export const PCI_EXP_TYPE_LEG_END = 0x1;
export const PCI_EXP_TYPE_ROOT_PORT = 0x4;
export const PCI_EXP_TYPE_UPSTREAM = 0x5;
export const PCI_EXP_TYPE_DOWNSTREAM = 0x6;
export const PCI_EXP_TYPE_PCI_BRIDGE = 0x7;
export const PCI_EXP_TYPE_PCIE_BRIDGE = 0x8;
export const PCI_EXP_TYPE_RC_END = 0x9;
export const PCI_EXP_TYPE_RC_EC = 0xa;

export const PCI_EXP_DEVCAP = 0x04;
export const PCI_EXP_DEVCAP_PAYLOAD = 0x00000007;
export const PCI_EXP_DEVCAP_EXT_TAG = 0x00000020;
export const PCI_EXP_DEVCAP_RBER = 0x00008000; // role-based error reporting
export const PCI_EXP_DEVCAP_FLR = 0x10000000;

export const PCI_EXP_DEVCTL = 0x08;
export const PCI_EXP_DEVCTL_CERE = 0x0001; // correctable error reporting enable
export const PCI_EXP_DEVCTL_NFERE = 0x0002; // non-fatal error reporting enable
export const PCI_EXP_DEVCTL_FERE = 0x0004; // fatal error reporting enable
export const PCI_EXP_DEVCTL_URRE = 0x0008; // unsupported request reporting enable
export const PCI_EXP_DEVCTL_RELAX_EN = 0x0010;
export const PCI_EXP_DEVCTL_PAYLOAD = 0x00e0;
export const PCI_EXP_DEVCTL_EXT_TAG = 0x0100;
export const PCI_EXP_DEVCTL_PHANTOM = 0x0200;
export const PCI_EXP_DEVCTL_AUX_PME = 0x0400;
export const PCI_EXP_DEVCTL_NOSNOOP_EN = 0x0800;
export const PCI_EXP_DEVCTL_READRQ = 0x7000;
export const PCI_EXP_DEVCTL_READRQ_512B = 0x2000;
export const PCI_EXP_DEVCTL_BCR_FLR = 0x8000; // initiate FLR; always reads 0

export const PCI_EXP_DEVSTA = 0x0a;
export const PCI_EXP_DEVSTA_CED = 0x0001; // correctable error detected
export const PCI_EXP_DEVSTA_NFED = 0x0002; // non-fatal error detected
export const PCI_EXP_DEVSTA_FED = 0x0004; // fatal error detected
export const PCI_EXP_DEVSTA_URD = 0x0008; // unsupported request detected
export const PCI_EXP_DEVSTA_AUXPD = 0x0010;
export const PCI_EXP_DEVSTA_TRPND = 0x0020;

export const PCI_EXP_LNKCAP = 0x0c;
export const PCI_EXP_LNKCAP_SLS = 0x0000000f; // supported link speeds
export const PCI_EXP_LNKCAP_SLS_8_0GB = 0x00000003;
export const PCI_EXP_LNKCAP_MLW = 0x000003f0; // maximum link width
export const PCI_EXP_LNKCAP_DLLLARC = 0x00100000; // DLL link-active reporting capable
export const PCI_EXP_LNKCAP_PN = 0xff000000; // port number

export const PCI_EXP_LNKCTL = 0x10;
export const PCI_EXP_LNKCTL_ASPMC = 0x0003;
export const PCI_EXP_LNKCTL_RCB = 0x0008;
export const PCI_EXP_LNKCTL_LD = 0x0010; // link disable (downstream ports)
export const PCI_EXP_LNKCTL_RL = 0x0020; // retrain link; always reads 0
export const PCI_EXP_LNKCTL_CCC = 0x0040;
export const PCI_EXP_LNKCTL_ES = 0x0080;

export const PCI_EXP_LNKSTA = 0x12;
export const PCI_EXP_LNKSTA_CLS = 0x000f; // current link speed
export const PCI_EXP_LNKSTA_CLS_8_0GB = 0x0003;
export const PCI_EXP_LNKSTA_NLW = 0x03f0; // negotiated link width
export const PCI_EXP_LNKSTA_NLW_SHIFT = 4;
export const PCI_EXP_LNKSTA_LT = 0x0800; // link training
export const PCI_EXP_LNKSTA_SLC = 0x1000; // slot clock configuration
export const PCI_EXP_LNKSTA_DLLLA = 0x2000; // data link layer link active
export const PCI_EXP_LNKSTA_LBMS = 0x4000; // link bandwidth management status (RW1C)
export const PCI_EXP_LNKSTA_LABS = 0x8000; // link autonomous bandwidth status (RW1C)

export const PCI_EXP_SLTCAP = 0x14;
export const PCI_EXP_SLTCAP_ABP = 0x00000001;
export const PCI_EXP_SLTCAP_PCP = 0x00000002; // power controller present
export const PCI_EXP_SLTCAP_MRLSP = 0x00000004;
export const PCI_EXP_SLTCAP_AIP = 0x00000008;
export const PCI_EXP_SLTCAP_PIP = 0x00000010;
export const PCI_EXP_SLTCAP_HPS = 0x00000020;
export const PCI_EXP_SLTCAP_HPC = 0x00000040;
export const PCI_EXP_SLTCAP_PSN = 0xfff80000; // physical slot number
export const PCI_EXP_SLTCAP_PSN_SHIFT = 19;

export const PCI_EXP_SLTCTL = 0x18;
export const PCI_EXP_SLTCTL_ABPE = 0x0001;
export const PCI_EXP_SLTCTL_PFDE = 0x0002;
export const PCI_EXP_SLTCTL_MRLSCE = 0x0004;
export const PCI_EXP_SLTCTL_PDCE = 0x0008;
export const PCI_EXP_SLTCTL_CCIE = 0x0010;
export const PCI_EXP_SLTCTL_HPIE = 0x0020;
export const PCI_EXP_SLTCTL_AIC = 0x00c0;
export const PCI_EXP_SLTCTL_PIC = 0x0300;
export const PCI_EXP_SLTCTL_PCC = 0x0400; // power controller control: 1 = power off
export const PCI_EXP_SLTCTL_EIC = 0x0800; // electromechanical interlock control; reads 0
export const PCI_EXP_SLTCTL_DLLSCE = 0x1000;

export const PCI_EXP_SLTSTA = 0x1a;
export const PCI_EXP_SLTSTA_ABP = 0x0001;
export const PCI_EXP_SLTSTA_PFD = 0x0002;
export const PCI_EXP_SLTSTA_MRLSC = 0x0004;
export const PCI_EXP_SLTSTA_PDC = 0x0008;
export const PCI_EXP_SLTSTA_CC = 0x0010;
export const PCI_EXP_SLTSTA_MRLSS = 0x0020;
export const PCI_EXP_SLTSTA_PDS = 0x0040; // presence detect state
export const PCI_EXP_SLTSTA_EIS = 0x0080;
export const PCI_EXP_SLTSTA_DLLSC = 0x0100;

export const PCI_EXP_RTCTL = 0x1c;
export const PCI_EXP_RTCTL_SECEE = 0x0001; // system error on correctable error
export const PCI_EXP_RTCTL_SENFEE = 0x0002; // system error on non-fatal error
export const PCI_EXP_RTCTL_SEFEE = 0x0004; // system error on fatal error
export const PCI_EXP_RTCTL_PMEIE = 0x0008;
export const PCI_EXP_RTCTL_CRSSVE = 0x0010;
export const PCI_EXP_RTCAP = 0x1e;
export const PCI_EXP_RTSTA = 0x20;
export const PCI_EXP_RTSTA_PME = 0x00010000; // RW1C
export const PCI_EXP_RTSTA_PENDING = 0x00020000;

export const PCI_EXP_DEVCAP2 = 0x24;
export const PCI_EXP_DEVCTL2 = 0x28;
export const PCI_EXP_LNKCAP2 = 0x2c;
export const PCI_EXP_LNKCTL2 = 0x30;
/** Size of a v2 PCI Express capability (through Slot Status 2). */
export const PCI_CAP_EXP_ENDPOINT_SIZEOF_V2 = 0x2c;
export const PCI_CAP_EXP_SIZEOF = 0x3c;

// ---------------------------------------------------------------------------------------
// Extended capabilities (header dword = id[15:0] | version[19:16] | next[31:20])
// ---------------------------------------------------------------------------------------

export const PCI_EXT_CAP_ID_ERR = 0x0001; // aer-xen.md §1
export const PCI_EXT_CAP_ID_SRIOV = 0x0010;

export function PCI_EXT_CAP_ID(header: number): number {
  return header & 0xffff;
}
export function PCI_EXT_CAP_VER(header: number): number {
  return (header >>> 16) & 0xf;
}
export function PCI_EXT_CAP_NEXT(header: number): number {
  return (header >>> 20) & 0xffc;
}

// ---------------------------------------------------------------------------------------
// AER extended capability (aer-xen.md §1; offsets from the capability base)
// ---------------------------------------------------------------------------------------

export const PCI_ERR_UNCOR_STATUS = 0x04; // RW1C
export const PCI_ERR_UNCOR_MASK = 0x08;
export const PCI_ERR_UNCOR_SEVER = 0x0c; // 1 = fatal
export const PCI_ERR_COR_STATUS = 0x10; // RW1C
export const PCI_ERR_COR_MASK = 0x14;
export const PCI_ERR_CAP = 0x18;
export const PCI_ERR_HEADER_LOG = 0x1c; // 4 dwords: 0x1c, 0x20, 0x24, 0x28
export const PCI_ERR_ROOT_COMMAND = 0x2c; // root ports only
export const PCI_ERR_ROOT_STATUS = 0x30; // root ports only, RW1C
export const PCI_ERR_ROOT_ERR_SRC = 0x34; // root ports only
export const PCI_ERR_PREFIX_LOG = 0x38;
/** Capability length of an endpoint / of a root port (through PCI_ERR_ROOT_ERR_SRC). */
export const PCI_ERR_CAP_SIZEOF_ENDPOINT = 0x2c;
export const PCI_ERR_CAP_SIZEOF_ROOT = 0x38;
/** AER capability version implemented here (real dumps show version 2, aer-xen.md §1). */
export const PCI_ERR_CAP_VERSION = 2;

// §1.1 Uncorrectable error status/mask/severity bits
export const PCI_ERR_UNC_UND = 0x00000001; // "Undefined" (aer-inject TRAIN)
export const PCI_ERR_UNC_DLP = 0x00000010; // Data Link Protocol
export const PCI_ERR_UNC_SURPDN = 0x00000020; // Surprise Down
export const PCI_ERR_UNC_POISON_TLP = 0x00001000;
export const PCI_ERR_UNC_FCP = 0x00002000; // Flow Control Protocol
export const PCI_ERR_UNC_COMP_TIME = 0x00004000; // Completion Timeout
export const PCI_ERR_UNC_COMP_ABORT = 0x00008000; // Completer Abort
export const PCI_ERR_UNC_UNX_COMP = 0x00010000; // Unexpected Completion
export const PCI_ERR_UNC_RX_OVER = 0x00020000; // Receiver Overflow
export const PCI_ERR_UNC_MALF_TLP = 0x00040000;
export const PCI_ERR_UNC_ECRC = 0x00080000;
export const PCI_ERR_UNC_UNSUP = 0x00100000; // Unsupported Request
export const PCI_ERR_UNC_ACSV = 0x00200000; // ACS Violation
export const PCI_ERR_UNC_INTN = 0x00400000; // Uncorrectable Internal Error
export const PCI_ERR_UNC_MCBTLP = 0x00800000; // MC Blocked TLP
export const PCI_ERR_UNC_ATOMEG = 0x01000000; // AtomicOp Egress Blocked
export const PCI_ERR_UNC_TLPPRE = 0x02000000; // TLP Prefix Blocked
/** Bit 26, Poisoned TLP Egress Blocked: no uapi macro (aer-xen.md §1.1); named after the kernel string. */
export const PCI_ERR_UNC_POISON_BLK = 0x04000000;

/** Every UE bit the table of aer-xen.md §1.1 defines; the others are reserved (read 0). */
export const PCI_ERR_UNC_DEFINED = 0x07fff031;
/** Power-on UE mask (aer-xen.md §1.1: UE mask 0x00400000, INTN masked). */
export const PCI_ERR_UNC_MASK_DEFAULT = 0x00400000;
/** Power-on UE severity DLP|SDN|FCP|RX_OVER|MALF_TLP|INTN (aer-xen.md §1.1). */
export const PCI_ERR_UNC_SEVERITY_DEFAULT = 0x00462030;
/** UE bits whose TLP header is logged (`AER_LOG_TLP_MASKS`, aer-xen.md §1.3). */
export const AER_LOG_TLP_MASKS =
  PCI_ERR_UNC_POISON_TLP |
  PCI_ERR_UNC_ECRC |
  PCI_ERR_UNC_UNSUP |
  PCI_ERR_UNC_COMP_ABORT |
  PCI_ERR_UNC_UNX_COMP |
  PCI_ERR_UNC_MALF_TLP;

// §1.2 Correctable error status/mask bits
export const PCI_ERR_COR_RCVR = 0x00000001; // Receiver Error
export const PCI_ERR_COR_BAD_TLP = 0x00000040;
export const PCI_ERR_COR_BAD_DLLP = 0x00000080;
export const PCI_ERR_COR_REP_ROLL = 0x00000100; // REPLAY_NUM Rollover
export const PCI_ERR_COR_REP_TIMER = 0x00001000; // Replay Timer Timeout
export const PCI_ERR_COR_ADV_NFAT = 0x00002000; // Advisory Non-Fatal
export const PCI_ERR_COR_INTERNAL = 0x00004000; // Corrected Internal Error
export const PCI_ERR_COR_LOG_OVER = 0x00008000; // Header Log Overflow

/** Every CE bit the table of aer-xen.md §1.2 defines. */
export const PCI_ERR_COR_DEFINED = 0x0000f1c1;
/** Power-on CE mask ADV_NFAT|INTERNAL|LOG_OVER (aer-xen.md §1.2). */
export const PCI_ERR_COR_MASK_DEFAULT = 0x0000e000;

// PCI_ERR_CAP "Advanced Error Capabilities and Control"
export const PCI_ERR_CAP_FEP_MASK = 0x0000001f; // First Error Pointer
export function PCI_ERR_CAP_FEP(x: number): number {
  return x & 0x1f;
}
export const PCI_ERR_CAP_ECRC_GENC = 0x00000020;
export const PCI_ERR_CAP_ECRC_GENE = 0x00000040;
export const PCI_ERR_CAP_ECRC_CHKC = 0x00000080;
export const PCI_ERR_CAP_ECRC_CHKE = 0x00000100;
export const PCI_ERR_CAP_MHRC = 0x00000200; // multiple header recording capable (spec)
export const PCI_ERR_CAP_MHRE = 0x00000400;
export const PCI_ERR_CAP_PREFIX_LOG_PRESENT = 0x00000800;

// PCI_ERR_ROOT_COMMAND
export const PCI_ERR_ROOT_CMD_COR_EN = 0x00000001;
export const PCI_ERR_ROOT_CMD_NONFATAL_EN = 0x00000002;
export const PCI_ERR_ROOT_CMD_FATAL_EN = 0x00000004;

// PCI_ERR_ROOT_STATUS (RW1C; the message number in bits 31:27 is read-only)
export const PCI_ERR_ROOT_COR_RCV = 0x00000001;
export const PCI_ERR_ROOT_MULTI_COR_RCV = 0x00000002;
export const PCI_ERR_ROOT_UNCOR_RCV = 0x00000004;
export const PCI_ERR_ROOT_MULTI_UNCOR_RCV = 0x00000008;
export const PCI_ERR_ROOT_FIRST_FATAL = 0x00000010;
export const PCI_ERR_ROOT_NONFATAL_RCV = 0x00000020;
export const PCI_ERR_ROOT_FATAL_RCV = 0x00000040;
export const PCI_ERR_ROOT_AER_IRQ = 0xf8000000;

// PCI_ERR_ROOT_ERR_SRC: [15:0] last ERR_COR source, [31:16] last ERR_FATAL/NONFATAL source
export function ERR_COR_ID(d: number): number {
  return d & 0xffff;
}
export function ERR_UNCOR_ID(d: number): number {
  return d >>> 16;
}

// ---------------------------------------------------------------------------------------
// SR-IOV extended capability (offsets from the capability base)
// ---------------------------------------------------------------------------------------

export const PCI_SRIOV_CAP = 0x04;
export const PCI_SRIOV_CTRL = 0x08;
export const PCI_SRIOV_CTRL_VFE = 0x01; // VF enable
export const PCI_SRIOV_CTRL_VFM = 0x02;
export const PCI_SRIOV_CTRL_INTR = 0x04;
export const PCI_SRIOV_CTRL_MSE = 0x08; // VF memory space enable
export const PCI_SRIOV_CTRL_ARI = 0x10;
export const PCI_SRIOV_STATUS = 0x0a;
export const PCI_SRIOV_INITIAL_VF = 0x0c;
export const PCI_SRIOV_TOTAL_VF = 0x0e;
export const PCI_SRIOV_NUM_VF = 0x10;
export const PCI_SRIOV_FUNC_LINK = 0x12;
export const PCI_SRIOV_VF_OFFSET = 0x14;
export const PCI_SRIOV_VF_STRIDE = 0x16;
export const PCI_SRIOV_VF_DID = 0x1a;
export const PCI_SRIOV_SUP_PGSIZE = 0x1c;
export const PCI_SRIOV_SYS_PGSIZE = 0x20;
export const PCI_SRIOV_BAR = 0x24;
export const PCI_SRIOV_NUM_BARS = 6;
export const PCI_SRIOV_VFM = 0x3c;
export const PCI_EXT_CAP_SRIOV_SIZEOF = 0x40;
