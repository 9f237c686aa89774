/* cu_module.c - modules (CUmodule), functions (CUfunction) and launches. */
#include "cu_module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_buffer.h"
#include "cu_stream.h"

struct xhal_plugin_function {
  struct xhal_plugin_module *module;
  CUfunction function;
  struct xhal_plugin_function *next;
  char name[];
};

struct xhal_plugin_module {
  cu_object_t object; /* on the instance's module list */
  xhal_plugin_device_t *device;
  CUmodule module;
  pthread_mutex_t mutex; /* guards functions */
  xhal_plugin_function_t *functions;
};

#define CU_JIT_LOG_SIZE 4096
#define CU_JIT_MAX_OPTIONS 8
#define CU_MAX_KERNEL_ARGS 4096

typedef struct cu_jit_options {
  unsigned count;
  CUjit_option keys[CU_JIT_MAX_OPTIONS];
  void *values[CU_JIT_MAX_OPTIONS];
} cu_jit_options_t;

static void cu_jit_add(cu_jit_options_t *jit, CUjit_option key, uintptr_t value) {
  jit->keys[jit->count] = key;
  jit->values[jit->count++] = (void *)value;
}

/* Translates the option string into JIT options (see cu_module.h). */
static int32_t cu_jit_parse(const char *options, cu_jit_options_t *jit) {
  char copy[512];
  if (!options) return XHAL_STATUS_OK;
  if (strlen(options) >= sizeof copy)
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "options of %zu bytes", strlen(options));
  snprintf(copy, sizeof copy, "%s", options);
  char *save = NULL;
  for (char *word = strtok_r(copy, " \t", &save); word; word = strtok_r(NULL, " \t", &save)) {
    if (jit->count >= CU_JIT_MAX_OPTIONS - 2) /* two slots stay for the error log */
      return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "too many options in '%s'", options);
    if (word[0] == '-' && word[1] == 'O' && word[2] >= '0' && word[2] <= '4' && !word[3]) {
      cu_jit_add(jit, CU_JIT_OPTIMIZATION_LEVEL, (uintptr_t)(word[2] - '0'));
    } else if (strcmp(word, "-lineinfo") == 0) {
      cu_jit_add(jit, CU_JIT_GENERATE_LINE_INFO, 1);
    } else if (strcmp(word, "-g") == 0) {
      cu_jit_add(jit, CU_JIT_GENERATE_DEBUG_INFO, 1);
    } else {
      return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "unknown option '%s' in '%s' (known: -O0..-O4, -lineinfo, -g)", word,
                      options);
    }
  }
  return XHAL_STATUS_OK;
}

/* The image as the driver wants it: PTX NUL-terminated, binaries 8-byte
 * aligned (the caller's bytes may be neither). */
static void *cu_module_image(const void *data, size_t size) {
  char *image = aligned_alloc(64, (size + 1 + 63) / 64 * 64);
  if (!image) return NULL;
  memcpy(image, data, size);
  image[size] = '\0'; /* PTX must be NUL-terminated; harmless after a binary */
  return image;
}

static int32_t cu_module_load(xhal_plugin_device_t *device, uint32_t format, const void *image,
                              size_t size, cu_jit_options_t *jit, CUmodule *out_module) {
  char error_log[CU_JIT_LOG_SIZE] = "";
  cu_jit_add(jit, CU_JIT_ERROR_LOG_BUFFER, (uintptr_t)error_log);
  cu_jit_add(jit, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, sizeof error_log);
  CU_RETURN_IF_ERROR(cu_context_enter(device));
  const CUresult result =
      cu_api()->cuModuleLoadDataEx(out_module, image, jit->count, jit->keys, jit->values);
  cu_context_leave(device);
  if (result == CUDA_SUCCESS) return XHAL_STATUS_OK;
  error_log[sizeof error_log - 1] = '\0';
  char detail[CU_JIT_LOG_SIZE + 16];
  snprintf(detail, sizeof detail, "%s%s", error_log[0] ? "JIT log: " : "", error_log);
  return cu_check_detail(
      result, detail, "cuModuleLoadDataEx(%s image of %zu bytes for %s, compute capability %d.%d)",
      format == XHAL_KERNEL_FORMAT_PTX ? "PTX" : "cubin/fatbin", size, device->info.name,
      device->info.cc_major, device->info.cc_minor);
}

