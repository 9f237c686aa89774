/* area_xbackend.c - xbackend.*: the backend under test together with the CPU
 * backend in one context: copies between their buffers (staged by libxhal
 * through host memory) and event waits in both directions. NOT_SUPPORTED
 * when the backend under test is the CPU backend itself or no CPU backend
 * can be found (XHAL_PLUGIN_PATH, then the install directory). */
#include <stdlib.h>
#include <string.h>

#include "conf_case.h"

#define XB_BYTES (4u << 20)

typedef struct xb_pair {
  xhal_context_t *context;
  xhal_device_t *test; /* device 0 of the backend under test */
  xhal_device_t *cpu;  /* device 0 of the CPU backend */
  xhal_stream_t *test_stream, *cpu_stream;
  xhal_buffer_t *test_buffer, *cpu_buffer;
  uint32_t *pattern, *back;
} xb_pair_t;

static void xb_close(xb_pair_t *p) {
  xhal_buffer_destroy(p->test_buffer);
  xhal_buffer_destroy(p->cpu_buffer);
  xhal_stream_destroy(p->test_stream);
  xhal_stream_destroy(p->cpu_stream);
  xhal_context_destroy(p->context);
  free(p->pattern);
  free(p->back);
  memset(p, 0, sizeof *p);
}

static conf_result_t xb_open(conf_run_t *run, xb_pair_t *p) {
  memset(p, 0, sizeof *p);
  xhal_context_options_t options = {.struct_size = sizeof options, .no_default_plugins = 1};
  xhal_status_t status = xhal_context_create(&options, &p->context);
  if (status) return conf_fail_status(run, "xhal_context_create", status);
  uint32_t test_index = 0, cpu_index = 0;
  status = xhal_context_load_plugin(p->context, run->env->plugin_path, &test_index);
  if (status) return conf_fail_status(run, "loading the backend under test", status);
  status = xhal_context_load_plugin(p->context, "cpu", &cpu_index);
  if (status) return conf_not_supported(run, "no CPU backend to pair with: %s", xhal_last_error());
  if (cpu_index == test_index) {
    return conf_not_supported(run, "the backend under test is the CPU backend; these cases need two backends");
  }
  uint32_t count = 0;
  xhal_context_device_count(p->context, &count);
  for (uint32_t i = 0; i < count; ++i) {
    xhal_device_t *device = NULL;
    xhal_context_device(p->context, i, &device);
    int is_cpu = strcmp(xhal_device_backend(device), "cpu") == 0;
    if (is_cpu && !p->cpu) p->cpu = device;
    if (!is_cpu && !p->test) p->test = device;
  }
  if (!p->test || !p->cpu) return conf_fail(run, "expected devices of both backends, found %u devices", count);
  p->pattern = malloc(XB_BYTES);
  p->back = malloc(XB_BYTES);
  if (!p->pattern || !p->back) return conf_fail(run, "host out of memory");
  for (uint32_t i = 0; i < XB_BYTES / 4; ++i) p->pattern[i] = (uint32_t)conf_random_bits(run, 0, i);
  memset(p->back, 0, XB_BYTES);
  if ((status = xhal_stream_create(p->test, &p->test_stream)) ||
      (status = xhal_stream_create(p->cpu, &p->cpu_stream)) ||
      (status = xhal_buffer_create(p->test, XB_BYTES, &p->test_buffer)) ||
      (status = xhal_buffer_create(p->cpu, XB_BYTES, &p->cpu_buffer))) {
    return conf_fail_status(run, "creating streams and buffers", status);
  }
  return CONF_PASS;
}

static conf_result_t xb_compare(conf_run_t *run, const xb_pair_t *p, const char *what) {
  for (uint32_t i = 0; i < XB_BYTES / 4; ++i) {
    if (p->back[i] != p->pattern[i]) {
      return conf_fail(run, "%s: word %u: expected 0x%08x, actual 0x%08x", what, i, p->pattern[i], p->back[i]);
    }
  }
  return CONF_PASS;
}

