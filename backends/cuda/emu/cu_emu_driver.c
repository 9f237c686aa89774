/* cu_emu_driver.c - a CUDA driver for machines without a GPU, for tests.
 *
 * Built as libcuda-emu.so and put on the loader path as libcuda.so.1, it
 * implements the part of the driver API the CUDA backend uses, on the host:
 * device memory is host memory (a CUdeviceptr is a host address), every
 * stream is a worker thread that runs its work in order, events and host
 * functions behave as the driver documents, and modules loaded from the
 * backend's fatbin run the operator kernels through cu_emu_kernels.cc (the
 * same CUDA sources, compiled for the host). With it the conformance suite
 * runs the backend's runtime and kernel code end to end without a GPU.
 *
 * It is stricter than the driver where that finds bugs in the backend:
 * calls that need a context fail with CUDA_ERROR_INVALID_CONTEXT when none
 * is current, and work on a stream needs the stream's context current.
 * Not emulated: PTX/cubin compilation (user modules load, list their
 * .entry names, but cannot be launched), sticky device errors, real timing.
 *
 * Environment: XHAL_CUDA_EMU_DEVICES (default 2), XHAL_CUDA_EMU_VERSION
 * (what cuDriverGetVersion reports, default 13000), XHAL_CUDA_EMU_MEMORY
 * (bytes per device, default 1 GiB). */
#include <cuda.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cu_emu_kernels.h"

#define EMU_API __attribute__((visibility("default")))
#define EMU_MAX_DEVICES 8
#define EMU_HEADER 64 /* bytes before each allocation: its size */

/* ---- devices and contexts ------------------------------------------------------ */

struct CUctx_st {
  int device;
  atomic_int retained;
  atomic_ullong used; /* bytes allocated */
};

static struct CUctx_st emu_contexts[EMU_MAX_DEVICES];
static int emu_device_count;
static int emu_version = 13000;
static unsigned long long emu_memory = 1ull << 30;
static atomic_int emu_initialised;

static _Thread_local CUcontext emu_stack[32];
static _Thread_local int emu_depth;

static long emu_env(const char *name, long fallback) {
  const char *text = getenv(name);
  return text && *text ? strtol(text, NULL, 10) : fallback;
}

static CUcontext emu_current(void) { return emu_depth ? emu_stack[emu_depth - 1] : NULL; }

