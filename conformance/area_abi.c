/* area_abi.c - abi.*: the plugin's entry points called directly, each with
 * the bad inputs the ABI names (NULL pointers, zero and huge sizes, bad enums,
 * out-of-range offsets, objects from another device, short and long structs).
 * Required: the documented status, out-parameters untouched, no crash, and
 * the device still usable afterwards. abi.hal.* check that libxhal turns
 * stale and foreign handles into INVALID_HANDLE. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xhal/xhal_plugin.h>

#include "conf_case.h"

/* ---- a direct session with the plugin ------------------------------------ */

static _Thread_local char conf_abi_message[1024];

static void conf_abi_set_error(int32_t status, const char *message) {
  (void)status;
  snprintf(conf_abi_message, sizeof conf_abi_message, "%s", message ? message : "");
}

static void conf_abi_log(uint32_t level, const char *message) {
  (void)level;
  (void)message;
}

static const xhal_host_api_v1_t conf_abi_host = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_HOST_API, xhal_host_api_v1_t),
    .abi_major = XHAL_PLUGIN_ABI_MAJOR,
    .abi_minor = XHAL_PLUGIN_ABI_MINOR,
    .set_error = conf_abi_set_error,
    .log = conf_abi_log,
};

typedef struct conf_abi {
  void *library;
  xhal_plugin_query_v1_fn entry;
  const xhal_plugin_api_v1_t *api;
  xhal_plugin_instance_t *instance;
  uint32_t device_count;
  xhal_plugin_device_t *device;  /* device 0 */
  xhal_plugin_device_t *device1; /* device 1, or NULL */
  xhal_plugin_stream_t *stream;  /* on device 0 */
  xhal_plugin_buffer_t *buffer;  /* 256 bytes on device 0 */
} conf_abi_t;

#define CONF_ABI_BUFFER_SIZE 256
#define CONF_SENTINEL ((void *)(uintptr_t)0x5e5e5e5e)

static void conf_abi_close(conf_abi_t *abi) {
  if (abi->api) {
    if (abi->buffer) abi->api->buffer_free(abi->buffer);
    if (abi->stream) abi->api->stream_destroy(abi->stream);
    if (abi->instance) abi->api->instance_destroy(abi->instance);
  }
  memset(abi, 0, sizeof *abi);
}

/* The plugin under test is already loaded by libxhal in this process, and a
 * plugin keeps the host table of its last query in a global. Calling its
 * entry with our own host table would steal libxhal's error messages, so
 * these cases load a private copy of the file (a separate link map entry with
 * its own globals). Done once per process; the copy is unlinked at once. */
static void *conf_abi_private_library(const char *path, char *error, size_t error_size) {
  static void *library;
  if (library) return library;
  char copy_path[] = "/tmp/xhal-conformance-abi-XXXXXX.so";
  int out = mkstemps(copy_path, 3);
  FILE *in = fopen(path, "rb");
  FILE *copy = out >= 0 ? fdopen(out, "wb") : NULL;
  int ok = in && copy;
  char chunk[65536];
  size_t got;
  while (ok && (got = fread(chunk, 1, sizeof chunk, in)) > 0) ok = fwrite(chunk, 1, got, copy) == got;
  if (in) fclose(in);
  if (copy) ok = fclose(copy) == 0 && ok;
  else if (out >= 0) close(out);
  if (!ok) {
    snprintf(error, error_size, "could not copy %s to %s", path, copy_path);
    unlink(copy_path);
    return NULL;
  }
  library = dlopen(copy_path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!library) snprintf(error, error_size, "dlopen(%s): %s", copy_path, dlerror());
  unlink(copy_path);
  return library;
}

/* Opens the plugin, negotiates, and makes an instance, a stream and a buffer
 * on device 0 (level >= 1) . Returns CONF_PASS or a failure. */
