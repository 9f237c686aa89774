/* context.c - plugin discovery and the context's list of plugins and devices. */
#include "context.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device.h"
#include "handle_registry.h"
#include "status.h"

#ifndef XHAL_PLUGIN_DIR
#define XHAL_PLUGIN_DIR "/usr/local/lib/xhal"
#endif

#define XHAL__REASON_MAX 1024

static int xhal__compare_strings(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int xhal__is_directory(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

/* "libxhal-cpu.so" -> 1; plugins in a directory are found by this name. */
static int xhal__is_plugin_file_name(const char *name) {
  size_t length = strlen(name);
  return strncmp(name, "libxhal-", 8) == 0 && length > 11 &&
         strcmp(name + length - 3, ".so") == 0;
}

/* Index of an already loaded plugin with this file's base name, or -1; the
 * first directory on the search path wins, as with PATH. */
static int xhal__find_loaded_by_basename(xhal_context_t *context, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  for (uint32_t i = 0; i < context->record_count; ++i) {
    const xhal__plugin_record_t *record = &context->records[i];
    if (!record->plugin) continue;
    const char *other = strrchr(record->path, '/');
    other = other ? other + 1 : record->path;
    if (strcmp(base, other) == 0) return (int)i;
  }
  return -1;
}

static xhal_status_t xhal__add_devices(xhal_context_t *context, xhal__plugin_record_t *record) {
  xhal__plugin_t *plugin = record->plugin;
  uint32_t count = 0;
  xhal__plugin_message_clear();
  xhal_status_t status = xhal__from_plugin(
      plugin->name, "device_count", plugin->api.device_count(plugin->instance, &count));
  if (status != XHAL_STATUS_OK) return status;
  xhal_device_t **devices =
      realloc(context->devices, (context->device_count + count) * sizeof *devices + 1);
  if (!devices) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "%s: device list", plugin->name);
  context->devices = devices;
  for (uint32_t i = 0; i < count; ++i) {
    xhal_plugin_device_t *native = NULL;
    xhal__plugin_message_clear();
    status = xhal__from_plugin(plugin->name, "device_get",
                               plugin->api.device_get(plugin->instance, i, &native));
    if (status != XHAL_STATUS_OK) return status;
    xhal_device_t *device = NULL;
    XHAL_RETURN_IF_ERROR(
        xhal__device_create(context, plugin, native, context->device_count, &device));
    context->devices[context->device_count++] = device;
    record->device_count++;
  }
  return XHAL_STATUS_OK;
}

static void xhal__remove_devices_of(xhal_context_t *context, xhal__plugin_t *plugin) {
  uint32_t kept = 0;
  for (uint32_t i = 0; i < context->device_count; ++i) {
    if (context->devices[i]->plugin == plugin) {
      xhal__device_destroy(context->devices[i]);
    } else {
      context->devices[kept] = context->devices[i];
      context->devices[kept]->index = kept;
      ++kept;
    }
  }
  context->device_count = kept;
}

/* Loads one file and records the outcome. Caller holds the context mutex. */
static xhal_status_t xhal__load_file_locked(xhal_context_t *context, const char *path,
                                            uint32_t *out_index) {
  int loaded = xhal__find_loaded_by_basename(context, path);
  if (loaded >= 0) {
    if (out_index) *out_index = (uint32_t)loaded;
    return XHAL_STATUS_OK;
  }
  xhal__plugin_record_t *records =
      realloc(context->records, (context->record_count + 1) * sizeof *records);
  if (!records) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "loading %s", path);
  context->records = records;
  xhal__plugin_record_t *record = &records[context->record_count];
  memset(record, 0, sizeof *record);
  record->path = strdup(path);
  if (!record->path) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "loading %s", path);

  char reason[XHAL__REASON_MAX];
  xhal_status_t status = xhal__plugin_load(path, &record->plugin, reason, sizeof reason);
  if (status == XHAL_STATUS_OK) {
    status = xhal__add_devices(context, record);
    if (status != XHAL_STATUS_OK) {
      /* A plugin that cannot list its devices is refused as a whole. */
      snprintf(reason, sizeof reason, "%s: enumerating devices failed: %s", path,
               xhal_last_error());
      xhal__remove_devices_of(context, record->plugin);
      xhal__plugin_unload(record->plugin);
      record->plugin = NULL;
      record->device_count = 0;
    }
  }
  record->status = status;
  record->message = strdup(status == XHAL_STATUS_OK ? "" : reason);
  uint32_t index = context->record_count++;
  if (status != XHAL_STATUS_OK) {
    char log_line[XHAL__REASON_MAX + 32];
    snprintf(log_line, sizeof log_line, "plugin refused: %s", reason);
    xhal__host_log(XHAL_LOG_INFO, log_line);
    return xhal__error(status, "%s", reason);
  }
  if (out_index) *out_index = index;
  return XHAL_STATUS_OK;
}

