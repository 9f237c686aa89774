/* event.h - completion markers on streams, waitable across backends. */
#ifndef XHAL_HAL_EVENT_H
#define XHAL_HAL_EVENT_H

#include <stdatomic.h>

#include "device.h"

struct xhal_event {
  xhal_device_t *device;
  xhal_plugin_event_t *native;
  /* One reference for the user's handle, one per pending cross-backend wait,
   * so a wait enqueued on another backend's stream may outlive
   * xhal_event_destroy. */
  atomic_uint references;
};

#endif
