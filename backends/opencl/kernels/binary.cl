/* binary.cl - the binary group: Pow, Min/Max, PRelu, comparisons, Where,
 * Not/And/Or, and the u8/bool variants of Add, Sub, Mul, Div, Abs and Cast
 * (xop_cl_launch_plan, backends/common/xhal_op_launch_cl.c, plans their
 * launches; semantics in docs/conformance.md).
 *
 * One work-item per output element. Ops with up to two inputs walk an
 * ocl_nd_t (common.cl); Where and the variadic Min/Max walk an ocl_ndx_t
 * with a stride set per operand (output + up to 8 inputs). bool is one
 * byte: any non-zero byte reads as true, results are stored as 0 or 1. */

/* ---- u8 and bool ------------------------------------------------------------------------ */
#define ST_u8 uchar
#define CT_u8 uint
#define LOAD_u8(p, i) ((uint)(p)[i])
#define STORE_u8(p, i, v) ((p)[i] = (uchar)(v))

#define ST_bool uchar
#define CT_bool int
#define LOAD_bool(p, i) ((p)[i] != 0)
#define STORE_bool(p, i, v) ((p)[i] = (uchar)((v) ? 1 : 0))

/* Where and Min/Max: operand 0 the output, 1..nin the inputs. */
typedef struct ocl_ndx {
  long dims[OCL_MAX_RANK];
  long strides[9][OCL_MAX_RANK];
  long offsets[9];
  long count;
  int rank;
  int nin;
} ocl_ndx_t;

/* ---- One- and two-input kernels ---------------------------------------------------------- */
#define BIN_KERNEL(name, TO, TA, TB, EXPR)                                                          \
  __kernel void name(__global ST_##TO *y, __global const ST_##TA *a, __global const ST_##TB *b,    \
                     const ocl_nd_t s) {                                                           \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long off[3];                                                                                   \
    OCL_ND_OFFSETS(s, i, 3, off);                                                                  \
    const CT_##TA x = LOAD_##TA(a, off[1]);                                                        \
    const CT_##TB z = LOAD_##TB(b, off[2]);                                                        \
    STORE_##TO(y, off[0], (EXPR));                                                                 \
  }

#define UN_KERNEL(name, TO, TA, EXPR)                                                              \
  __kernel void name(__global ST_##TO *y, __global const ST_##TA *a, const ocl_nd_t s) {           \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long off[2];                                                                                   \
    OCL_ND_OFFSETS(s, i, 2, off);                                                                  \
    const CT_##TA x = LOAD_##TA(a, off[1]);                                                        \
    STORE_##TO(y, off[0], (EXPR));                                                                 \
  }

