/* cu_device.h - instances and devices of the CUDA backend.
 *
 * Every CUDA device of compute capability 8.0 or newer becomes one xhal
 * device (the embedded kernels are SASS for sm_80/sm_90 and PTX for
 * compute_90; older GPUs are skipped with an INFO log line). Each device
 * works in its primary context, retained for the instance's life; every
 * entry point that calls the driver pushes that context around its calls
 * (cu_context_enter/leave), so any host thread may call any entry point and
 * the caller's own current context is left as it was.
 *
 * Every object an instance hands out sits on one of its lists, so
 * instance_destroy frees whatever the host left alive. docs/cuda-backend.md
 * gives the formulas behind the declared properties. */
#ifndef XHAL_CU_DEVICE_H
#define XHAL_CU_DEVICE_H

#include <pthread.h>

#include "cu_driver.h"
#include "cu_error.h"

/* Intrusive list node at the start of every tracked object. */
typedef struct cu_object {
  struct cu_object *prev, *next;
} cu_object_t;

/* Kinds in the order instance_destroy frees them: streams first (their
 * destruction drains work that may use the others), buffers and pinned
 * host memory last. */
typedef enum cu_object_kind {
  CU_OBJECT_STREAM = 0,
  CU_OBJECT_COMMUNICATOR,
  CU_OBJECT_EVENT,
  CU_OBJECT_MODULE,
  CU_OBJECT_BUFFER,
  CU_OBJECT_HOST_MEMORY,
  CU_OBJECT_KIND_COUNT
} cu_object_kind_t;

/* What the driver reported once, at enumeration. */
typedef struct cu_device_info {
  char name[XHAL_NAME_MAX];
  int ordinal;                /* CUdevice ordinal */
  int cc_major, cc_minor;     /* compute capability */
  int sm_count;
  int clock_khz;              /* CU_DEVICE_ATTRIBUTE_CLOCK_RATE */
  int memory_clock_khz;       /* CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE */
  int bus_width_bits;         /* CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH */
  int max_grid[3];            /* CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X/Y/Z */
  int max_block_threads;      /* CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK */
  uint64_t total_memory;      /* cuDeviceTotalMem */
} cu_device_info_t;

typedef struct cu_kernels cu_kernels_t; /* cu_kernels.h */
typedef struct cu_staging cu_staging_t; /* cu_staging.h */

struct xhal_plugin_device {
  struct xhal_plugin_instance *instance;
  uint32_t index; /* xhal device index within the instance */
  CUdevice cu_device;
  CUcontext context; /* the retained primary context */
  cu_device_info_t info;
  /* The operator kernels' module, loaded on first use (cu_kernels.h). */
  cu_kernels_t *kernels;
  /* Pinned bounce buffers for copies from and to pageable host memory. */
  cu_staging_t *staging;
};

struct xhal_plugin_instance {
  pthread_mutex_t mutex; /* guards lists */
  cu_object_t lists[CU_OBJECT_KIND_COUNT];
  uint32_t device_count;
  struct xhal_plugin_device *devices;
  uint8_t *peer; /* [from * device_count + to]: cuDeviceCanAccessPeer */
};

int32_t cu_instance_create(const xhal_plugin_instance_info_t *info,
                           xhal_plugin_instance_t **out_instance);
int32_t cu_instance_destroy(xhal_plugin_instance_t *instance);
int32_t cu_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count);
int32_t cu_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                      xhal_plugin_device_t **out_device);
int32_t cu_device_get_properties(xhal_plugin_device_t *device,
                                 xhal_device_properties_t *properties);
int32_t cu_device_get_link(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                           xhal_device_link_t *link);

/* 1 if from can copy straight to/from to (the same device, or peers). */
int cu_device_is_peer(const xhal_plugin_device_t *from, const xhal_plugin_device_t *to);

/* Scheduler estimates (formulas in docs/cuda-backend.md). */
double cu_device_peak_f32_flops(const cu_device_info_t *info);
double cu_device_bandwidth_bps(const cu_device_info_t *info);

/* Makes device's context current on the calling thread (cuCtxPushCurrent);
 * cu_context_leave pops it again. Every driver call that needs a context
 * sits between the two. */
int32_t cu_context_enter(const xhal_plugin_device_t *device);
void cu_context_leave(const xhal_plugin_device_t *device);

/* Puts object on the instance's list of kind; removes it. Thread-safe. */
void cu_instance_track(xhal_plugin_instance_t *instance, cu_object_t *object,
                       cu_object_kind_t kind);
void cu_instance_untrack(xhal_plugin_instance_t *instance, cu_object_t *object);

/* The driver table; non-NULL whenever a device exists. */
static inline const cu_driver_t *cu_api(void) { return cu_driver_table(); }

#endif
