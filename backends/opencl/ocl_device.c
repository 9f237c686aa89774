/* ocl_device.c - enumeration of OpenCL platforms and devices, the declared
 * properties, and the instance's object lists. */
#include "ocl_device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ocl_buffer.h"
#include "ocl_event.h"
#include "ocl_module.h"
#include "ocl_op.h"
#include "ocl_program_cache.h"
#include "ocl_stream.h"

/* ---- object lists ---------------------------------------------------------- */

void ocl_instance_track(xhal_plugin_instance_t *instance, ocl_object_t *object,
                        ocl_object_kind_t kind) {
  ocl_object_t *list = &instance->lists[kind];
  pthread_mutex_lock(&instance->mutex);
  object->next = list->next;
  object->prev = list;
  list->next->prev = object;
  list->next = object;
  pthread_mutex_unlock(&instance->mutex);
}

void ocl_instance_untrack(xhal_plugin_instance_t *instance, ocl_object_t *object) {
  pthread_mutex_lock(&instance->mutex);
  object->prev->next = object->next;
  object->next->prev = object->prev;
  object->next = object->prev = object;
  pthread_mutex_unlock(&instance->mutex);
}

/* The first object of kind, or NULL; the caller destroys it (which
 * untracks it) before asking again. */
static ocl_object_t *ocl_instance_first(xhal_plugin_instance_t *instance, ocl_object_kind_t kind) {
  pthread_mutex_lock(&instance->mutex);
  ocl_object_t *list = &instance->lists[kind];
  ocl_object_t *object = list->next == list ? NULL : list->next;
  pthread_mutex_unlock(&instance->mutex);
  return object;
}

static void ocl_instance_destroy_objects(xhal_plugin_instance_t *instance) {
  ocl_object_t *object;
  while ((object = ocl_instance_first(instance, OCL_OBJECT_STREAM))) {
    ocl_stream_destroy((xhal_plugin_stream_t *)object);
  }
  while ((object = ocl_instance_first(instance, OCL_OBJECT_EVENT))) {
    ocl_event_destroy((xhal_plugin_event_t *)object);
  }
  while ((object = ocl_instance_first(instance, OCL_OBJECT_MODULE))) {
    ocl_module_destroy((xhal_plugin_module_t *)object);
  }
  while ((object = ocl_instance_first(instance, OCL_OBJECT_BUFFER))) {
    ocl_buffer_free((xhal_plugin_buffer_t *)object);
  }
}

/* ---- device queries -------------------------------------------------------- */

static cl_int ocl_query_string(cl_device_id id, cl_device_info param, char *out, size_t size) {
  cl_int err = clGetDeviceInfo(id, param, size, out, NULL);
  if (err == CL_INVALID_VALUE) {
    /* Longer than the field: read it whole and keep the beginning. */
    size_t needed = 0;
    err = clGetDeviceInfo(id, param, 0, NULL, &needed);
    char *text = err == CL_SUCCESS ? malloc(needed + 1) : NULL;
    if (!text) return err == CL_SUCCESS ? CL_OUT_OF_HOST_MEMORY : err;
    err = clGetDeviceInfo(id, param, needed, text, NULL);
    text[needed] = '\0';
    if (err == CL_SUCCESS) snprintf(out, size, "%s", text);
    free(text);
  }
  if (err == CL_SUCCESS) out[size - 1] = '\0';
  return err;
}

/* A whole, arbitrarily long string property; NULL on failure. */
static char *ocl_query_string_alloc(cl_device_id id, cl_device_info param) {
  size_t needed = 0;
  if (clGetDeviceInfo(id, param, 0, NULL, &needed) != CL_SUCCESS) return NULL;
  char *text = malloc(needed + 1);
  if (!text) return NULL;
  if (clGetDeviceInfo(id, param, needed, text, NULL) != CL_SUCCESS) {
    free(text);
    return NULL;
  }
  text[needed] = '\0';
  return text;
}

/* Whether the space-separated list contains word as a whole token. */
static int ocl_has_token(const char *list, const char *word) {
  size_t length = strlen(word);
  for (const char *at = list; at && (at = strstr(at, word)); at += length) {
    int starts = at == list || at[-1] == ' ';
    int ends = at[length] == '\0' || at[length] == ' ';
    if (starts && ends) return 1;
  }
  return 0;
}

