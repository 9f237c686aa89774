/* plugin_loader.h - dlopen, version negotiation and validation of plugins. */
#ifndef XHAL_HAL_PLUGIN_LOADER_H
#define XHAL_HAL_PLUGIN_LOADER_H

#include <xhal/xhal.h>
#include <xhal/xhal_plugin.h>

/* Range of plugin ABI minors this libxhal accepts. */
#define XHAL__HOST_MIN_MINOR 0
#define XHAL__HOST_MAX_MINOR XHAL_PLUGIN_ABI_MINOR

typedef struct xhal__plugin {
  char *path;
  char *name;    /* copied from the table */
  char *version; /* copied from the table */
  void *library; /* dlopen handle */
  /* The plugin's table copied into a zeroed struct of this libxhal's size,
   * so that slots beyond the plugin's struct_size read as NULL. */
  xhal_plugin_api_v1_t api;
  xhal_plugin_collectives_v1_t collectives; /* same, when api.collectives */
  int has_collectives;
  xhal_plugin_instance_t *instance;
} xhal__plugin_t;

/* Loads, negotiates, validates and instantiates one plugin file. On refusal
 * returns the status (NOT_FOUND, INCOMPATIBLE, ...) and writes the reason to
 * reason (always NUL-terminated). */
xhal_status_t xhal__plugin_load(const char *path, xhal__plugin_t **out_plugin, char *reason,
                                size_t reason_size);
void xhal__plugin_unload(xhal__plugin_t *plugin);

/* Names of the mandatory slots, for messages and tests. */
extern const char *const xhal__mandatory_slot_names[];

#endif
