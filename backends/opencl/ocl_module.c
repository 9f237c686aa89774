/* ocl_module.c - modules (cl_program), functions (cl_kernel) and launches. */
#include "ocl_module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_buffer.h"
#include "ocl_program_cache.h"
#include "ocl_stream.h"

struct xhal_plugin_function {
  struct xhal_plugin_module *module;
  cl_kernel kernel;
  cl_uint parameter_count;
  pthread_mutex_t lock; /* kernel arguments are shared state */
  struct xhal_plugin_function *next;
  char name[];
};

struct xhal_plugin_module {
  ocl_object_t object; /* on the instance's module list */
  xhal_plugin_device_t *device;
  cl_program program;
  pthread_mutex_t mutex; /* guards functions */
  xhal_plugin_function_t *functions;
};

static const char *ocl_format_name(uint32_t format) {
  switch (format) {
    case XHAL_KERNEL_FORMAT_OPENCL_C: return "OpenCL C";
    case XHAL_KERNEL_FORMAT_SPIRV: return "SPIR-V";
    case XHAL_KERNEL_FORMAT_PTX: return "PTX";
    case XHAL_KERNEL_FORMAT_CUBIN: return "cubin";
    case XHAL_KERNEL_FORMAT_NATIVE_SO: return "native shared object";
    case XHAL_KERNEL_FORMAT_SPIR: return "SPIR";
    default: return "unknown format";
  }
}

/* Builds the module's program for the formats this device declared. */
static int32_t ocl_module_build(xhal_plugin_device_t *device, uint32_t format, const void *data,
                                size_t size, const char *options, cl_program *out_program) {
  if (format == XHAL_KERNEL_FORMAT_OPENCL_C) {
    /* Source may come with its terminating NUL counted; the compiler does
     * not want it. */
    const char *text = data;
    while (size && text[size - 1] == '\0') --size;
    if (!size) return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "the OpenCL C source is empty");
    return ocl_program_build(device, text, size, options, out_program);
  }
  if (format == XHAL_KERNEL_FORMAT_SPIRV && device->info.has_spirv) {
    return ocl_program_build_kind(device, OCL_PROGRAM_SPIRV, data, size, options, out_program);
  }
  if (format == XHAL_KERNEL_FORMAT_SPIR && device->info.has_spir) {
    char spir_options[4096];
    if (snprintf(spir_options, sizeof spir_options, "-x spir -spir-std=1.2 %s", options) >=
        (int)sizeof spir_options) {
      return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "build options of %zu bytes are too long",
                       strlen(options));
    }
    return ocl_program_build_kind(device, OCL_PROGRAM_SPIR, data, size, spir_options, out_program);
  }
  return ocl_error(XHAL_STATUS_UNSUPPORTED, "%s accepts no %s modules (format %u)",
                   device->info.name, ocl_format_name(format), format);
}

int32_t ocl_module_create(xhal_plugin_device_t *device, uint32_t format, const void *data,
                          uint64_t size, const char *options, xhal_plugin_module_t **out_module) {
  if (!device || !data || !size || !out_module) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, data %p, size %llu, out_module %p",
                     (void *)device, data, (unsigned long long)size, (void *)out_module);
  }
  if (size > SIZE_MAX) {
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "a module of %llu bytes", (unsigned long long)size);
  }
  xhal_plugin_module_t *module = calloc(1, sizeof *module);
  if (!module) return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "module record");
  int32_t status = ocl_module_build(device, format, data, (size_t)size, options ? options : "",
                                    &module->program);
  if (status != XHAL_STATUS_OK) {
    free(module);
    return status;
  }
  module->device = device;
  pthread_mutex_init(&module->mutex, NULL);
  ocl_instance_track(device->instance, &module->object, OCL_OBJECT_MODULE);
  *out_module = module;
  return XHAL_STATUS_OK;
}

