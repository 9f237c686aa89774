/* cpu_plugin.c - the CPU backend's entry point and function table. */
#include <xhal/xhal_plugin.h>

#include "cpu_buffer.h"
#include "cpu_collectives.h"
#include "cpu_device.h"
#include "cpu_error.h"
#include "cpu_event.h"
#include "cpu_op.h"
#include "cpu_stream.h"

#define CPU_PLUGIN_MINOR 0

static int32_t cpu_op_supported_entry(xhal_plugin_device_t *device,
                                      const xhal_plugin_op_desc_t *desc) {
  if (!device || !desc) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "op_supported: device %p, op %p",
                     (void *)device, (const void *)desc);
  }
  return cpu_op_supported(device, desc);
}

static int32_t cpu_op_execute_task(void *arg) { return cpu_op_execute(arg); }

static void cpu_op_release_task(void *arg) { cpu_op_call_free(arg); }

static int32_t cpu_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *desc) {
  if (!stream || !desc) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "op_launch: stream %p, op %p", (void *)stream,
                     (const void *)desc);
  }
  cpu_op_call_t *call = NULL;
  CPU_RETURN_IF_ERROR(cpu_op_prepare(cpu_stream_device(stream), desc, &call));
  int32_t status = cpu_stream_enqueue(stream, cpu_op_execute_task, cpu_op_release_task, call);
  if (status != XHAL_STATUS_OK) cpu_op_call_free(call);
  return status;
}

static const xhal_plugin_api_v1_t cpu_api = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_PLUGIN_API, xhal_plugin_api_v1_t),
    .abi_major = XHAL_PLUGIN_ABI_MAJOR,
    .abi_minor = CPU_PLUGIN_MINOR,
    .name = "cpu",
    .version = "0.1.0",
    .instance_create = cpu_instance_create,
    .instance_destroy = cpu_instance_destroy,
    .device_count = cpu_device_count,
    .device_get = cpu_device_get,
    .device_get_properties = cpu_device_get_properties,
    .buffer_alloc = cpu_buffer_alloc,
    .buffer_free = cpu_buffer_free,
    .copy_host_to_device = cpu_copy_host_to_device,
    .copy_device_to_host = cpu_copy_device_to_host,
    .stream_create = cpu_stream_create,
    .stream_destroy = cpu_stream_destroy,
    .stream_synchronize = cpu_stream_synchronize,
    .event_create = cpu_event_create,
    .event_destroy = cpu_event_destroy,
    .event_record = cpu_event_record,
    .stream_wait_event = cpu_stream_wait_event,
    .event_query = cpu_event_query,
    .event_synchronize = cpu_event_synchronize,
    .device_get_link = cpu_device_get_link,
    .host_alloc = cpu_host_alloc,
    .host_free = cpu_host_free,
    .buffer_host_pointer = cpu_buffer_host_pointer,
    .buffer_fill = cpu_buffer_fill,
    .copy_device_to_device = cpu_copy_device_to_device,
    .stream_add_callback = cpu_stream_add_callback,
    .event_elapsed_ns = cpu_event_elapsed_ns,
    .op_supported = cpu_op_supported_entry,
    .op_launch = cpu_op_launch,
    .collectives = &cpu_collectives_v1,
};

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor,
                                                uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  if (!host || !out_api) return XHAL_STATUS_INVALID_ARGUMENT;
  cpu__host = host;
  /* The backend implements minor 0, which every host range contains unless
   * the host's minimum is above it. */
  if (host->abi_major != XHAL_PLUGIN_ABI_MAJOR || host_min_minor > CPU_PLUGIN_MINOR ||
      host_max_minor < host_min_minor) {
    return cpu_error(XHAL_STATUS_INCOMPATIBLE,
                     "cpu backend implements ABI %d.%d; host offers major %u, minors [%u, %u]",
                     XHAL_PLUGIN_ABI_MAJOR, CPU_PLUGIN_MINOR, host->abi_major, host_min_minor,
                     host_max_minor);
  }
  *out_api = &cpu_api;
  return XHAL_STATUS_OK;
}