/* Loads every libxhal-*.so in a directory, in name order, for determinism. */
static void xhal__load_directory_locked(xhal_context_t *context, const char *directory) {
  DIR *dir = opendir(directory);
  if (!dir) return;
  char **names = NULL;
  size_t count = 0;
  for (struct dirent *entry; (entry = readdir(dir));) {
    if (!xhal__is_plugin_file_name(entry->d_name)) continue;
    char **grown = realloc(names, (count + 1) * sizeof *names);
    if (!grown) break;
    names = grown;
    names[count] = malloc(strlen(directory) + strlen(entry->d_name) + 2);
    if (!names[count]) break;
    sprintf(names[count], "%s/%s", directory, entry->d_name);
    ++count;
  }
  closedir(dir);
  qsort(names, count, sizeof *names, xhal__compare_strings);
  for (size_t i = 0; i < count; ++i) {
    xhal__load_file_locked(context, names[i], NULL);
    free(names[i]);
  }
  free(names);
}

static void xhal__load_path_list_locked(xhal_context_t *context, const char *path_list) {
  char *copy = strdup(path_list);
  if (!copy) return;
  char *saveptr = NULL;
  for (char *entry = strtok_r(copy, ":", &saveptr); entry; entry = strtok_r(NULL, ":", &saveptr)) {
    if (xhal__is_directory(entry)) {
      xhal__load_directory_locked(context, entry);
    } else {
      xhal__load_file_locked(context, entry, NULL);
    }
  }
  free(copy);
}

XHAL_API xhal_status_t xhal_context_create(const xhal_context_options_t *options,
                                           xhal_context_t **out_context) {
  if (!out_context) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_context_create: out_context is NULL");
  }
  xhal_context_options_t resolved = {0};
  if (options) {
    if (options->struct_size < sizeof(uint32_t)) {
      return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                         "xhal_context_create: options->struct_size %u is too small",
                         options->struct_size);
    }
    size_t size = options->struct_size < sizeof resolved ? options->struct_size : sizeof resolved;
    memcpy(&resolved, options, size);
  }
  xhal_context_t *context = calloc(1, sizeof *context);
  if (!context) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_context_create");
  pthread_mutex_init(&context->mutex, NULL);
  xhal_status_t status = xhal__handle_register(context, XHAL__HANDLE_CONTEXT);
  if (status != XHAL_STATUS_OK) {
    pthread_mutex_destroy(&context->mutex);
    free(context);
    return status;
  }
  if (!resolved.no_default_plugins) {
    pthread_mutex_lock(&context->mutex);
    if (resolved.plugin_path) {
      xhal__load_path_list_locked(context, resolved.plugin_path);
    } else {
      const char *environment = getenv("XHAL_PLUGIN_PATH");
      if (environment && *environment) xhal__load_path_list_locked(context, environment);
      xhal__load_directory_locked(context, XHAL_PLUGIN_DIR);
    }
    pthread_mutex_unlock(&context->mutex);
  }
  *out_context = context;
  return XHAL_STATUS_OK;
}

XHAL_API void xhal_context_destroy(xhal_context_t *context) {
  if (!context || !xhal__handle_is_live(context, XHAL__HANDLE_CONTEXT)) return;
  xhal__handle_unregister(context);
  for (uint32_t i = 0; i < context->device_count; ++i) xhal__device_destroy(context->devices[i]);
  for (uint32_t i = 0; i < context->record_count; ++i) {
    xhal__plugin_unload(context->records[i].plugin);
    free(context->records[i].path);
    free(context->records[i].message);
  }
  free(context->devices);
  free(context->records);
  pthread_mutex_destroy(&context->mutex);
  free(context);
}

/* Finds libxhal-NAME.so on XHAL_PLUGIN_PATH's directories, then the install
 * directory. Writes the path found into out (size bytes). */
