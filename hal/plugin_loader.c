/* plugin_loader.c - turns a file into a validated, instantiated plugin, or a
 * refusal whose message names the defect. Nothing the plugin returns is
 * trusted before it has been checked here. */
#include "plugin_loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "status.h"

/* The mandatory slots, in table order. The loader rejects a plugin whose table
 * ends before the last of them or leaves any of them NULL. */
#define XHAL__MANDATORY_SLOTS(X)                                                                   \
  X(instance_create)                                                                               \
  X(instance_destroy)                                                                              \
  X(device_count)                                                                                  \
  X(device_get)                                                                                    \
  X(device_get_properties)                                                                         \
  X(buffer_alloc)                                                                                  \
  X(buffer_free)                                                                                   \
  X(copy_host_to_device)                                                                           \
  X(copy_device_to_host)                                                                           \
  X(stream_create)                                                                                 \
  X(stream_destroy)                                                                                \
  X(stream_synchronize)                                                                            \
  X(event_create)                                                                                  \
  X(event_destroy)                                                                                 \
  X(event_record)                                                                                  \
  X(stream_wait_event)                                                                             \
  X(event_query)                                                                                   \
  X(event_synchronize)

const char *const xhal__mandatory_slot_names[] = {
#define XHAL__SLOT_NAME(slot) #slot,
    XHAL__MANDATORY_SLOTS(XHAL__SLOT_NAME)
#undef XHAL__SLOT_NAME
        NULL};

/* End of the mandatory part: the last mandatory slot is event_synchronize. */
#define XHAL__MANDATORY_END                                                                        \
  (offsetof(xhal_plugin_api_v1_t, event_synchronize) +                                             \
   sizeof(((xhal_plugin_api_v1_t *)0)->event_synchronize))

static const xhal_host_api_v1_t xhal__host_api = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_HOST_API, xhal_host_api_v1_t),
    .abi_major = XHAL_PLUGIN_ABI_MAJOR,
    .abi_minor = XHAL_PLUGIN_ABI_MINOR,
    .set_error = xhal__host_set_error,
    .log = xhal__host_log,
};

static xhal_status_t xhal__refuse(char *reason, size_t reason_size, xhal_status_t status,
                                  const char *format, ...) __attribute__((format(printf, 4, 5)));

static xhal_status_t xhal__refuse(char *reason, size_t reason_size, xhal_status_t status,
                                  const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(reason, reason_size, format, args);
  va_end(args);
  return status;
}

static int xhal__valid_backend_name(const char *name) {
  if (!name || !*name || strlen(name) > 32) return 0;
  for (const char *c = name; *c; ++c) {
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) return 0;
  }
  return 1;
}

/* Explains a missing v1 entry: a plugin for another major exports another
 * name, which deserves a clearer message than "symbol not found". */
static xhal_status_t xhal__refuse_missing_entry(void *library, const char *path, char *reason,
                                                size_t reason_size) {
  for (int major = 2; major <= 9; ++major) {
    char symbol[32];
    snprintf(symbol, sizeof symbol, "xhal_plugin_query_v%d", major);
    if (dlsym(library, symbol)) {
      return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,
                          "%s: exports %s, not %s: built for plugin ABI major %d, this "
                          "libxhal speaks major %d",
                          path, symbol, XHAL_PLUGIN_ENTRY_V1_NAME, major, XHAL_PLUGIN_ABI_MAJOR);
    }
  }
  return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,
                      "%s: no entry symbol %s: not an xhal plugin, or built for another major",
                      path, XHAL_PLUGIN_ENTRY_V1_NAME);
}

