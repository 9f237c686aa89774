/* device.h - a device of a loaded plugin. */
#ifndef XHAL_HAL_DEVICE_H
#define XHAL_HAL_DEVICE_H

#include <pthread.h>

#include "plugin_loader.h"

struct xhal_device {
  xhal_context_t *context;
  xhal__plugin_t *plugin;
  xhal_plugin_device_t *native;
  uint32_t index; /* in the context */
  xhal_device_properties_t properties;
  /* A stream of the HAL's own for staged copies, made on first use. */
  pthread_mutex_t staging_mutex;
  xhal_plugin_stream_t *staging_stream;
};

/* Creates the device record (properties fetched once). */
xhal_status_t xhal__device_create(xhal_context_t *context, xhal__plugin_t *plugin,
                                  xhal_plugin_device_t *native, uint32_t index,
                                  xhal_device_t **out_device);
void xhal__device_destroy(xhal_device_t *device);

/* Locks the device's staging stream (creating it on first use) for a
 * synchronous copy; unlock with xhal__device_staging_release. */
xhal_status_t xhal__device_staging_acquire(xhal_device_t *device,
                                           xhal_plugin_stream_t **out_stream);
void xhal__device_staging_release(xhal_device_t *device);

#endif
