/* bad_name.c - libxhal-test-bad-name.so: a backend name outside [a-z0-9_]
 * (names become case names, file names and command-line values). The loader
 * must refuse it, quoting the name. */
#include "test_plugin_base.h"

static void bad_name_customize(xhal_plugin_api_v1_t *api) { api->name = "Bad Name/1"; }

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, bad_name_customize);
}
