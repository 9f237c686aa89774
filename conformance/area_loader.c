/*
 * area_loader.c - the loader cases.
 *
 * libxhal must refuse each deliberately broken plugin of tests/plugins with
 * the documented status and a message that names the defect (in
 * xhal_last_error() and in the context's plugin list), accept the two good
 * ones (every optional slot NULL; a table from an older, shorter minor) and
 * make them work through the host's fallbacks, and keep the plugin under test
 * working in a context that also tried any of them.
 *
 *   loader.refuse.<defect>    the broken plugin alone, in a fresh context
 *   loader.accept.<plugin>    a good test plugin alone: load, then use it
 *   loader.coexist.<plugin>   test plugin, plugin under test, test plugin
 *                             again, in one fresh context; then use the
 *                             plugin under test
 *   loader.refuse.not_found   a path that does not exist
 *
 * The test plugins are libxhal-test-<defect>.so in run->env->test_plugin_dir.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_case.h"

/* What old_minor.c's trap slots put in their message: seeing it means the
 * host called a slot that lies past the plugin's struct_size. */
#define LOADER_TRAP_TEXT "lies beyond the table's struct_size"

#define LOADER_MAX_NEEDLES 3
#define LOADER_PATH_MAX 4096
#define LOADER_UNTOUCHED_INDEX 0xdeadbeefu

typedef struct loader_plugin {
  const char *defect;       /* the file is libxhal-test-<defect>.so */
  const char *backend_name; /* name in its table; NULL for refused plugins */
  const char *accept_case;  /* good plugins: loader.accept.* */
  const char *refuse_case;  /* broken plugins: loader.refuse.* */
  const char *coexist_case;
  xhal_status_t status; /* refusal status; OK for good plugins */
  /* Text the refusal message must contain, besides the file's name. */
  const char *needles[LOADER_MAX_NEEDLES];
} loader_plugin_t;

static const loader_plugin_t loader_plugins[] = {
    {"no-entry",
     NULL,
     NULL,
     "loader.refuse.no_entry",
     "loader.coexist.no_entry",
     XHAL_STATUS_INCOMPATIBLE,
     {"xhal_plugin_query_v1", "xhal_plugin_query_v2"}},
    {"wrong-major",
     NULL,
     NULL,
     "loader.refuse.wrong_major",
     "loader.coexist.wrong_major",
     XHAL_STATUS_INCOMPATIBLE,
     {"major"}},
    {"bad-minor",
     NULL,
     NULL,
     "loader.refuse.bad_minor",
     "loader.coexist.bad_minor",
     XHAL_STATUS_INCOMPATIBLE,
     {"minor"}},
    {"short-table",
     NULL,
     NULL,
     "loader.refuse.short_table",
     "loader.coexist.short_table",
     XHAL_STATUS_INCOMPATIBLE,
     {"struct_size"}},
    {"missing-mandatory",
     NULL,
     NULL,
     "loader.refuse.missing_mandatory",
     "loader.coexist.missing_mandatory",
     XHAL_STATUS_INCOMPATIBLE,
     {"stream_synchronize"}},
    {"entry-fails",
     NULL,
     NULL,
     "loader.refuse.entry_fails",
     "loader.coexist.entry_fails",
     XHAL_STATUS_INTERNAL,
     {"xhal_plugin_query_v1", "simulated firmware handshake failure"}},
    {"null-table",
     NULL,
     NULL,
     "loader.refuse.null_table",
     "loader.coexist.null_table",
     XHAL_STATUS_INCOMPATIBLE,
     {"table"}},
    {"wrong-stype",
     NULL,
     NULL,
     "loader.refuse.wrong_stype",
     "loader.coexist.wrong_stype",
     XHAL_STATUS_INCOMPATIBLE,
     {"stype"}},
    {"bad-name",
     NULL,
     NULL,
     "loader.refuse.bad_name",
     "loader.coexist.bad_name",
     XHAL_STATUS_INCOMPATIBLE,
     {"name", "Bad Name/1"}},
    {"instance-fails",
     NULL,
     NULL,
     "loader.refuse.instance_fails",
     "loader.coexist.instance_fails",
     XHAL_STATUS_INTERNAL,
     {"instance_create", "simulated driver initialisation failure"}},
    {"device-count-fails",
     NULL,
     NULL,
     "loader.refuse.device_count_fails",
     "loader.coexist.device_count_fails",
     XHAL_STATUS_DEVICE_LOST,
     {"device_count", "simulated device enumeration failure"}},
    {"null-optional",
     "test_null_optional",
     "loader.accept.null_optional",
     NULL,
     "loader.coexist.null_optional",
     XHAL_STATUS_OK,
     {NULL}},
    {"old-minor",
     "test_old_minor",
     "loader.accept.old_minor",
     NULL,
     "loader.coexist.old_minor",
     XHAL_STATUS_OK,
     {NULL}},
};