static xhal_status_t xhal__check_table(const xhal_plugin_api_v1_t *api, const char *path,
                                       char *reason, size_t reason_size) {
  if (!api) {
    return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,
                        "%s: %s returned OK but no function table", path,
                        XHAL_PLUGIN_ENTRY_V1_NAME);
  }
  if (api->header.stype != XHAL_STYPE_PLUGIN_API) {
    return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,
                        "%s: function table has stype %u, expected %u (XHAL_STYPE_PLUGIN_API)",
                        path, api->header.stype, (unsigned)XHAL_STYPE_PLUGIN_API);
  }
  if (api->header.struct_size < offsetof(xhal_plugin_api_v1_t, instance_create)) {
    return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,
                        "%s: function table struct_size %u is too small to hold even its "
                        "version fields (%zu bytes)",
                        path, api->header.struct_size,
                        offsetof(xhal_plugin_api_v1_t, instance_create));
  }
  if (api->abi_major != XHAL_PLUGIN_ABI_MAJOR) {
    return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,
                        "%s: function table declares ABI major %u, this libxhal speaks major %d",
                        path, api->abi_major, XHAL_PLUGIN_ABI_MAJOR);
  }
  /* The lower bound is 0 today, so only the upper one can be violated; the
   * minimum is checked again once a future host raises it. */
  if (api->abi_minor > XHAL__HOST_MAX_MINOR) {
    return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,
                        "%s: plugin answered ABI minor %u, outside the offered range [%d, %d]",
                        path, api->abi_minor, XHAL__HOST_MIN_MINOR, XHAL__HOST_MAX_MINOR);
  }
  if (api->header.struct_size < XHAL__MANDATORY_END) {
    return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,
                        "%s: function table struct_size %u ends before the mandatory slots end "
                        "(%zu bytes, through event_synchronize)",
                        path, api->header.struct_size, (size_t)XHAL__MANDATORY_END);
  }
#define XHAL__CHECK_SLOT(slot)                                                                     \
  if (!api->slot) {                                                                                \
    return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,                             \
                        "%s: mandatory function '%s' is NULL", path, #slot);                       \
  }
  XHAL__MANDATORY_SLOTS(XHAL__CHECK_SLOT)
#undef XHAL__CHECK_SLOT
  if (!xhal__valid_backend_name(api->name)) {
    return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE,
                        "%s: backend name '%s' is not 1-32 characters of [a-z0-9_]", path,
                        api->name ? api->name : "(null)");
  }
  return XHAL_STATUS_OK;
}

/* Copies the optional collectives table; a malformed one is dropped with a
 * warning (the HAL then stages collectives), not fatal: it is optional. */
static void xhal__adopt_collectives(xhal__plugin_t *plugin) {
  const xhal_plugin_collectives_v1_t *table = plugin->api.collectives;
  plugin->api.collectives = NULL;
  if (!table) return;
  char message[256];
  size_t needed = offsetof(xhal_plugin_collectives_v1_t, group_begin);
  if (table->header.stype != XHAL_STYPE_COLLECTIVES_API || table->version != 1 ||
      table->header.struct_size < needed || !table->communicator_create ||
      !table->communicator_destroy || !table->communicator_abort || !table->all_reduce ||
      !table->broadcast || !table->all_gather || !table->reduce_scatter || !table->send_recv) {
    snprintf(message, sizeof message,
             "%s: collectives table malformed (stype %u, version %u, struct_size %u or a NULL "
             "function); using host-staged collectives",
             plugin->path, table->header.stype, table->version, table->header.struct_size);
    xhal__host_log(XHAL_LOG_WARNING, message);
    return;
  }
  size_t size = table->header.struct_size < sizeof plugin->collectives
                    ? table->header.struct_size
                    : sizeof plugin->collectives;
  memset(&plugin->collectives, 0, sizeof plugin->collectives);
  memcpy(&plugin->collectives, table, size);
  plugin->has_collectives = 1;
}