int32_t cu_module_create(xhal_plugin_device_t *device, uint32_t format, const void *data,
                         uint64_t size, const char *options, xhal_plugin_module_t **out_module) {
  if (!device || !data || !size || !out_module) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, data %p, size %llu, out_module %p",
                    (void *)device, data, (unsigned long long)size, (void *)out_module);
  }
  if (format != XHAL_KERNEL_FORMAT_PTX && format != XHAL_KERNEL_FORMAT_CUBIN) {
    return cu_error(XHAL_STATUS_UNSUPPORTED,
                    "format %u: the CUDA backend loads PTX (%d) and cubin/fatbin (%d) modules",
                    format, XHAL_KERNEL_FORMAT_PTX, XHAL_KERNEL_FORMAT_CUBIN);
  }
  if (size > SIZE_MAX / 2)
    return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "a module of %llu bytes", (unsigned long long)size);
  cu_jit_options_t jit = {0};
  CU_RETURN_IF_ERROR(cu_jit_parse(options, &jit));
  xhal_plugin_module_t *module = calloc(1, sizeof *module);
  void *image = cu_module_image(data, (size_t)size);
  int32_t status = XHAL_STATUS_OK;
  if (!module || !image)
    status = cu_error(XHAL_STATUS_OUT_OF_MEMORY, "module of %llu bytes", (unsigned long long)size);
  if (status == XHAL_STATUS_OK)
    status = cu_module_load(device, format, image, (size_t)size, &jit, &module->module);
  free(image);
  if (status != XHAL_STATUS_OK) {
    free(module);
    return status;
  }
  module->device = device;
  pthread_mutex_init(&module->mutex, NULL);
  cu_instance_track(device->instance, &module->object, CU_OBJECT_MODULE);
  *out_module = module;
  return XHAL_STATUS_OK;
}

int32_t cu_module_destroy(xhal_plugin_module_t *module) {
  if (!module) return XHAL_STATUS_OK;
  xhal_plugin_device_t *device = module->device;
  cu_instance_untrack(device->instance, &module->object);
  int32_t status = cu_context_enter(device);
  if (status == XHAL_STATUS_OK) {
    status = cu_check(cu_api()->cuModuleUnload(module->module), "cuModuleUnload");
    cu_context_leave(device);
  }
  for (xhal_plugin_function_t *function = module->functions; function;) {
    xhal_plugin_function_t *next = function->next;
    free(function);
    function = next;
  }
  pthread_mutex_destroy(&module->mutex);
  free(module);
  return status;
}

int32_t cu_module_get_function(xhal_plugin_module_t *module, const char *name,
                               xhal_plugin_function_t **out_function) {
  if (!module || !name || !out_function) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "module %p, name %p, out_function %p",
                    (void *)module, (const void *)name, (void *)out_function);
  }
  pthread_mutex_lock(&module->mutex);
  xhal_plugin_function_t *function = module->functions;
  while (function && strcmp(function->name, name) != 0) function = function->next;
  int32_t status = XHAL_STATUS_OK;
  if (!function) {
    const size_t length = strlen(name);
    function = calloc(1, sizeof *function + length + 1);
    if (!function) status = cu_error(XHAL_STATUS_OUT_OF_MEMORY, "function record");
    if (status == XHAL_STATUS_OK) status = cu_context_enter(module->device);
    if (status == XHAL_STATUS_OK) {
      const CUresult result =
          cu_api()->cuModuleGetFunction(&function->function, module->module, name);
      cu_context_leave(module->device);
      status = result == CUDA_ERROR_NOT_FOUND
                   ? cu_error(XHAL_STATUS_NOT_FOUND, "the module has no kernel named '%s'", name)
                   : cu_check(result, "cuModuleGetFunction('%s')", name);
    }
    if (status == XHAL_STATUS_OK) {
      memcpy(function->name, name, length + 1);
      function->module = module;
      function->next = module->functions;
      module->functions = function;
    } else {
      free(function);
      function = NULL;
    }
  }
  pthread_mutex_unlock(&module->mutex);
  if (status == XHAL_STATUS_OK) *out_function = function;
  return status;
}

/* Reads the launch description by its own struct_size. */
static int32_t cu_launch_read(const xhal_plugin_kernel_launch_t *src,
                              xhal_plugin_kernel_launch_t *dst) {
  if (src->header.stype != XHAL_STYPE_KERNEL_LAUNCH ||
      src->header.struct_size < sizeof src->header) {
    return cu_error(
        XHAL_STATUS_INVALID_ARGUMENT,
        "launch has stype %u and struct_size %u, expected XHAL_STYPE_KERNEL_LAUNCH (%u)",
        src->header.stype, src->header.struct_size, (unsigned)XHAL_STYPE_KERNEL_LAUNCH);
  }
  const size_t size = src->header.struct_size < sizeof *dst ? src->header.struct_size : sizeof *dst;
  memset(dst, 0, sizeof *dst);
  memcpy(dst, src, size);
  return XHAL_STATUS_OK;
}

