/* missing_mandatory.c - libxhal-test-missing-mandatory.so: a complete table
 * except that the mandatory slot stream_synchronize is NULL. The loader must
 * refuse it at load time, naming the slot, instead of crashing later. */
#include "test_plugin_base.h"

static void missing_mandatory_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_missing_mandatory";
  api->stream_synchronize = NULL;
}

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, missing_mandatory_customize);
}