static conf_result_t conf_abi_open(conf_run_t *run, conf_abi_t *abi, int with_objects) {
  memset(abi, 0, sizeof *abi);
  char error[512];
  abi->library = conf_abi_private_library(run->env->plugin_path, error, sizeof error);
  if (!abi->library) return conf_fail(run, "%s", error);
  *(void **)&abi->entry = dlsym(abi->library, XHAL_PLUGIN_ENTRY_V1_NAME);
  if (!abi->entry) return conf_fail(run, "no %s in %s", XHAL_PLUGIN_ENTRY_V1_NAME, run->env->plugin_path);
  int32_t status = abi->entry(&conf_abi_host, 0, XHAL_PLUGIN_ABI_MINOR, &abi->api);
  if (status || !abi->api) return conf_fail(run, "entry failed: %d %s", status, conf_abi_message);
  if (!with_objects) return CONF_PASS;
  xhal_plugin_instance_info_t info = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_INSTANCE_INFO, xhal_plugin_instance_info_t)};
  if ((status = abi->api->instance_create(&info, &abi->instance)) ||
      (status = abi->api->device_count(abi->instance, &abi->device_count)) ||
      abi->device_count == 0 || (status = abi->api->device_get(abi->instance, 0, &abi->device)) ||
      (status = abi->api->stream_create(abi->device, &abi->stream)) ||
      (status = abi->api->buffer_alloc(abi->device, CONF_ABI_BUFFER_SIZE, XHAL_BUFFER_DEVICE,
                                       &abi->buffer))) {
    return conf_fail(run, "setting up instance/device/stream/buffer failed: %d %s", status,
                     conf_abi_message);
  }
  if (abi->device_count > 1) abi->api->device_get(abi->instance, 1, &abi->device1);
  return CONF_PASS;
}

/* After a rejected call the device must still work: a copy round trip. */
static conf_result_t conf_abi_still_usable(conf_run_t *run, conf_abi_t *abi) {
  unsigned char out[64], back[64];
  for (int i = 0; i < 64; ++i) out[i] = (unsigned char)(i * 7 + 1);
  memset(back, 0, sizeof back);
  int32_t status = abi->api->copy_host_to_device(abi->stream, abi->buffer, 0, out, sizeof out);
  if (!status) status = abi->api->copy_device_to_host(abi->stream, back, abi->buffer, 0, sizeof back);
  if (!status) status = abi->api->stream_synchronize(abi->stream);
  if (status) return conf_fail(run, "device unusable after the rejected call: status %d %s", status, conf_abi_message);
  if (memcmp(out, back, sizeof out) != 0) return conf_fail(run, "device returned wrong data after the rejected call");
  return CONF_PASS;
}

/* Checks a rejected call's status against the allowed ones. */
static conf_result_t conf_abi_expect(conf_run_t *run, const char *call, int32_t got,
                                     int32_t want, int32_t also) {
  if (got == want || (also >= 0 && got == also)) return CONF_PASS;
  if (also >= 0) {
    return conf_fail(run, "%s returned %d (%s), expected %d (%s) or %d (%s); message: %s", call,
                     got, xhal_status_string(got), want, xhal_status_string(want), also,
                     xhal_status_string(also), conf_abi_message);
  }
  return conf_fail(run, "%s returned %d (%s), expected %d (%s); message: %s", call, got,
                   xhal_status_string(got), want, xhal_status_string(want), conf_abi_message);
}

#define CONF_ABI_NONE (-1)

/* ---- the cases ------------------------------------------------------------ */

typedef conf_result_t (*conf_abi_body_fn)(conf_run_t *run, conf_abi_t *abi);

typedef struct conf_abi_params {
  conf_abi_body_fn body;
  int needs_objects;
  int needs_two_devices;
} conf_abi_params_t;

static conf_result_t conf_abi_case(conf_run_t *run, const void *params) {
  const conf_abi_params_t *p = params;
  conf_abi_t abi;
  conf_result_t result = conf_abi_open(run, &abi, p->needs_objects);
  if (result == CONF_PASS && p->needs_two_devices && !abi.device1) {
    result = conf_not_supported(run, "needs 2 devices, backend has %u", abi.device_count);
  }
  if (result == CONF_PASS) result = p->body(run, &abi);
  if (result == CONF_PASS && p->needs_objects) result = conf_abi_still_usable(run, &abi);
  conf_abi_close(&abi);
  return result;
}

