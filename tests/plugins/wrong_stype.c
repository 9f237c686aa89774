/* wrong_stype.c - libxhal-test-wrong-stype.so: the table's header carries the
 * stype of the host table instead of XHAL_STYPE_PLUGIN_API (a plugin that
 * returned the wrong struct). The loader must refuse it, naming the stype. */
#include "test_plugin_base.h"

static void wrong_stype_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_wrong_stype";
  api->header.stype = XHAL_STYPE_HOST_API;
}

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, wrong_stype_customize);
}