#define OCL_QUERY(id, param, value)                                                                \
  ocl_check(clGetDeviceInfo(id, param, sizeof(value), &(value), NULL), "clGetDeviceInfo(%s)",      \
            #param)

static int32_t ocl_query_info(cl_platform_id platform, cl_device_id id, ocl_device_info_t *info) {
  memset(info, 0, sizeof *info);
  OCL_RETURN_IF_ERROR(ocl_check(clGetPlatformInfo(platform, CL_PLATFORM_NAME,
                                                  sizeof info->platform_name, info->platform_name,
                                                  NULL),
                                "clGetPlatformInfo(CL_PLATFORM_NAME)"));
  OCL_RETURN_IF_ERROR(ocl_check(clGetPlatformInfo(platform, CL_PLATFORM_VERSION,
                                                  sizeof info->platform_version,
                                                  info->platform_version, NULL),
                                "clGetPlatformInfo(CL_PLATFORM_VERSION)"));
  static const struct {
    cl_device_info param;
    size_t offset;
    const char *what;
  } strings[] = {
      {CL_DEVICE_NAME, offsetof(ocl_device_info_t, name), "CL_DEVICE_NAME"},
      {CL_DEVICE_VENDOR, offsetof(ocl_device_info_t, vendor), "CL_DEVICE_VENDOR"},
      {CL_DEVICE_VERSION, offsetof(ocl_device_info_t, device_version), "CL_DEVICE_VERSION"},
      {CL_DRIVER_VERSION, offsetof(ocl_device_info_t, driver_version), "CL_DRIVER_VERSION"},
  };
  for (size_t i = 0; i < sizeof strings / sizeof strings[0]; ++i) {
    OCL_RETURN_IF_ERROR(ocl_check(ocl_query_string(id, strings[i].param,
                                                   (char *)info + strings[i].offset, XHAL_NAME_MAX),
                                  "clGetDeviceInfo(%s)", strings[i].what));
  }
  OCL_RETURN_IF_ERROR(OCL_QUERY(id, CL_DEVICE_TYPE, info->type));
  OCL_RETURN_IF_ERROR(OCL_QUERY(id, CL_DEVICE_MAX_COMPUTE_UNITS, info->compute_units));
  OCL_RETURN_IF_ERROR(OCL_QUERY(id, CL_DEVICE_MAX_CLOCK_FREQUENCY, info->clock_mhz));
  OCL_RETURN_IF_ERROR(OCL_QUERY(id, CL_DEVICE_GLOBAL_MEM_SIZE, info->global_memory));
  OCL_RETURN_IF_ERROR(OCL_QUERY(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, info->max_allocation));
  OCL_RETURN_IF_ERROR(OCL_QUERY(id, CL_DEVICE_LOCAL_MEM_SIZE, info->local_memory));
  OCL_RETURN_IF_ERROR(OCL_QUERY(id, CL_DEVICE_MEM_BASE_ADDR_ALIGN, info->base_align_bits));
  OCL_RETURN_IF_ERROR(OCL_QUERY(id, CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, info->native_float_width));
  OCL_RETURN_IF_ERROR(OCL_QUERY(id, CL_DEVICE_MAX_WORK_GROUP_SIZE, info->max_work_group_size));
  /* Optional queries: absent on older devices or without the extension. */
  if (clGetDeviceInfo(id, CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF, sizeof info->native_half_width,
                      &info->native_half_width, NULL) != CL_SUCCESS) {
    info->native_half_width = 0;
  }
  cl_bool unified = CL_FALSE;
  if (clGetDeviceInfo(id, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified, &unified, NULL) ==
      CL_SUCCESS) {
    info->host_unified_memory = unified == CL_TRUE;
  }
  cl_device_fp_config double_config = 0;
  if (clGetDeviceInfo(id, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof double_config, &double_config,
                      NULL) != CL_SUCCESS) {
    double_config = 0;
  }
  char *extensions = ocl_query_string_alloc(id, CL_DEVICE_EXTENSIONS);
  if (!extensions) return ocl_error(XHAL_STATUS_INTERNAL, "clGetDeviceInfo(CL_DEVICE_EXTENSIONS) failed");
  info->has_fp64 = double_config != 0 || ocl_has_token(extensions, "cl_khr_fp64");
  info->has_spir = ocl_has_token(extensions, "cl_khr_spir");
  info->has_khr_fp64 = ocl_has_token(extensions, "cl_khr_fp64");
  free(extensions);
  char *il_version = ocl_query_string_alloc(id, CL_DEVICE_IL_VERSION);
  info->has_spirv = il_version && strstr(il_version, "SPIR-V") != NULL;
  free(il_version);
  return XHAL_STATUS_OK;
}

/* Queries the device and gives it a context. On failure the caller skips the
 * device (the message says why). */
static int32_t ocl_device_init(xhal_plugin_device_t *device, cl_platform_id platform,
                               cl_device_id id) {
  OCL_RETURN_IF_ERROR(ocl_query_info(platform, id, &device->info));
  cl_context_properties properties[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)platform, 0};
  cl_int err = CL_SUCCESS;
  cl_context context = clCreateContext(properties, 1, &id, NULL, NULL, &err);
  OCL_RETURN_IF_ERROR(ocl_check(err, "clCreateContext(%s)", device->info.name));
  int32_t status = ocl_program_cache_create(&device->programs);
  if (status != XHAL_STATUS_OK) {
    clReleaseContext(context);
    return status;
  }
  device->platform = platform;
  device->id = id;
  device->context = context;
  return XHAL_STATUS_OK;
}