static conf_result_t abi_entry_impossible_range(conf_run_t *run, conf_abi_t *abi) {
  const xhal_plugin_api_v1_t *api = CONF_SENTINEL;
  int32_t status = abi->entry(&conf_abi_host, 1000, 1001, &api);
  if (api != CONF_SENTINEL) return conf_fail(run, "out_api was written on failure");
  return conf_abi_expect(run, "query_v1(host, 1000, 1001)", status, XHAL_STATUS_INCOMPATIBLE, CONF_ABI_NONE);
}

static conf_result_t abi_entry_wide_range(conf_run_t *run, conf_abi_t *abi) {
  const xhal_plugin_api_v1_t *api = NULL;
  int32_t status = abi->entry(&conf_abi_host, 0, XHAL_PLUGIN_ABI_MINOR + 50, &api);
  if (status || !api) return conf_fail(run, "a newer host offering [0, %d] was refused: %d %s", XHAL_PLUGIN_ABI_MINOR + 50, status, conf_abi_message);
  if (api->abi_minor > XHAL_PLUGIN_ABI_MINOR + 50) return conf_fail(run, "answered minor %u outside the offer", api->abi_minor);
  return CONF_PASS;
}

static conf_result_t abi_entry_null_out(conf_run_t *run, conf_abi_t *abi) {
  return conf_abi_expect(run, "query_v1(out_api NULL)",
                         abi->entry(&conf_abi_host, 0, XHAL_PLUGIN_ABI_MINOR, NULL),
                         XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
}

static conf_result_t abi_table_header(conf_run_t *run, conf_abi_t *abi) {
  const xhal_plugin_api_v1_t *api = abi->api;
  if (api->header.stype != XHAL_STYPE_PLUGIN_API) return conf_fail(run, "stype %u", api->header.stype);
  if (api->abi_major != XHAL_PLUGIN_ABI_MAJOR) return conf_fail(run, "abi_major %u", api->abi_major);
  size_t mandatory_end = offsetof(xhal_plugin_api_v1_t, event_synchronize) + sizeof(void *);
  if (api->header.struct_size < mandatory_end) return conf_fail(run, "struct_size %u < %zu", api->header.struct_size, mandatory_end);
  if (!api->name || !*api->name || !api->version) return conf_fail(run, "name or version missing");
  conf_note(run, "table: '%s' %s, ABI 1.%u, struct_size %u", api->name, api->version,
            api->abi_minor, api->header.struct_size);
  return CONF_PASS;
}

static conf_result_t abi_instance_null_arguments(conf_run_t *run, conf_abi_t *abi) {
  xhal_plugin_instance_info_t info = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_INSTANCE_INFO, xhal_plugin_instance_info_t)};
  xhal_plugin_instance_t *instance = CONF_SENTINEL;
  conf_result_t r = conf_abi_expect(run, "instance_create(info, NULL)", abi->api->instance_create(&info, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (r) return r;
  r = conf_abi_expect(run, "instance_create(NULL, out)", abi->api->instance_create(NULL, &instance), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (r) return r;
  if (instance != CONF_SENTINEL) return conf_fail(run, "out_instance written on failure");
  return conf_abi_expect(run, "instance_destroy(NULL)", abi->api->instance_destroy(NULL), XHAL_STATUS_OK, CONF_ABI_NONE);
}

static conf_result_t abi_instance_two_at_once(conf_run_t *run, conf_abi_t *abi) {
  xhal_plugin_instance_info_t info = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_INSTANCE_INFO, xhal_plugin_instance_info_t)};
  xhal_plugin_instance_t *second = NULL;
  int32_t status = abi->api->instance_create(&info, &second);
  if (status) return conf_fail(run, "second instance_create: %d %s", status, conf_abi_message);
  uint32_t count = 0;
  status = abi->api->device_count(second, &count);
  abi->api->instance_destroy(second);
  if (status || count != abi->device_count) return conf_fail(run, "second instance sees %u devices (status %d), first %u", count, status, abi->device_count);
  return CONF_PASS;
}

