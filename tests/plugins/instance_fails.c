/* instance_fails.c - libxhal-test-instance-fails.so: a valid table whose
 * instance_create fails with a message (a driver that cannot initialise). The
 * loader must refuse the plugin, naming instance_create and passing the
 * plugin's message on. */
#include "test_plugin_base.h"

static int32_t instance_fails_create(const xhal_plugin_instance_info_t *info,
                                     xhal_plugin_instance_t **out_instance) {
  (void)info;
  (void)out_instance;
  return tp_error(XHAL_STATUS_DEVICE_LOST,
                  "test_instance_fails: simulated driver initialisation failure");
}

static void instance_fails_customize(xhal_plugin_api_v1_t *api) {
  api->name = "test_instance_fails";
  api->instance_create = instance_fails_create;
}

XHAL_PLUGIN_EXPORT int32_t XHAL_PLUGIN_ENTRY_V1(const xhal_host_api_v1_t *host,
                                                uint32_t host_min_minor, uint32_t host_max_minor,
                                                const xhal_plugin_api_v1_t **out_api) {
  return tp_query(host, host_min_minor, host_max_minor, out_api, instance_fails_customize);
}
