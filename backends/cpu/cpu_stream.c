/* cpu_stream.c - one worker thread per stream runs its tasks in order. */
#include "cpu_stream.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_buffer.h"
#include "cpu_device.h"
#include "cpu_error.h"

typedef struct cpu_task {
  cpu_task_run_fn run;
  cpu_task_release_fn release;
  void *arg;
  struct cpu_task *next;
} cpu_task_t;

struct xhal_plugin_stream {
  xhal_plugin_device_t *device;
  pthread_t worker;
  pthread_mutex_t mutex;
  pthread_cond_t work_ready; /* queue became non-empty, or stopping */
  pthread_cond_t idle;       /* queue drained and nothing running */
  cpu_task_t *head;
  cpu_task_t *tail;
  int running; /* a task is executing outside the lock */
  int stopping;
  /* Who sleeps on the condition variables: signalling only then keeps a
   * futex wake out of every enqueue while the worker is busy. */
  int worker_sleeping;
  int idle_waiters;
  atomic_uint enqueued; /* bumped by every enqueue; the worker polls it before sleeping */
  int32_t error; /* first failing status since the last synchronize */
};

/* Runs a detached batch of tasks in order. A failure is published at once,
 * under the lock, so later tasks of the same batch (event records, host
 * callbacks) see it through cpu_stream_peek_error. */
static void cpu_stream_run_batch(xhal_plugin_stream_t *stream, cpu_task_t *task) {
  while (task) {
    cpu_task_t *next = task->next;
    int32_t status = task->run(task->arg);
    if (task->release) task->release(task->arg);
    free(task);
    if (status != XHAL_STATUS_OK) {
      pthread_mutex_lock(&stream->mutex);
      if (stream->error == XHAL_STATUS_OK) stream->error = status;
      pthread_mutex_unlock(&stream->mutex);
    }
    task = next;
  }
}

/* A producer that enqueues op after op would otherwise pay a futex wake per
 * op (the worker drains the queue and sleeps between them): poll for new
 * work for a few microseconds before sleeping. */
#define CPU_STREAM_POLL_NS 20000

static uint64_t cpu_stream_now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void cpu_stream_poll_for_work(xhal_plugin_stream_t *stream) {
  unsigned seen = atomic_load_explicit(&stream->enqueued, memory_order_acquire);
  uint64_t deadline = cpu_stream_now_ns() + CPU_STREAM_POLL_NS;
  pthread_mutex_unlock(&stream->mutex);
  while (atomic_load_explicit(&stream->enqueued, memory_order_acquire) == seen &&
         cpu_stream_now_ns() < deadline) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  pthread_mutex_lock(&stream->mutex);
}

static void *cpu_stream_worker(void *argument) {
  xhal_plugin_stream_t *stream = argument;
  pthread_mutex_lock(&stream->mutex);
  for (;;) {
    if (!stream->head && !stream->stopping && !stream->idle_waiters) {
      cpu_stream_poll_for_work(stream);
    }
    while (!stream->head && !stream->stopping) {
      stream->worker_sleeping = 1;
      pthread_cond_wait(&stream->work_ready, &stream->mutex);
      stream->worker_sleeping = 0;
    }
    if (!stream->head) break; /* stopping and drained */
    /* Take everything queued so far: one lock round trip per batch, not per
     * task, keeps the producer and the worker from contending. */
    cpu_task_t *batch = stream->head;
    stream->head = stream->tail = NULL;
    stream->running = 1;
    pthread_mutex_unlock(&stream->mutex);

    cpu_stream_run_batch(stream, batch);

    pthread_mutex_lock(&stream->mutex);
    stream->running = 0;
    if (!stream->head && stream->idle_waiters) pthread_cond_broadcast(&stream->idle);
  }
  pthread_mutex_unlock(&stream->mutex);
  return NULL;
}

