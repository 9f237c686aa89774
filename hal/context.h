/* context.h - a context: the plugins it loaded and the devices they expose. */
#ifndef XHAL_HAL_CONTEXT_H
#define XHAL_HAL_CONTEXT_H

#include <pthread.h>
#include "plugin_loader.h"

typedef struct xhal__plugin_record {
  char *path;
  xhal_status_t status;
  char *message;
  xhal__plugin_t *plugin; /* NULL when refused */
  uint32_t device_count;
} xhal__plugin_record_t;

struct xhal_context {
  pthread_mutex_t mutex;
  xhal__plugin_record_t *records;
  uint32_t record_count;
  xhal_device_t **devices;
  uint32_t device_count;
};

#endif
