/* old_minor.c - libxhal-test-old-minor.so: a GOOD plugin that simulates one
 * compiled against an older, shorter table: struct_size ends right after the
 * last mandatory slot (event_synchronize). It must load and work.
 *
 * Memory past an old plugin's table belongs to something else and may well
 * be non-NULL, so the slots past struct_size here hold traps: a host that
 * reads a slot without first checking offsetof(slot) < struct_size calls one
 * and gets INTERNAL with OLD_MINOR_TRAP_TEXT in the message, which the loader
 * cases look for. */
#include <stddef.h>

#include "test_plugin_base.h"

#define OLD_MINOR_TRAP_TEXT "lies beyond the table's struct_size"
#define OLD_MINOR_TRAP(slot)                                                                       \
  tp_error(XHAL_STATUS_INTERNAL, "test_old_minor: the host called %s, which " OLD_MINOR_TRAP_TEXT, \
           slot)

static int32_t trap_device_get_link(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                                    xhal_device_link_t *link) {
  (void)from, (void)to, (void)link;
  return OLD_MINOR_TRAP("device_get_link");
}

static int32_t trap_host_alloc(xhal_plugin_device_t *device, uint64_t size, void **out_ptr) {
  (void)device, (void)size, (void)out_ptr;
  return OLD_MINOR_TRAP("host_alloc");
}

static int32_t trap_host_free(xhal_plugin_device_t *device, void *ptr) {
  (void)device, (void)ptr;
  return OLD_MINOR_TRAP("host_free");
}

static int32_t trap_buffer_host_pointer(xhal_plugin_buffer_t *buffer, void **out_ptr) {
  (void)buffer, (void)out_ptr;
  return OLD_MINOR_TRAP("buffer_host_pointer");
}

static int32_t trap_buffer_fill(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer,
                                uint64_t offset, uint64_t size, uint32_t value) {
  (void)stream, (void)buffer, (void)offset, (void)size, (void)value;
  return OLD_MINOR_TRAP("buffer_fill");
}

static int32_t trap_copy_device_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                          uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                          uint64_t src_offset, uint64_t size) {
  (void)stream, (void)dst, (void)dst_offset, (void)src, (void)src_offset, (void)size;
  return OLD_MINOR_TRAP("copy_device_to_device");
}

static int32_t trap_stream_add_callback(xhal_plugin_stream_t *stream,
                                        xhal_plugin_stream_callback_fn fn, void *user_data) {
  (void)stream, (void)fn, (void)user_data;
  return OLD_MINOR_TRAP("stream_add_callback");
}

static int32_t trap_event_elapsed_ns(xhal_plugin_event_t *start, xhal_plugin_event_t *end,
                                     uint64_t *out_ns) {
  (void)start, (void)end, (void)out_ns;
  return OLD_MINOR_TRAP("event_elapsed_ns");
}

static int32_t trap_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *op) {
  (void)device, (void)op;
  return OLD_MINOR_TRAP("op_supported");
}

static int32_t trap_op_launch(xhal_plugin_stream_t *stream, const xhal_plugin_op_desc_t *op) {
  (void)stream, (void)op;
  return OLD_MINOR_TRAP("op_launch");
}

static int32_t trap_module_create(xhal_plugin_device_t *device, uint32_t format, const void *data,
                                  uint64_t size, const char *options,
                                  xhal_plugin_module_t **out_module) {
  (void)device, (void)format, (void)data, (void)size, (void)options, (void)out_module;
  return OLD_MINOR_TRAP("module_create");
}

static int32_t trap_module_destroy(xhal_plugin_module_t *module) {
  (void)module;
  return OLD_MINOR_TRAP("module_destroy");
}

static int32_t trap_module_get_function(xhal_plugin_module_t *module, const char *name,
                                        xhal_plugin_function_t **out_function) {
  (void)module, (void)name, (void)out_function;
  return OLD_MINOR_TRAP("module_get_function");
}

static int32_t trap_kernel_launch(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                                  const xhal_plugin_kernel_launch_t *launch) {
  (void)stream, (void)function, (void)launch;
  return OLD_MINOR_TRAP("kernel_launch");
}

static void old_minor_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_old_minor";
  api->header.struct_size =
      (uint32_t)(offsetof(xhal_plugin_api_v1_t, event_synchronize) + sizeof api->event_synchronize);
  api->device_get_link = trap_device_get_link;
  api->host_alloc = trap_host_alloc;
  api->host_free = trap_host_free;
  api->buffer_host_pointer = trap_buffer_host_pointer;
  api->buffer_fill = trap_buffer_fill;
  api->copy_device_to_device = trap_copy_device_to_device;
  api->stream_add_callback = trap_stream_add_callback;
  api->event_elapsed_ns = trap_event_elapsed_ns;
  api->op_supported = trap_op_supported;
  api->op_launch = trap_op_launch;
  api->module_create = trap_module_create;
  api->module_destroy = trap_module_destroy;
  api->module_get_function = trap_module_get_function;
  api->kernel_launch = trap_kernel_launch;
}

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, old_minor_customize);
}
