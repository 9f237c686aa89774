/* device_count_fails.c - libxhal-test-device-count-fails.so: the instance is
 * created, but device_count fails with a message. The host must refuse the
 * plugin as a whole (no half-listed devices), naming device_count and
 * passing the plugin's message on. */
#include "test_plugin_base.h"

static int32_t device_count_fails_count(xhal_plugin_instance_t *instance, uint32_t *out_count) {
  (void)instance;
  (void)out_count;
  return tp_error(XHAL_STATUS_DEVICE_LOST,
                  "test_device_count_fails: simulated device enumeration failure");
}

static void device_count_fails_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_device_count_fails";
  api->device_count = device_count_fails_count;
}

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, device_count_fails_customize);
}