EMU_API CUresult cuInit(unsigned int flags) {
  if (flags) return CUDA_ERROR_INVALID_VALUE;
  emu_device_count = (int)emu_env("XHAL_CUDA_EMU_DEVICES", 2);
  if (emu_device_count < 0) emu_device_count = 0;
  if (emu_device_count > EMU_MAX_DEVICES) emu_device_count = EMU_MAX_DEVICES;
  emu_memory = (unsigned long long)emu_env("XHAL_CUDA_EMU_MEMORY", 1L << 30);
  for (int i = 0; i < EMU_MAX_DEVICES; ++i) emu_contexts[i].device = i;
  atomic_store(&emu_initialised, 1);
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDriverGetVersion(int *version) {
  if (!version) return CUDA_ERROR_INVALID_VALUE;
  *version = (int)emu_env("XHAL_CUDA_EMU_VERSION", emu_version);
  return CUDA_SUCCESS;
}

static const char *emu_error_name(CUresult error) {
  switch (error) {
    case CUDA_SUCCESS: return "CUDA_SUCCESS";
    case CUDA_ERROR_INVALID_VALUE: return "CUDA_ERROR_INVALID_VALUE";
    case CUDA_ERROR_OUT_OF_MEMORY: return "CUDA_ERROR_OUT_OF_MEMORY";
    case CUDA_ERROR_NOT_INITIALIZED: return "CUDA_ERROR_NOT_INITIALIZED";
    case CUDA_ERROR_INVALID_DEVICE: return "CUDA_ERROR_INVALID_DEVICE";
    case CUDA_ERROR_INVALID_IMAGE: return "CUDA_ERROR_INVALID_IMAGE";
    case CUDA_ERROR_INVALID_CONTEXT: return "CUDA_ERROR_INVALID_CONTEXT";
    case CUDA_ERROR_INVALID_PTX: return "CUDA_ERROR_INVALID_PTX";
    case CUDA_ERROR_INVALID_HANDLE: return "CUDA_ERROR_INVALID_HANDLE";
    case CUDA_ERROR_NOT_FOUND: return "CUDA_ERROR_NOT_FOUND";
    case CUDA_ERROR_NOT_READY: return "CUDA_ERROR_NOT_READY";
    case CUDA_ERROR_NOT_SUPPORTED: return "CUDA_ERROR_NOT_SUPPORTED";
    case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES: return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
    default: return NULL;
  }
}

EMU_API CUresult cuGetErrorName(CUresult error, const char **name) {
  if (!name || !emu_error_name(error)) return CUDA_ERROR_INVALID_VALUE;
  *name = emu_error_name(error);
  return CUDA_SUCCESS;
}

EMU_API CUresult cuGetErrorString(CUresult error, const char **text) {
  if (!text || !emu_error_name(error)) return CUDA_ERROR_INVALID_VALUE;
  *text = "reported by the xhal CUDA driver emulator";
  return CUDA_SUCCESS;
}

#define EMU_REQUIRE_INIT()                                                 \
  do {                                                                     \
    if (!atomic_load(&emu_initialised)) return CUDA_ERROR_NOT_INITIALIZED; \
  } while (0)
#define EMU_REQUIRE_CONTEXT()                              \
  do {                                                     \
    EMU_REQUIRE_INIT();                                    \
    if (!emu_current()) return CUDA_ERROR_INVALID_CONTEXT; \
  } while (0)

EMU_API CUresult cuDeviceGetCount(int *count) {
  EMU_REQUIRE_INIT();
  if (!count) return CUDA_ERROR_INVALID_VALUE;
  *count = emu_device_count;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  EMU_REQUIRE_INIT();
  if (!device) return CUDA_ERROR_INVALID_VALUE;
  if (ordinal < 0 || ordinal >= emu_device_count) return CUDA_ERROR_INVALID_DEVICE;
  *device = ordinal;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDeviceGetName(char *name, int length, CUdevice device) {
  EMU_REQUIRE_INIT();
  if (!name || length <= 0) return CUDA_ERROR_INVALID_VALUE;
  if (device < 0 || device >= emu_device_count) return CUDA_ERROR_INVALID_DEVICE;
  snprintf(name, (size_t)length, "xhal CUDA driver emulator %d", device);
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDeviceTotalMem(size_t *bytes, CUdevice device) {
  EMU_REQUIRE_INIT();
  if (!bytes) return CUDA_ERROR_INVALID_VALUE;
  if (device < 0 || device >= emu_device_count) return CUDA_ERROR_INVALID_DEVICE;
  *bytes = (size_t)emu_memory;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDeviceGetAttribute(int *value, CUdevice_attribute attribute, CUdevice device) {
  EMU_REQUIRE_INIT();
  if (!value) return CUDA_ERROR_INVALID_VALUE;
  if (device < 0 || device >= emu_device_count) return CUDA_ERROR_INVALID_DEVICE;
  switch (attribute) {
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: *value = 9; break;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: *value = 0; break;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: *value = 4; break;
    case CU_DEVICE_ATTRIBUTE_CLOCK_RATE: *value = 1000000; break;
    case CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE: *value = 1000000; break;
    case CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH: *value = 64; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: *value = 2147483647; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: *value = 65535; break;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: *value = 65535; break;
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: *value = 1024; break;
    default: *value = 0; break;
  }
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDeviceCanAccessPeer(int *can, CUdevice device, CUdevice peer) {
  EMU_REQUIRE_INIT();
  if (!can) return CUDA_ERROR_INVALID_VALUE;
  if (device < 0 || device >= emu_device_count || peer < 0 || peer >= emu_device_count)
    return CUDA_ERROR_INVALID_DEVICE;
  *can = device != peer;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice device) {
  EMU_REQUIRE_INIT();
  if (!context) return CUDA_ERROR_INVALID_VALUE;
  if (device < 0 || device >= emu_device_count) return CUDA_ERROR_INVALID_DEVICE;
  atomic_fetch_add(&emu_contexts[device].retained, 1);
  *context = &emu_contexts[device];
  return CUDA_SUCCESS;
}

EMU_API CUresult cuDevicePrimaryCtxRelease(CUdevice device) {
  EMU_REQUIRE_INIT();
  if (device < 0 || device >= emu_device_count) return CUDA_ERROR_INVALID_DEVICE;
  if (atomic_fetch_sub(&emu_contexts[device].retained, 1) <= 0) {
    atomic_fetch_add(&emu_contexts[device].retained, 1);
    return CUDA_ERROR_INVALID_CONTEXT;
  }
  return CUDA_SUCCESS;
}

EMU_API CUresult cuCtxPushCurrent(CUcontext context) {
  EMU_REQUIRE_INIT();
  if (!context || atomic_load(&context->retained) <= 0) return CUDA_ERROR_INVALID_CONTEXT;
  if (emu_depth == (int)(sizeof emu_stack / sizeof emu_stack[0])) return CUDA_ERROR_NOT_SUPPORTED;
  emu_stack[emu_depth++] = context;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuCtxPopCurrent(CUcontext *context) {
  EMU_REQUIRE_INIT();
  if (!emu_depth) return CUDA_ERROR_INVALID_CONTEXT;
  CUcontext top = emu_stack[--emu_depth];
  if (context) *context = top;
  return CUDA_SUCCESS;
}

/* ---- streams ------------------------------------------------------------------------ */

typedef struct emu_task {
  void (*run)(struct emu_task *task);
  struct emu_task *next;
  CUstream stream;
  union {
    struct {
      void *dst;
      const void *src;
      size_t size;
      int value;
    } copy;
    struct {
      CUhostFn fn;
      CUstreamCallback callback;
      void *data;
    } host;
    struct {
      CUevent event;
      unsigned long long generation;
    } event;
    struct {
      int kernel;
      unsigned grid[3], block[3];
      void *args;
    } launch;
    struct {
      void *block;
    } free;
  } u;
} emu_task_t;

struct CUstream_st {
  CUcontext context;
  pthread_t worker;
  pthread_mutex_t mutex;
  pthread_cond_t changed;
  emu_task_t *head, *tail;
  int running, stopping;
};

static void *emu_stream_worker(void *argument) {
  CUstream stream = argument;
  pthread_mutex_lock(&stream->mutex);
  for (;;) {
    while (!stream->head && !stream->stopping) pthread_cond_wait(&stream->changed, &stream->mutex);
    if (!stream->head) break;
    emu_task_t *task = stream->head;
    stream->head = task->next;
    if (!stream->head) stream->tail = NULL;
    stream->running = 1;
    pthread_mutex_unlock(&stream->mutex);
    task->run(task);
    free(task);
    pthread_mutex_lock(&stream->mutex);
    stream->running = 0;
    pthread_cond_broadcast(&stream->changed);
  }
  pthread_mutex_unlock(&stream->mutex);
  return NULL;
}

static CUresult emu_check_stream(CUstream stream) {
  EMU_REQUIRE_CONTEXT();
  if (!stream) return CUDA_ERROR_NOT_SUPPORTED; /* the backend never uses the legacy stream */
  if (stream->context != emu_current()) return CUDA_ERROR_INVALID_CONTEXT;
  return CUDA_SUCCESS;
}

static CUresult emu_enqueue(CUstream stream, emu_task_t *task) {
  task->stream = stream;
  task->next = NULL;
  pthread_mutex_lock(&stream->mutex);
  if (stream->tail)
    stream->tail->next = task;
  else
    stream->head = task;
  stream->tail = task;
  pthread_cond_broadcast(&stream->changed);
  pthread_mutex_unlock(&stream->mutex);
  return CUDA_SUCCESS;
}

static emu_task_t *emu_task(void (*run)(emu_task_t *)) {
  emu_task_t *task = calloc(1, sizeof *task);
  if (task) task->run = run;
  return task;
}

EMU_API CUresult cuStreamCreate(CUstream *out, unsigned int flags) {
  EMU_REQUIRE_CONTEXT();
  if (!out || flags > CU_STREAM_NON_BLOCKING) return CUDA_ERROR_INVALID_VALUE;
  CUstream stream = calloc(1, sizeof *stream);
  if (!stream) return CUDA_ERROR_OUT_OF_MEMORY;
  stream->context = emu_current();
  pthread_mutex_init(&stream->mutex, NULL);
  pthread_cond_init(&stream->changed, NULL);
  if (pthread_create(&stream->worker, NULL, emu_stream_worker, stream)) {
    free(stream);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  *out = stream;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuStreamSynchronize(CUstream stream) {
  EMU_REQUIRE_INIT();
  if (!stream) return CUDA_ERROR_INVALID_HANDLE;
  pthread_mutex_lock(&stream->mutex);
  while (stream->head || stream->running) pthread_cond_wait(&stream->changed, &stream->mutex);
  pthread_mutex_unlock(&stream->mutex);
  return CUDA_SUCCESS;
}

EMU_API CUresult cuStreamDestroy(CUstream stream) {
  EMU_REQUIRE_CONTEXT();
  if (!stream) return CUDA_ERROR_INVALID_HANDLE;
  pthread_mutex_lock(&stream->mutex);
  stream->stopping = 1;
  pthread_cond_broadcast(&stream->changed);
  pthread_mutex_unlock(&stream->mutex);
  pthread_join(stream->worker, NULL);
  pthread_cond_destroy(&stream->changed);
  pthread_mutex_destroy(&stream->mutex);
  free(stream);
  return CUDA_SUCCESS;
}

static void emu_run_host_fn(emu_task_t *task) {
  if (task->u.host.fn)
    task->u.host.fn(task->u.host.data);
  else
    task->u.host.callback(task->stream, CUDA_SUCCESS, task->u.host.data);
}

EMU_API CUresult cuLaunchHostFunc(CUstream stream, CUhostFn fn, void *data) {
  CUresult result = emu_check_stream(stream);
  if (result != CUDA_SUCCESS) return result;
  if (!fn) return CUDA_ERROR_INVALID_VALUE;
  emu_task_t *task = emu_task(emu_run_host_fn);
  if (!task) return CUDA_ERROR_OUT_OF_MEMORY;
  task->u.host.fn = fn;
  task->u.host.data = data;
  return emu_enqueue(stream, task);
}

EMU_API CUresult cuStreamAddCallback(CUstream stream, CUstreamCallback callback, void *data,
                                     unsigned int flags) {
  CUresult result = emu_check_stream(stream);
  if (result != CUDA_SUCCESS) return result;
  if (!callback || flags) return CUDA_ERROR_INVALID_VALUE;
  emu_task_t *task = emu_task(emu_run_host_fn);
  if (!task) return CUDA_ERROR_OUT_OF_MEMORY;
  task->u.host.callback = callback;
  task->u.host.data = data;
  return emu_enqueue(stream, task);
}

/* ---- memory -------------------------------------------------------------------------- */

EMU_API CUresult cuMemAlloc(CUdeviceptr *pointer, size_t size) {
  EMU_REQUIRE_CONTEXT();
  if (!pointer || !size) return CUDA_ERROR_INVALID_VALUE;
  CUcontext context = emu_current();
  if (size > emu_memory || atomic_fetch_add(&context->used, size) + size > emu_memory) {
    if (size <= emu_memory) atomic_fetch_sub(&context->used, size);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  char *block = malloc(size + EMU_HEADER);
  if (!block) {
    atomic_fetch_sub(&context->used, size);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  memcpy(block, &size, sizeof size);
  memcpy(block + sizeof size, &context, sizeof context);
  *pointer = (CUdeviceptr)(uintptr_t)(block + EMU_HEADER);
  return CUDA_SUCCESS;
}

static void emu_free(void *user) {
  char *block = (char *)user - EMU_HEADER;
  size_t size;
  CUcontext context;
  memcpy(&size, block, sizeof size);
  memcpy(&context, block + sizeof size, sizeof context);
  atomic_fetch_sub(&context->used, size);
  free(block);
}

EMU_API CUresult cuMemFree(CUdeviceptr pointer) {
  EMU_REQUIRE_CONTEXT();
  if (!pointer) return CUDA_ERROR_INVALID_VALUE;
  emu_free((void *)(uintptr_t)pointer);
  return CUDA_SUCCESS;
}

static void emu_run_free(emu_task_t *task) { emu_free(task->u.free.block); }

EMU_API CUresult cuMemAllocAsync(CUdeviceptr *pointer, size_t size, CUstream stream) {
  CUresult result = emu_check_stream(stream);
  return result != CUDA_SUCCESS ? result : cuMemAlloc(pointer, size);
}

EMU_API CUresult cuMemFreeAsync(CUdeviceptr pointer, CUstream stream) {
  CUresult result = emu_check_stream(stream);
  if (result != CUDA_SUCCESS) return result;
  emu_task_t *task = emu_task(emu_run_free);
  if (!task) return CUDA_ERROR_OUT_OF_MEMORY;
  task->u.free.block = (void *)(uintptr_t)pointer;
  return emu_enqueue(stream, task);
}

EMU_API CUresult cuMemHostAlloc(void **pointer, size_t size, unsigned int flags) {
  EMU_REQUIRE_CONTEXT();
  (void)flags;
  if (!pointer || !size) return CUDA_ERROR_INVALID_VALUE;
  void *block = aligned_alloc(64, (size + 63) / 64 * 64);
  if (!block) return CUDA_ERROR_OUT_OF_MEMORY;
  *pointer = block;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuMemFreeHost(void *pointer) {
  EMU_REQUIRE_CONTEXT();
  free(pointer);
  return CUDA_SUCCESS;
}

static void emu_run_copy(emu_task_t *task) {
  if (task->u.copy.src) {
    memcpy(task->u.copy.dst, task->u.copy.src, task->u.copy.size);
  } else {
    memset(task->u.copy.dst, task->u.copy.value, task->u.copy.size);
  }
}

static CUresult emu_copy(CUstream stream, void *dst, const void *src, size_t size, int value) {
  CUresult result = emu_check_stream(stream);
  if (result != CUDA_SUCCESS) return result;
  if (!dst || (!src && value < 0)) return CUDA_ERROR_INVALID_VALUE;
  emu_task_t *task = emu_task(emu_run_copy);
  if (!task) return CUDA_ERROR_OUT_OF_MEMORY;
  task->u.copy.dst = dst;
  task->u.copy.src = src;
  task->u.copy.size = size;
  task->u.copy.value = value;
  return emu_enqueue(stream, task);
}

#define EMU_PTR(p) ((void *)(uintptr_t)(p))

EMU_API CUresult cuMemcpyHtoDAsync(CUdeviceptr dst, const void *src, size_t size, CUstream stream) {
  return emu_copy(stream, EMU_PTR(dst), src, size, -1);
}

EMU_API CUresult cuMemcpyDtoHAsync(void *dst, CUdeviceptr src, size_t size, CUstream stream) {
  return emu_copy(stream, dst, EMU_PTR(src), size, -1);
}

EMU_API CUresult cuMemcpyDtoDAsync(CUdeviceptr dst, CUdeviceptr src, size_t size, CUstream stream) {
  return emu_copy(stream, EMU_PTR(dst), EMU_PTR(src), size, -1);
}

EMU_API CUresult cuMemcpyPeerAsync(CUdeviceptr dst, CUcontext dst_context, CUdeviceptr src,
                                   CUcontext src_context, size_t size, CUstream stream) {
  if (!dst_context || !src_context) return CUDA_ERROR_INVALID_CONTEXT;
  return emu_copy(stream, EMU_PTR(dst), EMU_PTR(src), size, -1);
}

EMU_API CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t size,
                                 CUstream stream) {
  return emu_copy(stream, EMU_PTR(dst), NULL, size, value);
}

/* ---- events ------------------------------------------------------------------------- */

struct CUevent_st {
  CUcontext context;
  pthread_mutex_t mutex;
  pthread_cond_t completed_changed;
  unsigned long long recorded, completed;
  double completed_ms;
  atomic_int references; /* the user's + one per queued task */
};

static double emu_now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1e3 + (double)now.tv_nsec * 1e-6;
}

static void emu_event_release(CUevent event) {
  if (atomic_fetch_sub(&event->references, 1) != 1) return;
  pthread_cond_destroy(&event->completed_changed);
  pthread_mutex_destroy(&event->mutex);
  free(event);
}

EMU_API CUresult cuEventCreate(CUevent *out, unsigned int flags) {
  EMU_REQUIRE_CONTEXT();
  (void)flags;
  if (!out) return CUDA_ERROR_INVALID_VALUE;
  CUevent event = calloc(1, sizeof *event);
  if (!event) return CUDA_ERROR_OUT_OF_MEMORY;
  event->context = emu_current();
  pthread_mutex_init(&event->mutex, NULL);
  pthread_cond_init(&event->completed_changed, NULL);
  atomic_init(&event->references, 1);
  *out = event;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuEventDestroy(CUevent event) {
  EMU_REQUIRE_INIT();
  if (!event) return CUDA_ERROR_INVALID_HANDLE;
  emu_event_release(event);
  return CUDA_SUCCESS;
}

static void emu_run_record(emu_task_t *task) {
  CUevent event = task->u.event.event;
  pthread_mutex_lock(&event->mutex);
  if (task->u.event.generation > event->completed) {
    event->completed = task->u.event.generation;
    event->completed_ms = emu_now_ms();
  }
  pthread_cond_broadcast(&event->completed_changed);
  pthread_mutex_unlock(&event->mutex);
  emu_event_release(event);
}

static void emu_run_wait(emu_task_t *task) {
  CUevent event = task->u.event.event;
  pthread_mutex_lock(&event->mutex);
  while (event->completed < task->u.event.generation)
    pthread_cond_wait(&event->completed_changed, &event->mutex);
  pthread_mutex_unlock(&event->mutex);
  emu_event_release(event);
}

EMU_API CUresult cuEventRecord(CUevent event, CUstream stream) {
  CUresult result = emu_check_stream(stream);
  if (result != CUDA_SUCCESS) return result;
  if (!event) return CUDA_ERROR_INVALID_HANDLE;
  if (event->context != stream->context) return CUDA_ERROR_INVALID_HANDLE;
  emu_task_t *task = emu_task(emu_run_record);
  if (!task) return CUDA_ERROR_OUT_OF_MEMORY;
  pthread_mutex_lock(&event->mutex);
  task->u.event.generation = ++event->recorded;
  pthread_mutex_unlock(&event->mutex);
  task->u.event.event = event;
  atomic_fetch_add(&event->references, 1);
  return emu_enqueue(stream, task);
}

EMU_API CUresult cuStreamWaitEvent(CUstream stream, CUevent event, unsigned int flags) {
  CUresult result = emu_check_stream(stream);
  if (result != CUDA_SUCCESS) return result;
  if (!event || flags) return CUDA_ERROR_INVALID_VALUE;
  pthread_mutex_lock(&event->mutex);
  const unsigned long long generation = event->recorded;
  pthread_mutex_unlock(&event->mutex);
  if (!generation) return CUDA_SUCCESS;
  emu_task_t *task = emu_task(emu_run_wait);
  if (!task) return CUDA_ERROR_OUT_OF_MEMORY;
  task->u.event.event = event;
  task->u.event.generation = generation;
  atomic_fetch_add(&event->references, 1);
  return emu_enqueue(stream, task);
}

EMU_API CUresult cuEventQuery(CUevent event) {
  EMU_REQUIRE_CONTEXT();
  if (!event) return CUDA_ERROR_INVALID_HANDLE;
  pthread_mutex_lock(&event->mutex);
  const int done = event->completed >= event->recorded;
  pthread_mutex_unlock(&event->mutex);
  return done ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
}

EMU_API CUresult cuEventSynchronize(CUevent event) {
  EMU_REQUIRE_CONTEXT();
  if (!event) return CUDA_ERROR_INVALID_HANDLE;
  pthread_mutex_lock(&event->mutex);
  const unsigned long long generation = event->recorded;
  while (event->completed < generation) pthread_cond_wait(&event->completed_changed, &event->mutex);
  pthread_mutex_unlock(&event->mutex);
  return CUDA_SUCCESS;
}

EMU_API CUresult cuEventElapsedTime(float *ms, CUevent start, CUevent end) {
  EMU_REQUIRE_CONTEXT();
  if (!ms || !start || !end) return CUDA_ERROR_INVALID_VALUE;
  double t[2];
  CUevent events[2] = {start, end};
  for (int i = 0; i < 2; ++i) {
    pthread_mutex_lock(&events[i]->mutex);
    const int recorded = events[i]->recorded > 0;
    const int done = events[i]->completed >= events[i]->recorded;
    t[i] = events[i]->completed_ms;
    pthread_mutex_unlock(&events[i]->mutex);
    if (!recorded) return CUDA_ERROR_INVALID_HANDLE;
    if (!done) return CUDA_ERROR_NOT_READY;
  }
  *ms = (float)(t[1] - t[0]);
  return CUDA_SUCCESS;
}

/* ---- modules and launches -------------------------------------------------------------- */

struct CUfunc_st {
  struct CUfunc_st *next;
  int kernel; /* cu_emu_kernels index, -1 for user PTX */
  char name[128];
};

struct CUmod_st {
  int builtin; /* a fatbin (the backend's): its kernels run from the emulator's tables */
  struct CUfunc_st *functions;
  /* ".entry" names, NUL-separated, empty-terminated: user PTX's, or those
   * of a fatbin's (uncompressed) PTX image; NULL for a fatbin without one */
  char *entries;
};

static int emu_is_fatbin(const void *image) {
  uint32_t magic;
  memcpy(&magic, image, sizeof magic);
  return magic == 0xBA55ED50u;
}

/* Names of the .entry directives in length bytes of PTX text (which may
 * hold NULs: a fatbin's images), NUL-separated, empty-terminated. */
static char *emu_ptx_entries(const char *ptx, size_t length) {
  char *names = calloc(length + 2, 1);
  if (!names) return NULL;
  char *out = names;
  const char *end = ptx + length;
  for (const char *p = memmem(ptx, length, ".entry", 6); p;
       p = memmem(p + 6, (size_t)(end - p - 6), ".entry", 6)) {
    const char *q = p + 6;
    if (q >= end || (*q != ' ' && *q != '\t')) continue;
    while (q < end && (*q == ' ' || *q == '\t')) ++q;
    while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                       (*q >= '0' && *q <= '9') || *q == '_' || *q == '$'))
      *out++ = *q++;
    *out++ = '\0';
  }
  return names;
}

/* A fatbin's bytes: the container header {u32 magic, u16 version, u16
 * header size, u64 payload size} and its payload. */
static size_t emu_fatbin_size(const void *image) {
  uint16_t header;
  uint64_t payload;
  memcpy(&header, (const char *)image + 6, sizeof header);
  memcpy(&payload, (const char *)image + 8, sizeof payload);
  return header + (size_t)payload;
}

EMU_API CUresult cuModuleLoadDataEx(CUmodule *out, const void *image, unsigned int count,
                                    CUjit_option *options, void **values) {
  EMU_REQUIRE_CONTEXT();
  if (!out || !image || (count && (!options || !values))) return CUDA_ERROR_INVALID_VALUE;
  CUmodule module = calloc(1, sizeof *module);
  if (!module) return CUDA_ERROR_OUT_OF_MEMORY;
  if (emu_is_fatbin(image)) {
    /* The kernels the module has are its PTX's; with none readable, any
     * of the emulator's. */
    module->builtin = 1;
    module->entries = emu_ptx_entries(image, emu_fatbin_size(image));
    if (module->entries && !module->entries[0]) {
      free(module->entries);
      module->entries = NULL;
    }
    *out = module;
    return CUDA_SUCCESS;
  }
  const char *text = image;
  if (!strstr(text, ".version") || !strstr(text, ".target")) {
    char *log = NULL;
    size_t log_size = 0;
    for (unsigned i = 0; i < count; ++i) {
      if (options[i] == CU_JIT_ERROR_LOG_BUFFER) log = values[i];
      if (options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES) log_size = (size_t)(uintptr_t)values[i];
    }
    if (log && log_size) snprintf(log, log_size, "emulator: no .version/.target: not PTX");
    free(module);
    return strstr(text,
                  "\x7f"
                  "ELF") == text
               ? CUDA_ERROR_INVALID_IMAGE
               : CUDA_ERROR_INVALID_PTX;
  }
  module->entries = emu_ptx_entries(text, strlen(text));
  if (!module->entries) {
    free(module);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  *out = module;
  return CUDA_SUCCESS;
}

EMU_API CUresult cuModuleLoadData(CUmodule *out, const void *image) {
  return cuModuleLoadDataEx(out, image, 0, NULL, NULL);
}

EMU_API CUresult cuModuleUnload(CUmodule module) {
  EMU_REQUIRE_CONTEXT();
  if (!module) return CUDA_ERROR_INVALID_HANDLE;
  for (struct CUfunc_st *f = module->functions; f;) {
    struct CUfunc_st *next = f->next;
    free(f);
    f = next;
  }
  free(module->entries);
  free(module);
  return CUDA_SUCCESS;
}

EMU_API CUresult cuModuleGetFunction(CUfunction *out, CUmodule module, const char *name) {
  EMU_REQUIRE_CONTEXT();
  if (!out || !module || !name) return CUDA_ERROR_INVALID_VALUE;
  int kernel = -1, found = 0;
  found = !module->entries;
  for (const char *e = module->entries; e && *e && !found; e += strlen(e) + 1)
    found = !strcmp(e, name);
  if (module->builtin && found) {
    kernel = cu_emu_kernel_find(name);
    found = kernel >= 0;
  }
  if (!found || strlen(name) >= sizeof module->functions->name) return CUDA_ERROR_NOT_FOUND;
  struct CUfunc_st *f = calloc(1, sizeof *f);
  if (!f) return CUDA_ERROR_OUT_OF_MEMORY;
  f->kernel = kernel;
  snprintf(f->name, sizeof f->name, "%s", name);
  f->next = module->functions;
  module->functions = f;
  *out = f;
  return CUDA_SUCCESS;
}

static void emu_run_launch(emu_task_t *task) {
  cu_emu_kernel_run(task->u.launch.kernel, task->u.launch.grid, task->u.launch.block,
                    task->u.launch.args);
  free(task->u.launch.args);
}

EMU_API CUresult cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz,
                                unsigned int bx, unsigned int by, unsigned int bz,
                                unsigned int shared, CUstream stream, void **params, void **extra) {
  CUresult result = emu_check_stream(stream);
  if (result != CUDA_SUCCESS) return result;
  if (!f || !gx || !gy || !gz || !bx || !by || !bz || extra) return CUDA_ERROR_INVALID_VALUE;
  if (gy > 65535 || gz > 65535 || (unsigned long long)bx * by * bz > 1024 || shared > 49152)
    return CUDA_ERROR_INVALID_VALUE;
  if (f->kernel < 0) return CUDA_ERROR_NOT_SUPPORTED; /* user PTX is not emulated */
  const unsigned block[3] = {bx, by, bz};
  if (!cu_emu_kernel_block_ok(f->kernel, block)) return CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
  emu_task_t *task = emu_task(emu_run_launch);
  const size_t size = cu_emu_kernel_args_size(f->kernel);
  void *args = malloc(size ? size : 1);
  if (!task || !args) {
    free(task);
    free(args);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  if (cu_emu_kernel_pack(f->kernel, params, args) != 0) {
    free(task);
    free(args);
    return CUDA_ERROR_INVALID_VALUE;
  }
  task->u.launch.kernel = f->kernel;
  task->u.launch.args = args;
  const unsigned grid[3] = {gx, gy, gz};
  memcpy(task->u.launch.grid, grid, sizeof grid);
  memcpy(task->u.launch.block, block, sizeof block);
  return emu_enqueue(stream, task);
}
