/* wrong_major.c - libxhal-test-wrong-major.so: the v1 entry hands back a
 * table that declares ABI major 2. The loader must refuse it, naming the
 * major version. */
#include "test_plugin_base.h"

static void wrong_major_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_wrong_major";
  api->abi_major = XHAL_PLUGIN_ABI_MAJOR + 1;
}

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, wrong_major_customize);
}