static void ocl_device_fini(xhal_plugin_device_t *device) {
  ocl_op_device_release(device);
  device->op_state = NULL;
  ocl_program_cache_destroy(device->programs);
  device->programs = NULL;
  if (device->context) clReleaseContext(device->context);
  device->context = NULL;
}

/* Adds the usable devices of one platform to instance->devices (which has
 * room for them). A device that fails is skipped with a warning. */
static void ocl_enumerate_platform(xhal_plugin_instance_t *instance, cl_platform_id platform,
                                   cl_uint platform_index) {
  cl_uint count = 0;
  cl_int err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, NULL, &count);
  if (err != CL_SUCCESS || count == 0) {
    if (err != CL_DEVICE_NOT_FOUND && err != CL_SUCCESS) {
      ocl_log(XHAL_LOG_WARNING, "OpenCL platform %u skipped: clGetDeviceIDs: %s (%d)",
              platform_index, ocl_cl_error_name(err), (int)err);
    }
    return;
  }
  cl_device_id *ids = calloc(count, sizeof *ids);
  if (!ids || clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, count, ids, NULL) != CL_SUCCESS) {
    ocl_log(XHAL_LOG_WARNING, "OpenCL platform %u skipped: could not list its %u devices",
            platform_index, count);
    free(ids);
    return;
  }
  for (cl_uint i = 0; i < count; ++i) {
    xhal_plugin_device_t *device = &instance->devices[instance->device_count];
    memset(device, 0, sizeof *device);
    if (ocl_device_init(device, platform, ids[i]) != XHAL_STATUS_OK) {
      ocl_log(XHAL_LOG_WARNING, "OpenCL platform %u device %u skipped: %s", platform_index, i,
              ocl_last_message());
      continue;
    }
    device->instance = instance;
    device->index = instance->device_count++;
  }
  free(ids);
}

/* Fills instance->devices. No platform or no device is not an error: the
 * instance has 0 devices and no_device_reason says why. */
