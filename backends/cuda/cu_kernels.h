/* cu_kernels.h - the operator kernels of the CUDA backend.
 *
 * nvcc compiles the hand-written kernels (kernels/cu_kernels.cu) and the
 * OpenCL C programs of the OpenCL backend (through
 * kernels/cu_opencl_compat.cuh, joined by kernels/cu_cl_join.py) at build
 * time as one translation unit (kernels/cu_fatbin.cu) into one fatbin
 * (SASS for sm_80 and sm_90, PTX for compute_90, which later GPUs
 * JIT-compile); tools/embed_binary.py turns it into a C array linked into
 * the plugin. Each device loads the module on its first operator launch,
 * resolves the hand-written kernels then and an OpenCL C program's kernel
 * on its first launch, and keeps module and functions until the instance
 * goes. */
#ifndef XHAL_CU_KERNELS_H
#define XHAL_CU_KERNELS_H

#include "../common/xhal_op_launch_cl.h"
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

/* Launches kernel name (slot of program: the function is resolved on
 * first use and kept per device and slot) of an OpenCL C program over grid
 * blocks of block threads (1-D), with params (cuLaunchKernel's
 * kernelParams, one per kernel parameter). The caller has made device's
 * context current. Thread-safe. */
int32_t cu_kernels_cl_launch(xhal_plugin_device_t *device, CUstream stream,
                             xop_cl_program_t program, uint32_t slot,
                             const xop_launch_name_t *name, uint32_t grid, uint32_t block,
                             void **params);

#endif
