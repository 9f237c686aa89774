/* ze_device.c - zeInit, drivers, contexts, devices and their properties,
 * and the instance's list of live objects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ze_backend.h"

/* ---- zeInit, once per process ------------------------------------------------------------ */

static pthread_once_t ze_init_once = PTHREAD_ONCE_INIT;
static ze_result_t ze_init_result;

static void ze_init_run(void) {
  ze_init_result = zeInit(0);
}

/* ---- Object tracking --------------------------------------------------------------------- */

void ze__track(xhal_plugin_instance_t *instance, ze_object_t *object, ze_object_kind_t kind) {
  object->kind = kind;
  pthread_mutex_lock(&instance->mutex);
  object->prev = &instance->objects;
  object->next = instance->objects.next;
  instance->objects.next->prev = object;
  instance->objects.next = object;
  pthread_mutex_unlock(&instance->mutex);
}

void ze__untrack(xhal_plugin_instance_t *instance, ze_object_t *object) {
  pthread_mutex_lock(&instance->mutex);
  object->prev->next = object->next;
  object->next->prev = object->prev;
  object->prev = object->next = object;
  pthread_mutex_unlock(&instance->mutex);
}

/* The first live object of kind, or NULL. */
static ze_object_t *ze_first_object(xhal_plugin_instance_t *instance, ze_object_kind_t kind) {
  ze_object_t *found = NULL;
  pthread_mutex_lock(&instance->mutex);
  for (ze_object_t *o = instance->objects.next; o != &instance->objects; o = o->next) {
    if (o->kind == kind) {
      found = o;
      break;
    }
  }
  pthread_mutex_unlock(&instance->mutex);
  return found;
}

/* Destroys what the host left alive: streams first (they drain work that
 * may use the others), then events, modules and buffers. */
static void ze_destroy_leftovers(xhal_plugin_instance_t *instance) {
  ze_object_t *o;
  while ((o = ze_first_object(instance, ZE_OBJECT_STREAM)))
    ze_stream_destroy((xhal_plugin_stream_t *)o);
  while ((o = ze_first_object(instance, ZE_OBJECT_EVENT)))
    ze_event_destroy((xhal_plugin_event_t *)o);
  while ((o = ze_first_object(instance, ZE_OBJECT_MODULE)))
    ze_module_destroy((xhal_plugin_module_t *)o);
  while ((o = ze_first_object(instance, ZE_OBJECT_BUFFER)))
    ze_buffer_free((xhal_plugin_buffer_t *)o);
}

/* ---- Devices ----------------------------------------------------------------------------- */

static uint64_t ze_physical_memory(void) {
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? (uint64_t)pages * (uint64_t)page_size : UINT64_C(1) << 32;
}

