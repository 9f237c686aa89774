/* area_stream.c - stream.* and event.*: in-order execution within a stream,
 * ordering across streams and devices through events, host callbacks,
 * elapsed time, concurrent use of several streams from several threads, and
 * progress without synchronize (stream.progress.*). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf_case.h"

typedef struct conf_stream_params {
  uint32_t steps;
  uint32_t size;
} conf_stream_params_t;

/* A chain of copies buffer[k] -> buffer[k+1] on one stream: only in-order
 * execution delivers the first buffer's data to the last. */
static conf_result_t conf_stream_in_order(conf_run_t *run, const void *params) {
  const conf_stream_params_t *p = params;
  xhal_device_t *device = run->env->devices[0];
  xhal_buffer_t *buffers[2] = {NULL, NULL};
  xhal_stream_t *stream = NULL;
  uint32_t *data = malloc(p->size * sizeof *data), *back = malloc(p->size * sizeof *back);
  conf_result_t r = CONF_PASS;
  xhal_status_t status = data && back ? XHAL_STATUS_OK : XHAL_STATUS_OUT_OF_MEMORY;
  uint64_t bytes = (uint64_t)p->size * sizeof *data;
  if (!status) status = xhal_buffer_create(device, bytes, &buffers[0]);
  if (!status) status = xhal_buffer_create(device, bytes, &buffers[1]);
  if (!status) status = xhal_stream_create(device, &stream);
  for (uint32_t step = 0; !status && step < p->steps; ++step) {
    /* step s writes value s into buffer 0, then moves it to buffer 1 */
    for (uint32_t i = 0; i < p->size; ++i) data[i] = step * 1000003u + i;
    status = xhal_copy_to_buffer(stream, buffers[0], 0, data, bytes);
    if (!status) status = xhal_copy_buffer(stream, buffers[1], 0, buffers[0], 0, bytes);
    /* the host array changes next step: wait so the upload has consumed it */
    if (!status) status = xhal_stream_synchronize(stream);
  }
  if (!status) status = xhal_copy_from_buffer(stream, back, buffers[1], 0, bytes);
  if (!status) status = xhal_stream_synchronize(stream);
  if (status) {
    r = conf_fail_status(run, "copy chain", status);
  } else {
    for (uint32_t i = 0; i < p->size; ++i) {
      uint32_t want = (p->steps - 1) * 1000003u + i;
      if (back[i] != want) { r = conf_fail(run, "element %u: expected %u, actual %u", i, want, back[i]); break; }
    }
  }
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffers[0]);
  xhal_buffer_destroy(buffers[1]);
  free(data);
  free(back);
  return r;
}

/* Enqueues many asynchronous uploads of distinct host arrays, then one
 * download per array, and synchronizes only once. */
static conf_result_t conf_stream_async_queue(conf_run_t *run, const void *params) {
  const conf_stream_params_t *p = params;
  xhal_device_t *device = run->env->devices[0];
  uint32_t *data = malloc((size_t)p->steps * p->size * sizeof *data);
  uint32_t *back = calloc((size_t)p->steps * p->size, sizeof *back);
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  uint64_t bytes = (uint64_t)p->size * sizeof *data;
  xhal_status_t status = data && back ? XHAL_STATUS_OK : XHAL_STATUS_OUT_OF_MEMORY;
  if (!status) status = xhal_buffer_create(device, bytes, &buffer);
  if (!status) status = xhal_stream_create(device, &stream);
  for (uint32_t step = 0; !status && step < p->steps; ++step) {
    uint32_t *slice = data + (size_t)step * p->size;
    for (uint32_t i = 0; i < p->size; ++i) slice[i] = (uint32_t)conf_random_bits(run, step, i);
    status = xhal_copy_to_buffer(stream, buffer, 0, slice, bytes);
    if (!status) status = xhal_copy_from_buffer(stream, back + (size_t)step * p->size, buffer, 0, bytes);
  }
  if (!status) status = xhal_stream_synchronize(stream);
  conf_result_t r = CONF_PASS;
  if (status) r = conf_fail_status(run, "queued copies", status);
  for (size_t i = 0; !r && i < (size_t)p->steps * p->size; ++i) {
    if (back[i] != data[i]) r = conf_fail(run, "step %zu element %zu: expected %u, actual %u (work ran out of order)", i / p->size, i % p->size, data[i], back[i]);
  }
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  free(data);
  free(back);
  return r;
}

