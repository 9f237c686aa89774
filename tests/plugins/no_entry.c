/* no_entry.c - libxhal-test-no-entry.so: a plugin built for a hypothetical
 * ABI major 2. It exports xhal_plugin_query_v2 and not xhal_plugin_query_v1,
 * so a major-1 host must refuse it without calling anything, and say that the
 * v1 entry is missing. */
#include "test_plugin_base.h"

XHAL_PLUGIN_EXPORT int32_t xhal_plugin_query_v2(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api);

static void no_entry_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_no_entry";
  api->abi_major = XHAL_PLUGIN_ABI_MAJOR + 1;
}

XHAL_PLUGIN_EXPORT int32_t xhal_plugin_query_v2(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, no_entry_customize);
}
