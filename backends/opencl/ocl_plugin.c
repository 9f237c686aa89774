/* ocl_plugin.c - the OpenCL backend's entry point and function table.
 *
 * No collectives table: each device has a cl_context of its own, so no
 * OpenCL command can touch two devices' buffers; libxhal stages collectives
 * between OpenCL devices through host memory. */
#include <xhal/xhal_plugin.h>

#include "ocl_buffer.h"
#include "ocl_device.h"
#include "ocl_error.h"
#include "ocl_event.h"
#include "ocl_module.h"
#include "ocl_op.h"
#include "ocl_stream.h"

#define OCL_PLUGIN_MINOR 0

static int32_t ocl_op_supported_entry(xhal_plugin_device_t *device,
                                      const xhal_plugin_op_desc_t *desc) {
  if (!device || !desc) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, op %p", (void *)device,
                     (const void *)desc);
  }
  return ocl_op_supported(device, desc);
}

static int32_t ocl_op_launch_entry(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc) {
  if (!stream || !desc) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, op %p", (void *)stream,
                     (const void *)desc);
  }
  return ocl_op_launch(stream, desc);
}

static const xhal_plugin_api_v1_t ocl_api = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_PLUGIN_API, xhal_plugin_api_v1_t),
    .abi_major = XHAL_PLUGIN_ABI_MAJOR,
    .abi_minor = OCL_PLUGIN_MINOR,
    .name = "opencl",
    .version = "0.1.0",
    .instance_create = ocl_instance_create,
    .instance_destroy = ocl_instance_destroy,
    .device_count = ocl_device_count,
    .device_get = ocl_device_get,
    .device_get_properties = ocl_device_get_properties,
    .buffer_alloc = ocl_buffer_alloc,
    .buffer_free = ocl_buffer_free,
    .copy_host_to_device = ocl_copy_host_to_device,
    .copy_device_to_host = ocl_copy_device_to_host,
    .stream_create = ocl_stream_create,
    .stream_destroy = ocl_stream_destroy,
    .stream_synchronize = ocl_stream_synchronize,
    .event_create = ocl_event_create,
    .event_destroy = ocl_event_destroy,
    .event_record = ocl_event_record,
    .stream_wait_event = ocl_stream_wait_event,
    .event_query = ocl_event_query,
    .event_synchronize = ocl_event_synchronize,
    .device_get_link = ocl_device_get_link,
    .host_alloc = ocl_host_alloc,
    .host_free = ocl_host_free,
    .buffer_fill = ocl_buffer_fill,
    .copy_device_to_device = ocl_copy_device_to_device,
    .stream_add_callback = ocl_stream_add_callback,
    .event_elapsed_ns = ocl_event_elapsed_ns,
    .op_supported = ocl_op_supported_entry,
    .op_launch = ocl_op_launch_entry,
    .module_create = ocl_module_create,
    .module_destroy = ocl_module_destroy,
    .module_get_function = ocl_module_get_function,
    .kernel_launch = ocl_kernel_launch,
    .collectives = NULL,
};

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor,
                                                uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  if (!host || !out_api) return XHAL_STATUS_INVALID_ARGUMENT;
  atomic_store(&ocl__host, host);
  /* The backend implements minor 0, inside every range whose minimum is 0. */
  if (host->abi_major != XHAL_PLUGIN_ABI_MAJOR || host_min_minor > OCL_PLUGIN_MINOR ||
      host_max_minor < host_min_minor) {
    return ocl_error(XHAL_STATUS_INCOMPATIBLE,
                     "opencl backend implements ABI %d.%d; host offers major %u, minors [%u, %u]",
                     XHAL_PLUGIN_ABI_MAJOR, OCL_PLUGIN_MINOR, host->abi_major, host_min_minor,
                     host_max_minor);
  }
  *out_api = &ocl_api;
  return XHAL_STATUS_OK;
}