/* ---- helpers ---------------------------------------------------------------- */

static const char *loader_base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Writes the test plugin's path; FAIL saying where it looked if it is not
 * there. */
static conf_result_t loader_test_plugin_path(conf_run_t *run, const char *defect, char *path,
                                             size_t size) {
  const char *directory = run->env->test_plugin_dir;
  if (!directory || !*directory) {
    return conf_fail(run,
                     "no directory of test plugins was given, so libxhal-test-%s.so cannot be "
                     "found; run the conformance tool from a build with -Dtests=true or tell it "
                     "where the libxhal-test-*.so files are",
                     defect);
  }
  int length = snprintf(path, size, "%s/libxhal-test-%s.so", directory, defect);
  if (length < 0 || (size_t)length >= size) {
    return conf_fail(run, "test plugin directory path is too long (%s)", directory);
  }
  struct stat info;
  if (stat(path, &info) != 0) {
    return conf_fail(run,
                     "test plugin not found: looked for %s in the test plugin directory %s "
                     "(%s)",
                     loader_base_name(path), directory, strerror(errno));
  }
  return CONF_PASS;
}

static conf_result_t loader_fresh_context(conf_run_t *run, xhal_context_t **out_context) {
  xhal_context_options_t options = {
      .struct_size = sizeof options,
      .plugin_path = NULL,
      .no_default_plugins = 1,
  };
  xhal_status_t status = xhal_context_create(&options, out_context);
  if (status != XHAL_STATUS_OK) {
    return conf_fail_status(run, "xhal_context_create(no_default_plugins = 1)", status);
  }
  return CONF_PASS;
}

/* FAIL unless text contains every needle and the plugin file's name. */
static conf_result_t loader_expect_text(conf_run_t *run, const char *where, const char *text,
                                        const loader_plugin_t *plugin, const char *path) {
  if (!strstr(text, loader_base_name(path))) {
    return conf_fail(run, "%s is \"%s\": it does not name the plugin file %s", where, text,
                     loader_base_name(path));
  }
  for (int i = 0; i < LOADER_MAX_NEEDLES && plugin->needles[i]; ++i) {
    if (!strstr(text, plugin->needles[i])) {
      return conf_fail(run, "%s is \"%s\": expected it to name the defect with \"%s\"", where, text,
                       plugin->needles[i]);
    }
  }
  return CONF_PASS;
}

/* Loads path into context and checks the refusal: status, message in
 * xhal_last_error() and in the plugin list, no device added, the
 * out-parameter untouched. */
