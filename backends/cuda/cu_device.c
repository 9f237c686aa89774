/* cu_device.c - instances, devices, their declared properties and links. */
#include "cu_device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_buffer.h"
#include "cu_collectives.h"
#include "cu_event.h"
#include "cu_kernels.h"
#include "cu_module.h"
#include "cu_nccl.h"
#include "cu_staging.h"
#include "cu_stream.h"

/* The embedded kernels run on compute capability 8.0 and newer. */
#define CU_MIN_CC_MAJOR 8

/* ---- contexts ---------------------------------------------------------------- */

int32_t cu_context_enter(const xhal_plugin_device_t *device) {
  return cu_check(cu_api()->cuCtxPushCurrent(device->context),
                  "cuCtxPushCurrent(primary context of CUDA device %d)", device->info.ordinal);
}

void cu_context_leave(const xhal_plugin_device_t *device) {
  CUcontext popped = NULL;
  CUresult result = cu_api()->cuCtxPopCurrent(&popped);
  /* Only a failure is worth a line: NCCL's group calls may leave another
   * device's primary context on top, which popping removes just as well. */
  if (result != CUDA_SUCCESS) {
    cu_log(XHAL_LOG_WARNING, "cuCtxPopCurrent after a call on CUDA device %d returned %d",
           device->info.ordinal, (int)result);
  }
}

/* ---- object lists ------------------------------------------------------------ */

void cu_instance_track(xhal_plugin_instance_t *instance, cu_object_t *object,
                       cu_object_kind_t kind) {
  pthread_mutex_lock(&instance->mutex);
  cu_object_t *head = &instance->lists[kind];
  object->prev = head;
  object->next = head->next;
  head->next->prev = object;
  head->next = object;
  pthread_mutex_unlock(&instance->mutex);
}

void cu_instance_untrack(xhal_plugin_instance_t *instance, cu_object_t *object) {
  pthread_mutex_lock(&instance->mutex);
  object->prev->next = object->next;
  object->next->prev = object->prev;
  object->prev = object->next = object;
  pthread_mutex_unlock(&instance->mutex);
}

/* First object of a list, or NULL. */
static cu_object_t *cu_instance_first(xhal_plugin_instance_t *instance, cu_object_kind_t kind) {
  pthread_mutex_lock(&instance->mutex);
  cu_object_t *head = &instance->lists[kind];
  cu_object_t *first = head->next == head ? NULL : head->next;
  pthread_mutex_unlock(&instance->mutex);
  return first;
}

/* Destroys what the host left alive; each destroy function untracks. */
static void cu_instance_destroy_objects(xhal_plugin_instance_t *instance) {
  for (int kind = 0; kind < CU_OBJECT_KIND_COUNT; ++kind) {
    for (cu_object_t *object; (object = cu_instance_first(instance, (cu_object_kind_t)kind));) {
      switch ((cu_object_kind_t)kind) {
        case CU_OBJECT_STREAM: cu_stream_destroy((xhal_plugin_stream_t *)(void *)object); break;
        case CU_OBJECT_COMMUNICATOR:
          cu_communicator_destroy((xhal_plugin_communicator_t *)(void *)object);
          break;
        case CU_OBJECT_EVENT: cu_event_destroy((xhal_plugin_event_t *)(void *)object); break;
        case CU_OBJECT_MODULE: cu_module_destroy((xhal_plugin_module_t *)(void *)object); break;
        case CU_OBJECT_BUFFER: cu_buffer_free((xhal_plugin_buffer_t *)(void *)object); break;
        case CU_OBJECT_HOST_MEMORY: cu_host_memory_destroy(object); break;
        case CU_OBJECT_KIND_COUNT: break;
      }
    }
  }
}

/* ---- enumeration ------------------------------------------------------------- */

static int32_t cu_device_attribute(CUdevice device, int ordinal, CUdevice_attribute attribute,
                                   const char *name, int *out) {
  return cu_check(cu_api()->cuDeviceGetAttribute(out, attribute, device),
                  "cuDeviceGetAttribute(%s, device %d)", name, ordinal);
}

