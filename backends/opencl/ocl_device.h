/* ocl_device.h - instances and devices of the OpenCL backend.
 *
 * Every device of every platform the ICD loader reports (all device types)
 * becomes one xhal device with a cl_context of its own. Each instance
 * enumerates afresh and owns its contexts: instances share no mutable state
 * except the on-disk program cache. Every object an instance hands out sits
 * on one of its lists, so instance_destroy frees whatever the host left
 * alive. docs/opencl-backend.md describes how properties are derived. */
#ifndef XHAL_OCL_DEVICE_H
#define XHAL_OCL_DEVICE_H

#include <pthread.h>

#include "ocl_error.h"

typedef struct ocl_program_cache ocl_program_cache_t;

/* Intrusive list node at the start of every tracked object. */
typedef struct ocl_object {
  struct ocl_object *prev, *next;
} ocl_object_t;

/* Kinds in the order instance_destroy frees them: streams first (their
 * destruction drains work that may use the others), buffers last. */
typedef enum ocl_object_kind {
  OCL_OBJECT_STREAM = 0,
  OCL_OBJECT_EVENT,
  OCL_OBJECT_MODULE,
  OCL_OBJECT_BUFFER,
  OCL_OBJECT_KIND_COUNT
} ocl_object_kind_t;

/* What the device reported once, at enumeration. */
typedef struct ocl_device_info {
  char name[XHAL_NAME_MAX];
  char vendor[XHAL_NAME_MAX];
  char platform_name[XHAL_NAME_MAX];
  char platform_version[XHAL_NAME_MAX];
  char device_version[XHAL_NAME_MAX];
  char driver_version[XHAL_NAME_MAX];
  cl_device_type type;
  cl_uint compute_units;
  cl_uint clock_mhz;
  cl_ulong global_memory;
  cl_ulong max_allocation;
  cl_ulong local_memory;
  cl_uint base_align_bits;
  cl_uint native_float_width;
  cl_uint native_half_width;
  size_t max_work_group_size;
  int has_fp64;
  int has_spirv;
  int has_spir;
  int host_unified_memory;
  int has_khr_fp64; /* "cl_khr_fp64" in CL_DEVICE_EXTENSIONS (double in OpenCL C 1.2) */
} ocl_device_info_t;

struct xhal_plugin_device {
  struct xhal_plugin_instance *instance;
  uint32_t index;
  cl_platform_id platform;
  cl_device_id id;
  cl_context context;
  ocl_device_info_t info;
  /* Programs built for this device (ocl_program_cache.h). */
  ocl_program_cache_t *programs;
  /* Per-device state of the operator code (ocl_op.h); NULL until it makes
   * some, freed by ocl_op_device_release at instance destruction. */
  void *op_state;
};

struct xhal_plugin_instance {
  pthread_mutex_t mutex; /* guards lists */
  ocl_object_t lists[OCL_OBJECT_KIND_COUNT];
  uint32_t device_count;
  struct xhal_plugin_device *devices;
  char no_device_reason[512]; /* why device_count is 0 */
  uint32_t no_device_level;    /* xhal_log_level_t of that explanation */
};

int32_t ocl_instance_create(const xhal_plugin_instance_info_t *info,
                            xhal_plugin_instance_t **out_instance);
int32_t ocl_instance_destroy(xhal_plugin_instance_t *instance);
int32_t ocl_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count);
int32_t ocl_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                       xhal_plugin_device_t **out_device);
int32_t ocl_device_get_properties(xhal_plugin_device_t *device,
                                  xhal_device_properties_t *properties);
int32_t ocl_device_get_link(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                            xhal_device_link_t *link);

/* Scheduler estimates (documented with their formulas in
 * docs/opencl-backend.md). */
double ocl_device_bandwidth_estimate(const xhal_plugin_device_t *device);
double ocl_device_launch_overhead_ns(const xhal_plugin_device_t *device);

/* Puts object on the instance's list of kind; removes it. Thread-safe. */
void ocl_instance_track(xhal_plugin_instance_t *instance, ocl_object_t *object,
                        ocl_object_kind_t kind);
void ocl_instance_untrack(xhal_plugin_instance_t *instance, ocl_object_t *object);

#endif
