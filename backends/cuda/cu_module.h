/* cu_module.h - kernel modules for frameworks' own kernels: PTX text
 * (XHAL_KERNEL_FORMAT_PTX, JIT-compiled by the driver) or cubin/fatbin
 * images (XHAL_KERNEL_FORMAT_CUBIN), functions and launches. */
#ifndef XHAL_CU_MODULE_H
#define XHAL_CU_MODULE_H

#include "cu_device.h"

/* options: NULL or "" for none, else space-separated JIT options: -O0..-O4
 * (CU_JIT_OPTIMIZATION_LEVEL), -lineinfo, -g. A module that fails to load
 * is INVALID_ARGUMENT (UNSUPPORTED for an image without code for this GPU)
 * with the JIT's error log in the message. Thread-safe. */
int32_t cu_module_create(xhal_plugin_device_t *device, uint32_t format, const void *data,
                         uint64_t size, const char *options, xhal_plugin_module_t **out_module);
int32_t cu_module_destroy(xhal_plugin_module_t *module);
/* NOT_FOUND when the module has no kernel of that name. The function lives
 * as long as its module; asking twice gives the same function. */
int32_t cu_module_get_function(xhal_plugin_module_t *module, const char *name,
                               xhal_plugin_function_t **out_function);
/* Buffer arguments are passed as their CUdeviceptr. When the driver has
 * cuFuncGetParamInfo, the argument count and every size are checked
 * against the kernel's parameters first. */
int32_t cu_kernel_launch(xhal_plugin_stream_t *stream, xhal_plugin_function_t *function,
                         const xhal_plugin_kernel_launch_t *launch);

#endif
