/* area_mem.c - mem.*: allocation sizes, copies in every direction with
 * offsets, fills, out-of-memory recovery and many live buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_case.h"

typedef struct conf_mem_params {
  uint64_t size;
  uint64_t offset;
} conf_mem_params_t;

static void conf_fill_pattern(const conf_run_t *run, unsigned char *data, uint64_t size,
                              uint32_t tensor) {
  for (uint64_t i = 0; i < size; ++i) data[i] = (unsigned char)(conf_random_bits(run, tensor, i / 8) >> (8 * (i % 8)));
}

static conf_result_t conf_compare_bytes(conf_run_t *run, const unsigned char *expected,
                                        const unsigned char *actual, uint64_t size,
                                        const char *what) {
  for (uint64_t i = 0; i < size; ++i) {
    if (expected[i] != actual[i]) {
      uint64_t mismatches = 0;
      for (uint64_t j = i; j < size; ++j) mismatches += expected[j] != actual[j];
      return conf_fail(run, "%s: byte %llu: expected 0x%02x, actual 0x%02x (%llu of %llu bytes differ)",
                       what, (unsigned long long)i, expected[i], actual[i],
                       (unsigned long long)mismatches, (unsigned long long)size);
    }
  }
  return CONF_PASS;
}

/* Allocates params->size bytes, uploads a pattern at params->offset, reads it
 * back whole, and checks both the pattern and that nothing else moved. */
static conf_result_t conf_mem_round_trip(conf_run_t *run, const void *params) {
  const conf_mem_params_t *p = params;
  xhal_device_t *device = run->env->devices[0];
  uint64_t total = p->size + p->offset;
  unsigned char *pattern = malloc(p->size + 1), *back = malloc(total + 1), *base = malloc(total + 1);
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  conf_result_t r = CONF_PASS;
  xhal_status_t status = XHAL_STATUS_OK;
  if (!pattern || !back || !base) { r = conf_fail(run, "host out of memory for %llu bytes", (unsigned long long)total); goto done; }
  conf_fill_pattern(run, pattern, p->size, 0);
  conf_fill_pattern(run, base, total, 1);
  if ((status = xhal_buffer_create(device, total, &buffer)) || (status = xhal_stream_create(device, &stream)) ||
      (status = xhal_copy_to_buffer(stream, buffer, 0, base, total)) ||
      (status = xhal_copy_to_buffer(stream, buffer, p->offset, pattern, p->size)) ||
      (status = xhal_copy_from_buffer(stream, back, buffer, 0, total)) ||
      (status = xhal_stream_synchronize(stream))) {
    r = conf_fail_status(run, "allocate/copy/synchronize", status);
    goto done;
  }
  memcpy(base + p->offset, pattern, p->size);
  r = conf_compare_bytes(run, base, back, total, "round trip");
done:
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  free(pattern);
  free(back);
  free(base);
  return r;
}

/* d2d within one device and, when there are two, between devices. */
static conf_result_t conf_mem_device_copy(conf_run_t *run, const void *params) {
  const conf_mem_params_t *p = params; /* offset != 0 means "second device" */
  int peer = p->offset != 0;
  if (peer && run->env->device_count < 2) return conf_not_supported(run, "needs 2 devices, backend has %u", run->env->device_count);
  xhal_device_t *source_device = run->env->devices[0];
  xhal_device_t *target_device = run->env->devices[peer ? 1 : 0];
  unsigned char *pattern = malloc(p->size + 1), *back = malloc(p->size + 1);
  xhal_buffer_t *src = NULL, *dst = NULL;
  xhal_stream_t *stream = NULL, *target_stream = NULL;
  conf_result_t r = CONF_PASS;
  xhal_status_t status;
  if (!pattern || !back) { r = conf_fail(run, "host out of memory"); goto done; }
  conf_fill_pattern(run, pattern, p->size, 0);
  if ((status = xhal_buffer_create(source_device, p->size + 16, &src)) ||
      (status = xhal_buffer_create(target_device, p->size + 16, &dst)) ||
      (status = xhal_stream_create(source_device, &stream)) ||
      (status = xhal_stream_create(target_device, &target_stream)) ||
      (status = xhal_copy_to_buffer(stream, src, 3, pattern, p->size)) ||
      (status = xhal_copy_buffer(stream, dst, 13, src, 3, p->size)) ||
      (status = xhal_stream_synchronize(stream)) ||
      (status = xhal_copy_from_buffer(target_stream, back, dst, 13, p->size)) ||
      (status = xhal_stream_synchronize(target_stream))) {
    r = conf_fail_status(run, "device-to-device copy", status);
    goto done;
  }
  r = conf_compare_bytes(run, pattern, back, p->size, "device-to-device copy");
done:
  xhal_stream_destroy(stream);
  xhal_stream_destroy(target_stream);
  xhal_buffer_destroy(src);
  xhal_buffer_destroy(dst);
  free(pattern);
  free(back);
  return r;
}

