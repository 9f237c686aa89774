/* eltwise.cl - elementwise operators: Add Sub Mul Div, Neg Abs Relu Exp
 * Sigmoid Tanh, Copy (and Transpose, a copy from a permuted view), Cast.
 *
 * One work-item per output element, linear index in dimension 0 (the
 * launch rounds the global size up to the work-group size). Semantics are
 * docs/conformance.md's: integers wrap (computed in the unsigned type),
 * integer Div truncates with x / 0 = 0 and INT_MIN / -1 = INT_MIN, f16 is
 * computed in float and rounded once to nearest even, subnormals are kept
 * (the program is built without denormal flushing or fast-math flags). */

/* ---- Binary ------------------------------------------------------------------------ */
#define ADD_FLOAT(a, b) ((a) + (b))
#define SUB_FLOAT(a, b) ((a) - (b))
#define MUL_FLOAT(a, b) ((a) * (b))
#define DIV_FLOAT(a, b) ((a) / (b))
#define ADD_INT(D, a, b) OCL_CAT2(WRAP, D)((OCL_CAT2(UT, D))(a) + (OCL_CAT2(UT, D))(b))
#define SUB_INT(D, a, b) OCL_CAT2(WRAP, D)((OCL_CAT2(UT, D))(a) - (OCL_CAT2(UT, D))(b))
#define MUL_INT(D, a, b) OCL_CAT2(WRAP, D)((OCL_CAT2(UT, D))(a) * (OCL_CAT2(UT, D))(b))
/* x / -1 is the wrapped negation, which also gives INT_MIN / -1 = INT_MIN. */
#define DIV_INT(D, a, b)                                                                           \
  ((b) == 0    ? 0                                                                                 \
   : (b) == -1 ? OCL_CAT2(WRAP, D)((OCL_CAT2(UT, D))0 - (OCL_CAT2(UT, D))(a))                      \
               : (a) / (b))

/* Every kernel comes in two launch shapes (common.cl): NAME_D walks N-d
 * views, NAME_dense_D dense operands. A build with -DOCL_DENSE has the
 * dense ones, a build without it the N-d ones: two programs, each built on
 * first use (PoCL compiles every kernel of a program when its binary is
 * cached). The *_KIND macros take the name with its trailing underscore
 * already pasted on, so that a name that is also a builtin (exp, tanh: a
 * macro in some OpenCL headers) is never expanded. */