typedef struct conf_callback_log {
  atomic_uint next;
  uint32_t order[64];
  xhal_status_t status[64];
} conf_callback_log_t;

typedef struct conf_callback_arg {
  conf_callback_log_t *log;
  uint32_t index;
} conf_callback_arg_t;

static void conf_record_callback(void *user_data, xhal_status_t status) {
  conf_callback_arg_t *arg = user_data;
  uint32_t slot = atomic_fetch_add(&arg->log->next, 1);
  if (slot < 64) {
    arg->log->order[slot] = arg->index;
    arg->log->status[slot] = status;
  }
}

static conf_result_t conf_stream_callbacks(conf_run_t *run, const void *params) {
  (void)params;
  xhal_device_t *device = run->env->devices[0];
  xhal_stream_t *stream = NULL;
  xhal_buffer_t *buffer = NULL;
  conf_callback_log_t log;
  memset(&log, 0, sizeof log);
  conf_callback_arg_t args[32];
  static uint32_t payload[1 << 16];
  xhal_status_t status = xhal_stream_create(device, &stream);
  if (!status) status = xhal_buffer_create(device, sizeof payload, &buffer);
  for (uint32_t i = 0; !status && i < 32; ++i) {
    args[i] = (conf_callback_arg_t){&log, i};
    status = xhal_copy_to_buffer(stream, buffer, 0, payload, sizeof payload);
    if (!status) status = xhal_stream_add_callback(stream, conf_record_callback, &args[i]);
  }
  if (!status) status = xhal_stream_synchronize(stream);
  conf_result_t r = CONF_PASS;
  if (status) r = conf_fail_status(run, "callbacks", status);
  uint32_t ran = atomic_load(&log.next);
  if (!r && ran != 32) r = conf_fail(run, "%u of 32 callbacks ran before synchronize returned", ran);
  for (uint32_t i = 0; !r && i < 32; ++i) {
    if (log.order[i] != i) r = conf_fail(run, "callback %u ran in position %u", log.order[i], i);
    else if (log.status[i] != XHAL_STATUS_OK) r = conf_fail(run, "callback %u saw status %s", i, xhal_status_string(log.status[i]));
  }
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  return r;
}

/* Stream A uploads and records E; stream B (on device b) waits for E and
 * then copies A's result. Without the wait B could read stale data. */
