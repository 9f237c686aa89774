/* collectives.h - communicators: a set of devices (one per rank) that run
 * collectives natively through their plugin's collectives table, or staged
 * through host memory by libxhal. docs/collectives.md describes both paths. */
#ifndef XHAL_HAL_COLLECTIVES_H
#define XHAL_HAL_COLLECTIVES_H

#include <stdatomic.h>

#include "device.h"

struct xhal_communicator {
  xhal__plugin_t *plugin;             /* native: the plugin of every device */
  xhal_plugin_communicator_t *native; /* NULL: host-staged */
  atomic_int aborted;
  uint32_t size;
  xhal_device_t *devices[]; /* [size], rank i = devices[i] */
};

#endif