#ifdef OCL_DENSE
#define BINARY_KERNEL(NAME, D, EXPR)                                                               \
  BINARY_KERNEL_KIND(NAME##_dense_, D, EXPR, dense)
#else
#define BINARY_KERNEL(NAME, D, EXPR)                                                               \
  BINARY_KERNEL_KIND(NAME##_, D, EXPR, nd)
#endif
#define BINARY_KERNEL_KIND(NAME, D, EXPR, KIND)                                                    \
  __kernel void NAME##D(__global OCL_CAT2(ST, D) * y, __global const OCL_CAT2(ST, D) * a,          \
                         __global const OCL_CAT2(ST, D) * b OCL_ARG_##KIND) {                      \
    const long i = get_global_id(0);                                                               \
    long off[3];                                                                                   \
    OCL_OFFSETS_##KIND(i, 3, off);                                                                 \
    const OCL_CAT2(CT, D) x0 = OCL_CAT2(LOAD, D)(a, off[1]);                                       \
    const OCL_CAT2(CT, D) x1 = OCL_CAT2(LOAD, D)(b, off[2]);                                       \
    OCL_CAT2(STORE, D)(y, off[0], EXPR);                                                           \
  }

#define BINARY_FLOAT(D)                                                                            \
  BINARY_KERNEL(add, D, ADD_FLOAT(x0, x1))                                                         \
  BINARY_KERNEL(sub, D, SUB_FLOAT(x0, x1))                                                         \
  BINARY_KERNEL(mul, D, MUL_FLOAT(x0, x1))                                                         \
  BINARY_KERNEL(div, D, DIV_FLOAT(x0, x1))
#define BINARY_INT(D)                                                                              \
  BINARY_KERNEL(add, D, ADD_INT(D, x0, x1))                                                        \
  BINARY_KERNEL(sub, D, SUB_INT(D, x0, x1))                                                        \
  BINARY_KERNEL(mul, D, MUL_INT(D, x0, x1))                                                        \
  BINARY_KERNEL(div, D, DIV_INT(D, x0, x1))

BINARY_FLOAT(f32)
BINARY_FLOAT(f16)
BINARY_INT(i32)
BINARY_INT(i64)

/* ---- Unary ------------------------------------------------------------------------- */

/* 1 / (1 + e^-x) for x >= 0; e^x / (1 + e^x) for x < 0, where e^x may be
 * subnormal and must not be lost to 1 / (1 + huge). */
inline float ocl_sigmoid(float x) {
  const float e = exp(-fabs(x));
  const float r = 1.0f / (1.0f + e);
  return x >= 0.0f ? r : (isnan(x) ? x : e / (1.0f + e));
}

/* Relu(x) = x > 0 ? x : +0, with NaN propagated. */
#define NEG_FLOAT(x) (-(x))
#define ABS_FLOAT(x) fabs(x)
#define RELU_FLOAT(x) ((x) <= 0.0f ? 0.0f : (x))
#define EXP_FLOAT(x) exp(x)
#define SIGMOID_FLOAT(x) ocl_sigmoid(x)
#define TANH_FLOAT(x) tanh(x)
#define NEG_INT(D, x) OCL_CAT2(WRAP, D)((OCL_CAT2(UT, D))0 - (OCL_CAT2(UT, D))(x))
#define ABS_INT(D, x) ((x) < 0 ? NEG_INT(D, x) : (x))
#define RELU_INT(D, x) ((x) > 0 ? (x) : 0)

#ifdef OCL_DENSE
#define UNARY_KERNEL(NAME, D, EXPR)                                                                \
  UNARY_KERNEL_KIND(NAME##_dense_, D, EXPR, dense)
#else
#define UNARY_KERNEL(NAME, D, EXPR)                                                                \
  UNARY_KERNEL_KIND(NAME##_, D, EXPR, nd)
#endif
#define UNARY_KERNEL_KIND(NAME, D, EXPR, KIND)                                                     \
  __kernel void NAME##D(__global OCL_CAT2(ST, D) * y,                                              \
                        __global const OCL_CAT2(ST, D) * a OCL_ARG_##KIND) {                       \
    const long i = get_global_id(0);                                                               \
    long off[2];                                                                                   \
    OCL_OFFSETS_##KIND(i, 2, off);                                                                 \
    const OCL_CAT2(CT, D) x = OCL_CAT2(LOAD, D)(a, off[1]);                                        \
    OCL_CAT2(STORE, D)(y, off[0], EXPR);                                                           \
  }

#define UNARY_FLOAT(D)                                                                             \
  UNARY_KERNEL(neg, D, NEG_FLOAT(x))                                                               \
  UNARY_KERNEL(abs, D, ABS_FLOAT(x))                                                               \
  UNARY_KERNEL(relu, D, RELU_FLOAT(x))                                                             \
  UNARY_KERNEL(exp, D, EXP_FLOAT(x))                                                               \
  UNARY_KERNEL(sigmoid, D, SIGMOID_FLOAT(x))                                                       \
  UNARY_KERNEL(tanh, D, TANH_FLOAT(x))
#define UNARY_INT(D)                                                                               \
  UNARY_KERNEL(neg, D, NEG_INT(D, x))                                                              \
  UNARY_KERNEL(abs, D, ABS_INT(D, x))                                                              \
  UNARY_KERNEL(relu, D, RELU_INT(D, x))

UNARY_FLOAT(f32)
UNARY_FLOAT(f16)
UNARY_INT(i32)
UNARY_INT(i64)

/* ---- Copy: bits of any dtype, by element size ---------------------------------------- */
#ifdef OCL_DENSE
#define COPY_KERNEL(SIZE, T)                                                                       \
  COPY_KERNEL_KIND(copy_dense, SIZE, T, dense)
#else
#define COPY_KERNEL(SIZE, T)                                                                       \
  COPY_KERNEL_KIND(copy, SIZE, T, nd)
#endif
#define COPY_KERNEL_KIND(NAME, SIZE, T, KIND)                                                      \
  __kernel void NAME##_##SIZE(__global T *y, __global const T *a OCL_ARG_##KIND) {                 \
    const long i = get_global_id(0);                                                               \
    long off[2];                                                                                   \
    OCL_OFFSETS_##KIND(i, 2, off);                                                                 \
    y[off[0]] = a[off[1]];                                                                         \
  }

COPY_KERNEL(1, uchar)
COPY_KERNEL(2, ushort)
COPY_KERNEL(4, uint)
COPY_KERNEL(8, ulong)

/* ---- Cast ------------------------------------------------------------------------------
 * CVT_<from>_<to>(x) maps the source's compute value to the target's.
 * float -> int truncates toward zero, NaN -> 0, out of range saturates;
 * i64 -> i32 keeps the low 32 bits; int -> float rounds to nearest even
 * (an integer float rounds is >= 2^24, beyond f16's range, so i32/i64 ->
 * f16 through float rounds once). */
inline int ocl_float_to_i32(float x) {
  if (isnan(x)) return 0;
  if (x >= 2147483648.0f) return INT_MAX;
  if (x <= -2147483648.0f) return INT_MIN;
  return (int)x;
}

inline long ocl_float_to_i64(float x) {
  if (isnan(x)) return 0;
  if (x >= 9223372036854775808.0f) return LONG_MAX;
  if (x <= -9223372036854775808.0f) return LONG_MIN;
  return (long)x;
}

#define CVT_f32_f16(x) (x)
#define CVT_f32_i32(x) ocl_float_to_i32(x)
#define CVT_f32_i64(x) ocl_float_to_i64(x)
#define CVT_f16_f32(x) (x)
#define CVT_f16_i32(x) ocl_float_to_i32(x)
#define CVT_f16_i64(x) ocl_float_to_i64(x)
#define CVT_i32_f32(x) convert_float_rte(x)
#define CVT_i32_f16(x) convert_float_rte(x)
#define CVT_i32_i64(x) ((long)(x))
#define CVT_i64_f32(x) convert_float_rte(x)
#define CVT_i64_f16(x) convert_float_rte(x)
#define CVT_i64_i32(x) as_int((uint)(ulong)(x))

#ifdef OCL_DENSE
#define CAST_KERNEL(S, D)                                                                          \
  CAST_KERNEL_KIND(cast_dense, S, D, dense)
#else
#define CAST_KERNEL(S, D)                                                                          \
  CAST_KERNEL_KIND(cast, S, D, nd)
#endif
#define CAST_KERNEL_KIND(NAME, S, D, KIND)                                                         \
  __kernel void NAME##_##S##_##D(__global OCL_CAT2(ST, D) * y,                                     \
                                 __global const OCL_CAT2(ST, S) * a OCL_ARG_##KIND) {              \
    const long i = get_global_id(0);                                                               \
    long off[2];                                                                                   \
    OCL_OFFSETS_##KIND(i, 2, off);                                                                 \
    const OCL_CAT2(CT, S) x = OCL_CAT2(LOAD, S)(a, off[1]);                                        \
    OCL_CAT2(STORE, D)(y, off[0], OCL_CAT3(CVT, S, D)(x));                                         \
  }

CAST_KERNEL(f32, f16)
CAST_KERNEL(f32, i32)
CAST_KERNEL(f32, i64)
CAST_KERNEL(f16, f32)
CAST_KERNEL(f16, i32)
CAST_KERNEL(f16, i64)
CAST_KERNEL(i32, f32)
CAST_KERNEL(i32, f16)
CAST_KERNEL(i32, i64)
CAST_KERNEL(i64, f32)
CAST_KERNEL(i64, f16)
CAST_KERNEL(i64, i32)