int32_t cpu_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream) {
  if (!device || !out_stream) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream_create: device %p, out_stream %p",
                     (void *)device, (void *)out_stream);
  }
  xhal_plugin_stream_t *stream = calloc(1, sizeof *stream);
  if (!stream) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "stream_create: out of memory");
  stream->device = device;
  pthread_mutex_init(&stream->mutex, NULL);
  pthread_cond_init(&stream->work_ready, NULL);
  pthread_cond_init(&stream->idle, NULL);
  int error = pthread_create(&stream->worker, NULL, cpu_stream_worker, stream);
  if (error) {
    pthread_cond_destroy(&stream->idle);
    pthread_cond_destroy(&stream->work_ready);
    pthread_mutex_destroy(&stream->mutex);
    free(stream);
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "stream_create: pthread_create: %s",
                     strerror(error));
  }
  *out_stream = stream;
  return XHAL_STATUS_OK;
}

int32_t cpu_stream_destroy(xhal_plugin_stream_t *stream) {
  if (!stream) return XHAL_STATUS_OK;
  pthread_mutex_lock(&stream->mutex);
  stream->stopping = 1;
  pthread_cond_signal(&stream->work_ready);
  pthread_mutex_unlock(&stream->mutex);
  pthread_join(stream->worker, NULL);
  pthread_cond_destroy(&stream->idle);
  pthread_cond_destroy(&stream->work_ready);
  pthread_mutex_destroy(&stream->mutex);
  free(stream);
  return XHAL_STATUS_OK;
}

int32_t cpu_stream_synchronize(xhal_plugin_stream_t *stream) {
  if (!stream) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream_synchronize: stream is NULL");
  pthread_mutex_lock(&stream->mutex);
  stream->idle_waiters++;
  while (stream->head || stream->running) pthread_cond_wait(&stream->idle, &stream->mutex);
  stream->idle_waiters--;
  int32_t status = stream->error;
  stream->error = XHAL_STATUS_OK;
  pthread_mutex_unlock(&stream->mutex);
  if (status != XHAL_STATUS_OK) {
    return cpu_error(status, "stream_synchronize: earlier work on the stream failed with status %d",
                     (int)status);
  }
  return XHAL_STATUS_OK;
}

xhal_plugin_device_t *cpu_stream_device(const xhal_plugin_stream_t *stream) {
  return stream->device;
}

int32_t cpu_stream_enqueue(xhal_plugin_stream_t *stream, cpu_task_run_fn run,
                           cpu_task_release_fn release, void *arg) {
  cpu_task_t *task = malloc(sizeof *task);
  if (!task) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "enqueue: out of memory");
  task->run = run;
  task->release = release;
  task->arg = arg;
  task->next = NULL;
  pthread_mutex_lock(&stream->mutex);
  if (stream->tail) {
    stream->tail->next = task;
  } else {
    stream->head = task;
  }
  stream->tail = task;
  atomic_fetch_add_explicit(&stream->enqueued, 1, memory_order_release);
  if (stream->worker_sleeping) pthread_cond_signal(&stream->work_ready);
  pthread_mutex_unlock(&stream->mutex);
  return XHAL_STATUS_OK;
}

/* ---- host callbacks ------------------------------------------------------ */

typedef struct cpu_callback {
  xhal_plugin_stream_t *stream;
  xhal_plugin_stream_callback_fn fn;
  void *user_data;
} cpu_callback_t;

int32_t cpu_stream_peek_error(xhal_plugin_stream_t *stream) {
  pthread_mutex_lock(&stream->mutex);
  int32_t status = stream->error;
  pthread_mutex_unlock(&stream->mutex);
  return status;
}

static int32_t cpu_run_callback(void *arg) {
  cpu_callback_t *callback = arg;
  callback->fn(callback->user_data, cpu_stream_peek_error(callback->stream));
  return XHAL_STATUS_OK;
}

int32_t cpu_stream_add_callback(xhal_plugin_stream_t *stream, xhal_plugin_stream_callback_fn fn,
                                void *user_data) {
  if (!stream || !fn) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream_add_callback: stream %p, fn %s",
                     (void *)stream, fn ? "set" : "NULL");
  }
  cpu_callback_t *callback = malloc(sizeof *callback);
  if (!callback) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "stream_add_callback: out of memory");
  *callback = (cpu_callback_t){stream, fn, user_data};
  int32_t status = cpu_stream_enqueue(stream, cpu_run_callback, free, callback);
  if (status != XHAL_STATUS_OK) free(callback);
  return status;
}