int32_t ocl_module_destroy(xhal_plugin_module_t *module) {
  if (!module) return XHAL_STATUS_OK;
  ocl_instance_untrack(module->device->instance, &module->object);
  for (xhal_plugin_function_t *function = module->functions; function;) {
    xhal_plugin_function_t *next = function->next;
    clReleaseKernel(function->kernel);
    pthread_mutex_destroy(&function->lock);
    free(function);
    function = next;
  }
  clReleaseProgram(module->program);
  pthread_mutex_destroy(&module->mutex);
  free(module);
  return XHAL_STATUS_OK;
}

int32_t ocl_module_get_function(xhal_plugin_module_t *module, const char *name,
                                xhal_plugin_function_t **out_function) {
  if (!module || !name || !out_function) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "module %p, name %p, out_function %p",
                     (void *)module, (const void *)name, (void *)out_function);
  }
  cl_kernel kernel = NULL;
  OCL_RETURN_IF_ERROR(ocl_kernel_create(module->device, module->program, name, &kernel));
  cl_uint parameters = 0;
  int32_t status = ocl_check(clGetKernelInfo(kernel, CL_KERNEL_NUM_ARGS, sizeof parameters,
                                             &parameters, NULL),
                             "clGetKernelInfo(%s, CL_KERNEL_NUM_ARGS)", name);
  size_t name_size = strlen(name) + 1;
  xhal_plugin_function_t *function =
      status == XHAL_STATUS_OK ? calloc(1, sizeof *function + name_size) : NULL;
  if (!function) {
    clReleaseKernel(kernel);
    return status != XHAL_STATUS_OK ? status
                                    : ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "function record");
  }
  function->module = module;
  function->kernel = kernel;
  function->parameter_count = parameters;
  pthread_mutex_init(&function->lock, NULL);
  memcpy(function->name, name, name_size);
  pthread_mutex_lock(&module->mutex);
  function->next = module->functions;
  module->functions = function;
  pthread_mutex_unlock(&module->mutex);
  *out_function = function;
  return XHAL_STATUS_OK;
}

/* ---- launches ------------------------------------------------------------------ */

static int32_t ocl_launch_check_shape(const xhal_plugin_device_t *device,
                                      const xhal_plugin_kernel_launch_t *launch,
                                      size_t global[3], size_t local[3], cl_uint *out_dims) {
  uint64_t group = 1;
  cl_uint dims = 1;
  for (int d = 0; d < 3; ++d) {
    if (!launch->grid[d] || !launch->block[d]) {
      return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "grid {%u, %u, %u} and block {%u, %u, %u} must be at least 1 in every "
                       "dimension",
                       launch->grid[0], launch->grid[1], launch->grid[2], launch->block[0],
                       launch->block[1], launch->block[2]);
    }
    global[d] = (size_t)launch->grid[d] * launch->block[d];
    local[d] = launch->block[d];
    group *= launch->block[d];
    if (global[d] > 1) dims = (cl_uint)d + 1;
  }
  if (group > device->info.max_work_group_size) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "block {%u, %u, %u} has %llu work-items; %s allows %zu per work-group",
                     launch->block[0], launch->block[1], launch->block[2],
                     (unsigned long long)group, device->info.name,
                     device->info.max_work_group_size);
  }
  if (launch->shared_memory_bytes > device->info.local_memory) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "shared_memory_bytes %u exceeds the %llu bytes of local memory of %s",
                     launch->shared_memory_bytes, (unsigned long long)device->info.local_memory,
                     device->info.name);
  }
  *out_dims = dims;
  return XHAL_STATUS_OK;
}