/* Comparisons: IEEE (NaN compares false, -0 == +0). */
#define CMP_KERNELS(T)                                                                             \
  BIN_KERNEL(equal_##T, bool, T, T, x == z)                                                        \
  BIN_KERNEL(less_##T, bool, T, T, x < z)                                                          \
  BIN_KERNEL(greater_##T, bool, T, T, x > z)                                                       \
  BIN_KERNEL(less_equal_##T, bool, T, T, x <= z)                                                   \
  BIN_KERNEL(greater_equal_##T, bool, T, T, x >= z)
CMP_KERNELS(f32)
CMP_KERNELS(f16)
CMP_KERNELS(i32)
CMP_KERNELS(i64)
CMP_KERNELS(u8)
BIN_KERNEL(equal_bool, bool, bool, bool, x == z)
BIN_KERNEL(and_bool, bool, bool, bool, x && z)
BIN_KERNEL(or_bool, bool, bool, bool, x || z)
UN_KERNEL(not_bool, bool, bool, !x)

/* PRelu: x < 0 picks x * slope, one rounding (a product of two f16 values
 * is exact in float); NaN and -0 pass through; integers wrap. */
BIN_KERNEL(prelu_f32, f32, f32, f32, x < 0.0f ? x * z : x)
BIN_KERNEL(prelu_f16, f16, f16, f16, x < 0.0f ? x * z : x)
BIN_KERNEL(prelu_i32, i32, i32, i32, x < 0 ? WRAP_i32((UT_i32)x * (UT_i32)z) : x)
BIN_KERNEL(prelu_i64, i64, i64, i64, x < 0 ? WRAP_i64((UT_i64)x * (UT_i64)z) : x)

/* u8 arithmetic wraps; x / 0 = 0; |x| = x. */
BIN_KERNEL(add_u8, u8, u8, u8, x + z)
BIN_KERNEL(sub_u8, u8, u8, u8, x - z)
BIN_KERNEL(mul_u8, u8, u8, u8, x * z)
BIN_KERNEL(div_u8, u8, u8, u8, z ? x / z : 0u)
UN_KERNEL(abs_u8, u8, u8, x)

/* ---- Pow ----------------------------------------------------------------------------------- */
/* An integer exponent of a float base as an int of the same parity: past
 * 2^31 - 1 every base but +-1 over- or underflows anyway. */
inline int bin_exponent(long e) {
  if (e > 2147483647L) return (e & 1) ? 2147483647 : 2147483646;
  if (e < -2147483647L) return (e & 1) ? -2147483647 : -2147483646;
  return (int)e;
}

/* Wrapping x^e; a negative exponent gives 1 (x = 1), +-1 (x = -1), else 0. */
inline long bin_ipow(long x, long e) {
  if (e < 0) return x == 1 ? 1 : x == -1 ? ((e & 1) ? -1 : 1) : 0;
  ulong r = 1, b = (ulong)x, n = (ulong)e;
  while (n) {
    if (n & 1) r *= b;
    b *= b;
    n >>= 1;
  }
  return as_long(r);
}

#define POW_FLOAT_KERNELS(T)                                                                       \
  BIN_KERNEL(pow_##T##_f32, T, T, f32, pow(x, z))                                                  \
  BIN_KERNEL(pow_##T##_f16, T, T, f16, pow(x, z))                                                  \
  BIN_KERNEL(pow_##T##_i32, T, T, i32, pown(x, z))                                                 \
  BIN_KERNEL(pow_##T##_i64, T, T, i64, pown(x, bin_exponent(z)))
POW_FLOAT_KERNELS(f32)
POW_FLOAT_KERNELS(f16)
BIN_KERNEL(pow_i32_i32, i32, i32, i32, WRAP_i32((UT_i32)bin_ipow(x, z)))
BIN_KERNEL(pow_i32_i64, i32, i32, i64, WRAP_i32((UT_i32)bin_ipow(x, z)))
BIN_KERNEL(pow_i64_i32, i64, i64, i32, bin_ipow(x, z))
BIN_KERNEL(pow_i64_i64, i64, i64, i64, bin_ipow(x, z))
/* u8 exponents: like the other integer exponents. An integer base with a
 * float exponent is computed in double: binary_fp64.cl. */
BIN_KERNEL(pow_f32_u8, f32, f32, u8, pown(x, (int)z))
BIN_KERNEL(pow_f16_u8, f16, f16, u8, pown(x, (int)z))
BIN_KERNEL(pow_i32_u8, i32, i32, u8, WRAP_i32((UT_i32)bin_ipow(x, (long)z)))
BIN_KERNEL(pow_i64_u8, i64, i64, u8, bin_ipow(x, (long)z))

/* ---- Casts to and from u8/bool ------------------------------------------------------------ */
/* float -> u8: truncation, saturating to [0, 255], NaN -> 0. */
inline uint bin_float_to_u8(float x) {
  if (!(x > 0.0f)) return 0u;
  if (x >= 255.0f) return 255u;
  return (uint)x;
}

UN_KERNEL(cast_f32_bool, bool, f32, x != 0.0f) /* NaN != 0: true */
UN_KERNEL(cast_f16_bool, bool, f16, x != 0.0f)
UN_KERNEL(cast_i32_bool, bool, i32, x != 0)
UN_KERNEL(cast_i64_bool, bool, i64, x != 0)
UN_KERNEL(cast_u8_bool, bool, u8, x != 0u)
UN_KERNEL(cast_f32_u8, u8, f32, bin_float_to_u8(x))
UN_KERNEL(cast_f16_u8, u8, f16, bin_float_to_u8(x))
UN_KERNEL(cast_i32_u8, u8, i32, (uint)x)
UN_KERNEL(cast_i64_u8, u8, i64, (uint)(ulong)x)
UN_KERNEL(cast_bool_u8, u8, bool, x)
UN_KERNEL(cast_u8_f32, f32, u8, (float)x)
UN_KERNEL(cast_u8_f16, f16, u8, (float)x)
UN_KERNEL(cast_u8_i32, i32, u8, (int)x)
UN_KERNEL(cast_u8_i64, i64, u8, (long)x)
UN_KERNEL(cast_bool_f32, f32, bool, (float)x)
UN_KERNEL(cast_bool_f16, f16, bool, (float)x)
UN_KERNEL(cast_bool_i32, i32, bool, (int)x)
UN_KERNEL(cast_bool_i64, i64, bool, (long)x)

/* ---- Where: by element size ------------------------------------------------------------- */
#define WHERE_KERNEL(name, T, NORM)                                                                \
  __kernel void name(__global T *y, __global const uchar *c, __global const T *a,                  \
                     __global const T *b, const ocl_ndx_t s) {                                     \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long off[4];                                                                                   \
    OCL_ND_OFFSETS(s, i, 4, off);                                                                  \
    const T v = c[off[1]] ? a[off[2]] : b[off[3]];                                                 \
    y[off[0]] = NORM(v);                                                                           \
  }
#define BIN_SAME(v) (v)
#define BIN_BOOL(v) ((uchar)((v) ? 1 : 0))
WHERE_KERNEL(where_1, uchar, BIN_SAME)
WHERE_KERNEL(where_2, ushort, BIN_SAME)
WHERE_KERNEL(where_4, uint, BIN_SAME)
WHERE_KERNEL(where_8, ulong, BIN_SAME)
WHERE_KERNEL(where_bool, uchar, BIN_BOOL)

/* ---- Min/Max over 1..8 inputs -------------------------------------------------------------- */
/* NaN in any input gives NaN; equal operands (+-0) merge their sign bits:
 * -0 wins Min, +0 wins Max. */
inline float bin_min_f(float x, float y) {
  if (y < x || isnan(y)) return y;
  return y == x ? as_float(as_uint(x) | as_uint(y)) : x;
}
inline float bin_max_f(float x, float y) {
  if (y > x || isnan(y)) return y;
  return y == x ? as_float(as_uint(x) & as_uint(y)) : x;
}
#define BIN_MIN_I(x, y) ((y) < (x) ? (y) : (x))
#define BIN_MAX_I(x, y) ((y) > (x) ? (y) : (x))

#define MINMAX_KERNEL(name, T, FN)                                                                 \
  __kernel void name(__global ST_##T *y, __global const ST_##T *x0, __global const ST_##T *x1,     \
                     __global const ST_##T *x2, __global const ST_##T *x3,                         \
                     __global const ST_##T *x4, __global const ST_##T *x5,                         \
                     __global const ST_##T *x6, __global const ST_##T *x7, const ocl_ndx_t s) {    \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long off[9];                                                                                   \
    OCL_ND_OFFSETS(s, i, s.nin + 1, off);                                                          \
    CT_##T acc = LOAD_##T(x0, off[1]);                                                             \
    if (s.nin > 1) acc = FN(acc, LOAD_##T(x1, off[2]));                                            \
    if (s.nin > 2) acc = FN(acc, LOAD_##T(x2, off[3]));                                            \
    if (s.nin > 3) acc = FN(acc, LOAD_##T(x3, off[4]));                                            \
    if (s.nin > 4) acc = FN(acc, LOAD_##T(x4, off[5]));                                            \
    if (s.nin > 5) acc = FN(acc, LOAD_##T(x5, off[6]));                                            \
    if (s.nin > 6) acc = FN(acc, LOAD_##T(x6, off[7]));                                            \
    if (s.nin > 7) acc = FN(acc, LOAD_##T(x7, off[8]));                                            \
    STORE_##T(y, off[0], acc);                                                                     \
  }
MINMAX_KERNEL(min_f32, f32, bin_min_f)
MINMAX_KERNEL(max_f32, f32, bin_max_f)
MINMAX_KERNEL(min_f16, f16, bin_min_f)
MINMAX_KERNEL(max_f16, f16, bin_max_f)
MINMAX_KERNEL(min_i32, i32, BIN_MIN_I)
MINMAX_KERNEL(max_i32, i32, BIN_MAX_I)
MINMAX_KERNEL(min_i64, i64, BIN_MIN_I)
MINMAX_KERNEL(max_i64, i64, BIN_MAX_I)
MINMAX_KERNEL(min_u8, u8, BIN_MIN_I)
MINMAX_KERNEL(max_u8, u8, BIN_MAX_I)
