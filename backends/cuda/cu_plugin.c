/* cu_plugin.c - the CUDA backend's entry point and function table.
 *
 * The plugin links against nothing of CUDA: the driver (libcuda.so.1) and
 * NCCL (libnccl.so.2) are loaded at run time (cu_driver.h, cu_nccl.h), so it
 * loads on every machine and reports, at INFO level, why it has no device
 * where there is no usable GPU. docs/cuda-backend.md describes it. */
#include <xhal/xhal_plugin.h>

#include "cu_buffer.h"
#include "cu_collectives.h"
#include "cu_device.h"
#include "cu_error.h"
#include "cu_event.h"
#include "cu_module.h"
#include "cu_op.h"
#include "cu_stream.h"

#define CU_PLUGIN_MINOR 0

static int32_t cu_op_supported_entry(xhal_plugin_device_t *device,
                                     const xhal_plugin_op_desc_t *desc) {
  if (!device || !desc) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, op %p", (void *)device,
                    (const void *)desc);
  }
  return cu_op_supported(device, desc);
}

static int32_t cu_op_launch_entry(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc) {
  if (!stream || !desc) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, op %p", (void *)stream,
                    (const void *)desc);
  }
  return cu_op_launch(stream, desc);
}

static const xhal_plugin_api_v1_t cu_plugin_api = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_PLUGIN_API, xhal_plugin_api_v1_t),
    .abi_major = XHAL_PLUGIN_ABI_MAJOR,
    .abi_minor = CU_PLUGIN_MINOR,
    .name = "cuda",
    .version = "0.1.0",
    .instance_create = cu_instance_create,
    .instance_destroy = cu_instance_destroy,
    .device_count = cu_device_count,
    .device_get = cu_device_get,
    .device_get_properties = cu_device_get_properties,
    .buffer_alloc = cu_buffer_alloc,
    .buffer_free = cu_buffer_free,
    .copy_host_to_device = cu_copy_host_to_device,
    .copy_device_to_host = cu_copy_device_to_host,
    .stream_create = cu_stream_create,
    .stream_destroy = cu_stream_destroy,
    .stream_synchronize = cu_stream_synchronize,
    .event_create = cu_event_create,
    .event_destroy = cu_event_destroy,
    .event_record = cu_event_record,
    .stream_wait_event = cu_stream_wait_event,
    .event_query = cu_event_query,
    .event_synchronize = cu_event_synchronize,
    .device_get_link = cu_device_get_link,
    .host_alloc = cu_host_alloc,
    .host_free = cu_host_free,
    .buffer_host_pointer = NULL, /* device memory is not host-visible */
    .buffer_fill = cu_buffer_fill,
    .copy_device_to_device = cu_copy_device_to_device,
    .stream_add_callback = cu_stream_add_callback,
    .event_elapsed_ns = cu_event_elapsed_ns,
    .op_supported = cu_op_supported_entry,
    .op_launch = cu_op_launch_entry,
    .module_create = cu_module_create,
    .module_destroy = cu_module_destroy,
    .module_get_function = cu_module_get_function,
    .kernel_launch = cu_kernel_launch,
    .collectives = &cu_collectives_v1,
};

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor,
                                                uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  if (!host || !out_api) return XHAL_STATUS_INVALID_ARGUMENT;
  atomic_store(&cu__host, host);
  /* Minor 0 is in every range whose minimum is 0. */
  if (host->abi_major != XHAL_PLUGIN_ABI_MAJOR || host_min_minor > CU_PLUGIN_MINOR ||
      host_max_minor < host_min_minor) {
    return cu_error(XHAL_STATUS_INCOMPATIBLE,
                    "cuda backend implements ABI %d.%d; host offers major %u, minors [%u, %u]",
                    XHAL_PLUGIN_ABI_MAJOR, CU_PLUGIN_MINOR, host->abi_major, host_min_minor,
                    host_max_minor);
  }
  *out_api = &cu_plugin_api;
  return XHAL_STATUS_OK;
}
