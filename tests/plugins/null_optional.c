/* null_optional.c - libxhal-test-null-optional.so: a GOOD plugin with a
 * full-size table in which every optional slot is NULL, the operator and
 * collectives slots included. The host must load it and fall back or report
 * UNIMPLEMENTED/UNSUPPORTED for what is missing, never call a NULL slot. */
#include <stddef.h>

#include "test_plugin_base.h"

static void null_optional_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_null_optional";
  /* The baseline already leaves these NULL; they are spelled out so that
   * this plugin keeps testing what its name says if the baseline grows. */
  api->device_get_link = NULL;
  api->host_alloc = NULL;
  api->host_free = NULL;
  api->buffer_host_pointer = NULL;
  api->buffer_fill = NULL;
  api->copy_device_to_device = NULL;
  api->stream_add_callback = NULL;
  api->event_elapsed_ns = NULL;
  api->op_supported = NULL;
  api->op_launch = NULL;
  api->module_create = NULL;
  api->module_destroy = NULL;
  api->module_get_function = NULL;
  api->kernel_launch = NULL;
  api->collectives = NULL;
}

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, null_optional_customize);
}
