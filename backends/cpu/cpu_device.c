/* cpu_device.c - instances, logical devices and their declared properties. */
#include "cpu_device.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_error.h"

#define CPU_MAX_DEVICES 64

/* Reads an integer environment variable in [low, high]; fallback otherwise,
 * with a warning so a typo does not go unnoticed. */
static long cpu_env_integer(const char *name, long low, long high, long fallback) {
  const char *text = getenv(name);
  if (!text || !*text) return fallback;
  char *end = NULL;
  long value = strtol(text, &end, 10);
  if (*end || value < low || value > high) {
    cpu_log(XHAL_LOG_WARNING, "%s='%s' is not an integer in [%ld, %ld]; using %ld", name, text,
            low, high, fallback);
    return fallback;
  }
  return value;
}

static int cpu_threads;

static void cpu_threads_init(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores < 1) cores = 1;
  cpu_threads = (int)cpu_env_integer("XHAL_CPU_THREADS", 1, 1024, cores);
}

int cpu_kernel_threads(void) {
  /* Kernels on several stream workers ask at once: initialise exactly once. */
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, cpu_threads_init);
  return cpu_threads;
}

int32_t cpu_instance_create(const xhal_plugin_instance_info_t *info,
                            xhal_plugin_instance_t **out_instance) {
  if (!info || !out_instance) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "instance_create: info %p, out_instance %p",
                     (const void *)info, (void *)out_instance);
  }
  xhal_plugin_instance_t *instance = calloc(1, sizeof *instance);
  if (!instance) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "instance_create: out of memory");
  instance->device_count = (uint32_t)cpu_env_integer("XHAL_CPU_DEVICES", 0, CPU_MAX_DEVICES, 1);
  instance->devices = calloc(instance->device_count + 1, sizeof *instance->devices);
  if (!instance->devices) {
    free(instance);
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "instance_create: out of memory");
  }
  for (uint32_t i = 0; i < instance->device_count; ++i) {
    instance->devices[i].instance = instance;
    instance->devices[i].index = i;
  }
  *out_instance = instance;
  return XHAL_STATUS_OK;
}

int32_t cpu_instance_destroy(xhal_plugin_instance_t *instance) {
  if (!instance) return XHAL_STATUS_OK;
  free(instance->devices);
  free(instance);
  return XHAL_STATUS_OK;
}

int32_t cpu_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count) {
  if (!instance || !out_count) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "device_count: instance %p, out_count %p",
                     (void *)instance, (void *)out_count);
  }
  *out_count = instance->device_count;
  return XHAL_STATUS_OK;
}

int32_t cpu_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                       xhal_plugin_device_t **out_device) {
  if (!instance || !out_device) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "device_get: instance %p, out_device %p",
                     (void *)instance, (void *)out_device);
  }
  if (index >= instance->device_count) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "device_get: index %u, but %u devices", index,
                     instance->device_count);
  }
  *out_device = &instance->devices[index];
  return XHAL_STATUS_OK;
}

/* "model name : AMD EPYC ..." and "cpu MHz : 2450.000" from /proc/cpuinfo. */
static void cpu_read_cpuinfo(char *model, size_t model_size, double *mhz) {
  snprintf(model, model_size, "host CPU");
  *mhz = 0;
  FILE *file = fopen("/proc/cpuinfo", "r");
  if (!file) return;
  char line[512];
  int have_model = 0;
  while (fgets(line, sizeof line, file)) {
    char *colon = strchr(line, ':');
    if (!colon) continue;
    char *value = colon + 1;
    while (*value == ' ') ++value;
    value[strcspn(value, "\n")] = '\0';
    if (!have_model && strncmp(line, "model name", 10) == 0) {
      snprintf(model, model_size, "%s", value);
      have_model = 1;
    } else if (*mhz == 0 && strncmp(line, "cpu MHz", 7) == 0) {
      *mhz = atof(value);
    }
  }
  fclose(file);
}

int32_t cpu_device_get_properties(xhal_plugin_device_t *device,
                                  xhal_device_properties_t *properties) {
  if (!device || !properties) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "device_get_properties: device %p, properties %p",
                     (void *)device, (void *)properties);
  }
  if (properties->header.struct_size < sizeof(xhal_struct_header_t)) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "device_get_properties: struct_size %u is smaller than the header",
                     properties->header.struct_size);
  }
  xhal_device_properties_t filled;
  memset(&filled, 0, sizeof filled);
  filled.header = properties->header;
  char model[96];
  double mhz;
  cpu_read_cpuinfo(model, sizeof model, &mhz);
  snprintf(filled.name, sizeof filled.name, "%s (logical device %u)", model, device->index);
  snprintf(filled.vendor, sizeof filled.vendor, "xhal cpu backend");
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  filled.device_type = XHAL_DEVICE_TYPE_CPU;
  filled.compute_units = (uint32_t)(cores > 0 ? cores : 1);
  filled.memory_bytes = pages > 0 && page_size > 0 ? (uint64_t)pages * (uint64_t)page_size : 0;
  filled.max_allocation_bytes = filled.memory_bytes;
  filled.min_alignment_bytes = 64;
  filled.features = XHAL_FEATURE_HOST_VISIBLE_MEMORY | XHAL_FEATURE_UNIFIED_MEMORY |
                    XHAL_FEATURE_PEER_COPY | XHAL_FEATURE_HOST_CALLBACK |
                    XHAL_FEATURE_EVENT_TIMING | XHAL_FEATURE_COLLECTIVES;
#define CPU_DTYPE_BIT(name, value, size, text) | XHAL_DTYPE_BIT(XHAL_DTYPE_##name)
  filled.dtypes = 0 XHAL_DTYPE_LIST(CPU_DTYPE_BIT);
#undef CPU_DTYPE_BIT
  filled.kernel_formats = 0;
  filled.clock_mhz = (uint32_t)mhz;
  /* Estimates for the scheduler: AVX2 with two FMA pipes gives 32 f32 FLOP
   * per cycle per core; f16 is computed in f32. Bandwidth is a typical
   * two-channel figure, refined by microbenchmarks in the scheduler. */
  double hz = (mhz > 0 ? mhz : 2000.0) * 1e6;
  filled.peak_f32_flops = (double)filled.compute_units * hz * 32.0;
  filled.peak_f16_flops = filled.peak_f32_flops;
  filled.memory_bandwidth_bps = 20e9;
  filled.launch_overhead_ns = 2000.0;
  size_t size = properties->header.struct_size < sizeof filled ? properties->header.struct_size
                                                                : sizeof filled;
  memcpy((char *)properties + sizeof(xhal_struct_header_t),
         (const char *)&filled + sizeof(xhal_struct_header_t), size - sizeof(xhal_struct_header_t));
  return XHAL_STATUS_OK;
}

int32_t cpu_device_get_link(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                            xhal_device_link_t *link) {
  if (!from || !to || !link) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "device_get_link: from %p, to %p, link %p",
                     (void *)from, (void *)to, (void *)link);
  }
  if (from->instance != to->instance) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "device_get_link: devices %u and %u belong to different instances",
                     from->index, to->index);
  }
  /* Logical CPU devices share one memory: every copy is a memcpy. */
  link->peer_copy = 1;
  link->same_memory = 1;
  link->bandwidth_bps = 12e9;
  link->latency_ns = 2000.0;
  return XHAL_STATUS_OK;
}