/* Reads what the properties and estimates need. */
static int32_t ze_device_init(xhal_plugin_device_t *d) {
  d->props = (ze_device_properties_t){.stype = ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES};
  ZE_RETURN_IF_ERROR(ze__check(zeDeviceGetProperties(d->handle, &d->props),
                               "zeDeviceGetProperties(device %u)", d->index));
  d->compute = (ze_device_compute_properties_t){.stype = ZE_STRUCTURE_TYPE_DEVICE_COMPUTE_PROPERTIES};
  ZE_RETURN_IF_ERROR(ze__check(zeDeviceGetComputeProperties(d->handle, &d->compute),
                               "zeDeviceGetComputeProperties(device %u)", d->index));
  d->module = (ze_device_module_properties_t){.stype = ZE_STRUCTURE_TYPE_DEVICE_MODULE_PROPERTIES};
  ZE_RETURN_IF_ERROR(ze__check(zeDeviceGetModuleProperties(d->handle, &d->module),
                               "zeDeviceGetModuleProperties(device %u)", d->index));

  uint32_t count = 0;
  ZE_RETURN_IF_ERROR(ze__check(zeDeviceGetMemoryProperties(d->handle, &count, NULL),
                               "zeDeviceGetMemoryProperties(device %u, count)", d->index));
  if (count > 16) count = 16;
  ze_device_memory_properties_t memory[16];
  for (uint32_t i = 0; i < count; ++i)
    memory[i] = (ze_device_memory_properties_t){.stype = ZE_STRUCTURE_TYPE_DEVICE_MEMORY_PROPERTIES};
  if (count) {
    ZE_RETURN_IF_ERROR(ze__check(zeDeviceGetMemoryProperties(d->handle, &count, memory),
                                 "zeDeviceGetMemoryProperties(device %u, %u)", d->index, count));
  }
  for (uint32_t i = 0; i < count; ++i) {
    d->memory_bytes += memory[i].totalSize;
    if (memory[i].maxClockRate > d->memory_clock_mhz) {
      d->memory_clock_mhz = memory[i].maxClockRate;
      d->memory_bus_bits = memory[i].maxBusWidth;
    }
  }

  count = 0;
  ZE_RETURN_IF_ERROR(ze__check(zeDeviceGetCommandQueueGroupProperties(d->handle, &count, NULL),
                               "zeDeviceGetCommandQueueGroupProperties(device %u)", d->index));
  ze_command_queue_group_properties_t groups[16];
  if (count > 16) count = 16;
  for (uint32_t i = 0; i < count; ++i)
    groups[i] = (ze_command_queue_group_properties_t){
        .stype = ZE_STRUCTURE_TYPE_COMMAND_QUEUE_GROUP_PROPERTIES};
  if (count) {
    ZE_RETURN_IF_ERROR(
        ze__check(zeDeviceGetCommandQueueGroupProperties(d->handle, &count, groups),
                  "zeDeviceGetCommandQueueGroupProperties(device %u, %u)", d->index, count));
  }
  d->queue_ordinal = 0;
  for (uint32_t i = 0; i < count; ++i) {
    if (groups[i].flags & ZE_COMMAND_QUEUE_GROUP_PROPERTY_FLAG_COMPUTE) {
      d->queue_ordinal = i;
      break;
    }
  }
  /* With stype ZE_STRUCTURE_TYPE_DEVICE_PROPERTIES, timerResolution is in
   * nanoseconds per tick. */
  d->timer_ns_num = d->props.timerResolution ? d->props.timerResolution : 1;
  d->timer_ns_den = 1;
  const uint32_t bits = d->props.timestampValidBits;
  d->timestamp_mask = bits == 0 || bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  d->is_null_driver = strcmp(d->props.name, "Null Device") == 0;
  /* A driver that reports no sizes (the null driver allocates host memory
   * and reports 0): the host's physical memory bounds both. */
  if (!d->memory_bytes) d->memory_bytes = ze_physical_memory();
  d->max_allocation = d->props.maxMemAllocSize ? d->props.maxMemAllocSize : d->memory_bytes;
  if (d->max_allocation > d->memory_bytes) d->max_allocation = d->memory_bytes;
  return XHAL_STATUS_OK;
}

