/* cu_emu_kernels.h - the CUDA backend's operator kernels run on the host,
 * for the driver emulator (cu_emu_driver.c). C interface to
 * cu_emu_kernels.cc, which compiles the very .cu sources nvcc compiles into
 * the plugin's fatbin as C++, with blocks run one after another and the
 * threads of a block as coroutines that switch at __syncthreads(). */
#ifndef XHAL_CU_EMU_KERNELS_H
#define XHAL_CU_EMU_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Index of the kernel called name, or -1. */
int cu_emu_kernel_find(const char *name);
/* Bytes of the kernel's one parameter (its argument struct). */
size_t cu_emu_kernel_args_size(int kernel);
/* Runs the kernel over grid blocks of block threads with args (a copy of
 * the argument struct). Returns 0, or -1 if block is not what the kernel
 * was written for. */
int cu_emu_kernel_run(int kernel, const unsigned grid[3], const unsigned block[3],
                      const void *args);

#ifdef __cplusplus
}
#endif

#endif
