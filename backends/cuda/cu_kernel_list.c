/* cu_kernel_list.c - prints the name of every operator kernel the CUDA
 * backend looks up in its fatbin, one per line. Run by the build to write
 * cu_kernel_names.txt, which tests/check_cuda_kernels.sh compares with the
 * fatbin's images. */
#include <stdio.h>

#include "cu_kernel_names.h"

int main(void) {
  for (int id = 0; id < CU_KERNEL_COUNT; ++id) {
    if (printf("%s\n", cu_kernel_names[id]) < 0) return 1;
  }
  return fflush(stdout) == 0 ? 0 : 1;
}