xhal_status_t xhal__plugin_load(const char *path, xhal__plugin_t **out_plugin, char *reason,
                                size_t reason_size) {
  reason[0] = '\0';
  struct stat info;
  if (stat(path, &info) != 0) {
    return xhal__refuse(reason, reason_size, XHAL_STATUS_NOT_FOUND, "%s: %s", path,
                        strerror(errno));
  }
  /* RTLD_NODELETE: a backend's dependencies (BLAS, drivers) may own threads
   * that outlive instance_destroy; unmapping their code would crash them. */
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!library) {
    return xhal__refuse(reason, reason_size, XHAL_STATUS_INCOMPATIBLE, "dlopen(%s): %s", path,
                        dlerror());
  }
  xhal_plugin_query_v1_fn entry = NULL;
  *(void **)&entry = dlsym(library, XHAL_PLUGIN_ENTRY_V1_NAME);
  if (!entry) {
    xhal_status_t status = xhal__refuse_missing_entry(library, path, reason, reason_size);
    dlclose(library);
    return status;
  }

  const xhal_plugin_api_v1_t *api = NULL;
  xhal__plugin_message_clear();
  int32_t entry_status = entry(&xhal__host_api, XHAL__HOST_MIN_MINOR, XHAL__HOST_MAX_MINOR, &api);
  if (entry_status != XHAL_STATUS_OK) {
    const char *detail = xhal__plugin_message();
    xhal_status_t status = entry_status == XHAL_STATUS_INCOMPATIBLE ? XHAL_STATUS_INCOMPATIBLE
                                                                    : XHAL_STATUS_INTERNAL;
    xhal__refuse(reason, reason_size, status, "%s: entry %s failed with status %d (%s)%s%s",
                 path, XHAL_PLUGIN_ENTRY_V1_NAME, (int)entry_status,
                 xhal_status_string((xhal_status_t)entry_status), detail[0] ? ": " : "", detail);
    dlclose(library);
    return status;
  }
  xhal_status_t status = xhal__check_table(api, path, reason, reason_size);
  if (status != XHAL_STATUS_OK) {
    dlclose(library);
    return status;
  }

  xhal__plugin_t *plugin = calloc(1, sizeof *plugin);
  if (!plugin) {
    dlclose(library);
    return xhal__refuse(reason, reason_size, XHAL_STATUS_OUT_OF_MEMORY, "%s: out of memory",
                        path);
  }
  size_t table_size =
      api->header.struct_size < sizeof plugin->api ? api->header.struct_size : sizeof plugin->api;
  memcpy(&plugin->api, api, table_size);
  plugin->api.header.struct_size = (uint32_t)table_size;
  plugin->library = library;
  plugin->path = strdup(path);
  plugin->name = strdup(api->name);
  plugin->version = strdup(api->version ? api->version : "");
  if (!plugin->path || !plugin->name || !plugin->version) {
    xhal__plugin_unload(plugin);
    return xhal__refuse(reason, reason_size, XHAL_STATUS_OUT_OF_MEMORY, "%s: out of memory",
                        path);
  }
  xhal__adopt_collectives(plugin);

  xhal_plugin_instance_info_t instance_info = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_INSTANCE_INFO, xhal_plugin_instance_info_t),
  };
  xhal__plugin_message_clear();
  int32_t create_status = plugin->api.instance_create(&instance_info, &plugin->instance);
  if (create_status != XHAL_STATUS_OK || !plugin->instance) {
    const char *detail = xhal__plugin_message();
    xhal__refuse(reason, reason_size, XHAL_STATUS_INTERNAL,
                 "%s: instance_create failed with status %d (%s)%s%s", path, (int)create_status,
                 xhal_status_string((xhal_status_t)create_status), detail[0] ? ": " : "", detail);
    plugin->instance = NULL;
    xhal__plugin_unload(plugin);
    return XHAL_STATUS_INTERNAL;
  }
  *out_plugin = plugin;
  return XHAL_STATUS_OK;
}

void xhal__plugin_unload(xhal__plugin_t *plugin) {
  if (!plugin) return;
  if (plugin->instance) plugin->api.instance_destroy(plugin->instance);
  if (plugin->library) dlclose(plugin->library);
  free(plugin->path);
  free(plugin->name);
  free(plugin->version);
  free(plugin);
}