static int xhal__resolve_backend_name(const char *name, char *out, size_t size) {
  const char *environment = getenv("XHAL_PLUGIN_PATH");
  size_t list_length = (environment ? strlen(environment) : 0) + strlen(XHAL_PLUGIN_DIR) + 2;
  char *list = malloc(list_length);
  if (!list) return 0;
  snprintf(list, list_length, "%s%s%s", environment ? environment : "",
           environment && *environment ? ":" : "", XHAL_PLUGIN_DIR);
  int found = 0;
  char *saveptr = NULL;
  for (char *entry = strtok_r(list, ":", &saveptr); entry && !found;
       entry = strtok_r(NULL, ":", &saveptr)) {
    struct stat info;
    if (xhal__is_directory(entry)) {
      snprintf(out, size, "%s/libxhal-%s.so", entry, name);
      found = stat(out, &info) == 0;
    } else {
      const char *base = strrchr(entry, '/');
      base = base ? base + 1 : entry;
      char wanted[256];
      snprintf(wanted, sizeof wanted, "libxhal-%s.so", name);
      if (strcmp(base, wanted) == 0 && stat(entry, &info) == 0) {
        snprintf(out, size, "%s", entry);
        found = 1;
      }
    }
  }
  free(list);
  return found;
}

XHAL_API xhal_status_t xhal_context_load_plugin(xhal_context_t *context, const char *path_or_name,
                                                uint32_t *out_plugin_index) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_context_load_plugin", "context", context, XHAL__HANDLE_CONTEXT));
  if (!path_or_name || !*path_or_name) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "xhal_context_load_plugin: path_or_name is NULL or empty");
  }
  char resolved[4096];
  const char *path = path_or_name;
  if (!strchr(path_or_name, '/')) {
    if (!xhal__resolve_backend_name(path_or_name, resolved, sizeof resolved)) {
      return xhal__error(XHAL_STATUS_NOT_FOUND,
                         "xhal_context_load_plugin: no libxhal-%s.so on XHAL_PLUGIN_PATH (%s) or "
                         "in %s",
                         path_or_name, getenv("XHAL_PLUGIN_PATH") ? getenv("XHAL_PLUGIN_PATH") : "unset",
                         XHAL_PLUGIN_DIR);
    }
    path = resolved;
  }
  pthread_mutex_lock(&context->mutex);
  xhal_status_t status = xhal__load_file_locked(context, path, out_plugin_index);
  pthread_mutex_unlock(&context->mutex);
  return status;
}

XHAL_API xhal_status_t xhal_context_plugin_count(xhal_context_t *context, uint32_t *out_count) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_context_plugin_count", "context", context, XHAL__HANDLE_CONTEXT));
  if (!out_count) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_context_plugin_count: out_count is NULL");
  }
  pthread_mutex_lock(&context->mutex);
  *out_count = context->record_count;
  pthread_mutex_unlock(&context->mutex);
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_context_plugin_info(xhal_context_t *context, uint32_t index,
                                                xhal_plugin_info_t *out_info) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_context_plugin_info", "context", context, XHAL__HANDLE_CONTEXT));
  if (!out_info) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_context_plugin_info: out_info is NULL");
  }
  pthread_mutex_lock(&context->mutex);
  if (index >= context->record_count) {
    uint32_t count = context->record_count;
    pthread_mutex_unlock(&context->mutex);
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "xhal_context_plugin_info: index %u out of range (%u plugins)", index,
                       count);
  }
  const xhal__plugin_record_t *record = &context->records[index];
  out_info->path = record->path;
  out_info->name = record->plugin ? record->plugin->name : "";
  out_info->version = record->plugin ? record->plugin->version : "";
  out_info->status = record->status;
  out_info->message = record->message ? record->message : "";
  out_info->abi_minor = record->plugin ? record->plugin->api.abi_minor : 0;
  out_info->device_count = record->device_count;
  pthread_mutex_unlock(&context->mutex);
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_context_device_count(xhal_context_t *context, uint32_t *out_count) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_context_device_count", "context", context, XHAL__HANDLE_CONTEXT));
  if (!out_count) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_context_device_count: out_count is NULL");
  }
  pthread_mutex_lock(&context->mutex);
  *out_count = context->device_count;
  pthread_mutex_unlock(&context->mutex);
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_context_device(xhal_context_t *context, uint32_t index,
                                           xhal_device_t **out_device) {
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_context_device", "context", context, XHAL__HANDLE_CONTEXT));
  if (!out_device) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "xhal_context_device: out_device is NULL");
  }
  pthread_mutex_lock(&context->mutex);
  if (index >= context->device_count) {
    uint32_t count = context->device_count;
    pthread_mutex_unlock(&context->mutex);
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "xhal_context_device: index %u out of range (%u devices)", index, count);
  }
  *out_device = context->devices[index];
  pthread_mutex_unlock(&context->mutex);
  return XHAL_STATUS_OK;
}
