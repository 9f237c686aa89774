/* ze_module.c - kernel modules from SPIR-V (zeModuleCreate with
 * ZE_MODULE_FORMAT_IL_SPIRV; the build log goes into the error), kernels,
 * launches on a stream's immediate command list, and the kernel names a
 * SPIR-V image declares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ze_backend.h"

int32_t ze__module_build(xhal_plugin_device_t *device, const void *spirv, size_t size,
                         const char *options, const char *what, ze_module_handle_t *out_module) {
  ze_module_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_MODULE_DESC,
                           .format = ZE_MODULE_FORMAT_IL_SPIRV,
                           .inputSize = size,
                           .pInputModule = spirv,
                           .pBuildFlags = options ? options : ""};
  ze_module_handle_t module = NULL;
  ze_module_build_log_handle_t log = NULL;
  const ze_result_t r =
      zeModuleCreate(device->driver->context, device->handle, &desc, &module, &log);
  if (r == ZE_RESULT_SUCCESS) {
    if (log) zeModuleBuildLogDestroy(log);
    *out_module = module;
    return XHAL_STATUS_OK;
  }
  char text[4096] = "";
  if (log) {
    size_t n = 0;
    if (zeModuleBuildLogGetString(log, &n, NULL) == ZE_RESULT_SUCCESS && n > 1) {
      char *buf = malloc(n);
      if (buf && zeModuleBuildLogGetString(log, &n, buf) == ZE_RESULT_SUCCESS)
        snprintf(text, sizeof text, "; build log:\n%s", buf);
      free(buf);
    }
    zeModuleBuildLogDestroy(log);
  }
  if (module) zeModuleDestroy(module);
  /* ze__check names the call and result; the log follows it. */
  const int32_t status = ze__check(r, "zeModuleCreate(%s, %zu bytes of SPIR-V, options \"%s\")",
                                   what, size, options ? options : "");
  char message[1024];
  snprintf(message, sizeof message, "%s", ze__last_message());
  return ze__error(status, "%s%s", message, text);
}

/* SPIR-V's logical layout puts every OpEntryPoint after the capabilities,
 * extensions, extended instruction imports and the memory model, and
 * before anything else. */
enum {
  ZE_SPIRV_HEADER_WORDS = 5,
  ZE_SPIRV_OP_EXTENSION = 10,
  ZE_SPIRV_OP_EXT_INST_IMPORT = 11,
  ZE_SPIRV_OP_MEMORY_MODEL = 14,
  ZE_SPIRV_OP_ENTRY_POINT = 15,
  ZE_SPIRV_OP_CAPABILITY = 17
};

int ze__spirv_has_kernel(const void *spirv, size_t size, const char *name) {
  const unsigned char *bytes = spirv;
  const size_t words = size / 4, length = strlen(name);
  for (size_t at = ZE_SPIRV_HEADER_WORDS; at < words;) {
    uint32_t first;
    memcpy(&first, bytes + 4 * at, 4);
    const uint32_t opcode = first & 0xffffu, count = first >> 16;
    if (count == 0 || at + count > words) return 0; /* not a well-formed module */
    if (opcode == ZE_SPIRV_OP_ENTRY_POINT && count > 3) {
      /* execution model, function id, then the name: a NUL-terminated
       * string padded to whole words */
      const char *text = (const char *)bytes + 4 * (at + 3);
      const size_t room = 4 * ((size_t)count - 3);
      if (length < room && memcmp(text, name, length) == 0 && text[length] == '\0') return 1;
    } else if (opcode != ZE_SPIRV_OP_CAPABILITY && opcode != ZE_SPIRV_OP_EXTENSION &&
               opcode != ZE_SPIRV_OP_EXT_INST_IMPORT && opcode != ZE_SPIRV_OP_MEMORY_MODEL) {
      return 0; /* past the entry points */
    }
    at += count;
  }
  return 0;
}

