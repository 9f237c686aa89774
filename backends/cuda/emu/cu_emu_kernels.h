/* cu_emu_kernels.h - the CUDA backend's operator kernels run on the host,
 * for the driver emulator (cu_emu_driver.c). C interface to
 * cu_emu_kernels.cc, which compiles the very sources nvcc compiles into
 * the plugin's fatbin as C++ (the hand-written kernels, and the OpenCL C
 * programs through emu/cu_emu_cl.cc), with blocks run one after another
 * and the threads of a block as coroutines that switch at __syncthreads(). */
#ifndef XHAL_CU_EMU_KERNELS_H
#define XHAL_CU_EMU_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Index of the kernel called name, or -1. */
int cu_emu_kernel_find(const char *name);
/* Bytes of the kernel's parameters packed by cu_emu_kernel_pack. */
size_t cu_emu_kernel_args_size(int kernel);
/* Copies the kernel's parameters (cuLaunchKernel's kernelParams: a pointer
 * to each) into out, cu_emu_kernel_args_size bytes. Returns 0, or -1 if
 * params lacks one. */
int cu_emu_kernel_pack(int kernel, void **params, void *out);
/* 1 if the kernel may run with blocks of block[0] x block[1] x block[2]
 * threads (the hand-written kernels need CU_K_BLOCK), else 0. */
int cu_emu_kernel_block_ok(int kernel, const unsigned block[3]);
/* Runs the kernel over grid blocks of block threads with args (packed by
 * cu_emu_kernel_pack). Returns 0, or -1 if block is not what the kernel
 * was written for. */
int cu_emu_kernel_run(int kernel, const unsigned grid[3], const unsigned block[3],
                      const void *args);

#ifdef __cplusplus
}
#endif

#endif
