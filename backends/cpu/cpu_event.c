/* cpu_event.c - events: a recorded generation and a completed generation.
 * A record enqueues a task that marks its generation complete; a wait
 * enqueues a task that sleeps until the generation it captured completes. */
#include "cpu_event.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "cpu_device.h"
#include "cpu_error.h"
#include "cpu_stream.h"

struct xhal_plugin_event {
  xhal_plugin_device_t *device;
  pthread_mutex_t mutex;
  pthread_cond_t completed_changed;
  uint64_t recorded;  /* generation of the latest record */
  uint64_t completed; /* highest generation whose work is done */
  int32_t status;     /* error of the work captured by the completed record */
  uint64_t timestamp_ns;
  /* The user's reference plus one per pending task naming the event. */
  atomic_uint references;
};

typedef struct cpu_event_task {
  xhal_plugin_event_t *event;
  xhal_plugin_stream_t *stream;
  uint64_t generation;
} cpu_event_task_t;

static uint64_t cpu_now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void cpu_event_release(xhal_plugin_event_t *event) {
  if (atomic_fetch_sub(&event->references, 1) != 1) return;
  pthread_cond_destroy(&event->completed_changed);
  pthread_mutex_destroy(&event->mutex);
  free(event);
}

static void cpu_event_task_release(void *arg) {
  cpu_event_task_t *task = arg;
  cpu_event_release(task->event);
  free(task);
}

int32_t cpu_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event) {
  if (!device || !out_event) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "event_create: device %p, out_event %p",
                     (void *)device, (void *)out_event);
  }
  xhal_plugin_event_t *event = calloc(1, sizeof *event);
  if (!event) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "event_create: out of memory");
  event->device = device;
  pthread_mutex_init(&event->mutex, NULL);
  pthread_cond_init(&event->completed_changed, NULL);
  atomic_init(&event->references, 1);
  *out_event = event;
  return XHAL_STATUS_OK;
}

int32_t cpu_event_destroy(xhal_plugin_event_t *event) {
  if (event) cpu_event_release(event);
  return XHAL_STATUS_OK;
}

/* Runs when the stream reaches the record: everything before it is done.
 * The stream's pending error is what the captured work produced. */
static int32_t cpu_run_record(void *arg) {
  cpu_event_task_t *task = arg;
  xhal_plugin_event_t *event = task->event;
  uint64_t now = cpu_now_ns();
  int32_t status = cpu_stream_peek_error(task->stream);
  pthread_mutex_lock(&event->mutex);
  if (task->generation > event->completed) {
    event->completed = task->generation;
    event->status = status;
    event->timestamp_ns = now;
  }
  pthread_cond_broadcast(&event->completed_changed);
  pthread_mutex_unlock(&event->mutex);
  return XHAL_STATUS_OK;
}

static int32_t cpu_enqueue_event_task(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event,
                                      uint64_t generation, cpu_task_run_fn run) {
  cpu_event_task_t *task = malloc(sizeof *task);
  if (!task) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "event task: out of memory");
  *task = (cpu_event_task_t){event, stream, generation};
  atomic_fetch_add(&event->references, 1);
  int32_t status = cpu_stream_enqueue(stream, run, cpu_event_task_release, task);
  if (status != XHAL_STATUS_OK) cpu_event_task_release(task);
  return status;
}

int32_t cpu_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream) {
  if (!event || !stream) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "event_record: event %p, stream %p",
                     (void *)event, (void *)stream);
  }
  if (cpu_stream_device(stream) != event->device) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "event_record: event is on device %u, stream on device %u",
                     event->device->index, cpu_stream_device(stream)->index);
  }
  pthread_mutex_lock(&event->mutex);
  uint64_t generation = ++event->recorded;
  pthread_mutex_unlock(&event->mutex);
  return cpu_enqueue_event_task(stream, event, generation, cpu_run_record);
}

static int32_t cpu_run_wait(void *arg) {
  cpu_event_task_t *task = arg;
  xhal_plugin_event_t *event = task->event;
  pthread_mutex_lock(&event->mutex);
  while (event->completed < task->generation) {
    pthread_cond_wait(&event->completed_changed, &event->mutex);
  }
  pthread_mutex_unlock(&event->mutex);
  return XHAL_STATUS_OK;
}

int32_t cpu_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event) {
  if (!event || !stream) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream_wait_event: stream %p, event %p",
                     (void *)stream, (void *)event);
  }
  if (event->device->instance != cpu_stream_device(stream)->instance) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream_wait_event: event of another instance");
  }
  pthread_mutex_lock(&event->mutex);
  uint64_t generation = event->recorded;
  pthread_mutex_unlock(&event->mutex);
  if (generation == 0) return XHAL_STATUS_OK; /* never recorded: nothing to wait for */
  return cpu_enqueue_event_task(stream, event, generation, cpu_run_wait);
}

int32_t cpu_event_query(xhal_plugin_event_t *event) {
  if (!event) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "event_query: event is NULL");
  pthread_mutex_lock(&event->mutex);
  int32_t status = event->completed < event->recorded ? XHAL_STATUS_NOT_READY : event->status;
  pthread_mutex_unlock(&event->mutex);
  return status;
}

int32_t cpu_event_synchronize(xhal_plugin_event_t *event) {
  if (!event) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "event_synchronize: event is NULL");
  pthread_mutex_lock(&event->mutex);
  uint64_t generation = event->recorded;
  while (event->completed < generation) {
    pthread_cond_wait(&event->completed_changed, &event->mutex);
  }
  int32_t status = event->status;
  pthread_mutex_unlock(&event->mutex);
  if (status != XHAL_STATUS_OK) {
    return cpu_error(status, "event_synchronize: the recorded work failed with status %d",
                     (int)status);
  }
  return XHAL_STATUS_OK;
}

int32_t cpu_event_elapsed_ns(xhal_plugin_event_t *start, xhal_plugin_event_t *end,
                             uint64_t *out_ns) {
  if (!start || !end || !out_ns) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "event_elapsed_ns: start %p, end %p, out %p",
                     (void *)start, (void *)end, (void *)out_ns);
  }
  uint64_t times[2];
  xhal_plugin_event_t *events[2] = {start, end};
  for (int i = 0; i < 2; ++i) {
    pthread_mutex_lock(&events[i]->mutex);
    int complete = events[i]->recorded > 0 && events[i]->completed >= events[i]->recorded;
    times[i] = events[i]->timestamp_ns;
    uint64_t recorded = events[i]->recorded;
    pthread_mutex_unlock(&events[i]->mutex);
    if (!recorded) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "event_elapsed_ns: %s event was never recorded",
                       i ? "end" : "start");
    }
    if (!complete) return cpu_error(XHAL_STATUS_NOT_READY, "event_elapsed_ns: %s event pending", i ? "end" : "start");
  }
  /* Events on different streams may complete in either order. */
  *out_ns = times[1] >= times[0] ? times[1] - times[0] : 0;
  return XHAL_STATUS_OK;
}
