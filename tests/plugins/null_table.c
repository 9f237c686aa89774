/* null_table.c - libxhal-test-null-table.so: the entry returns OK but writes
 * a NULL table. The loader must refuse it instead of dereferencing NULL. */
#include <stddef.h>

#include "test_plugin_base.h"

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  (void)host_min_minor;
  (void)host_max_minor;
  tp_set_host(host);
  if (out_api) *out_api = NULL;
  return XHAL_STATUS_OK;
}