static conf_result_t conf_event_cross_stream(conf_run_t *run, const void *params) {
  const conf_stream_params_t *p = params; /* steps = 1: second device */
  int other_device = p->steps == 1;
  if (other_device && run->env->device_count < 2) return conf_not_supported(run, "needs 2 devices, backend has %u", run->env->device_count);
  xhal_device_t *device_a = run->env->devices[0];
  xhal_device_t *device_b = run->env->devices[other_device ? 1 : 0];
  uint64_t bytes = (uint64_t)p->size * 4;
  uint32_t *data = malloc(bytes), *back = calloc(p->size, 4);
  xhal_buffer_t *source = NULL, *target = NULL;
  xhal_stream_t *stream_a = NULL, *stream_b = NULL;
  xhal_event_t *event = NULL;
  xhal_status_t status = data && back ? XHAL_STATUS_OK : XHAL_STATUS_OUT_OF_MEMORY;
  for (uint32_t i = 0; data && i < p->size; ++i) data[i] = (uint32_t)conf_random_bits(run, 0, i);
  if (!status) status = xhal_buffer_create(device_a, bytes, &source);
  if (!status) status = xhal_buffer_create(device_b, bytes, &target);
  if (!status) status = xhal_stream_create(device_a, &stream_a);
  if (!status) status = xhal_stream_create(device_b, &stream_b);
  if (!status) status = xhal_event_create(device_a, &event);
  for (int round = 0; !status && round < 4; ++round) {
    data[0] = (uint32_t)round;
    status = xhal_copy_to_buffer(stream_a, source, 0, data, bytes);
    if (!status) status = xhal_event_record(event, stream_a);
    if (!status) status = xhal_stream_wait_event(stream_b, event);
    if (!status) status = xhal_copy_buffer(stream_b, target, 0, source, 0, bytes);
    if (!status) status = xhal_copy_from_buffer(stream_b, back, target, 0, bytes);
    if (!status) status = xhal_stream_synchronize(stream_b);
    if (!status) status = xhal_stream_synchronize(stream_a);
    if (!status && memcmp(back, data, bytes) != 0) {
      xhal_event_destroy(event);
      event = NULL;
      status = XHAL_STATUS_INTERNAL;
      break;
    }
  }
  conf_result_t r = CONF_PASS;
  if (status == XHAL_STATUS_INTERNAL && !event) r = conf_fail(run, "stream B read data that stream A had not finished writing (event wait did not order)");
  else if (status) r = conf_fail_status(run, "cross-stream event", status);
  xhal_event_destroy(event);
  xhal_stream_destroy(stream_a);
  xhal_stream_destroy(stream_b);
  xhal_buffer_destroy(source);
  xhal_buffer_destroy(target);
  free(data);
  free(back);
  return r;
}

static conf_result_t conf_event_states(conf_run_t *run, const void *params) {
  (void)params;
  xhal_device_t *device = run->env->devices[0];
  xhal_stream_t *stream = NULL;
  xhal_event_t *event = NULL;
  xhal_status_t status = xhal_stream_create(device, &stream);
  if (!status) status = xhal_event_create(device, &event);
  conf_result_t r = CONF_PASS;
  if (status) r = conf_fail_status(run, "setup", status);
  if (!r && (status = xhal_event_query(event)) != XHAL_STATUS_OK) r = conf_fail(run, "query of a never-recorded event: %s, expected OK", xhal_status_string(status));
  if (!r && (status = xhal_event_record(event, stream))) r = conf_fail_status(run, "xhal_event_record", status);
  if (!r && (status = xhal_event_synchronize(event))) r = conf_fail_status(run, "xhal_event_synchronize", status);
  if (!r && (status = xhal_event_query(event)) != XHAL_STATUS_OK) r = conf_fail(run, "query after synchronize: %s, expected OK", xhal_status_string(status));
  xhal_event_destroy(event);
  xhal_stream_destroy(stream);
  return r;
}

static conf_result_t conf_event_elapsed(conf_run_t *run, const void *params) {
  (void)params;
  xhal_device_t *device = run->env->devices[0];
  xhal_device_properties_t props = {.header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_DEVICE_PROPERTIES, xhal_device_properties_t)};
  xhal_device_properties(device, &props);
  if (!(props.features & XHAL_FEATURE_EVENT_TIMING)) return conf_not_supported(run, "device does not declare EVENT_TIMING");
  xhal_stream_t *stream = NULL;
  xhal_event_t *start = NULL, *end = NULL;
  xhal_buffer_t *buffer = NULL;
  static char payload[1 << 20];
  uint64_t ns = 0;
  xhal_status_t status = xhal_stream_create(device, &stream);
  if (!status) status = xhal_event_create(device, &start);
  if (!status) status = xhal_event_create(device, &end);
  if (!status) status = xhal_buffer_create(device, sizeof payload, &buffer);
  if (!status) status = xhal_event_record(start, stream);
  if (!status) status = xhal_copy_to_buffer(stream, buffer, 0, payload, sizeof payload);
  if (!status) status = xhal_event_record(end, stream);
  if (!status) status = xhal_event_synchronize(end);
  if (!status) status = xhal_event_elapsed_ns(start, end, &ns);
  conf_result_t r = status ? conf_fail_status(run, "elapsed time", status) : CONF_PASS;
  if (!r) conf_note(run, "1 MiB upload: %llu ns", (unsigned long long)ns);
  if (!r && ns > UINT64_C(60000000000)) r = conf_fail(run, "elapsed %llu ns for a 1 MiB copy is implausible", (unsigned long long)ns);
  xhal_event_destroy(start);
  xhal_event_destroy(end);
  xhal_buffer_destroy(buffer);
  xhal_stream_destroy(stream);
  return r;
}

