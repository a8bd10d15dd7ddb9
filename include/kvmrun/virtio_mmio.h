/* virtio over MMIO, Version 2 ("modern") register file (virtio 1.2 §4.2.2),
 * device status bits (§2.1), reserved feature bits (§6) and the device types
 * kvmrun offers. Shared by the monitor's devices and the guest's drivers.
 * All registers below 0x100 are 32 bits wide, aligned, little-endian. */
#ifndef KVMRUN_VIRTIO_MMIO_H
#define KVMRUN_VIRTIO_MMIO_H

#define VIRTIO_MMIO_MAGIC_VALUE 0x000         /* R: 0x74726976 "virt" */
#define VIRTIO_MMIO_VERSION 0x004             /* R: 2 */
#define VIRTIO_MMIO_DEVICE_ID 0x008           /* R */
#define VIRTIO_MMIO_VENDOR_ID 0x00c           /* R */
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010     /* R: 32 bits chosen by ..._SEL */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014 /* W */
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020     /* W */
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024 /* W */
#define VIRTIO_MMIO_QUEUE_SEL 0x030           /* W */
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034       /* R: 0 = no such queue */
#define VIRTIO_MMIO_QUEUE_NUM 0x038           /* W */
#define VIRTIO_MMIO_QUEUE_READY 0x044         /* RW */
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050        /* W: queue index */
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060    /* R */
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064       /* W */
#define VIRTIO_MMIO_STATUS 0x070              /* RW: 0 resets the device */
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080      /* W */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084     /* W */
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090    /* W: available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094   /* W */
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0    /* W: used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4   /* W */
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc   /* R */
#define VIRTIO_MMIO_CONFIG 0x100              /* RW: device-specific */

#define VIRTIO_MMIO_MAGIC 0x74726976u
#define VIRTIO_MMIO_VERSION_MODERN 2u
#define VIRTIO_MMIO_WINDOW_SIZE 0x200u /* bytes of register window per device */

/* InterruptStatus bits (§4.2.2). */
#define VIRTIO_MMIO_INT_VRING 0x1u  /* used buffer notification */
#define VIRTIO_MMIO_INT_CONFIG 0x2u /* configuration change */

/* Device status bits (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* Reserved feature bits (§6). */
#define VIRTIO_F_VERSION_1 32u

/* Device types (§5). */
#define VIRTIO_ID_CONSOLE 3u
#define VIRTIO_ID_ENTROPY 4u

/* Console (§5.3): queue numbers without F_MULTIPORT, and the config space. */
#define VIRTIO_CONSOLE_RECEIVEQ 0u
#define VIRTIO_CONSOLE_TRANSMITQ 1u
#define VIRTIO_CONSOLE_F_SIZE 0u
#define VIRTIO_CONSOLE_F_MULTIPORT 1u
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2u
#define VIRTIO_CONSOLE_CFG_COLS 0x0      /* le16 */
#define VIRTIO_CONSOLE_CFG_ROWS 0x2      /* le16 */
#define VIRTIO_CONSOLE_CFG_MAX_NR_PORTS 0x4 /* le32 */
#define VIRTIO_CONSOLE_CFG_EMERG_WR 0x8  /* le32 */

/* Entropy (§5.4): one queue. */
#define VIRTIO_RNG_REQUESTQ 0u

#endif