int32_t ze_module_create(xhal_plugin_device_t *device, uint32_t format, const void *data,
                         uint64_t size, const char *options, xhal_plugin_module_t **out_module) {
  if (!device || !data || !size || !out_module) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, data %p, size %llu, out_module %p",
                     (void *)device, data, (unsigned long long)size, (void *)out_module);
  }
  if (format != XHAL_KERNEL_FORMAT_SPIRV) {
    return ze__error(XHAL_STATUS_UNSUPPORTED,
                     "kernel format %u: the Level Zero backend takes SPIR-V (format %u) only",
                     format, (unsigned)XHAL_KERNEL_FORMAT_SPIRV);
  }
  if (size % 4 || size > SIZE_MAX || *(const uint32_t *)data != 0x07230203u) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%llu bytes are not a SPIR-V module (magic 0x07230203, whole words)",
                     (unsigned long long)size);
  }
  xhal_plugin_module_t *module = calloc(1, sizeof *module);
  if (!module) return ze__error(XHAL_STATUS_OUT_OF_MEMORY, "module record");
  int32_t status =
      ze__module_build(device, data, (size_t)size, options, "module_create", &module->handle);
  if (status != XHAL_STATUS_OK) {
    free(module);
    return status;
  }
  module->device = device;
  pthread_mutex_init(&module->mutex, NULL);
  ze__track(device->instance, &module->object, ZE_OBJECT_MODULE);
  *out_module = module;
  return XHAL_STATUS_OK;
}

int32_t ze_module_destroy(xhal_plugin_module_t *module) {
  if (!module) return XHAL_STATUS_OK;
  ze__untrack(module->device->instance, &module->object);
  xhal_plugin_function_t *f = module->functions;
  while (f) {
    xhal_plugin_function_t *next = f->next;
    zeKernelDestroy(f->handle);
    pthread_mutex_destroy(&f->mutex);
    free(f);
    f = next;
  }
  zeModuleDestroy(module->handle);
  pthread_mutex_destroy(&module->mutex);
  free(module);
  return XHAL_STATUS_OK;
}

int32_t ze_module_get_function(xhal_plugin_module_t *module, const char *name,
                               xhal_plugin_function_t **out_function) {
  if (!module || !name || !out_function) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "module %p, name %p, out_function %p",
                     (void *)module, (const void *)name, (void *)out_function);
  }
  if (strlen(name) >= sizeof((xhal_plugin_function_t *)0)->name) {
    return ze__error(XHAL_STATUS_NOT_FOUND, "kernel name of %zu characters", strlen(name));
  }
  pthread_mutex_lock(&module->mutex);
  xhal_plugin_function_t *f = module->functions;
  while (f && strcmp(f->name, name) != 0) f = f->next;
  int32_t status = XHAL_STATUS_OK;
  if (!f) {
    f = calloc(1, sizeof *f);
    if (!f) status = ze__error(XHAL_STATUS_OUT_OF_MEMORY, "function record");
  }
  if (status == XHAL_STATUS_OK && !f->handle) {
    ze_kernel_desc_t desc = {.stype = ZE_STRUCTURE_TYPE_KERNEL_DESC, .pKernelName = name};
    status = ze__check(zeKernelCreate(module->handle, &desc, &f->handle), "zeKernelCreate(%s)",
                       name);
    ze_kernel_properties_t props = {.stype = ZE_STRUCTURE_TYPE_KERNEL_PROPERTIES};
    if (status == XHAL_STATUS_OK) {
      status = ze__check(zeKernelGetProperties(f->handle, &props), "zeKernelGetProperties(%s)",
                         name);
      if (status != XHAL_STATUS_OK) zeKernelDestroy(f->handle);
    }
    if (status == XHAL_STATUS_OK) {
      f->module = module;
      f->arg_count = props.numKernelArgs;
      snprintf(f->name, sizeof f->name, "%s", name);
      pthread_mutex_init(&f->mutex, NULL);
      f->next = module->functions;
      module->functions = f;
    } else {
      free(f);
      f = NULL;
    }
  }
  pthread_mutex_unlock(&module->mutex);
  if (status != XHAL_STATUS_OK) return status;
  *out_function = f;
  return XHAL_STATUS_OK;
}