/* cpu -> test -> host, and test -> cpu -> host. */
static conf_result_t xb_copy(conf_run_t *run, const void *params) {
  (void)params;
  xb_pair_t p;
  conf_result_t r = xb_open(run, &p);
  xhal_status_t status = XHAL_STATUS_OK;
  if (!r && ((status = xhal_copy_to_buffer(p.cpu_stream, p.cpu_buffer, 0, p.pattern, XB_BYTES)) ||
             (status = xhal_stream_synchronize(p.cpu_stream)) ||
             (status = xhal_copy_buffer(p.test_stream, p.test_buffer, 0, p.cpu_buffer, 0, XB_BYTES)) ||
             (status = xhal_copy_from_buffer(p.test_stream, p.back, p.test_buffer, 0, XB_BYTES)) ||
             (status = xhal_stream_synchronize(p.test_stream)))) {
    r = conf_fail_status(run, "cpu -> backend copy", status);
  }
  if (!r) r = xb_compare(run, &p, "cpu -> backend");
  if (!r) {
    memset(p.back, 0, XB_BYTES);
    if ((status = xhal_buffer_fill(p.cpu_stream, p.cpu_buffer, 0, XB_BYTES, 0)) ||
        (status = xhal_copy_buffer(p.cpu_stream, p.cpu_buffer, 0, p.test_buffer, 0, XB_BYTES)) ||
        (status = xhal_copy_from_buffer(p.cpu_stream, p.back, p.cpu_buffer, 0, XB_BYTES)) ||
        (status = xhal_stream_synchronize(p.cpu_stream))) {
      r = conf_fail_status(run, "backend -> cpu copy", status);
    }
    if (!r) r = xb_compare(run, &p, "backend -> cpu");
  }
  xb_close(&p);
  return r;
}

/* The producer uploads and records; the consumer waits on the event, then
 * copies the producer's buffer through a staged copy on its own stream. The
 * staged copy first drains the consumer's stream, so it sees the data only
 * if the wait held the consumer until the producer was done. */
static conf_result_t xb_wait(conf_run_t *run, const void *params) {
  int cpu_waits = *(const int *)params;
  xb_pair_t p;
  conf_result_t r = xb_open(run, &p);
  if (r) {
    xb_close(&p);
    return r;
  }
  xhal_device_t *producer_device = cpu_waits ? p.test : p.cpu;
  xhal_stream_t *producer = cpu_waits ? p.test_stream : p.cpu_stream;
  xhal_stream_t *consumer = cpu_waits ? p.cpu_stream : p.test_stream;
  xhal_buffer_t *source = cpu_waits ? p.test_buffer : p.cpu_buffer;
  xhal_buffer_t *target = cpu_waits ? p.cpu_buffer : p.test_buffer;
  xhal_event_t *event = NULL;
  xhal_status_t status = xhal_event_create(producer_device, &event);
  for (int round = 0; !status && !r && round < 3; ++round) {
    p.pattern[0] = (uint32_t)round;
    memset(p.back, 0, XB_BYTES);
    if ((status = xhal_copy_to_buffer(producer, source, 0, p.pattern, XB_BYTES)) ||
        (status = xhal_event_record(event, producer)) ||
        (status = xhal_stream_wait_event(consumer, event)) ||
        (status = xhal_copy_buffer(consumer, target, 0, source, 0, XB_BYTES)) ||
        (status = xhal_copy_from_buffer(consumer, p.back, target, 0, XB_BYTES)) ||
        (status = xhal_stream_synchronize(consumer)) ||
        (status = xhal_stream_synchronize(producer))) {
      break;
    }
    r = xb_compare(run, &p, cpu_waits ? "cpu stream after waiting on the backend's event"
                                      : "backend stream after waiting on a cpu event");
  }
  if (status) r = conf_fail_status(run, "cross-backend event wait", status);
  xhal_event_destroy(event);
  xb_close(&p);
  return r;
}

void conf_area_xbackend_register(conf_registry_t *registry) {
  static const int cpu_waits = 1, backend_waits = 0;
  conf_register(registry, "xbackend.copy.round_trip", CONF_TIER_QUICK, xb_copy, NULL, 0);
  conf_register(registry, "xbackend.event.cpu_waits_on_backend", CONF_TIER_QUICK, xb_wait,
                &cpu_waits, sizeof cpu_waits);
  conf_register(registry, "xbackend.event.backend_waits_on_cpu", CONF_TIER_QUICK, xb_wait,
                &backend_waits, sizeof backend_waits);
}