static int32_t ze_instance_enumerate(xhal_plugin_instance_t *instance) {
  uint32_t drivers = 0;
  ZE_RETURN_IF_ERROR(ze__check(zeDriverGet(&drivers, NULL), "zeDriverGet(count)"));
  if (!drivers) return XHAL_STATUS_OK;
  ze_driver_handle_t handles[16];
  if (drivers > 16) drivers = 16;
  ZE_RETURN_IF_ERROR(ze__check(zeDriverGet(&drivers, handles), "zeDriverGet(%u)", drivers));
  instance->drivers = calloc(drivers, sizeof *instance->drivers);
  if (!instance->drivers) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "driver records");

  uint32_t total = 0;
  for (uint32_t i = 0; i < drivers; ++i) {
    uint32_t n = 0;
    ZE_RETURN_IF_ERROR(ze__check(zeDeviceGet(handles[i], &n, NULL), "zeDeviceGet(driver %u)", i));
    total += n;
  }
  instance->devices = calloc(total ? total : 1, sizeof *instance->devices);
  if (!instance->devices) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "device records");

  for (uint32_t i = 0; i < drivers; ++i) {
    ze_driver_state_t *drv = &instance->drivers[instance->driver_count];
    drv->handle = handles[i];
    ze_context_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_CONTEXT_DESC};
    if (ze__check(zeContextCreate(drv->handle, &desc, &drv->context),
                  "zeContextCreate(driver %u)", i) != XHAL_STATUS_OK) {
      ze__log(XHAL_LOG_WARNING, "level0: driver %u skipped: %s", i, ze__last_message());
      continue;
    }
    ++instance->driver_count;
    uint32_t n = 0;
    ZE_RETURN_IF_ERROR(ze__check(zeDeviceGet(drv->handle, &n, NULL), "zeDeviceGet(driver %u)", i));
    ze_device_handle_t devs[64];
    if (n > 64) n = 64;
    if (n > total - instance->device_count) n = total - instance->device_count;
    if (!n) continue;
    ZE_RETURN_IF_ERROR(
        ze__check(zeDeviceGet(drv->handle, &n, devs), "zeDeviceGet(driver %u, %u)", i, n));
    for (uint32_t k = 0; k < n; ++k) {
      xhal_plugin_device_t *d = &instance->devices[instance->device_count];
      d->instance = instance;
      d->driver = drv;
      d->handle = devs[k];
      d->index = instance->device_count;
      if (ze_device_init(d) != XHAL_STATUS_OK) {
        /* A device whose queries fail is skipped, not fatal. */
        ze__log(XHAL_LOG_WARNING, "level0: device %u of driver %u skipped: %s", k, i,
                ze__last_message());
        memset(d, 0, sizeof *d);
        continue;
      }
      ++instance->device_count;
    }
  }
  return XHAL_STATUS_OK;
}

static void ze_instance_free(xhal_plugin_instance_t *instance) {
  for (uint32_t i = 0; i < instance->device_count; ++i)
    ze__op_device_release(&instance->devices[i]);
  for (uint32_t i = 0; i < instance->driver_count; ++i)
    zeContextDestroy(instance->drivers[i].context);
  free(instance->devices);
  free(instance->drivers);
  pthread_mutex_destroy(&instance->mutex);
  free(instance);
}

/* XHAL_LEVEL0_STREAMS: unset or "auto", "immediate", "batched"
 * (docs/level0-backend.md, "Streams"). */
static ze_stream_mode_t ze_stream_mode_from_env(void) {
  const char *text = getenv("XHAL_LEVEL0_STREAMS");
  if (!text || !*text || strcmp(text, "auto") == 0) return ZE_STREAMS_AUTO;
  if (strcmp(text, "immediate") == 0) return ZE_STREAMS_IMMEDIATE;
  if (strcmp(text, "batched") == 0) return ZE_STREAMS_BATCHED;
  ze__log(XHAL_LOG_WARNING,
          "level0: XHAL_LEVEL0_STREAMS=%s is not auto, immediate or batched: using auto", text);
  return ZE_STREAMS_AUTO;
}

int32_t ze_instance_create(const xhal_plugin_instance_info_t *info,
                           xhal_plugin_instance_t **out_instance) {
  if (!info || !out_instance) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "info %p, out_instance %p",
                     (const void *)info, (void *)out_instance);
  }
  xhal_plugin_instance_t *instance = calloc(1, sizeof *instance);
  if (!instance) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "instance record");
  pthread_mutex_init(&instance->mutex, NULL);
  instance->objects.prev = instance->objects.next = &instance->objects;
  instance->stream_mode = ze_stream_mode_from_env();

  pthread_once(&ze_init_once, ze_init_run);
  if (ze_init_result != ZE_RESULT_SUCCESS) {
    /* No driver: a valid instance with no devices (device_count says why). */
    *out_instance = instance;
    return XHAL_STATUS_OK;
  }
  int32_t status = ze_instance_enumerate(instance);
  if (status != XHAL_STATUS_OK) {
    ze_instance_free(instance);
    return status;
  }
  *out_instance = instance;
  return XHAL_STATUS_OK;
}