/* ---- several threads, each with its own stream ---------------------------- */

typedef struct conf_thread_work {
  const conf_run_t *run;
  xhal_device_t *device;
  uint32_t thread;
  xhal_status_t status;
  int mismatch;
} conf_thread_work_t;

static void *conf_thread_body(void *argument) {
  conf_thread_work_t *work = argument;
  enum { count = 4096 };
  uint32_t data[count], back[count];
  xhal_stream_t *stream = NULL;
  xhal_buffer_t *buffer = NULL;
  xhal_status_t status = xhal_stream_create(work->device, &stream);
  if (!status) status = xhal_buffer_create(work->device, sizeof data, &buffer);
  for (uint32_t round = 0; !status && round < 50 && !work->mismatch; ++round) {
    for (uint32_t i = 0; i < count; ++i) data[i] = (uint32_t)conf_random_bits(work->run, work->thread, (uint64_t)round * count + i);
    status = xhal_copy_to_buffer(stream, buffer, 0, data, sizeof data);
    if (!status) status = xhal_copy_from_buffer(stream, back, buffer, 0, sizeof back);
    if (!status) status = xhal_stream_synchronize(stream);
    if (!status && memcmp(data, back, sizeof data) != 0) work->mismatch = 1;
  }
  xhal_buffer_destroy(buffer);
  xhal_stream_destroy(stream);
  work->status = status;
  return NULL;
}

static conf_result_t conf_stream_threads(conf_run_t *run, const void *params) {
  const conf_stream_params_t *p = params;
  pthread_t threads[8];
  conf_thread_work_t work[8];
  uint32_t count = p->steps < 8 ? p->steps : 8;
  for (uint32_t t = 0; t < count; ++t) {
    work[t] = (conf_thread_work_t){run, run->env->devices[t % run->env->device_count], t, XHAL_STATUS_OK, 0};
    if (pthread_create(&threads[t], NULL, conf_thread_body, &work[t]) != 0) {
      for (uint32_t u = 0; u < t; ++u) pthread_join(threads[u], NULL);
      return conf_fail(run, "pthread_create failed");
    }
  }
  for (uint32_t t = 0; t < count; ++t) pthread_join(threads[t], NULL);
  for (uint32_t t = 0; t < count; ++t) {
    if (work[t].status) return conf_fail(run, "thread %u: %s", t, xhal_status_string(work[t].status));
    if (work[t].mismatch) return conf_fail(run, "thread %u read back different data", t);
  }
  return CONF_PASS;
}

/* Destroying a stream waits for its work: the download must land. */
static conf_result_t conf_stream_destroy_drains(conf_run_t *run, const void *params) {
  (void)params;
  xhal_device_t *device = run->env->devices[0];
  static uint32_t data[1 << 18], back[1 << 18];
  for (uint32_t i = 0; i < (1u << 18); ++i) data[i] = i * 2654435761u;
  memset(back, 0, sizeof back);
  xhal_stream_t *stream = NULL;
  xhal_buffer_t *buffer = NULL;
  xhal_status_t status = xhal_stream_create(device, &stream);
  if (!status) status = xhal_buffer_create(device, sizeof data, &buffer);
  if (!status) status = xhal_copy_to_buffer(stream, buffer, 0, data, sizeof data);
  if (!status) status = xhal_copy_from_buffer(stream, back, buffer, 0, sizeof back);
  if (!status) status = xhal_stream_destroy(stream);
  else xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  if (status) return conf_fail_status(run, "destroy with pending work", status);
  if (memcmp(data, back, sizeof data) != 0) return conf_fail(run, "xhal_stream_destroy returned before the enqueued download finished");
  return CONF_PASS;
}

