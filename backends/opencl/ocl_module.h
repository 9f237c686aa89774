/* ocl_module.h - custom kernel modules of the OpenCL backend.
 *
 * Formats: OpenCL C source (always), SPIR-V (when CL_DEVICE_IL_VERSION
 * names it; clCreateProgramWithIL) and SPIR 1.2 bitcode (with cl_khr_spir;
 * built with "-x spir -spir-std=1.2"). Anything a device did not declare is
 * UNSUPPORTED. Programs go through the program cache (ocl_program_cache.h).
 *
 * A launch runs global = grid x block work-items in work-groups of block.
 * Buffer arguments become their cl_mem; value arguments are passed as
 * bytes. A non-zero shared_memory_bytes is dynamic local memory: the kernel
 * then takes one more argument than the launch passes, a __local pointer,
 * as its last parameter. Each function has a lock around clSetKernelArg and
 * the enqueue, since a cl_kernel's arguments are shared state.
 *
 * Thread safety: module and function calls are thread-safe; kernel_launch
 * follows its stream's one-thread rule. */
#ifndef XHAL_OCL_MODULE_H
#define XHAL_OCL_MODULE_H

#include "ocl_device.h"

int32_t ocl_module_create(xhal_plugin_device_t *device, uint32_t format, const void *data,
                          uint64_t size, const char *options, xhal_plugin_module_t **out_module);
int32_t ocl_module_destroy(xhal_plugin_module_t *module);
int32_t ocl_module_get_function(xhal_plugin_module_t *module, const char *name,
                                xhal_plugin_function_t **out_function);
int32_t ocl_kernel_launch(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                          const xhal_plugin_kernel_launch_t *launch);

#endif