/* Argument i against the kernel's parameter i (when the driver can tell). */
static int32_t cu_launch_check_arg(const xhal_plugin_function_t *function, uint32_t i,
                                   uint64_t given) {
  const cu_driver_t *cu = cu_api();
  if (!cu->cuFuncGetParamInfo) return XHAL_STATUS_OK;
  size_t offset = 0, size = 0;
  const CUresult result = cu->cuFuncGetParamInfo(function->function, i, &offset, &size);
  if (result == CUDA_ERROR_INVALID_VALUE) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "argument %u given, but kernel '%s' has %u "
                    "parameters",
                    i, function->name, i);
  }
  CU_RETURN_IF_ERROR(cu_check(result, "cuFuncGetParamInfo('%s', %u)", function->name, i));
  if (size != given) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "argument %u of kernel '%s' is %llu bytes, its parameter %zu bytes", i,
                    function->name, (unsigned long long)given, size);
  }
  return XHAL_STATUS_OK;
}

static int32_t cu_launch_check(const xhal_plugin_stream_t *stream,
                               const xhal_plugin_function_t *function,
                               const xhal_plugin_kernel_launch_t *l) {
  if (function->module->device != stream->device) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "function is on device %u, the stream on device %u",
                    function->module->device->index, stream->device->index);
  }
  for (int d = 0; d < 3; ++d) {
    if (!l->grid[d] || !l->block[d]) {
      return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                      "grid (%u,%u,%u) and block (%u,%u,%u) must "
                      "not be 0",
                      l->grid[0], l->grid[1], l->grid[2], l->block[0], l->block[1], l->block[2]);
    }
  }
  if (l->arg_count > CU_MAX_KERNEL_ARGS)
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "%u arguments", l->arg_count);
  if (l->arg_count && (!l->args || !l->arg_sizes || !l->arg_is_buffer)) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "%u arguments but args %p, arg_sizes %p, arg_is_buffer %p", l->arg_count,
                    (const void *)l->args, (const void *)l->arg_sizes,
                    (const void *)l->arg_is_buffer);
  }
  for (uint32_t i = 0; i < l->arg_count; ++i) {
    if (l->arg_is_buffer[i]) {
      const xhal_plugin_buffer_t *buffer = l->args[i];
      if (!buffer || buffer->device != stream->device) {
        return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                        "argument %u is %s, not a buffer of the stream's device %u", i,
                        buffer ? "a buffer of another device" : "NULL", stream->device->index);
      }
    } else if (!l->args[i] || !l->arg_sizes[i]) {
      return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "argument %u: value %p of %llu bytes", i,
                      l->args[i], (unsigned long long)l->arg_sizes[i]);
    }
    CU_RETURN_IF_ERROR(cu_launch_check_arg(
        function, i, l->arg_is_buffer[i] ? sizeof(CUdeviceptr) : l->arg_sizes[i]));
  }
  /* Fewer arguments than parameters: the kernel would read garbage. */
  size_t offset = 0, size = 0;
  if (cu_api()->cuFuncGetParamInfo &&
      cu_api()->cuFuncGetParamInfo(function->function, l->arg_count, &offset, &size) ==
          CUDA_SUCCESS) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "%u arguments given, kernel '%s' has more",
                    l->arg_count, function->name);
  }
  return XHAL_STATUS_OK;
}

int32_t cu_kernel_launch(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                         const xhal_plugin_kernel_launch_t *launch) {
  if (!stream || !function || !launch) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, function %p, launch %p",
                    (void *)stream, (void *)function, (const void *)launch);
  }
  xhal_plugin_kernel_launch_t l;
  CU_RETURN_IF_ERROR(cu_launch_read(launch, &l));
  CU_RETURN_IF_ERROR(cu_context_enter(stream->device));
  int32_t status = cu_launch_check(stream, function, &l);
  void **params = NULL;
  CUdeviceptr *pointers = NULL;
  if (status == XHAL_STATUS_OK && l.arg_count) {
    params = calloc(l.arg_count, sizeof *params);
    pointers = calloc(l.arg_count, sizeof *pointers);
    if (!params || !pointers) status = cu_error(XHAL_STATUS_OUT_OF_MEMORY, "argument array");
  }
  for (uint32_t i = 0; status == XHAL_STATUS_OK && i < l.arg_count; ++i) {
    if (l.arg_is_buffer[i]) {
      pointers[i] = ((const xhal_plugin_buffer_t *)l.args[i])->pointer;
      params[i] = &pointers[i];
    } else {
      params[i] = (void *)(uintptr_t)l.args[i];
    }
  }
  if (status == XHAL_STATUS_OK) {
    status = cu_check(cu_api()->cuLaunchKernel(function->function, l.grid[0], l.grid[1], l.grid[2],
                                               l.block[0], l.block[1], l.block[2],
                                               l.shared_memory_bytes, stream->stream, params, NULL),
                      "cuLaunchKernel('%s', grid (%u,%u,%u), block (%u,%u,%u), %u bytes of shared "
                      "memory, %u arguments)",
                      function->name, l.grid[0], l.grid[1], l.grid[2], l.block[0], l.block[1],
                      l.block[2], l.shared_memory_bytes, l.arg_count);
  }
  cu_context_leave(stream->device);
  free(params);
  free(pointers);
  return status;
}
