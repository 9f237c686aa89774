/* xop_kernel_list.c - prints every kernel the shared launch planners can
 * launch, one "<program> <kernel>" per line: every slot of every program
 * that holds a kernel in xop_launch_kernel_name and xop_cl_kernel_name,
 * the catalogues the planners take each launch's kernel name from.
 *
 * Programs are named by their kernel file ("eltwise_dense" is eltwise.cl
 * built with -DOCL_DENSE; "norm" is norm.cl, whose slots both planners
 * use). Run by the build to write xop_kernel_names.txt, which the tests
 * look up in what each backend compiled: the CUDA fatbin
 * (tests/check_cuda_kernels.sh) and the Level Zero SPIR-V modules
 * (tests/check_spirv.sh). */
#include <stdio.h>

#include "xhal_op_launch.h"
#include "xhal_op_launch_cl.h"

static int xop_kernel_list_print(const char *program, const xop_launch_name_t *name) {
  return printf("%s " XOP_LAUNCH_NAME_FORMAT "\n", program, XOP_LAUNCH_NAME_ARGS(name)) < 0;
}

int main(void) {
  static const char *const launch_programs[XOP_LAUNCH_PROGRAM_COUNT] = {
      [XOP_LAUNCH_ELTWISE] = "eltwise", [XOP_LAUNCH_ELTWISE_DENSE] = "eltwise_dense",
      [XOP_LAUNCH_REDUCE] = "reduce",   [XOP_LAUNCH_SOFTMAX] = "softmax",
      [XOP_LAUNCH_MATMUL] = "matmul",   [XOP_LAUNCH_NORM] = "norm"};
  /* In XOP_CL_PROGRAM_LIST order. */
  static const char *const cl_programs[] = {"shape",  "conv",   "unary", "gather",
                                            "resize", "binary", "norm",  "binary_fp64"};
  static_assert(sizeof cl_programs / sizeof *cl_programs == XOP_CL_PROGRAM_COUNT,
                "a name for every program");
  int failed = 0;
  xop_launch_name_t name;
  for (int p = 0; p < XOP_LAUNCH_PROGRAM_COUNT; ++p) {
    for (uint32_t slot = 0; slot < XOP_LAUNCH_MAX_SLOTS; ++slot) {
      if (xop_launch_kernel_name((xop_launch_program_t)p, slot, &name))
        failed |= xop_kernel_list_print(launch_programs[p], &name);
    }
  }
  for (int p = 0; p < XOP_CL_PROGRAM_COUNT; ++p) {
    if (p == XOP_CL_NORM) continue; /* xop_launch_kernel_name's NORM, listed above */
    for (uint32_t slot = 0; slot < XOP_CL_MAX_SLOTS; ++slot) {
      if (xop_cl_kernel_name((xop_cl_program_t)p, slot, &name))
        failed |= xop_kernel_list_print(cl_programs[p], &name);
    }
  }
  return failed || fflush(stdout) != 0;
}