#define CU_ATTRIBUTE(dev, ordinal, attr, out) \
  cu_device_attribute(dev, ordinal, CU_DEVICE_ATTRIBUTE_##attr, #attr, out)

static int32_t cu_device_query(int ordinal, CUdevice *out_device, cu_device_info_t *info) {
  const cu_driver_t *cu = cu_api();
  CUdevice device = 0;
  memset(info, 0, sizeof *info);
  info->ordinal = ordinal;
  CU_RETURN_IF_ERROR(cu_check(cu->cuDeviceGet(&device, ordinal), "cuDeviceGet(%d)", ordinal));
  CU_RETURN_IF_ERROR(cu_check(cu->cuDeviceGetName(info->name, (int)sizeof info->name, device),
                              "cuDeviceGetName(device %d)", ordinal));
  info->name[sizeof info->name - 1] = '\0';
  size_t total = 0;
  CU_RETURN_IF_ERROR(
      cu_check(cu->cuDeviceTotalMem(&total, device), "cuDeviceTotalMem(device %d)", ordinal));
  info->total_memory = total;
  CU_RETURN_IF_ERROR(CU_ATTRIBUTE(device, ordinal, COMPUTE_CAPABILITY_MAJOR, &info->cc_major));
  CU_RETURN_IF_ERROR(CU_ATTRIBUTE(device, ordinal, COMPUTE_CAPABILITY_MINOR, &info->cc_minor));
  CU_RETURN_IF_ERROR(CU_ATTRIBUTE(device, ordinal, MULTIPROCESSOR_COUNT, &info->sm_count));
  CU_RETURN_IF_ERROR(CU_ATTRIBUTE(device, ordinal, CLOCK_RATE, &info->clock_khz));
  CU_RETURN_IF_ERROR(CU_ATTRIBUTE(device, ordinal, MEMORY_CLOCK_RATE, &info->memory_clock_khz));
  CU_RETURN_IF_ERROR(CU_ATTRIBUTE(device, ordinal, GLOBAL_MEMORY_BUS_WIDTH, &info->bus_width_bits));
  CU_RETURN_IF_ERROR(CU_ATTRIBUTE(device, ordinal, MAX_GRID_DIM_X, &info->max_grid[0]));
  CU_RETURN_IF_ERROR(CU_ATTRIBUTE(device, ordinal, MAX_GRID_DIM_Y, &info->max_grid[1]));
  CU_RETURN_IF_ERROR(CU_ATTRIBUTE(device, ordinal, MAX_GRID_DIM_Z, &info->max_grid[2]));
  CU_RETURN_IF_ERROR(
      CU_ATTRIBUTE(device, ordinal, MAX_THREADS_PER_BLOCK, &info->max_block_threads));
  *out_device = device;
  return XHAL_STATUS_OK;
}

/* Adds every usable device; skipped ones are logged with the reason. */
static int32_t cu_instance_enumerate(xhal_plugin_instance_t *instance, const cu_driver_t *cu) {
  instance->devices = calloc((size_t)cu->device_count, sizeof *instance->devices);
  if (!instance->devices) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "device records");
  for (int ordinal = 0; ordinal < cu->device_count; ++ordinal) {
    xhal_plugin_device_t *device = &instance->devices[instance->device_count];
    CU_RETURN_IF_ERROR(cu_device_query(ordinal, &device->cu_device, &device->info));
    if (device->info.cc_major < CU_MIN_CC_MAJOR) {
      cu_log(XHAL_LOG_INFO,
             "CUDA device %d (%s) skipped: compute capability %d.%d; the CUDA backend's kernels "
             "need %d.0 or newer",
             ordinal, device->info.name, device->info.cc_major, device->info.cc_minor,
             CU_MIN_CC_MAJOR);
      continue;
    }
    CU_RETURN_IF_ERROR(cu_check(cu->cuDevicePrimaryCtxRetain(&device->context, device->cu_device),
                                "cuDevicePrimaryCtxRetain(device %d)", ordinal));
    device->instance = instance;
    device->index = instance->device_count++;
    int32_t status = cu_staging_create(device, &device->staging);
    if (status == XHAL_STATUS_OK) status = cu_kernels_create(device, &device->kernels);
    if (status != XHAL_STATUS_OK) return status;
  }
  if (!instance->device_count) {
    cu_log(XHAL_LOG_INFO, "no usable CUDA device: all %d are older than compute capability %d.0",
           cu->device_count, CU_MIN_CC_MAJOR);
  }
  return XHAL_STATUS_OK;
}

static int32_t cu_instance_find_peers(xhal_plugin_instance_t *instance) {
  const uint32_t n = instance->device_count;
  instance->peer = calloc((size_t)n * n + 1, 1);
  if (!instance->peer) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "peer matrix");
  for (uint32_t from = 0; from < n; ++from) {
    for (uint32_t to = 0; to < n; ++to) {
      int can = from == to;
      if (from != to) {
        const xhal_plugin_device_t *a = &instance->devices[from], *b = &instance->devices[to];
        CU_RETURN_IF_ERROR(cu_check(
            cu_api()->cuDeviceCanAccessPeer(&can, a->cu_device, b->cu_device),
            "cuDeviceCanAccessPeer(device %d, peer %d)", a->info.ordinal, b->info.ordinal));
      }
      instance->peer[from * n + to] = can ? 1 : 0;
    }
  }
  return XHAL_STATUS_OK;
}

