/* bad_minor.c - libxhal-test-bad-minor.so: ignores the host's range and
 * answers a minor newer than this header defines, so it lies outside what any
 * host built from the same header offers. The loader must refuse it, naming
 * the minor version. */
#include "test_plugin_base.h"

static void bad_minor_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_bad_minor";
  api->abi_minor = XHAL_PLUGIN_ABI_MINOR + 1;
}

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, bad_minor_customize);
}