static int32_t ocl_enumerate(xhal_plugin_instance_t *instance) {
  /* OpenCL runtimes keep worker threads that a fork() leaves behind in the
   * parent: a child that inherits an initialised runtime hangs on its first
   * command. Refuse clearly instead. */
  static atomic_int initialised_by;
  int pid = (int)getpid(), expected = 0;
  if (!atomic_compare_exchange_strong(&initialised_by, &expected, pid) && expected != pid) {
    snprintf(instance->no_device_reason, sizeof instance->no_device_reason,
             "OpenCL was initialised by process %d, and this process (%d) is a fork() of it: "
             "OpenCL runtimes do not survive fork() (their threads stay in the parent); load "
             "the plugin only after forking, or exec",
             expected, pid);
    instance->no_device_level = XHAL_LOG_WARNING;
    return XHAL_STATUS_OK;
  }
  cl_uint platform_count = 0;
  cl_int err = clGetPlatformIDs(0, NULL, &platform_count);
  if (err != CL_SUCCESS || platform_count == 0) {
    snprintf(instance->no_device_reason, sizeof instance->no_device_reason,
             "no OpenCL platform found (clGetPlatformIDs: %s (%d); the ICD loader reads "
             "OCL_ICD_VENDORS or /etc/OpenCL/vendors)",
             err == CL_SUCCESS ? "0 platforms" : ocl_cl_error_name(err), (int)err);
    return XHAL_STATUS_OK;
  }
  cl_platform_id *platforms = calloc(platform_count, sizeof *platforms);
  if (!platforms) return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "%u platform ids", platform_count);
  err = clGetPlatformIDs(platform_count, platforms, NULL);
  if (err != CL_SUCCESS) {
    free(platforms);
    return ocl_check(err, "clGetPlatformIDs(%u)", platform_count);
  }
  cl_uint total = 0;
  int pocl = 0;
  for (cl_uint p = 0; p < platform_count; ++p) {
    cl_uint count = 0;
    if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &count) == CL_SUCCESS) {
      total += count;
    }
    char name[XHAL_NAME_MAX] = "";
    clGetPlatformInfo(platforms[p], CL_PLATFORM_NAME, sizeof name, name, NULL);
    name[sizeof name - 1] = '\0';
    pocl |= strcmp(name, "Portable Computing Language") == 0;
  }
  instance->devices = calloc(total + 1, sizeof *instance->devices);
  if (!instance->devices) {
    free(platforms);
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "%u device records", total);
  }
  for (cl_uint p = 0; p < platform_count; ++p) ocl_enumerate_platform(instance, platforms[p], p);
  free(platforms);
  if (instance->device_count == 0) {
    if (total == 0) {
      snprintf(instance->no_device_reason, sizeof instance->no_device_reason,
               "%u OpenCL platform(s) found, but none reports a device (clGetDeviceIDs: "
               "CL_DEVICE_NOT_FOUND)%s",
               platform_count,
               pocl ? "; PoCL drops its devices when POCL_DEVICES names none or "
                      "POCL_CACHE_DIR (default ~/.cache/pocl) cannot be created"
                    : "");
    } else {
      snprintf(instance->no_device_reason, sizeof instance->no_device_reason,
               "%u OpenCL platform(s) report %u device(s), but none is usable (the warnings "
               "above say why)",
               platform_count, total);
    }
  }
  return XHAL_STATUS_OK;
}

/* ---- instance --------------------------------------------------------------- */

int32_t ocl_instance_create(const xhal_plugin_instance_info_t *info,
                            xhal_plugin_instance_t **out_instance) {
  if (!info || !out_instance) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "info %p, out_instance %p", (const void *)info,
                     (void *)out_instance);
  }
  xhal_plugin_instance_t *instance = calloc(1, sizeof *instance);
  if (!instance) return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "instance record");
  pthread_mutex_init(&instance->mutex, NULL);
  instance->no_device_level = XHAL_LOG_INFO;
  for (int kind = 0; kind < OCL_OBJECT_KIND_COUNT; ++kind) {
    instance->lists[kind].next = instance->lists[kind].prev = &instance->lists[kind];
  }
  int32_t status = ocl_enumerate(instance);
  if (status != XHAL_STATUS_OK) {
    ocl_instance_destroy(instance);
    return status;
  }
  *out_instance = instance;
  return XHAL_STATUS_OK;
}

int32_t ocl_instance_destroy(xhal_plugin_instance_t *instance) {
  if (!instance) return XHAL_STATUS_OK;
  ocl_instance_destroy_objects(instance);
  for (uint32_t i = 0; i < instance->device_count; ++i) ocl_device_fini(&instance->devices[i]);
  free(instance->devices);
  pthread_mutex_destroy(&instance->mutex);
  free(instance);
  return XHAL_STATUS_OK;
}