static conf_result_t conf_mem_fill(conf_run_t *run, const void *params) {
  const conf_mem_params_t *p = params;
  xhal_device_t *device = run->env->devices[0];
  uint64_t total = p->size + 2 * p->offset;
  unsigned char *expected = malloc(total + 1), *back = malloc(total + 1);
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  conf_result_t r = CONF_PASS;
  xhal_status_t status;
  uint32_t value = (uint32_t)(conf_random_bits(run, 0, 0) & 0xff);
  if (!expected || !back) { r = conf_fail(run, "host out of memory"); goto done; }
  conf_fill_pattern(run, expected, total, 1);
  if ((status = xhal_buffer_create(device, total, &buffer)) || (status = xhal_stream_create(device, &stream)) ||
      (status = xhal_copy_to_buffer(stream, buffer, 0, expected, total)) ||
      (status = xhal_buffer_fill(stream, buffer, p->offset, p->size, value)) ||
      (status = xhal_copy_from_buffer(stream, back, buffer, 0, total)) ||
      (status = xhal_stream_synchronize(stream))) {
    r = conf_fail_status(run, "fill", status);
    goto done;
  }
  memset(expected + p->offset, (int)value, p->size);
  r = conf_compare_bytes(run, expected, back, total, "fill");
done:
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  free(expected);
  free(back);
  return r;
}

static conf_result_t conf_mem_out_of_memory(conf_run_t *run, const void *params) {
  (void)params;
  xhal_device_t *device = run->env->devices[0];
  xhal_device_properties_t props = {.header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_DEVICE_PROPERTIES, xhal_device_properties_t)};
  xhal_device_properties(device, &props);
  uint64_t huge = props.memory_bytes > UINT64_MAX / 4 ? UINT64_MAX : props.memory_bytes * 4;
  xhal_buffer_t *buffer = (xhal_buffer_t *)(uintptr_t)0x1;
  xhal_status_t status = xhal_buffer_create(device, huge, &buffer);
  if (status != XHAL_STATUS_OUT_OF_MEMORY) {
    if (status == XHAL_STATUS_OK) xhal_buffer_destroy(buffer);
    return conf_fail(run, "xhal_buffer_create(%llu bytes, 4x the declared memory) returned %s, expected OUT_OF_MEMORY: %s",
                     (unsigned long long)huge, xhal_status_string(status), xhal_last_error());
  }
  if (buffer != (xhal_buffer_t *)(uintptr_t)0x1) return conf_fail(run, "out_buffer written on failure");
  conf_mem_params_t small = {4096, 0};
  return conf_mem_round_trip(run, &small);
}

static conf_result_t conf_mem_many_buffers(conf_run_t *run, const void *params) {
  const conf_mem_params_t *p = params;
  xhal_device_t *device = run->env->devices[0];
  xhal_buffer_t **buffers = calloc(p->size, sizeof *buffers);
  uint64_t *tags = calloc(p->size, sizeof *tags); /* host sources must outlive the copies */
  xhal_stream_t *stream = NULL;
  conf_result_t r = CONF_PASS;
  xhal_status_t status = buffers && tags ? xhal_stream_create(device, &stream) : XHAL_STATUS_OUT_OF_MEMORY;
  for (uint64_t i = 0; !status && i < p->size; ++i) {
    status = xhal_buffer_create(device, 8 + i % 64, &buffers[i]);
    tags[i] = i;
    if (!status) status = xhal_copy_to_buffer(stream, buffers[i], 0, &tags[i], 8);
  }
  if (!status) status = xhal_stream_synchronize(stream);
  for (uint64_t i = 0; !status && i < p->size; ++i) {
    uint64_t tag = ~(uint64_t)0;
    status = xhal_copy_from_buffer(stream, &tag, buffers[i], 0, 8);
    if (!status) status = xhal_stream_synchronize(stream);
    if (!status && tag != i) {
      r = conf_fail(run, "buffer %llu holds tag %llu", (unsigned long long)i, (unsigned long long)tag);
      break;
    }
  }
  if (status) r = conf_fail_status(run, "many buffers", status);
  for (uint64_t i = 0; buffers && i < p->size; ++i) xhal_buffer_destroy(buffers[i]);
  xhal_stream_destroy(stream);
  free(buffers);
  free(tags);
  return r;
}