/* ---- progress without synchronize ------------------------------------------ */

/* Work enqueued on a stream runs without a further call on it: an event
 * recorded after it completes, a callback added after it runs, and another
 * stream that waits on the event gets past the wait. A backend that
 * batches submissions must submit at event_record and stream_add_callback.
 * The work: steps fills of 4 bytes (more commands than a batch holds).
 * Statuses only, no data: every backend's API path. */
static xhal_status_t conf_progress_fills(xhal_stream_t *stream, xhal_buffer_t *buffer,
                                         uint32_t steps) {
  xhal_status_t status = XHAL_STATUS_OK;
  for (uint32_t i = 0; !status && i < steps; ++i)
    status = xhal_buffer_fill(stream, buffer, 4 * (i % 16), 4, i & 0xffu);
  return status;
}

static conf_result_t conf_progress_event(conf_run_t *run, const void *params) {
  const conf_stream_params_t *p = params;
  xhal_device_t *device = run->env->devices[0];
  xhal_stream_t *stream = NULL;
  xhal_buffer_t *buffer = NULL;
  xhal_event_t *event = NULL;
  conf_result_t r = CONF_PASS;
  xhal_status_t status = xhal_stream_create(device, &stream);
  if (!status) status = xhal_buffer_create(device, 64, &buffer);
  if (!status) status = xhal_event_create(device, &event);
  if (!status) status = conf_progress_fills(stream, buffer, p->steps);
  if (!status) status = xhal_event_record(event, stream);
  if (status) r = conf_fail_status(run, "fills and event_record", status);
  /* no stream_synchronize before these */
  if (!r && (status = xhal_event_synchronize(event))) r = conf_fail_status(run, "event_synchronize without stream_synchronize", status);
  if (!r && (status = xhal_event_query(event)) != XHAL_STATUS_OK) r = conf_fail(run, "query after event_synchronize: %s, expected OK", xhal_status_string(status));
  if (!r && (status = xhal_stream_synchronize(stream))) r = conf_fail_status(run, "stream_synchronize", status);
  xhal_event_destroy(event);
  xhal_buffer_destroy(buffer);
  xhal_stream_destroy(stream);
  return r;
}

static void conf_progress_callback_fn(void *user_data, xhal_status_t status) {
  atomic_int *ran = user_data;
  atomic_store(ran, status == XHAL_STATUS_OK ? 1 : 2);
}

static conf_result_t conf_progress_callback(conf_run_t *run, const void *params) {
  const conf_stream_params_t *p = params;
  xhal_device_t *device = run->env->devices[0];
  xhal_stream_t *stream = NULL;
  xhal_buffer_t *buffer = NULL;
  static atomic_int ran;
  atomic_store(&ran, 0);
  conf_result_t r = CONF_PASS;
  xhal_status_t status = xhal_stream_create(device, &stream);
  if (!status) status = xhal_buffer_create(device, 64, &buffer);
  if (!status) status = conf_progress_fills(stream, buffer, p->steps);
  if (!status) status = xhal_stream_add_callback(stream, conf_progress_callback_fn, &ran);
  if (status) r = conf_fail_status(run, "fills and stream_add_callback", status);
  /* Wait up to 60 s for the callback, without a call on the stream. */
  for (int ms = 0; !r && !atomic_load(&ran) && ms < 60000; ++ms) {
    const struct timespec pause = {0, 1000000};
    nanosleep(&pause, NULL);
  }
  if (!r && !atomic_load(&ran)) r = conf_fail(run, "the callback did not run within 60 s of stream_add_callback without a stream_synchronize");
  if (!r && atomic_load(&ran) != 1) r = conf_fail(run, "the callback saw an error status");
  if (!r && (status = xhal_stream_synchronize(stream))) r = conf_fail_status(run, "stream_synchronize", status);
  if (r && stream) xhal_stream_synchronize(stream); /* the callback must run before ran goes */
  xhal_buffer_destroy(buffer);
  xhal_stream_destroy(stream);
  return r;
}

