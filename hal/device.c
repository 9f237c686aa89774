/* device.c - device records, properties, topology and pinned host memory. */
#include "device.h"

#include <stdlib.h>
#include <string.h>

#include "handle_registry.h"
#include "status.h"

xhal_status_t xhal__device_create(xhal_context_t *context, xhal__plugin_t *plugin,
                                  xhal_plugin_device_t *native, uint32_t index,
                                  xhal_device_t **out_device) {
  xhal_device_t *device = calloc(1, sizeof *device);
  if (!device) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "%s: device record", plugin->name);
  device->context = context;
  device->plugin = plugin;
  device->native = native;
  device->index = index;
  device->properties.header.stype = XHAL_STYPE_DEVICE_PROPERTIES;
  device->properties.header.struct_size = sizeof device->properties;
  xhal_status_t status =
      XHAL__PLUGIN_CALL(device, device_get_properties, native, &device->properties);
  /* The plugin must not rewrite the header; restore it in case it did. */
  device->properties.header.stype = XHAL_STYPE_DEVICE_PROPERTIES;
  device->properties.header.struct_size = sizeof device->properties;
  device->properties.header.next = NULL;
  device->properties.name[XHAL_NAME_MAX - 1] = '\0';
  device->properties.vendor[XHAL_NAME_MAX - 1] = '\0';
  if (status == XHAL_STATUS_OK) status = xhal__handle_register(device, XHAL__HANDLE_DEVICE);
  if (status != XHAL_STATUS_OK) {
    free(device);
    return status;
  }
  pthread_mutex_init(&device->staging_mutex, NULL);
  *out_device = device;
  return XHAL_STATUS_OK;
}

void xhal__device_destroy(xhal_device_t *device) {
  if (!device) return;
  xhal__handle_unregister(device);
  if (device->staging_stream) device->plugin->api.stream_destroy(device->staging_stream);
  pthread_mutex_destroy(&device->staging_mutex);
  free(device);
}

xhal_status_t xhal__device_staging_acquire(xhal_device_t *device,
                                           xhal_plugin_stream_t **out_stream) {
  pthread_mutex_lock(&device->staging_mutex);
  if (!device->staging_stream) {
    xhal_status_t status =
        XHAL__PLUGIN_CALL(device, stream_create, device->native, &device->staging_stream);
    if (status != XHAL_STATUS_OK) {
      device->staging_stream = NULL;
      pthread_mutex_unlock(&device->staging_mutex);
      return status;
    }
  }
  *out_stream = device->staging_stream;
  return XHAL_STATUS_OK;
}

void xhal__device_staging_release(xhal_device_t *device) {
  pthread_mutex_unlock(&device->staging_mutex);
}

XHAL_API xhal_status_t xhal_device_properties(xhal_device_t *device,
                                              xhal_device_properties_t *properties) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_device_properties", "device", device, XHAL__HANDLE_DEVICE));
  if (!properties) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_device_properties: properties is NULL");
  }
  uint32_t wanted = properties->header.struct_size;
  if (wanted < sizeof(xhal_struct_header_t)) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "xhal_device_properties: properties->header.struct_size %u is smaller "
                       "than the header",
                       wanted);
  }
  size_t size = wanted < sizeof device->properties ? wanted : sizeof device->properties;
  const void *next = properties->header.next;
  memcpy((char *)properties + sizeof(xhal_struct_header_t),
         (const char *)&device->properties + sizeof(xhal_struct_header_t),
         size - sizeof(xhal_struct_header_t));
  properties->header.stype = XHAL_STYPE_DEVICE_PROPERTIES;
  properties->header.struct_size = wanted;
  properties->header.next = next;
  return XHAL_STATUS_OK;
}

XHAL_API const char *xhal_device_backend(xhal_device_t *device) {
  if (!xhal__handle_is_live(device, XHAL__HANDLE_DEVICE)) return "";
  return device->plugin->name;
}

XHAL_API xhal_status_t xhal_device_link(xhal_device_t *from, xhal_device_t *to,
                                        xhal_device_link_t *link) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_device_link", "from", from, XHAL__HANDLE_DEVICE));
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_device_link", "to", to, XHAL__HANDLE_DEVICE));
  if (!link) return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_device_link: link is NULL");
  xhal_device_link_t result = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_DEVICE_LINK, xhal_device_link_t),
  };
  if (from == to) {
    result.peer_copy = 1;
    result.same_memory = 1;
    result.bandwidth_bps = from->properties.memory_bandwidth_bps;
  } else if (from->plugin == to->plugin && from->plugin->api.device_get_link) {
    XHAL_RETURN_IF_ERROR(
        XHAL__PLUGIN_CALL(from, device_get_link, from->native, to->native, &result));
    result.header.stype = XHAL_STYPE_DEVICE_LINK;
    result.header.struct_size = sizeof result;
    result.header.next = NULL;
  }
  /* Otherwise: different plugins never copy peer to peer; the HAL stages. */
  *link = result;
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_host_alloc(xhal_device_t *device, uint64_t size, void **out_ptr) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_host_alloc", "device", device, XHAL__HANDLE_DEVICE));
  if (!out_ptr) return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_host_alloc: out_ptr is NULL");
  if (device->plugin->api.host_alloc && device->plugin->api.host_free) {
    return XHAL__PLUGIN_CALL(device, host_alloc, device->native, size, out_ptr);
  }
  void *ptr = malloc(size ? size : 1);
  if (!ptr) {
    return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_host_alloc(%llu bytes): out of memory",
                       (unsigned long long)size);
  }
  *out_ptr = ptr;
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_host_free(xhal_device_t *device, void *ptr) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_host_free", "device", device, XHAL__HANDLE_DEVICE));
  if (!ptr) return XHAL_STATUS_OK;
  if (device->plugin->api.host_alloc && device->plugin->api.host_free) {
    return XHAL__PLUGIN_CALL(device, host_free, device->native, ptr);
  }
  free(ptr);
  return XHAL_STATUS_OK;
}