int32_t ze_instance_destroy(xhal_plugin_instance_t *instance) {
  if (!instance) return XHAL_STATUS_OK;
  ze_destroy_leftovers(instance);
  ze_instance_free(instance);
  return XHAL_STATUS_OK;
}

int32_t ze_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count) {
  if (!instance || !out_count) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "instance %p, out_count %p", (void *)instance,
                     (void *)out_count);
  }
  if (ze_init_result != ZE_RESULT_SUCCESS) {
    ze__log(XHAL_LOG_INFO, "level0: no device: zeInit(0) returned %s (0x%08x)",
            ze__result_name(ze_init_result), (unsigned)ze_init_result);
  } else if (!instance->device_count) {
    ze__log(XHAL_LOG_INFO, "level0: no device: the Level Zero drivers report no device");
  }
  *out_count = instance->device_count;
  return XHAL_STATUS_OK;
}

int32_t ze_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                      xhal_plugin_device_t **out_device) {
  if (!instance || !out_device) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "instance %p, out_device %p",
                     (void *)instance, (void *)out_device);
  }
  if (index >= instance->device_count) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "device index %u, but %u devices", index,
                     instance->device_count);
  }
  *out_device = &instance->devices[index];
  return XHAL_STATUS_OK;
}

/* ---- Properties -------------------------------------------------------------------------- */

static uint64_t ze_all_dtypes(void) {
  uint64_t bits = 0;
#define ZE__DTYPE_BIT(name, value, size, text) bits |= XHAL_DTYPE_BIT(XHAL_DTYPE_##name);
  XHAL_DTYPE_LIST(ZE__DTYPE_BIT)
#undef ZE__DTYPE_BIT
  return bits;
}

int ze__peer_access(const xhal_plugin_device_t *from, const xhal_plugin_device_t *to) {
  if (from == to) return 1;
  if (from->driver != to->driver) return 0;
  ze_bool_t can = 0;
  if (zeDeviceCanAccessPeer(from->handle, to->handle, &can) != ZE_RESULT_SUCCESS) return 0;
  return can != 0;
}

/* Estimates for the scheduler (docs/level0-backend.md, "Properties"):
 *   EUs        = numSlices * numSubslicesPerSlice * numEUsPerSubslice
 *   f32 FLOP/s = EUs * physicalEUSimdWidth * 2 (FMA) * coreClockRate
 *   f16 FLOP/s = 2 * f32 when the device reports fp16 support, else f32
 *   bytes/s    = maxClockRate * maxBusWidth / 8 * 2 (double data rate) of the
 *                fastest memory; 64 bytes per core clock when no memory
 *                reports a clock.
 * Missing values (0) count as 1 EU, SIMD width 8, and 1000 MHz. */