static int32_t ze_launch_check(const xhal_plugin_stream_t *stream,
                               const xhal_plugin_function_t *function,
                               const xhal_plugin_kernel_launch_t *launch) {
  const xhal_plugin_device_t *device = stream->device;
  if (function->module->device != device) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "the function is on device %u, the stream on device %u",
                     function->module->device->index, device->index);
  }
  uint64_t group = 1;
  for (int d = 0; d < 3; ++d) {
    if (!launch->grid[d] || !launch->block[d]) {
      return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "grid {%u, %u, %u} and block {%u, %u, %u} must be at least 1 in every "
                       "dimension",
                       launch->grid[0], launch->grid[1], launch->grid[2], launch->block[0],
                       launch->block[1], launch->block[2]);
    }
    group *= launch->block[d];
  }
  if (group > device->compute.maxTotalGroupSize) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "block {%u, %u, %u} has %llu work-items; %s allows %u per group",
                     launch->block[0], launch->block[1], launch->block[2],
                     (unsigned long long)group, device->props.name,
                     device->compute.maxTotalGroupSize);
  }
  if (launch->shared_memory_bytes > device->compute.maxSharedLocalMemory) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "shared_memory_bytes %u exceeds the %u bytes of shared local memory of %s",
                     launch->shared_memory_bytes, device->compute.maxSharedLocalMemory,
                     device->props.name);
  }
  const uint32_t wanted = launch->arg_count + (launch->shared_memory_bytes ? 1u : 0u);
  if (wanted != function->arg_count) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                     "kernel '%s' has %u parameters; the launch passes %u arguments%s",
                     function->name, function->arg_count, launch->arg_count,
                     launch->shared_memory_bytes ? " plus the __local pointer for "
                                                   "shared_memory_bytes"
                                                 : "");
  }
  if (launch->arg_count && (!launch->args || !launch->arg_sizes || !launch->arg_is_buffer)) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "%u arguments but args, arg_sizes or "
                     "arg_is_buffer is NULL", launch->arg_count);
  }
  for (uint32_t i = 0; i < launch->arg_count; ++i) {
    if (launch->arg_is_buffer[i]) {
      const xhal_plugin_buffer_t *buffer = launch->args[i];
      if (!buffer || buffer->device != device) {
        return ze__error(XHAL_STATUS_INVALID_ARGUMENT,
                         "argument %u is %s, not a buffer of the stream's device %u", i,
                         buffer ? "a buffer of another device" : "NULL", device->index);
      }
    } else if (!launch->args[i] || !launch->arg_sizes[i]) {
      return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "argument %u: value %p of %llu bytes", i,
                       launch->args[i], (unsigned long long)launch->arg_sizes[i]);
    }
  }
  return XHAL_STATUS_OK;
}

/* Sets the arguments, the group size and appends; function->mutex held. */
static int32_t ze_launch_locked(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                                const xhal_plugin_kernel_launch_t *launch) {
  ze_kernel_handle_t k = function->handle;
  for (uint32_t i = 0; i < launch->arg_count; ++i) {
    ze_result_t r;
    size_t size;
    if (launch->arg_is_buffer[i]) {
      const xhal_plugin_buffer_t *buffer = launch->args[i];
      size = sizeof buffer->ptr;
      r = zeKernelSetArgumentValue(k, i, size, &buffer->ptr);
    } else {
      size = (size_t)launch->arg_sizes[i];
      r = zeKernelSetArgumentValue(k, i, size, launch->args[i]);
    }
    ZE_RETURN_IF_ERROR(
        ze__check(r, "zeKernelSetArgumentValue(%s, argument %u, %zu bytes)", function->name, i, size));
  }
  if (launch->shared_memory_bytes) {
    ZE_RETURN_IF_ERROR(ze__check(
        zeKernelSetArgumentValue(k, launch->arg_count, launch->shared_memory_bytes, NULL),
        "zeKernelSetArgumentValue(%s, argument %u, %u bytes of shared local memory)",
        function->name, launch->arg_count, launch->shared_memory_bytes));
  }
  ZE_RETURN_IF_ERROR(ze__check(
      zeKernelSetGroupSize(k, launch->block[0], launch->block[1], launch->block[2]),
      "zeKernelSetGroupSize(%s, {%u, %u, %u})", function->name, launch->block[0],
      launch->block[1], launch->block[2]));
  const ze_group_count_t groups = {launch->grid[0], launch->grid[1], launch->grid[2]};
  return ze__stream_ordered(
      stream, ze__check(zeCommandListAppendLaunchKernel(stream->list, k, &groups, NULL, 0, NULL),
                        "zeCommandListAppendLaunchKernel(%s, groups {%u, %u, %u})",
                        function->name, launch->grid[0], launch->grid[1], launch->grid[2]));
}

int32_t ze_kernel_launch(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                         const xhal_plugin_kernel_launch_t *launch) {
  if (!stream || !function || !launch) {
    return ze__error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, function %p, launch %p",
                     (void *)stream, (void *)function, (const void *)launch);
  }
  ZE_RETURN_IF_ERROR(ze_launch_check(stream, function, launch));
  ZE_RETURN_IF_ERROR(ze__stream_begin(stream));
  pthread_mutex_lock(&function->mutex);
  const int32_t status = ze_launch_locked(stream, function, launch);
  pthread_mutex_unlock(&function->mutex);
  return status;
}