int32_t ocl_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count) {
  if (!instance || !out_count) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "instance %p, out_count %p", (void *)instance,
                     (void *)out_count);
  }
  if (instance->device_count == 0) {
    ocl_log(instance->no_device_level, "%s", instance->no_device_reason);
  }
  *out_count = instance->device_count;
  return XHAL_STATUS_OK;
}

int32_t ocl_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                       xhal_plugin_device_t **out_device) {
  if (!instance || !out_device) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "instance %p, out_device %p", (void *)instance,
                     (void *)out_device);
  }
  if (index >= instance->device_count) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "index %u, but %u devices", index,
                     instance->device_count);
  }
  *out_device = &instance->devices[index];
  return XHAL_STATUS_OK;
}

/* ---- properties -------------------------------------------------------------- */

static int ocl_device_is_cpu_like(const xhal_plugin_device_t *device) {
  return (device->info.type & CL_DEVICE_TYPE_CPU) != 0;
}

static double ocl_device_clock_hz(const xhal_plugin_device_t *device) {
  /* Some drivers report 0 MHz; 1 GHz keeps the estimates finite. */
  return (device->info.clock_mhz ? device->info.clock_mhz : 1000u) * 1e6;
}

double ocl_device_bandwidth_estimate(const xhal_plugin_device_t *device) {
  /* CPU devices and GPUs that share host memory see the host's memory
   * system (STREAM triad ~20 GB/s on the reference machine). Discrete
   * devices: 8 bytes per compute unit per clock, the right order of
   * magnitude for GPUs of the last decade (80 SMs at 1.4 GHz -> 0.9 TB/s). */
  if (ocl_device_is_cpu_like(device) || device->info.host_unified_memory) return 20e9;
  double estimate = (double)device->info.compute_units * ocl_device_clock_hz(device) * 8.0;
  return estimate > 20e9 ? estimate : 20e9;
}

double ocl_device_launch_overhead_ns(const xhal_plugin_device_t *device) {
  /* Enqueue plus completion of an empty kernel: PoCL's pthread device
   * measures 60-160 us; GPU drivers typically 5-20 us. */
  return ocl_device_is_cpu_like(device) ? 60000.0 : 10000.0;
}

static uint32_t ocl_device_type(cl_device_type type) {
  if (type & CL_DEVICE_TYPE_GPU) return XHAL_DEVICE_TYPE_GPU;
  if (type & CL_DEVICE_TYPE_CPU) return XHAL_DEVICE_TYPE_CPU;
  if (type & CL_DEVICE_TYPE_ACCELERATOR) return XHAL_DEVICE_TYPE_ACCELERATOR;
  return XHAL_DEVICE_TYPE_OTHER;
}