static conf_result_t conf_progress_cross_stream(conf_run_t *run, const void *params) {
  const conf_stream_params_t *p = params;
  xhal_device_t *device = run->env->devices[0];
  xhal_stream_t *stream_a = NULL, *stream_b = NULL;
  xhal_buffer_t *buffer = NULL;
  xhal_event_t *event = NULL;
  conf_result_t r = CONF_PASS;
  xhal_status_t status = xhal_stream_create(device, &stream_a);
  if (!status) status = xhal_stream_create(device, &stream_b);
  if (!status) status = xhal_buffer_create(device, 128, &buffer);
  if (!status) status = xhal_event_create(device, &event);
  if (!status) status = conf_progress_fills(stream_a, buffer, p->steps);
  if (!status) status = xhal_event_record(event, stream_a);
  if (!status) status = xhal_stream_wait_event(stream_b, event);
  if (!status) status = xhal_buffer_fill(stream_b, buffer, 64, 64, 1);
  if (status) r = conf_fail_status(run, "enqueue on two streams", status);
  /* stream A is not synchronized: B's wait must still end */
  if (!r && (status = xhal_stream_synchronize(stream_b))) r = conf_fail_status(run, "stream_synchronize of the waiting stream", status);
  if (!r && (status = xhal_stream_synchronize(stream_a))) r = conf_fail_status(run, "stream_synchronize", status);
  xhal_event_destroy(event);
  xhal_stream_destroy(stream_b);
  xhal_stream_destroy(stream_a);
  xhal_buffer_destroy(buffer);
  return r;
}

void conf_area_stream_register(conf_registry_t *registry) {
  conf_stream_params_t p;
  p = (conf_stream_params_t){64, 1024};
  conf_register(registry, "stream.order.copy_chain", CONF_TIER_QUICK, conf_stream_in_order, &p, sizeof p);
  p = (conf_stream_params_t){256, 257};
  conf_register(registry, "stream.order.async_queue", CONF_TIER_QUICK, conf_stream_async_queue, &p, sizeof p);
  conf_register(registry, "stream.callback.order", CONF_TIER_QUICK, conf_stream_callbacks, NULL, 0);
  conf_register(registry, "stream.destroy.drains_work", CONF_TIER_QUICK, conf_stream_destroy_drains, NULL, 0);
  p = (conf_stream_params_t){4, 0};
  conf_register(registry, "stream.threads.four_streams", CONF_TIER_QUICK, conf_stream_threads, &p, sizeof p);
  p = (conf_stream_params_t){8, 0};
  conf_register(registry, "stream.threads.eight_streams", CONF_TIER_FULL, conf_stream_threads, &p, sizeof p);
  p = (conf_stream_params_t){0, 1 << 20};
  conf_register(registry, "event.order.cross_stream", CONF_TIER_QUICK, conf_event_cross_stream, &p, sizeof p);
  p = (conf_stream_params_t){1, 1 << 20};
  conf_register(registry, "event.order.cross_device", CONF_TIER_QUICK, conf_event_cross_stream, &p, sizeof p);
  conf_register(registry, "event.query.states", CONF_TIER_QUICK, conf_event_states, NULL, 0);
  conf_register(registry, "event.elapsed.copy", CONF_TIER_QUICK, conf_event_elapsed, NULL, 0);
  p = (conf_stream_params_t){1000, 0};
  conf_register(registry, "stream.progress.event_without_synchronize", CONF_TIER_QUICK, conf_progress_event, &p, sizeof p);
  conf_register(registry, "stream.progress.callback_without_synchronize", CONF_TIER_QUICK, conf_progress_callback, &p, sizeof p);
  conf_register(registry, "stream.progress.cross_stream_wait", CONF_TIER_QUICK, conf_progress_cross_stream, &p, sizeof p);
}