static int32_t ocl_launch_check_arguments(const xhal_plugin_stream_t *stream,
                                          const xhal_plugin_function_t *function,
                                          const xhal_plugin_kernel_launch_t *launch) {
  cl_uint wanted = launch->arg_count + (launch->shared_memory_bytes ? 1u : 0u);
  if (wanted != function->parameter_count) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "kernel '%s' has %u parameters; the launch passes %u arguments%s",
                     function->name, function->parameter_count, launch->arg_count,
                     launch->shared_memory_bytes
                         ? " plus the __local pointer for shared_memory_bytes"
                         : "");
  }
  if (launch->arg_count && (!launch->args || !launch->arg_sizes || !launch->arg_is_buffer)) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "%u arguments but args %p, arg_sizes %p, "
                     "arg_is_buffer %p", launch->arg_count, (const void *)launch->args,
                     (const void *)launch->arg_sizes, (const void *)launch->arg_is_buffer);
  }
  for (uint32_t i = 0; i < launch->arg_count; ++i) {
    if (launch->arg_is_buffer[i]) {
      const xhal_plugin_buffer_t *buffer = launch->args[i];
      if (!buffer || buffer->device != stream->device) {
        return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                         "argument %u is %s, not a buffer of the stream's device %u", i,
                         buffer ? "a buffer of another device" : "NULL", stream->device->index);
      }
    } else if (!launch->args[i] || !launch->arg_sizes[i]) {
      return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "argument %u: value %p of %llu bytes", i,
                       launch->args[i], (unsigned long long)launch->arg_sizes[i]);
    }
  }
  return XHAL_STATUS_OK;
}

/* Sets the arguments and enqueues; the caller holds function->lock. */
static int32_t ocl_launch_locked(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                                 const xhal_plugin_kernel_launch_t *launch, cl_uint dims,
                                 const size_t *global, const size_t *local) {
  for (uint32_t i = 0; i < launch->arg_count; ++i) {
    cl_int err;
    if (launch->arg_is_buffer[i]) {
      const xhal_plugin_buffer_t *buffer = launch->args[i];
      err = clSetKernelArg(function->kernel, i, sizeof(cl_mem), &buffer->mem);
    } else {
      err = clSetKernelArg(function->kernel, i, (size_t)launch->arg_sizes[i], launch->args[i]);
    }
    OCL_RETURN_IF_ERROR(ocl_check(err, "clSetKernelArg(%s, argument %u, %llu bytes)",
                                  function->name, i,
                                  (unsigned long long)(launch->arg_is_buffer[i]
                                                           ? sizeof(cl_mem)
                                                           : launch->arg_sizes[i])));
  }
  if (launch->shared_memory_bytes) {
    OCL_RETURN_IF_ERROR(ocl_check(clSetKernelArg(function->kernel, launch->arg_count,
                                                 launch->shared_memory_bytes, NULL),
                                  "clSetKernelArg(%s, argument %u, %u bytes of __local memory)",
                                  function->name, launch->arg_count,
                                  launch->shared_memory_bytes));
  }
  cl_event event = NULL;
  cl_int err = clEnqueueNDRangeKernel(stream->queue, function->kernel, dims, NULL, global, local,
                                      0, NULL, &event);
  OCL_RETURN_IF_ERROR(ocl_check(err, "clEnqueueNDRangeKernel(%s, global {%zu, %zu, %zu}, local "
                                     "{%zu, %zu, %zu})",
                                function->name, global[0], global[1], global[2], local[0],
                                local[1], local[2]));
  ocl_stream_track(stream, event);
  return XHAL_STATUS_OK;
}

int32_t ocl_kernel_launch(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                          const xhal_plugin_kernel_launch_t *launch) {
  if (!stream || !function || !launch) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "stream %p, function %p, launch %p",
                     (void *)stream, (void *)function, (const void *)launch);
  }
  if (launch->header.struct_size < sizeof *launch) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "launch struct_size %u is smaller than the %zu bytes of ABI 1.0",
                     launch->header.struct_size, sizeof *launch);
  }
  if (function->module->device != stream->device) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "the function is on device %u, the stream on device %u",
                     function->module->device->index, stream->device->index);
  }
  size_t global[3], local[3];
  cl_uint dims = 1;
  OCL_RETURN_IF_ERROR(ocl_launch_check_shape(stream->device, launch, global, local, &dims));
  OCL_RETURN_IF_ERROR(ocl_launch_check_arguments(stream, function, launch));
  pthread_mutex_lock(&function->lock);
  int32_t status = ocl_launch_locked(stream, function, launch, dims, global, local);
  pthread_mutex_unlock(&function->lock);
  return status;
}