static conf_result_t abi_device_bad_arguments(conf_run_t *run, conf_abi_t *abi) {
  xhal_plugin_device_t *device = CONF_SENTINEL;
  conf_result_t r = conf_abi_expect(run, "device_count(instance, NULL)", abi->api->device_count(abi->instance, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "device_get(index = count)", abi->api->device_get(abi->instance, abi->device_count, &device), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "device_get(index = UINT32_MAX)", abi->api->device_get(abi->instance, UINT32_MAX, &device), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "device_get(out NULL)", abi->api->device_get(abi->instance, 0, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "device_get_properties(device, NULL)", abi->api->device_get_properties(abi->device, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r && device != CONF_SENTINEL) r = conf_fail(run, "out_device written on failure");
  return r;
}

/* A caller compiled against an older, shorter properties struct: the plugin
 * must write at most struct_size bytes and keep the header. */
static conf_result_t abi_properties_short_struct(conf_run_t *run, conf_abi_t *abi) {
  unsigned char storage[sizeof(xhal_device_properties_t) + 64];
  memset(storage, 0xa5, sizeof storage);
  xhal_device_properties_t *p = (xhal_device_properties_t *)storage;
  uint32_t size = (uint32_t)offsetof(xhal_device_properties_t, device_type);
  p->header.stype = XHAL_STYPE_DEVICE_PROPERTIES;
  p->header.struct_size = size;
  p->header.next = NULL;
  int32_t status = abi->api->device_get_properties(abi->device, p);
  if (status) return conf_fail(run, "device_get_properties with struct_size %u: %d %s", size, status, conf_abi_message);
  for (size_t i = size; i < sizeof storage; ++i) {
    if (storage[i] != 0xa5) return conf_fail(run, "wrote byte %zu beyond struct_size %u", i, size);
  }
  if (p->header.struct_size != size || p->header.stype != XHAL_STYPE_DEVICE_PROPERTIES) return conf_fail(run, "header rewritten");
  return CONF_PASS;
}

/* A caller compiled against a newer, longer struct: the plugin fills what it
 * knows and leaves the unknown tail alone. */
static conf_result_t abi_properties_long_struct(conf_run_t *run, conf_abi_t *abi) {
  unsigned char storage[sizeof(xhal_device_properties_t) + 64];
  memset(storage, 0xa5, sizeof storage);
  xhal_device_properties_t *p = (xhal_device_properties_t *)storage;
  p->header.stype = XHAL_STYPE_DEVICE_PROPERTIES;
  p->header.struct_size = (uint32_t)sizeof storage;
  p->header.next = NULL;
  int32_t status = abi->api->device_get_properties(abi->device, p);
  if (status) return conf_fail(run, "device_get_properties with struct_size %zu: %d %s", sizeof storage, status, conf_abi_message);
  for (size_t i = sizeof(xhal_device_properties_t); i < sizeof storage; ++i) {
    if (storage[i] != 0xa5) return conf_fail(run, "wrote byte %zu, beyond the struct it knows", i);
  }
  if (!p->name[0] || p->memory_bytes == 0) return conf_fail(run, "did not fill the known fields");
  return CONF_PASS;
}

static conf_result_t abi_buffer_bad_arguments(conf_run_t *run, conf_abi_t *abi) {
  xhal_plugin_buffer_t *buffer = CONF_SENTINEL;
  conf_result_t r = conf_abi_expect(run, "buffer_alloc(out NULL)", abi->api->buffer_alloc(abi->device, 16, 0, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "buffer_alloc(flags 0x7ffffff0)", abi->api->buffer_alloc(abi->device, 16, 0x7ffffff0u, &buffer), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "buffer_alloc(UINT64_MAX bytes)", abi->api->buffer_alloc(abi->device, UINT64_MAX, 0, &buffer), XHAL_STATUS_OUT_OF_MEMORY, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "buffer_alloc(2^62 bytes)", abi->api->buffer_alloc(abi->device, UINT64_C(1) << 62, 0, &buffer), XHAL_STATUS_OUT_OF_MEMORY, CONF_ABI_NONE);
  if (!r && buffer != CONF_SENTINEL) r = conf_fail(run, "out_buffer written on failure");
  if (!r) r = conf_abi_expect(run, "buffer_free(NULL)", abi->api->buffer_free(NULL), XHAL_STATUS_OK, CONF_ABI_NONE);
  return r;
}

static conf_result_t abi_buffer_zero_size(conf_run_t *run, conf_abi_t *abi) {
  xhal_plugin_buffer_t *a = NULL, *b = NULL;
  int32_t status = abi->api->buffer_alloc(abi->device, 0, 0, &a);
  if (!status) status = abi->api->buffer_alloc(abi->device, 0, 0, &b);
  conf_result_t r = CONF_PASS;
  if (status) r = conf_fail(run, "buffer_alloc(0): %d %s", status, conf_abi_message);
  else if (!a || !b || a == b) r = conf_fail(run, "two zero-size buffers are not distinct non-NULL handles (%p, %p)", (void *)a, (void *)b);
  else if ((status = abi->api->copy_host_to_device(abi->stream, a, 0, "x", 0))) r = conf_fail(run, "zero-byte copy into a zero-size buffer: %d", status);
  if (a) abi->api->buffer_free(a);
  if (b) abi->api->buffer_free(b);
  return r;
}

static conf_result_t abi_copy_bad_ranges(conf_run_t *run, conf_abi_t *abi) {
  char host[CONF_ABI_BUFFER_SIZE + 16] = {0};
  const xhal_plugin_api_v1_t *api = abi->api;
  struct { const char *what; uint64_t offset, size; } bad[] = {
      {"offset + size one past the end", 1, CONF_ABI_BUFFER_SIZE},
      {"size larger than the buffer", 0, CONF_ABI_BUFFER_SIZE + 1},
      {"offset past the end", CONF_ABI_BUFFER_SIZE + 1, 0},
      {"offset + size wrapping around 2^64", UINT64_MAX - 3, 8},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    char label[160];
    snprintf(label, sizeof label, "copy_host_to_device(%s)", bad[i].what);
    conf_result_t r = conf_abi_expect(run, label, api->copy_host_to_device(abi->stream, abi->buffer, bad[i].offset, host, bad[i].size), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
    if (r) return r;
    snprintf(label, sizeof label, "copy_device_to_host(%s)", bad[i].what);
    r = conf_abi_expect(run, label, api->copy_device_to_host(abi->stream, host, abi->buffer, bad[i].offset, bad[i].size), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
    if (r) return r;
  }
  return CONF_PASS;
}

static conf_result_t abi_copy_null_arguments(conf_run_t *run, conf_abi_t *abi) {
  char host[16] = {0};
  const xhal_plugin_api_v1_t *api = abi->api;
  conf_result_t r = conf_abi_expect(run, "copy_host_to_device(stream NULL)", api->copy_host_to_device(NULL, abi->buffer, 0, host, 4), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "copy_host_to_device(dst NULL)", api->copy_host_to_device(abi->stream, NULL, 0, host, 4), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "copy_host_to_device(src NULL, size 4)", api->copy_host_to_device(abi->stream, abi->buffer, 0, NULL, 4), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "copy_device_to_host(dst NULL, size 4)", api->copy_device_to_host(abi->stream, NULL, abi->buffer, 0, 4), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "copy_device_to_host(src NULL)", api->copy_device_to_host(abi->stream, host, NULL, 0, 4), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "copy_host_to_device(size 0)", api->copy_host_to_device(abi->stream, abi->buffer, 0, host, 0), XHAL_STATUS_OK, CONF_ABI_NONE);
  return r;
}

static conf_result_t abi_copy_other_device(conf_run_t *run, conf_abi_t *abi) {
  xhal_plugin_buffer_t *other = NULL;
  char host[16] = {0};
  int32_t status = abi->api->buffer_alloc(abi->device1, 16, 0, &other);
  if (status) return conf_fail(run, "buffer_alloc on device 1: %d %s", status, conf_abi_message);
  conf_result_t r = conf_abi_expect(run, "copy_host_to_device(stream of device 0, buffer of device 1)",
                                    abi->api->copy_host_to_device(abi->stream, other, 0, host, 4), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "copy_device_to_host(stream of device 0, buffer of device 1)",
                              abi->api->copy_device_to_host(abi->stream, host, other, 0, 4), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  abi->api->buffer_free(other);
  return r;
}

static conf_result_t abi_stream_bad_arguments(conf_run_t *run, conf_abi_t *abi) {
  xhal_plugin_stream_t *stream = CONF_SENTINEL;
  conf_result_t r = conf_abi_expect(run, "stream_create(device, NULL)", abi->api->stream_create(abi->device, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "stream_create(NULL, out)", abi->api->stream_create(NULL, &stream), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "stream_synchronize(NULL)", abi->api->stream_synchronize(NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "stream_destroy(NULL)", abi->api->stream_destroy(NULL), XHAL_STATUS_OK, CONF_ABI_NONE);
  if (!r && stream != CONF_SENTINEL) r = conf_fail(run, "out_stream written on failure");
  return r;
}

static conf_result_t abi_event_bad_arguments(conf_run_t *run, conf_abi_t *abi) {
  const xhal_plugin_api_v1_t *api = abi->api;
  xhal_plugin_event_t *event = NULL;
  conf_result_t r = conf_abi_expect(run, "event_create(device, NULL)", api->event_create(abi->device, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (r) return r;
  int32_t status = api->event_create(abi->device, &event);
  if (status) return conf_fail(run, "event_create: %d %s", status, conf_abi_message);
  r = conf_abi_expect(run, "event_query(never recorded)", api->event_query(event), XHAL_STATUS_OK, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "event_synchronize(never recorded)", api->event_synchronize(event), XHAL_STATUS_OK, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "stream_wait_event(never recorded)", api->stream_wait_event(abi->stream, event), XHAL_STATUS_OK, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "event_record(event, NULL)", api->event_record(event, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "event_record(NULL, stream)", api->event_record(NULL, abi->stream), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "stream_wait_event(stream, NULL)", api->stream_wait_event(abi->stream, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "event_query(NULL)", api->event_query(NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "event_synchronize(NULL)", api->event_synchronize(NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  if (!r) r = conf_abi_expect(run, "event_destroy(NULL)", api->event_destroy(NULL), XHAL_STATUS_OK, CONF_ABI_NONE);
  api->stream_synchronize(abi->stream);
  api->event_destroy(event);
  return r;
}

static conf_result_t abi_event_other_device(conf_run_t *run, conf_abi_t *abi) {
  xhal_plugin_event_t *event = NULL;
  int32_t status = abi->api->event_create(abi->device1, &event);
  if (status) return conf_fail(run, "event_create on device 1: %d", status);
  conf_result_t r = conf_abi_expect(run, "event_record(event of device 1, stream of device 0)",
                                    abi->api->event_record(event, abi->stream), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  abi->api->event_destroy(event);
  return r;
}

static conf_result_t abi_optional_slots(conf_run_t *run, conf_abi_t *abi) {
  const xhal_plugin_api_v1_t *api = abi->api;
  conf_result_t r = CONF_PASS;
  int checked = 0;
  if (api->copy_device_to_device) {
    ++checked;
    r = conf_abi_expect(run, "copy_device_to_device(overlapping ranges)", api->copy_device_to_device(abi->stream, abi->buffer, 0, abi->buffer, 8, 64), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
    if (!r) r = conf_abi_expect(run, "copy_device_to_device(src out of range)", api->copy_device_to_device(abi->stream, abi->buffer, 0, abi->buffer, CONF_ABI_BUFFER_SIZE - 4, 8), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
    if (!r) r = conf_abi_expect(run, "copy_device_to_device(dst NULL)", api->copy_device_to_device(abi->stream, NULL, 0, abi->buffer, 0, 8), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  }
  if (!r && api->buffer_fill) {
    ++checked;
    r = conf_abi_expect(run, "buffer_fill(out of range)", api->buffer_fill(abi->stream, abi->buffer, 8, CONF_ABI_BUFFER_SIZE, 0), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  }
  if (!r && api->stream_add_callback) {
    ++checked;
    r = conf_abi_expect(run, "stream_add_callback(fn NULL)", api->stream_add_callback(abi->stream, NULL, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  }
  if (!r && api->op_supported) {
    ++checked;
    r = conf_abi_expect(run, "op_supported(device, NULL)", api->op_supported(abi->device, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
    xhal_plugin_op_desc_t desc = {.header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_OP_DESC, xhal_plugin_op_desc_t), .op = 0x7ffffff0u};
    if (!r) r = conf_abi_expect(run, "op_supported(op code 0x7ffffff0)", api->op_supported(abi->device, &desc), XHAL_STATUS_UNSUPPORTED, XHAL_STATUS_INVALID_ARGUMENT);
  }
  if (!r && api->op_launch) {
    ++checked;
    r = conf_abi_expect(run, "op_launch(stream, NULL)", api->op_launch(abi->stream, NULL), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
  }
  if (!r && api->event_elapsed_ns) {
    ++checked;
    uint64_t ns = 7;
    r = conf_abi_expect(run, "event_elapsed_ns(NULL, NULL, out)", api->event_elapsed_ns(NULL, NULL, &ns), XHAL_STATUS_INVALID_ARGUMENT, CONF_ABI_NONE);
    if (!r && ns != 7) r = conf_fail(run, "out_ns written on failure");
  }
  if (!r && !checked) return conf_not_supported(run, "the plugin implements none of the optional slots checked here");
  return r;
}

/* ---- handles through libxhal ---------------------------------------------- */

static conf_result_t conf_expect_status(conf_run_t *run, const char *what, xhal_status_t got,
                                        xhal_status_t want) {
  if (got == want) return CONF_PASS;
  return conf_fail(run, "%s returned %s, expected %s; message: %s", what, xhal_status_string(got),
                   xhal_status_string(want), xhal_last_error());
}

static conf_result_t conf_hal_stale_handles(conf_run_t *run, const void *params) {
  (void)params;
  xhal_device_t *device = run->env->devices[0];
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  xhal_event_t *event = NULL;
  xhal_status_t status = xhal_buffer_create(device, 64, &buffer);
  if (!status) status = xhal_stream_create(device, &stream);
  if (!status) status = xhal_event_create(device, &event);
  if (status) return conf_fail_status(run, "creating objects", status);
  xhal_buffer_destroy(buffer);
  xhal_event_destroy(event);
  char host[8];
  xhal_stream_t *live_stream = NULL;
  xhal_stream_create(device, &live_stream);
  conf_result_t r = conf_expect_status(run, "xhal_copy_to_buffer(destroyed buffer)", xhal_copy_to_buffer(live_stream, buffer, 0, host, 8), XHAL_STATUS_INVALID_HANDLE);
  if (!r) r = conf_expect_status(run, "xhal_buffer_destroy(destroyed buffer)", xhal_buffer_destroy(buffer), XHAL_STATUS_INVALID_HANDLE);
  if (!r) r = conf_expect_status(run, "xhal_event_query(destroyed event)", xhal_event_query(event), XHAL_STATUS_INVALID_HANDLE);
  xhal_stream_destroy(stream);
  if (!r) r = conf_expect_status(run, "xhal_stream_synchronize(destroyed stream)", xhal_stream_synchronize(stream), XHAL_STATUS_INVALID_HANDLE);
  xhal_stream_destroy(live_stream);
  return r;
}

static conf_result_t conf_hal_foreign_handles(conf_run_t *run, const void *params) {
  (void)params;
  xhal_device_t *device = run->env->devices[0];
  xhal_stream_t *stream = NULL;
  xhal_status_t status = xhal_stream_create(device, &stream);
  if (status) return conf_fail_status(run, "xhal_stream_create", status);
  char not_a_handle[64] = {0};
  char host[8];
  conf_result_t r = conf_expect_status(run, "xhal_copy_to_buffer(pointer to host memory as buffer)", xhal_copy_to_buffer(stream, (xhal_buffer_t *)not_a_handle, 0, host, 8), XHAL_STATUS_INVALID_HANDLE);
  if (!r) r = conf_expect_status(run, "xhal_copy_to_buffer(stream handle as buffer)", xhal_copy_to_buffer(stream, (xhal_buffer_t *)stream, 0, host, 8), XHAL_STATUS_INVALID_HANDLE);
  if (!r) r = conf_expect_status(run, "xhal_stream_synchronize(device handle as stream)", xhal_stream_synchronize((xhal_stream_t *)device), XHAL_STATUS_INVALID_HANDLE);
  if (!r) r = conf_expect_status(run, "xhal_buffer_create(NULL device)", xhal_buffer_create(NULL, 8, (xhal_buffer_t **)not_a_handle), XHAL_STATUS_INVALID_ARGUMENT);
  xhal_stream_destroy(stream);
  return r;
}

/* ---- registration --------------------------------------------------------- */

void conf_area_abi_register(conf_registry_t *registry) {
  static const struct {
    const char *name;
    conf_abi_params_t params;
  } cases[] = {
      {"abi.entry.negotiate.impossible_range", {abi_entry_impossible_range, 0, 0}},
      {"abi.entry.negotiate.newer_host_range", {abi_entry_wide_range, 0, 0}},
      {"abi.entry.null_out", {abi_entry_null_out, 0, 0}},
      {"abi.table.header", {abi_table_header, 0, 0}},
      {"abi.instance.null_arguments", {abi_instance_null_arguments, 1, 0}},
      {"abi.instance.two_at_once", {abi_instance_two_at_once, 1, 0}},
      {"abi.device.bad_arguments", {abi_device_bad_arguments, 1, 0}},
      {"abi.device.properties.short_struct", {abi_properties_short_struct, 1, 0}},
      {"abi.device.properties.long_struct", {abi_properties_long_struct, 1, 0}},
      {"abi.mem.alloc.bad_arguments", {abi_buffer_bad_arguments, 1, 0}},
      {"abi.mem.alloc.zero_size", {abi_buffer_zero_size, 1, 0}},
      {"abi.mem.copy.bad_ranges", {abi_copy_bad_ranges, 1, 0}},
      {"abi.mem.copy.null_arguments", {abi_copy_null_arguments, 1, 0}},
      {"abi.mem.copy.other_device", {abi_copy_other_device, 1, 1}},
      {"abi.stream.bad_arguments", {abi_stream_bad_arguments, 1, 0}},
      {"abi.event.bad_arguments", {abi_event_bad_arguments, 1, 0}},
      {"abi.event.other_device", {abi_event_other_device, 1, 1}},
      {"abi.optional.bad_arguments", {abi_optional_slots, 1, 0}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    conf_register(registry, cases[i].name, CONF_TIER_QUICK, conf_abi_case, &cases[i].params,
                  sizeof cases[i].params);
  }
  conf_register(registry, "abi.hal.stale_handles", CONF_TIER_QUICK, conf_hal_stale_handles, NULL, 0);
  conf_register(registry, "abi.hal.foreign_handles", CONF_TIER_QUICK, conf_hal_foreign_handles, NULL, 0);
}
