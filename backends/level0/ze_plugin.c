/* ze_plugin.c - the Level Zero backend's entry point and function table.
 *
 * No collectives table: libxhal stages collectives between Level Zero
 * devices through host memory. buffer_host_pointer is left NULL: buffers are
 * device allocations (HOST_VISIBLE requests become shared allocations, which
 * the host still reaches through copies). */
#include "ze_backend.h"

#define ZE_PLUGIN_MINOR 0

static int32_t ze_op_supported_entry(xhal_plugin_device_t *device,
                                     const xhal_plugin_op_desc_t *desc) {
  if (!device || !desc) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, op %p", (void *)device,
                     (const void *)desc);
  }
  return ze_op_supported(device, desc);
}

static int32_t ze_op_launch_entry(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc) {
  if (!stream || !desc) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, op %p", (void *)stream,
                     (const void *)desc);
  }
  return ze_op_launch(stream, desc);
}

static const xhal_plugin_api_v1_t ze_api = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_PLUGIN_API, xhal_plugin_api_v1_t),
    .abi_major = XHAL_PLUGIN_ABI_MAJOR,
    .abi_minor = ZE_PLUGIN_MINOR,
    .name = "level0",
    .version = "0.1.0",
    .instance_create = ze_instance_create,
    .instance_destroy = ze_instance_destroy,
    .device_count = ze_device_count,
    .device_get = ze_device_get,
    .device_get_properties = ze_device_get_properties,
    .buffer_alloc = ze_buffer_alloc,
    .buffer_free = ze_buffer_free,
    .copy_host_to_device = ze_copy_host_to_device,
    .copy_device_to_host = ze_copy_device_to_host,
    .stream_create = ze_stream_create,
    .stream_destroy = ze_stream_destroy,
    .stream_synchronize = ze_stream_synchronize,
    .event_create = ze_event_create,
    .event_destroy = ze_event_destroy,
    .event_record = ze_event_record,
    .stream_wait_event = ze_stream_wait_event,
    .event_query = ze_event_query,
    .event_synchronize = ze_event_synchronize,
    .device_get_link = ze_device_get_link,
    .host_alloc = ze_host_alloc,
    .host_free = ze_host_free,
    .buffer_host_pointer = NULL,
    .buffer_fill = ze_buffer_fill,
    .copy_device_to_device = ze_copy_device_to_device,
    .stream_add_callback = ze_stream_add_callback,
    .event_elapsed_ns = ze_event_elapsed_ns,
    .op_supported = ze_op_supported_entry,
    .op_launch = ze_op_launch_entry,
    .module_create = ze_module_create,
    .module_destroy = ze_module_destroy,
    .module_get_function = ze_module_get_function,
    .kernel_launch = ze_kernel_launch,
    .collectives = NULL,
};

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor,
                                                uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  if (!host || !out_api) return XHAL_STATUS_INVALID_ARGUMENT;
  atomic_store(&ze__host, host);
  if (host->abi_major != XHAL_PLUGIN_ABI_MAJOR || host_min_minor > ZE_PLUGIN_MINOR ||
      host_max_minor < host_min_minor) {
    return ze__error(XHAL_STATUS_INCOMPATIBLE,
                     "level0 backend implements ABI %d.%d; host offers major %u, minors [%u, %u]",
                     XHAL_PLUGIN_ABI_MAJOR, ZE_PLUGIN_MINOR, host->abi_major, host_min_minor,
                     host_max_minor);
  }
  *out_api = &ze_api;
  return XHAL_STATUS_OK;
}
