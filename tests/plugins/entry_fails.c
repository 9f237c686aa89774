/* entry_fails.c - libxhal-test-entry-fails.so: the entry attaches a message
 * with host->set_error and returns INTERNAL. The loader must refuse the
 * plugin and pass the plugin's own message on. */
#include "test_plugin_base.h"

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  (void)host_min_minor;
  (void)host_max_minor;
  (void)out_api;
  tp_set_host(host);
  return tp_error(XHAL_STATUS_INTERNAL, "test_entry_fails: simulated firmware handshake failure");
}