static void ocl_device_fill(const xhal_plugin_device_t *device, xhal_device_properties_t *out) {
  const ocl_device_info_t *info = &device->info;
  snprintf(out->name, sizeof out->name, "%s", info->name);
  snprintf(out->vendor, sizeof out->vendor, "%s", info->vendor);
  out->device_type = ocl_device_type(info->type);
  out->compute_units = info->compute_units;
  out->memory_bytes = info->global_memory;
  out->max_allocation_bytes = info->max_allocation < info->global_memory ? info->max_allocation
                                                                         : info->global_memory;
  /* CL_DEVICE_MEM_BASE_ADDR_ALIGN is in bits; at least one byte. */
  uint32_t align = info->base_align_bits / 8;
  out->min_alignment_bytes = align && !(align & (align - 1)) ? align : 1;
  out->features = XHAL_FEATURE_HOST_CALLBACK | XHAL_FEATURE_EVENT_TIMING |
                  XHAL_FEATURE_KERNEL_MODULES;
  /* f16 is always storable (vload_half/vstore_half are core OpenCL C). */
  out->dtypes = XHAL_DTYPE_BIT(XHAL_DTYPE_F32) | XHAL_DTYPE_BIT(XHAL_DTYPE_F16) |
                XHAL_DTYPE_BIT(XHAL_DTYPE_U8) | XHAL_DTYPE_BIT(XHAL_DTYPE_I8) |
                XHAL_DTYPE_BIT(XHAL_DTYPE_U16) | XHAL_DTYPE_BIT(XHAL_DTYPE_I16) |
                XHAL_DTYPE_BIT(XHAL_DTYPE_U32) | XHAL_DTYPE_BIT(XHAL_DTYPE_I32) |
                XHAL_DTYPE_BIT(XHAL_DTYPE_U64) | XHAL_DTYPE_BIT(XHAL_DTYPE_I64) |
                XHAL_DTYPE_BIT(XHAL_DTYPE_BOOL);
  if (info->has_fp64) out->dtypes |= XHAL_DTYPE_BIT(XHAL_DTYPE_F64);
  out->kernel_formats = XHAL_KERNEL_FORMAT_BIT(XHAL_KERNEL_FORMAT_OPENCL_C);
  if (info->has_spirv) out->kernel_formats |= XHAL_KERNEL_FORMAT_BIT(XHAL_KERNEL_FORMAT_SPIRV);
  if (info->has_spir) out->kernel_formats |= XHAL_KERNEL_FORMAT_BIT(XHAL_KERNEL_FORMAT_SPIR);
  out->clock_mhz = info->clock_mhz;
  /* Peak = compute units x clock x native vector width x 2 (one FMA per
   * lane per cycle). f16 without native half vectors runs in f32. */
  double lanes_f32 = info->native_float_width ? info->native_float_width : 1;
  double per_lane = (double)(info->compute_units ? info->compute_units : 1) *
                    ocl_device_clock_hz(device) * 2.0;
  out->peak_f32_flops = per_lane * lanes_f32;
  out->peak_f16_flops =
      info->native_half_width ? per_lane * info->native_half_width : out->peak_f32_flops;
  out->memory_bandwidth_bps = ocl_device_bandwidth_estimate(device);
  out->launch_overhead_ns = ocl_device_launch_overhead_ns(device);
}

int32_t ocl_device_get_properties(xhal_plugin_device_t *device,
                                  xhal_device_properties_t *properties) {
  if (!device || !properties) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, properties %p", (void *)device,
                     (void *)properties);
  }
  if (properties->header.struct_size < sizeof(xhal_struct_header_t)) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "struct_size %u is smaller than the header",
                     properties->header.struct_size);
  }
  xhal_device_properties_t filled;
  memset(&filled, 0, sizeof filled);
  ocl_device_fill(device, &filled);
  /* Write at most what the caller's struct holds, and leave its header. */
  size_t size = properties->header.struct_size < sizeof filled ? properties->header.struct_size
                                                                : sizeof filled;
  memcpy((char *)properties + sizeof(xhal_struct_header_t),
         (const char *)&filled + sizeof(xhal_struct_header_t), size - sizeof(xhal_struct_header_t));
  return XHAL_STATUS_OK;
}

int32_t ocl_device_get_link(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                            xhal_device_link_t *link) {
  if (!from || !to || !link) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "from %p, to %p, link %p", (void *)from,
                     (void *)to, (void *)link);
  }
  if (from->instance != to->instance) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "devices %u and %u belong to different instances", from->index, to->index);
  }
  if (from == to) {
    link->peer_copy = 1;
    link->same_memory = 1;
    link->bandwidth_bps = ocl_device_bandwidth_estimate(from);
    link->latency_ns = ocl_device_launch_overhead_ns(from);
    return XHAL_STATUS_OK;
  }
  /* One context per device: buffers of two devices never meet in one
   * command, so the host stages such copies (read to host, write to the
   * other device). Each leg runs at about host memcpy speed (12 GB/s on the
   * reference machine, PCIe 3 x16 is similar); the two legs are serial. */
  const double leg_bps = 12e9;
  link->peer_copy = 0;
  link->same_memory = 0;
  link->bandwidth_bps = 1.0 / (1.0 / leg_bps + 1.0 / leg_bps);
  link->latency_ns = ocl_device_launch_overhead_ns(from) + ocl_device_launch_overhead_ns(to);
  return XHAL_STATUS_OK;
}