int32_t ze_device_get_properties(xhal_plugin_device_t *device, xhal_device_properties_t *props) {
  if (!device || !props) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, properties %p", (void *)device,
                     (void *)props);
  }
  if (props->header.struct_size < sizeof(xhal_struct_header_t)) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "struct_size %u is smaller than the header",
                     props->header.struct_size);
  }
  const ze_device_properties_t *p = &device->props;
  xhal_device_properties_t v;
  memset(&v, 0, sizeof v);
  v.header = props->header;
  snprintf(v.name, sizeof v.name, "%.*s", (int)sizeof v.name - 1, p->name);
  if (p->vendorId == 0x8086)
    snprintf(v.vendor, sizeof v.vendor, "Intel");
  else
    snprintf(v.vendor, sizeof v.vendor, "Level Zero vendor 0x%04x", (unsigned)p->vendorId);
  switch (p->type) {
    case ZE_DEVICE_TYPE_GPU:
      v.device_type = XHAL_DEVICE_TYPE_GPU;
      break;
    case ZE_DEVICE_TYPE_CPU:
      v.device_type = XHAL_DEVICE_TYPE_CPU;
      break;
    case ZE_DEVICE_TYPE_FPGA:
    case ZE_DEVICE_TYPE_MCA:
    case ZE_DEVICE_TYPE_VPU:
      v.device_type = XHAL_DEVICE_TYPE_ACCELERATOR;
      break;
    default:
      v.device_type = XHAL_DEVICE_TYPE_OTHER;
      break;
  }
  uint64_t eus = (uint64_t)p->numSlices * p->numSubslicesPerSlice * p->numEUsPerSubslice;
  if (!eus) eus = 1;
  v.compute_units = eus > UINT32_MAX ? UINT32_MAX : (uint32_t)eus;
  v.memory_bytes = device->memory_bytes;
  v.max_allocation_bytes = device->max_allocation;
  v.min_alignment_bytes = ZE_BUFFER_ALIGNMENT;
  v.features = XHAL_FEATURE_HOST_CALLBACK | XHAL_FEATURE_EVENT_TIMING |
               XHAL_FEATURE_KERNEL_MODULES | XHAL_FEATURE_HOST_PINNED_MEMORY;
  for (uint32_t i = 0; i < device->instance->device_count; ++i) {
    xhal_plugin_device_t *other = &device->instance->devices[i];
    if (other != device && ze__peer_access(device, other)) v.features |= XHAL_FEATURE_PEER_COPY;
  }
  if (p->flags & ZE_DEVICE_PROPERTY_FLAG_INTEGRATED) v.features |= XHAL_FEATURE_UNIFIED_MEMORY;
  v.dtypes = ze_all_dtypes();
  v.kernel_formats = XHAL_KERNEL_FORMAT_BIT(XHAL_KERNEL_FORMAT_SPIRV);
  v.clock_mhz = p->coreClockRate ? p->coreClockRate : 1000;
  const double simd = p->physicalEUSimdWidth ? (double)p->physicalEUSimdWidth : 8.0;
  v.peak_f32_flops = (double)eus * simd * 2.0 * (double)v.clock_mhz * 1e6;
  v.peak_f16_flops = device->module.fp16flags ? 2.0 * v.peak_f32_flops : v.peak_f32_flops;
  if (device->memory_clock_mhz && device->memory_bus_bits) {
    v.memory_bandwidth_bps =
        (double)device->memory_clock_mhz * 1e6 * (double)device->memory_bus_bits / 8.0 * 2.0;
  } else {
    v.memory_bandwidth_bps = 64.0 * (double)v.clock_mhz * 1e6;
  }
  v.launch_overhead_ns = 10000.0; /* an immediate command list append + doorbell */
  size_t n = props->header.struct_size < sizeof v ? props->header.struct_size : sizeof v;
  memcpy((char *)props + sizeof v.header, (const char *)&v + sizeof v.header,
         n - sizeof v.header);
  return XHAL_STATUS_OK;
}

int32_t ze_device_get_link(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                           xhal_device_link_t *link) {
  if (!from || !to || !link) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "from %p, to %p, link %p", (void *)from,
                     (void *)to, (void *)link);
  }
  if (from->instance != to->instance) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "devices %u and %u belong to different instances", from->index, to->index);
  }
  const double launch_ns = 10000.0;
  if (from == to) {
    xhal_device_properties_t props = {
        .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_DEVICE_PROPERTIES, xhal_device_properties_t)};
    ze_device_get_properties(from, &props);
    link->peer_copy = 1;
    link->same_memory = 1;
    link->bandwidth_bps = props.memory_bandwidth_bps;
    link->latency_ns = launch_ns;
    return XHAL_STATUS_OK;
  }
  /* Peers of one driver copy directly (PCIe 4.0 x16 or Xe Link, estimated
   * at 25 GB/s); others are staged by the host through host memory, two
   * serial legs at about host memcpy speed (12 GB/s). */
  link->same_memory = 0;
  link->peer_copy = ze__peer_access(from, to) ? 1u : 0u;
  link->bandwidth_bps = link->peer_copy ? 25e9 : 1.0 / (1.0 / 12e9 + 1.0 / 12e9);
  link->latency_ns = link->peer_copy ? launch_ns : 2.0 * launch_ns;
  return XHAL_STATUS_OK;
}
