/* cu_kernel_names.h - the operator kernels in the embedded fatbin, by id.
 *
 * Generated from the lists in kernels/cu_kernel_abi.h, which the .cu files
 * instantiate too: CU_KERNEL_<op>_<dtype> names xhal_cu_<op>_<dtype>, and
 * CU_KERNEL_cast_<from>_to_<to> names xhal_cu_cast_<from>_to_<to>. The
 * build prints the names with cu_kernel_list (cu_kernel_list.c) and a test
 * checks every one against the fatbin's images. */
#ifndef XHAL_CU_KERNEL_NAMES_H
#define XHAL_CU_KERNEL_NAMES_H

#include "kernels/cu_kernel_abi.h"

#define CU_KERNEL_ID(op, dt) CU_KERNEL_##op##_##dt,
#define CU_KERNEL_CAST_ID(from, to) CU_KERNEL_cast_##from##_to_##to,

typedef enum cu_kernel_id {
  CU_K_COPY_LIST(CU_KERNEL_ID)
  CU_K_BINARY_LIST(CU_KERNEL_ID)
  CU_K_UNARY_LIST(CU_KERNEL_ID)
  CU_K_CAST_LIST(CU_KERNEL_CAST_ID)
  CU_K_MATMUL_LIST(CU_KERNEL_ID)
  CU_K_SOFTMAX_LIST(CU_KERNEL_ID)
  CU_K_REDUCE_LIST(CU_KERNEL_ID)
  CU_KERNEL_COUNT
} cu_kernel_id_t;

#undef CU_KERNEL_ID
#undef CU_KERNEL_CAST_ID

/* "xhal_cu_add_f32" for CU_KERNEL_add_f32. */
extern const char *const cu_kernel_names[CU_KERNEL_COUNT];

#endif