static conf_result_t loader_expect_refusal(conf_run_t *run, xhal_context_t *context,
                                           const char *path, const loader_plugin_t *plugin) {
  uint32_t records_before = 0, devices_before = 0;
  xhal_status_t status = xhal_context_plugin_count(context, &records_before);
  if (status == XHAL_STATUS_OK) status = xhal_context_device_count(context, &devices_before);
  if (status != XHAL_STATUS_OK)
    return conf_fail_status(run, "counting plugins and devices", status);

  uint32_t index = LOADER_UNTOUCHED_INDEX;
  status = xhal_context_load_plugin(context, path, &index);
  char error[2048];
  snprintf(error, sizeof error, "%s", xhal_last_error());
  if (status == XHAL_STATUS_OK) {
    return conf_fail(run,
                     "xhal_context_load_plugin(%s) returned OK; expected %s with a message "
                     "naming \"%s\"",
                     path, xhal_status_string(plugin->status), plugin->needles[0]);
  }
  if (status != plugin->status) {
    return conf_fail(run, "xhal_context_load_plugin(%s) returned %s, expected %s (message: %s)",
                     path, xhal_status_string(status), xhal_status_string(plugin->status), error);
  }
  if (index != LOADER_UNTOUCHED_INDEX) {
    return conf_fail(run,
                     "refusing %s wrote out_plugin_index (%u); out-parameters must be "
                     "untouched on failure",
                     path, index);
  }
  conf_result_t result = loader_expect_text(run, "xhal_last_error()", error, plugin, path);
  if (result != CONF_PASS) return result;

  uint32_t records = 0, devices = 0;
  status = xhal_context_plugin_count(context, &records);
  if (status == XHAL_STATUS_OK) status = xhal_context_device_count(context, &devices);
  if (status != XHAL_STATUS_OK)
    return conf_fail_status(run, "counting plugins and devices", status);
  if (records != records_before + 1) {
    return conf_fail(run,
                     "the plugin list has %u entries after refusing %s, expected %u (the "
                     "attempt must be recorded)",
                     records, path, records_before + 1);
  }
  if (devices != devices_before) {
    return conf_fail(run,
                     "the context has %u devices after refusing %s, expected %u: a refused "
                     "plugin must contribute none",
                     devices, path, devices_before);
  }
  xhal_plugin_info_t info;
  status = xhal_context_plugin_info(context, records_before, &info);
  if (status != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_context_plugin_info", status);
  if (!info.path || strcmp(info.path, path) != 0) {
    return conf_fail(run, "plugin_info(%u).path is \"%s\", expected \"%s\"", records_before,
                     info.path ? info.path : "(null)", path);
  }
  if (info.status != plugin->status) {
    return conf_fail(run, "plugin_info(%u).status is %s, expected %s", records_before,
                     xhal_status_string(info.status), xhal_status_string(plugin->status));
  }
  if (info.device_count != 0) {
    return conf_fail(run, "plugin_info(%u).device_count is %u for a refused plugin", records_before,
                     info.device_count);
  }
  return loader_expect_text(run, "xhal_context_plugin_info().message",
                            info.message ? info.message : "", plugin, path);
}

/* Loads a good plugin and checks its plugin-list entry. */
static conf_result_t loader_expect_accept(conf_run_t *run, xhal_context_t *context,
                                          const char *path, const loader_plugin_t *plugin) {
  uint32_t index = LOADER_UNTOUCHED_INDEX;
  xhal_status_t status = xhal_context_load_plugin(context, path, &index);
  if (status != XHAL_STATUS_OK) {
    return conf_fail(run, "xhal_context_load_plugin(%s) returned %s, expected OK: %s", path,
                     xhal_status_string(status), xhal_last_error());
  }
  xhal_plugin_info_t info;
  status = xhal_context_plugin_info(context, index, &info);
  if (status != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_context_plugin_info", status);
  if (info.status != XHAL_STATUS_OK || !info.name || strcmp(info.name, plugin->backend_name) != 0 ||
      info.abi_minor != 0 || info.device_count != 1 || !info.message || info.message[0]) {
    return conf_fail(run,
                     "plugin_info(%u) for %s: status %s, name \"%s\", abi_minor %u, device_count "
                     "%u, message \"%s\"; expected OK, \"%s\", 0, 1, \"\"",
                     index, path, xhal_status_string(info.status), info.name ? info.name : "(null)",
                     info.abi_minor, info.device_count, info.message ? info.message : "(null)",
                     plugin->backend_name);
  }
  return CONF_PASS;
}

/* First device of the context whose backend is name, or NULL. */
static xhal_device_t *loader_find_device(xhal_context_t *context, const char *name) {
  uint32_t count = 0;
  if (xhal_context_device_count(context, &count) != XHAL_STATUS_OK) return NULL;
  for (uint32_t i = 0; i < count; ++i) {
    xhal_device_t *device = NULL;
    if (xhal_context_device(context, i, &device) != XHAL_STATUS_OK) continue;
    const char *backend = xhal_device_backend(device);
    if (backend && strcmp(backend, name) == 0) return device;
  }
  return NULL;
}

/* ---- using a loaded plugin -------------------------------------------------- */

#define LOADER_BUFFER_BYTES 4111
#define LOADER_COPY_OFFSET 7
#define LOADER_COPY_BYTES 1021

/* A pattern through a buffer and back on a stream, then an event recorded
 * after it: the mandatory surface every plugin must have. */
static conf_result_t loader_check_roundtrip(conf_run_t *run, xhal_device_t *device,
                                            const char *who) {
  unsigned char pattern[LOADER_COPY_BYTES], back[LOADER_COPY_BYTES];
  for (size_t i = 0; i < sizeof pattern; ++i)
    pattern[i] = (unsigned char)conf_random_bits(run, 0, i);
  memset(back, 0, sizeof back);

  conf_result_t result = CONF_PASS;
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  xhal_event_t *event = NULL;
  xhal_status_t status = xhal_buffer_create(device, LOADER_BUFFER_BYTES, &buffer);
  if (status != XHAL_STATUS_OK) {
    result = conf_fail_status(run, "xhal_buffer_create", status);
    goto done;
  }
  status = xhal_stream_create(device, &stream);
  if (status != XHAL_STATUS_OK) {
    result = conf_fail_status(run, "xhal_stream_create", status);
    goto done;
  }
  status = xhal_event_create(device, &event);
  if (status != XHAL_STATUS_OK) {
    result = conf_fail_status(run, "xhal_event_create", status);
    goto done;
  }
  status = xhal_copy_to_buffer(stream, buffer, LOADER_COPY_OFFSET, pattern, sizeof pattern);
  if (status == XHAL_STATUS_OK) {
    status = xhal_copy_from_buffer(stream, back, buffer, LOADER_COPY_OFFSET, sizeof back);
  }
  if (status == XHAL_STATUS_OK) status = xhal_event_record(event, stream);
  if (status == XHAL_STATUS_OK) status = xhal_stream_synchronize(stream);
  if (status == XHAL_STATUS_OK) status = xhal_event_synchronize(event);
  if (status == XHAL_STATUS_OK) status = xhal_event_query(event);
  if (status != XHAL_STATUS_OK) {
    result = conf_fail(run, "%s: copying %u bytes in and out at offset %u: %s: %s", who,
                       LOADER_COPY_BYTES, LOADER_COPY_OFFSET, xhal_status_string(status),
                       xhal_last_error());
    goto done;
  }
  for (size_t i = 0; i < sizeof pattern; ++i) {
    if (back[i] != pattern[i]) {
      result = conf_fail(run, "%s: byte %zu of the %u copied back is 0x%02x, expected 0x%02x", who,
                         i, LOADER_COPY_BYTES, back[i], pattern[i]);
      goto done;
    }
  }
done:
  xhal_event_destroy(event);
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  return result;
}

/* FAIL if a call reached one of old_minor.c's traps. */
static conf_result_t loader_check_no_trap(conf_run_t *run, const char *call) {
  const char *error = xhal_last_error();
  if (strstr(error, LOADER_TRAP_TEXT)) {
    return conf_fail(run, "%s called a slot past the plugin's struct_size: %s", call, error);
  }
  return CONF_PASS;
}

/* For a call on a missing optional slot: UNIMPLEMENTED or UNSUPPORTED. */
static conf_result_t loader_expect_absent(conf_run_t *run, const char *call, xhal_status_t status) {
  conf_result_t result = loader_check_no_trap(run, call);
  if (result != CONF_PASS) return result;
  if (status != XHAL_STATUS_UNIMPLEMENTED && status != XHAL_STATUS_UNSUPPORTED) {
    return conf_fail(run,
                     "%s on a plugin without the slot returned %s, expected UNIMPLEMENTED or "
                     "UNSUPPORTED: %s",
                     call, xhal_status_string(status), xhal_last_error());
  }
  return CONF_PASS;
}

/* For a call the host must emulate when the slot is missing: OK. */
static conf_result_t loader_expect_emulated(conf_run_t *run, const char *call,
                                            xhal_status_t status) {
  conf_result_t result = loader_check_no_trap(run, call);
  if (result != CONF_PASS) return result;
  if (status != XHAL_STATUS_OK) {
    return conf_fail(run,
                     "%s on a plugin without the slot returned %s, expected OK through the "
                     "host's fallback: %s",
                     call, xhal_status_string(status), xhal_last_error());
  }
  return CONF_PASS;
}

static void loader_callback(void *user_data, xhal_status_t status) {
  atomic_store((_Atomic int *)user_data, status == XHAL_STATUS_OK ? 1 : 2);
}

#define LOADER_FILL_BYTES 256

/* Fill and device-to-device copy staged by the host, and a host callback
 * emulated by the host. */
static conf_result_t loader_check_staged(conf_run_t *run, xhal_device_t *device) {
  conf_result_t result = CONF_PASS;
  xhal_buffer_t *a = NULL, *b = NULL;
  xhal_stream_t *stream = NULL;
  unsigned char back[LOADER_FILL_BYTES];
  _Atomic int called = 0;
  xhal_status_t status = xhal_buffer_create(device, LOADER_FILL_BYTES, &a);
  if (status == XHAL_STATUS_OK) status = xhal_buffer_create(device, LOADER_FILL_BYTES, &b);
  if (status == XHAL_STATUS_OK) status = xhal_stream_create(device, &stream);
  if (status != XHAL_STATUS_OK) {
    result = conf_fail_status(run, "creating two buffers and a stream", status);
    goto done;
  }
  status = xhal_buffer_fill(stream, a, 0, LOADER_FILL_BYTES, 0x00);
  if (status == XHAL_STATUS_OK) status = xhal_buffer_fill(stream, a, 16, 100, 0x1a5);
  if ((result = loader_expect_emulated(run, "xhal_buffer_fill", status)) != CONF_PASS) goto done;
  status = xhal_copy_buffer(stream, b, 0, a, 0, LOADER_FILL_BYTES);
  if ((result = loader_expect_emulated(run, "xhal_copy_buffer", status)) != CONF_PASS) goto done;
  status = xhal_stream_add_callback(stream, loader_callback, (void *)&called);
  if ((result = loader_expect_emulated(run, "xhal_stream_add_callback", status)) != CONF_PASS) {
    goto done;
  }
  status = xhal_copy_from_buffer(stream, back, b, 0, sizeof back);
  if (status == XHAL_STATUS_OK) status = xhal_stream_synchronize(stream);
  if (status != XHAL_STATUS_OK) {
    result = conf_fail_status(run, "reading back the filled and copied buffer", status);
    goto done;
  }
  for (size_t i = 0; i < sizeof back; ++i) {
    unsigned expected = i >= 16 && i < 116 ? 0xa5u : 0x00u;
    if (back[i] != expected) {
      result = conf_fail(run,
                         "after fill [16, 116) with 0x1a5 (low byte 0xa5) over zeros and a "
                         "buffer-to-buffer copy, byte %zu is 0x%02x, expected 0x%02x",
                         i, back[i], expected);
      goto done;
    }
  }
  if (atomic_load(&called) != 1) {
    result = conf_fail(run, "the stream callback %s after xhal_stream_synchronize",
                       atomic_load(&called) ? "got a failure status" : "had not run");
  }
done:
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(b);
  xhal_buffer_destroy(a);
  return result;
}

/* Every optional slot of the good test plugins is NULL (or past struct_size):
 * the host must fall back or report UNIMPLEMENTED/UNSUPPORTED. */
static conf_result_t loader_check_optional_absent(conf_run_t *run, xhal_device_t *device) {
  conf_result_t result = loader_check_staged(run, device);
  if (result != CONF_PASS) return result;

  xhal_device_properties_t properties;
  memset(&properties, 0, sizeof properties);
  properties.header.stype = XHAL_STYPE_DEVICE_PROPERTIES;
  properties.header.struct_size = sizeof properties;
  xhal_status_t status = xhal_device_properties(device, &properties);
  if (status != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_device_properties", status);

  xhal_device_link_t link;
  memset(&link, 0, sizeof link);
  link.header.stype = XHAL_STYPE_DEVICE_LINK;
  link.header.struct_size = sizeof link;
  status = xhal_device_link(device, device, &link);
  if ((result = loader_expect_emulated(run, "xhal_device_link", status)) != CONF_PASS)
    return result;

  void *host = NULL;
  status = xhal_host_alloc(device, 64, &host);
  if ((result = loader_expect_emulated(run, "xhal_host_alloc", status)) != CONF_PASS) return result;
  memset(host, 0x5a, 64);
  status = xhal_host_free(device, host);
  if ((result = loader_expect_emulated(run, "xhal_host_free", status)) != CONF_PASS) return result;

  xhal_event_t *start = NULL, *end = NULL;
  xhal_stream_t *stream = NULL;
  xhal_buffer_t *buffer = NULL;
  status = xhal_event_create(device, &start);
  if (status == XHAL_STATUS_OK) status = xhal_event_create(device, &end);
  if (status == XHAL_STATUS_OK) status = xhal_stream_create(device, &stream);
  if (status == XHAL_STATUS_OK) status = xhal_buffer_create(device, 3 * 4 * sizeof(float), &buffer);
  if (status == XHAL_STATUS_OK) status = xhal_event_record(start, stream);
  if (status == XHAL_STATUS_OK) status = xhal_event_record(end, stream);
  if (status == XHAL_STATUS_OK) status = xhal_stream_synchronize(stream);
  if (status != XHAL_STATUS_OK) {
    result = conf_fail_status(run, "creating events, a stream and a buffer", status);
    goto done;
  }
  uint64_t elapsed = 0;
  status = xhal_event_elapsed_ns(start, end, &elapsed);
  if ((result = loader_expect_absent(run, "xhal_event_elapsed_ns", status)) != CONF_PASS) goto done;

  const int64_t dims[1] = {4};
  xhal_tensor_t tensors[3];
  for (uint32_t i = 0; i < 3; ++i) {
    tensors[i] = xhal_tensor_contiguous(buffer, XHAL_DTYPE_F32, 1, dims, i * 4 * sizeof(float));
  }
  xhal_op_call_t call = {
      .op = XHAL_OP_ADD,
      .input_count = 2,
      .inputs = tensors,
      .output_count = 1,
      .outputs = tensors + 2,
  };
  status = xhal_op_supported(device, &call);
  if ((result = loader_expect_absent(run, "xhal_op_supported(Add f32)", status)) != CONF_PASS) {
    goto done;
  }
  status = xhal_op_launch(stream, &call);
  if ((result = loader_expect_absent(run, "xhal_op_launch(Add f32)", status)) != CONF_PASS)
    goto done;

  static const char source[] = "kernel void nothing(void) {}";
  xhal_module_t *module = NULL;
  status =
      xhal_module_create(device, XHAL_KERNEL_FORMAT_OPENCL_C, source, sizeof source, "", &module);
  if (status == XHAL_STATUS_OK) {
    xhal_module_destroy(module);
    result = conf_fail(run, "xhal_module_create succeeded on a plugin without module slots");
    goto done;
  }
  result = loader_expect_absent(run, "xhal_module_create", status);
done:
  xhal_buffer_destroy(buffer);
  xhal_stream_destroy(stream);
  xhal_event_destroy(end);
  xhal_event_destroy(start);
  return result;
}

/* ---- cases ------------------------------------------------------------------ */

static conf_result_t loader_refuse_case(conf_run_t *run, const void *params) {
  const loader_plugin_t *plugin = params;
  char path[LOADER_PATH_MAX];
  conf_result_t result = loader_test_plugin_path(run, plugin->defect, path, sizeof path);
  if (result != CONF_PASS) return result;
  xhal_context_t *context = NULL;
  if ((result = loader_fresh_context(run, &context)) != CONF_PASS) return result;
  result = loader_expect_refusal(run, context, path, plugin);
  xhal_context_destroy(context);
  return result;
}

static conf_result_t loader_accept_case(conf_run_t *run, const void *params) {
  const loader_plugin_t *plugin = params;
  char path[LOADER_PATH_MAX];
  conf_result_t result = loader_test_plugin_path(run, plugin->defect, path, sizeof path);
  if (result != CONF_PASS) return result;
  xhal_context_t *context = NULL;
  if ((result = loader_fresh_context(run, &context)) != CONF_PASS) return result;
  result = loader_expect_accept(run, context, path, plugin);
  if (result == CONF_PASS) {
    xhal_device_t *device = loader_find_device(context, plugin->backend_name);
    if (!device) {
      result = conf_fail(run, "%s loaded but the context has no device of backend %s", path,
                         plugin->backend_name);
    } else {
      result = loader_check_roundtrip(run, device, plugin->backend_name);
      if (result == CONF_PASS) result = loader_check_optional_absent(run, device);
    }
  }
  xhal_context_destroy(context);
  return result;
}

/* Loads the test plugin with its documented outcome (refused or accepted). */
static conf_result_t loader_load_as_documented(conf_run_t *run, xhal_context_t *context,
                                               const char *path, const loader_plugin_t *plugin) {
  if (plugin->status == XHAL_STATUS_OK) return loader_expect_accept(run, context, path, plugin);
  return loader_expect_refusal(run, context, path, plugin);
}

static conf_result_t loader_coexist_case(conf_run_t *run, const void *params) {
  const loader_plugin_t *plugin = params;
  const char *under_test = run->env->plugin_path;
  if (!under_test || !*under_test) {
    return conf_fail(run, "the path of the plugin under test is unknown (conf_env.plugin_path)");
  }
  char path[LOADER_PATH_MAX];
  conf_result_t result = loader_test_plugin_path(run, plugin->defect, path, sizeof path);
  if (result != CONF_PASS) return result;
  xhal_context_t *context = NULL;
  if ((result = loader_fresh_context(run, &context)) != CONF_PASS) return result;

  /* Before and after the plugin under test, so that neither order matters. */
  result = loader_load_as_documented(run, context, path, plugin);
  if (result != CONF_PASS) goto done;
  uint32_t index = 0;
  xhal_status_t status = xhal_context_load_plugin(context, under_test, &index);
  if (status != XHAL_STATUS_OK) {
    result = conf_fail(run, "after trying %s, loading the plugin under test %s returned %s: %s",
                       loader_base_name(path), under_test, xhal_status_string(status),
                       xhal_last_error());
    goto done;
  }
  result = loader_load_as_documented(run, context, path, plugin);
  if (result != CONF_PASS) goto done;

  xhal_plugin_info_t info;
  status = xhal_context_plugin_info(context, index, &info);
  if (status != XHAL_STATUS_OK) {
    result = conf_fail_status(run, "xhal_context_plugin_info", status);
    goto done;
  }
  xhal_device_t *device = loader_find_device(context, info.name);
  if (!device) {
    result = conf_not_supported(run, "the plugin under test (%s) exposes no device", info.name);
    goto done;
  }
  char who[256];
  snprintf(who, sizeof who, "plugin under test (%s) beside libxhal-test-%s.so", info.name,
           plugin->defect);
  result = loader_check_roundtrip(run, device, who);
  if (result == CONF_PASS && plugin->backend_name) {
    xhal_device_t *test_device = loader_find_device(context, plugin->backend_name);
    if (!test_device) {
      result = conf_fail(run, "%s loaded but the context has no device of backend %s", path,
                         plugin->backend_name);
    } else {
      result = loader_check_roundtrip(run, test_device, plugin->backend_name);
    }
  }
done:
  xhal_context_destroy(context);
  return result;
}

static conf_result_t loader_not_found_case(conf_run_t *run, const void *params) {
  (void)params;
  xhal_context_t *context = NULL;
  conf_result_t result = loader_fresh_context(run, &context);
  if (result != CONF_PASS) return result;
  static const char path[] = "/nonexistent/xhal-conformance/libxhal-absent.so";
  uint32_t index = LOADER_UNTOUCHED_INDEX;
  xhal_status_t status = xhal_context_load_plugin(context, path, &index);
  const char *error = xhal_last_error();
  if (status != XHAL_STATUS_NOT_FOUND) {
    result = conf_fail(run, "xhal_context_load_plugin(%s) returned %s, expected NOT_FOUND: %s",
                       path, xhal_status_string(status), error);
  } else if (!strstr(error, path)) {
    result =
        conf_fail(run, "xhal_last_error() is \"%s\": it does not name the path %s", error, path);
  } else if (index != LOADER_UNTOUCHED_INDEX) {
    result = conf_fail(run, "a failed load wrote out_plugin_index (%u)", index);
  }
  xhal_context_destroy(context);
  return result;
}

void conf_area_loader_register(conf_registry_t *registry) {
  size_t count = sizeof loader_plugins / sizeof loader_plugins[0];
  for (size_t i = 0; i < count; ++i) {
    const loader_plugin_t *plugin = &loader_plugins[i];
    if (plugin->accept_case) {
      conf_register(registry, plugin->accept_case, CONF_TIER_QUICK, loader_accept_case, plugin,
                    sizeof *plugin);
    } else {
      conf_register(registry, plugin->refuse_case, CONF_TIER_QUICK, loader_refuse_case, plugin,
                    sizeof *plugin);
    }
  }
  conf_register(registry, "loader.refuse.not_found", CONF_TIER_QUICK, loader_not_found_case, NULL,
                0);
  for (size_t i = 0; i < count; ++i) {
    conf_register(registry, loader_plugins[i].coexist_case, CONF_TIER_QUICK, loader_coexist_case,
                  &loader_plugins[i], sizeof loader_plugins[i]);
  }
}