/* ---- copies and fills ---------------------------------------------------- */

typedef struct cpu_copy {
  void *dst;
  const void *src;
  uint64_t size;
  int fill_value; /* >= 0: memset instead of memcpy */
} cpu_copy_t;

static int32_t cpu_run_copy(void *arg) {
  cpu_copy_t *copy = arg;
  if (copy->fill_value >= 0) {
    memset(copy->dst, copy->fill_value, copy->size);
  } else {
    memcpy(copy->dst, copy->src, copy->size);
  }
  return XHAL_STATUS_OK;
}

static int32_t cpu_enqueue_copy(xhal_plugin_stream_t *stream, void *dst, const void *src,
                                uint64_t size, int fill_value) {
  if (size == 0) return XHAL_STATUS_OK;
  cpu_copy_t *copy = malloc(sizeof *copy);
  if (!copy) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "copy: out of memory");
  *copy = (cpu_copy_t){dst, src, size, fill_value};
  int32_t status = cpu_stream_enqueue(stream, cpu_run_copy, free, copy);
  if (status != XHAL_STATUS_OK) free(copy);
  return status;
}

/* The stream and buffer must exist and share a device; the range must fit. */
static int32_t cpu_check_stream_buffer(const char *call, const xhal_plugin_stream_t *stream,
                                       const xhal_plugin_buffer_t *buffer, uint64_t offset,
                                       uint64_t size) {
  if (!stream || !buffer) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: stream %p, buffer %p", call,
                     (const void *)stream, (const void *)buffer);
  }
  if (buffer->device != stream->device) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: buffer is on device %u, the stream on device %u", call,
                     buffer->device->index, stream->device->index);
  }
  return cpu_buffer_check_range(call, buffer, offset, size);
}

int32_t cpu_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                uint64_t dst_offset, const void *src, uint64_t size) {
  CPU_RETURN_IF_ERROR(cpu_check_stream_buffer("copy_host_to_device", stream, dst, dst_offset, size));
  if (!src && size) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "copy_host_to_device: src is NULL");
  return cpu_enqueue_copy(stream, (char *)dst->data + dst_offset, src, size, -1);
}

int32_t cpu_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst,
                                xhal_plugin_buffer_t *src, uint64_t src_offset, uint64_t size) {
  CPU_RETURN_IF_ERROR(cpu_check_stream_buffer("copy_device_to_host", stream, src, src_offset, size));
  if (!dst && size) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "copy_device_to_host: dst is NULL");
  return cpu_enqueue_copy(stream, dst, (const char *)src->data + src_offset, size, -1);
}

int32_t cpu_copy_device_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                  uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                  uint64_t src_offset, uint64_t size) {
  static const char call[] = "copy_device_to_device";
  if (!stream || !dst || !src) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: stream %p, dst %p, src %p", call,
                     (void *)stream, (void *)dst, (void *)src);
  }
  /* Every CPU device of an instance is a peer of every other. */
  if (dst->device->instance != stream->device->instance ||
      src->device->instance != stream->device->instance) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: buffers of another instance", call);
  }
  CPU_RETURN_IF_ERROR(cpu_buffer_check_range(call, dst, dst_offset, size));
  CPU_RETURN_IF_ERROR(cpu_buffer_check_range(call, src, src_offset, size));
  if (dst == src && size && dst_offset < src_offset + size && src_offset < dst_offset + size) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: ranges at %llu and %llu of %llu bytes overlap", call,
                     (unsigned long long)dst_offset, (unsigned long long)src_offset,
                     (unsigned long long)size);
  }
  return cpu_enqueue_copy(stream, (char *)dst->data + dst_offset,
                          (const char *)src->data + src_offset, size, -1);
}

int32_t cpu_buffer_fill(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer,
                        uint64_t offset, uint64_t size, uint32_t value) {
  CPU_RETURN_IF_ERROR(cpu_check_stream_buffer("buffer_fill", stream, buffer, offset, size));
  if (value > 0xff) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "buffer_fill: value 0x%x does not fit a byte",
                     value);
  }
  return cpu_enqueue_copy(stream, (char *)buffer->data + offset, NULL, size, (int)value);
}
