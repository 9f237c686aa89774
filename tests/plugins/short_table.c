/* short_table.c - libxhal-test-short-table.so: the table's struct_size ends
 * at stream_create, in the middle of the mandatory slots, as if the plugin
 * had been built against a header that never existed. The loader must refuse
 * it, naming struct_size, and must not read the slots past the end. */
#include <stddef.h>

#include "test_plugin_base.h"

static void short_table_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_short_table";
  api->header.struct_size = (uint32_t)offsetof(xhal_plugin_api_v1_t, stream_create);
}

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, short_table_customize);
}
