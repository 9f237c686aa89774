/* cpu_kernel_unary_math.h - the single-input math ops and activations:
 * Sqrt, Reciprocal, Log, Floor, Ceil, Round, Sign, Erf, LeakyRelu,
 * HardSigmoid, HardSwish, Elu, Softplus, Gelu and Clip.
 *
 * Views are validated by xop_check (backends/common): same dtype in and out
 * (f32, f16; Sign and Clip also i32, i64), same dims, any strides; dst may
 * be the very same view as src. Semantics and special values are
 * docs/conformance.md's ("Unary math and activations"). f16 is computed in
 * f32 and rounded once. Runs on the calling thread (plus an OpenMP team). */
#ifndef XHAL_CPU_KERNEL_UNARY_MATH_H
#define XHAL_CPU_KERNEL_UNARY_MATH_H

#include "../common/xhal_op_check.h"
#include "cpu_kernel_iter.h"

/* The attributes of one launch, taken from the plan. */
typedef struct cpu_unary_math {
  uint32_t op;
  float alpha, beta; /* LeakyRelu, HardSigmoid, Elu (f32, as ONNX) */
  float lo, hi;      /* Clip of a float tensor, already rounded to its dtype */
  int64_t ilo, ihi;  /* Clip of an integer tensor, within the dtype's range */
  int gelu_tanh;     /* Gelu approximate = "tanh" */
} cpu_unary_math_t;

/* 1 if op is one of the ops above. */
int cpu_unary_math_is_op(uint32_t op);

/* Fills *m from a validated plan. */
void cpu_unary_math_from_plan(cpu_unary_math_t *m, const xop_plan_t *plan);

/* Returns OK, or INTERNAL for an op/dtype pair xop_check should have refused. */
int32_t cpu_kernel_unary_math(const cpu_unary_math_t *m, const cpu_view_t *dst,
                              const cpu_view_t *src);

#endif