static void cu_instance_free(xhal_plugin_instance_t *instance) {
  const cu_driver_t *cu = cu_api();
  for (uint32_t i = 0; i < instance->device_count; ++i) {
    xhal_plugin_device_t *device = &instance->devices[i];
    cu_kernels_destroy(device, device->kernels);
    cu_staging_destroy(device, device->staging);
    if (device->context) cu->cuDevicePrimaryCtxRelease(device->cu_device);
  }
  free(instance->peer);
  free(instance->devices);
  pthread_mutex_destroy(&instance->mutex);
  free(instance);
}

int32_t cu_instance_create(const xhal_plugin_instance_info_t *info,
                           xhal_plugin_instance_t **out_instance) {
  if (!info || !out_instance) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "info %p, out_instance %p", (const void *)info,
                    (void *)out_instance);
  }
  xhal_plugin_instance_t *instance = calloc(1, sizeof *instance);
  if (!instance) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "instance record");
  pthread_mutex_init(&instance->mutex, NULL);
  for (int kind = 0; kind < CU_OBJECT_KIND_COUNT; ++kind)
    instance->lists[kind].prev = instance->lists[kind].next = &instance->lists[kind];
  const char *reason = NULL;
  const cu_driver_t *cu = cu_driver_load(&reason);
  if (!cu) {
    /* Not an error: the plugin loads everywhere and has no device here. */
    cu_log(XHAL_LOG_INFO, "CUDA backend has no device: %s", reason);
    *out_instance = instance;
    return XHAL_STATUS_OK;
  }
  int32_t status = cu_instance_enumerate(instance, cu);
  if (status == XHAL_STATUS_OK) status = cu_instance_find_peers(instance);
  if (status != XHAL_STATUS_OK) {
    cu_instance_free(instance);
    return status;
  }
  *out_instance = instance;
  return XHAL_STATUS_OK;
}

int32_t cu_instance_destroy(xhal_plugin_instance_t *instance) {
  if (!instance) return XHAL_STATUS_OK;
  cu_instance_destroy_objects(instance);
  cu_instance_free(instance);
  return XHAL_STATUS_OK;
}

int32_t cu_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count) {
  if (!instance || !out_count) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "instance %p, out_count %p", (void *)instance,
                    (void *)out_count);
  }
  *out_count = instance->device_count;
  return XHAL_STATUS_OK;
}

int32_t cu_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                      xhal_plugin_device_t **out_device) {
  if (!instance || !out_device) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "instance %p, out_device %p", (void *)instance,
                    (void *)out_device);
  }
  if (index >= instance->device_count) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "index %u, but %u devices", index,
                    instance->device_count);
  }
  *out_device = &instance->devices[index];
  return XHAL_STATUS_OK;
}

int cu_device_is_peer(const xhal_plugin_device_t *from, const xhal_plugin_device_t *to) {
  if (from == to) return 1;
  if (from->instance != to->instance) return 0;
  return from->instance->peer[from->index * from->instance->device_count + to->index];
}

/* ---- properties ---------------------------------------------------------------- */

/* FP32 lanes per SM: 64 on compute capability 8.0 (A100, A30), 128 on 8.6,
 * 8.7, 8.9, 9.0 and the later architectures. */
static int cu_fp32_lanes_per_sm(const cu_device_info_t *info) {
  return info->cc_major == 8 && info->cc_minor == 0 ? 64 : 128;
}

double cu_device_peak_f32_flops(const cu_device_info_t *info) {
  return (double)info->sm_count * cu_fp32_lanes_per_sm(info) * 2.0 * (double)info->clock_khz * 1e3;
}

double cu_device_bandwidth_bps(const cu_device_info_t *info) {
  return (double)info->bus_width_bits / 8.0 * (double)info->memory_clock_khz * 1e3 * 2.0;
}

/* Kernel launch plus the context push/pop around it. */
#define CU_LAUNCH_OVERHEAD_NS 5000.0