static conf_result_t conf_mem_bad_ranges(conf_run_t *run, const void *params) {
  (void)params;
  xhal_device_t *device = run->env->devices[0];
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  char host[128] = {0};
  xhal_status_t status = xhal_buffer_create(device, 64, &buffer);
  if (!status) status = xhal_stream_create(device, &stream);
  if (status) return conf_fail_status(run, "setup", status);
  struct { const char *what; xhal_status_t got; } checks[] = {
      {"copy_to_buffer(offset 1, size 64)", xhal_copy_to_buffer(stream, buffer, 1, host, 64)},
      {"copy_from_buffer(offset 65, size 0)", xhal_copy_from_buffer(stream, host, buffer, 65, 0)},
      {"copy_buffer(overlapping)", xhal_copy_buffer(stream, buffer, 0, buffer, 8, 16)},
      {"buffer_fill(offset 60, size 8)", xhal_buffer_fill(stream, buffer, 60, 8, 0)},
      {"copy_to_buffer(offset UINT64_MAX)", xhal_copy_to_buffer(stream, buffer, UINT64_MAX, host, 2)},
  };
  conf_result_t r = CONF_PASS;
  for (size_t i = 0; i < sizeof checks / sizeof checks[0] && !r; ++i) {
    if (checks[i].got != XHAL_STATUS_INVALID_ARGUMENT) {
      r = conf_fail(run, "%s returned %s, expected INVALID_ARGUMENT", checks[i].what, xhal_status_string(checks[i].got));
    }
  }
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  return r;
}

static conf_result_t conf_mem_host_alloc(conf_run_t *run, const void *params) {
  (void)params;
  xhal_device_t *device = run->env->devices[0];
  void *host = NULL;
  xhal_status_t status = xhal_host_alloc(device, 1 << 16, &host);
  if (status) return conf_fail_status(run, "xhal_host_alloc", status);
  memset(host, 0x3c, 1 << 16);
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  unsigned char *back = malloc(1 << 16);
  conf_result_t r = CONF_PASS;
  if (!back || (status = xhal_buffer_create(device, 1 << 16, &buffer)) || (status = xhal_stream_create(device, &stream)) ||
      (status = xhal_copy_to_buffer(stream, buffer, 0, host, 1 << 16)) ||
      (status = xhal_copy_from_buffer(stream, back, buffer, 0, 1 << 16)) || (status = xhal_stream_synchronize(stream))) {
    r = conf_fail_status(run, "copies from pinned host memory", status);
  } else {
    r = conf_compare_bytes(run, host, back, 1 << 16, "pinned round trip");
  }
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  free(back);
  status = xhal_host_free(device, host);
  if (!r && status) r = conf_fail_status(run, "xhal_host_free", status);
  return r;
}

void conf_area_mem_register(conf_registry_t *registry) {
  static const uint64_t sizes[] = {0, 1, 3, 64, 4097, 65536, 1 << 20, 16 << 20};
  static const uint64_t offsets[] = {0, 1, 7, 64};
  char name[128];
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; ++s) {
    for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; ++o) {
      conf_mem_params_t p = {sizes[s], offsets[o]};
      snprintf(name, sizeof name, "mem.copy.round_trip.size_%llu.offset_%llu", (unsigned long long)p.size, (unsigned long long)p.offset);
      conf_register(registry, name, CONF_TIER_QUICK, conf_mem_round_trip, &p, sizeof p);
    }
    for (int peer = 0; peer < 2; ++peer) {
      conf_mem_params_t p = {sizes[s], (uint64_t)peer};
      snprintf(name, sizeof name, "mem.copy.%s.size_%llu", peer ? "peer_device" : "same_device", (unsigned long long)p.size);
      conf_register(registry, name, CONF_TIER_QUICK, conf_mem_device_copy, &p, sizeof p);
    }
    conf_mem_params_t fill = {sizes[s], 5};
    snprintf(name, sizeof name, "mem.fill.size_%llu", (unsigned long long)fill.size);
    conf_register(registry, name, CONF_TIER_QUICK, conf_mem_fill, &fill, sizeof fill);
  }
  conf_mem_params_t large = {256u << 20, 0};
  conf_register(registry, "mem.copy.round_trip.size_268435456.offset_0", CONF_TIER_FULL, conf_mem_round_trip, &large, sizeof large);
  conf_register(registry, "mem.alloc.out_of_memory", CONF_TIER_QUICK, conf_mem_out_of_memory, NULL, 0);
  conf_mem_params_t many = {2000, 0};
  conf_register(registry, "mem.alloc.many_buffers", CONF_TIER_QUICK, conf_mem_many_buffers, &many, sizeof many);
  conf_register(registry, "mem.copy.bad_ranges", CONF_TIER_QUICK, conf_mem_bad_ranges, NULL, 0);
  conf_register(registry, "mem.host_alloc.round_trip", CONF_TIER_QUICK, conf_mem_host_alloc, NULL, 0);
}
