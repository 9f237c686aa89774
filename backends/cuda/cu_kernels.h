/* cu_kernels.h - the operator kernels of the CUDA backend.
 *
 * nvcc compiles kernels/cu_kernels.cu at build time into one fatbin (SASS
 * for sm_80 and sm_90, PTX for compute_90, which later GPUs JIT-compile);
 * tools/embed_binary.py turns it into a C array linked into the plugin.
 * Each device loads it with cuModuleLoadData on the first operator launch
 * and keeps the module and its functions until the instance goes. */
#ifndef XHAL_CU_KERNELS_H
#define XHAL_CU_KERNELS_H

#include "cu_device.h"
#include "cu_kernel_names.h"

int32_t cu_kernels_create(xhal_plugin_device_t *device, cu_kernels_t **out_kernels);
/* Unloads the module (device's streams are drained). NULL is a no-op. */
void cu_kernels_destroy(xhal_plugin_device_t *device, cu_kernels_t *kernels);

/* Launches kernel id on stream with grid blocks of CU_K_BLOCK threads and
 * args (one of the structs of kernels/cu_kernel_abi.h) as its only
 * parameter. The caller has made device's context current. Thread-safe. */
int32_t cu_kernels_launch(xhal_plugin_device_t *device, CUstream stream, cu_kernel_id_t id,
                          const uint32_t grid[3], void *args);

#endif