int32_t cu_device_get_properties(xhal_plugin_device_t *device,
                                 xhal_device_properties_t *properties) {
  if (!device || !properties) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, properties %p", (void *)device,
                    (void *)properties);
  }
  if (properties->header.struct_size < sizeof(xhal_struct_header_t)) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "struct_size %u is smaller than the header",
                    properties->header.struct_size);
  }
  const cu_device_info_t *info = &device->info;
  xhal_device_properties_t filled;
  memset(&filled, 0, sizeof filled);
  snprintf(filled.name, sizeof filled.name, "%s", info->name);
  snprintf(filled.vendor, sizeof filled.vendor, "NVIDIA");
  filled.device_type = XHAL_DEVICE_TYPE_GPU;
  filled.compute_units = (uint32_t)info->sm_count;
  filled.memory_bytes = info->total_memory;
  filled.max_allocation_bytes = info->total_memory;
  filled.min_alignment_bytes = 256; /* cuMemAlloc's documented alignment */
  filled.features = XHAL_FEATURE_HOST_CALLBACK | XHAL_FEATURE_EVENT_TIMING |
                    XHAL_FEATURE_KERNEL_MODULES | XHAL_FEATURE_HOST_PINNED_MEMORY;
  for (uint32_t other = 0; other < device->instance->device_count; ++other) {
    if (other != device->index && cu_device_is_peer(device, &device->instance->devices[other]))
      filled.features |= XHAL_FEATURE_PEER_COPY;
  }
  if (cu_nccl_load(NULL)) filled.features |= XHAL_FEATURE_COLLECTIVES;
#define CU_DTYPE_BIT(name, value, size, text) | XHAL_DTYPE_BIT(XHAL_DTYPE_##name)
  filled.dtypes = 0 XHAL_DTYPE_LIST(CU_DTYPE_BIT);
#undef CU_DTYPE_BIT
  filled.kernel_formats = XHAL_KERNEL_FORMAT_BIT(XHAL_KERNEL_FORMAT_PTX) |
                          XHAL_KERNEL_FORMAT_BIT(XHAL_KERNEL_FORMAT_CUBIN);
  filled.clock_mhz = (uint32_t)(info->clock_khz / 1000);
  filled.peak_f32_flops = cu_device_peak_f32_flops(info);
  /* The f16 kernels compute in f32 on the same lanes (no tensor cores). */
  filled.peak_f16_flops = filled.peak_f32_flops;
  filled.memory_bandwidth_bps = cu_device_bandwidth_bps(info);
  filled.launch_overhead_ns = CU_LAUNCH_OVERHEAD_NS;
  size_t size = properties->header.struct_size < sizeof filled ? properties->header.struct_size
                                                               : sizeof filled;
  memcpy((char *)properties + sizeof(xhal_struct_header_t),
         (const char *)&filled + sizeof(xhal_struct_header_t), size - sizeof(xhal_struct_header_t));
  return XHAL_STATUS_OK;
}

/* Copy estimates between two devices (docs/cuda-backend.md): a peer copy
 * over PCIe 4.0 x16 or better; without peer access the host stages the copy
 * through host memory (two PCIe transfers). */
#define CU_PEER_BANDWIDTH_BPS 25e9
#define CU_PEER_LATENCY_NS 10000.0
#define CU_STAGED_BANDWIDTH_BPS 10e9
#define CU_STAGED_LATENCY_NS 30000.0
#define CU_LOCAL_LATENCY_NS 5000.0

int32_t cu_device_get_link(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                           xhal_device_link_t *link) {
  if (!from || !to || !link) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "from %p, to %p, link %p", (void *)from,
                    (void *)to, (void *)link);
  }
  if (from->instance != to->instance) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "devices %u and %u belong to different instances",
                    from->index, to->index);
  }
  if (link->header.struct_size < sizeof(xhal_struct_header_t)) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "struct_size %u is smaller than the header",
                    link->header.struct_size);
  }
  xhal_device_link_t filled;
  memset(&filled, 0, sizeof filled);
  if (from == to) {
    /* A copy within device memory reads and writes it. */
    filled.peer_copy = 1;
    filled.same_memory = 1;
    filled.bandwidth_bps = cu_device_bandwidth_bps(&from->info) / 2.0;
    filled.latency_ns = CU_LOCAL_LATENCY_NS;
  } else if (cu_device_is_peer(from, to)) {
    filled.peer_copy = 1;
    filled.bandwidth_bps = CU_PEER_BANDWIDTH_BPS;
    filled.latency_ns = CU_PEER_LATENCY_NS;
  } else {
    filled.bandwidth_bps = CU_STAGED_BANDWIDTH_BPS;
    filled.latency_ns = CU_STAGED_LATENCY_NS;
  }
  size_t size = link->header.struct_size < sizeof filled ? link->header.struct_size : sizeof filled;
  memcpy((char *)link + sizeof(xhal_struct_header_t),
         (const char *)&filled + sizeof(xhal_struct_header_t), size - sizeof(xhal_struct_header_t));
  return XHAL_STATUS_OK;
}
