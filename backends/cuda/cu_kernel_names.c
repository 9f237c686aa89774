/* cu_kernel_names.c - names of the operator kernels (cu_kernel_names.h). */
#include "cu_kernel_names.h"

#define CU_KERNEL_NAME(op, dt) "xhal_cu_" #op "_" #dt,
#define CU_KERNEL_CAST_NAME(from, to) "xhal_cu_cast_" #from "_to_" #to,

const char *const cu_kernel_names[CU_KERNEL_COUNT] = {
  CU_K_COPY_LIST(CU_KERNEL_NAME)
  CU_K_BINARY_LIST(CU_KERNEL_NAME)
  CU_K_UNARY_LIST(CU_KERNEL_NAME)
  CU_K_CAST_LIST(CU_KERNEL_CAST_NAME)
  CU_K_MATMUL_LIST(CU_KERNEL_NAME)
  CU_K_SOFTMAX_LIST(CU_KERNEL_NAME)
  CU_K_REDUCE_LIST(CU_KERNEL_NAME)
};
