/* binary_fp64.cl - Pow with an integer base (i32, i64) and a float
 * exponent (f32, f16), in double: built only for devices that report
 * cl_khr_fp64 (ocl_op.c refuses the launch elsewhere with
 * UNSUPPORTED rather than compute in float).
 *
 * ONNX's reference is np.power(x, y).astype(x.dtype): the float64 power,
 * truncated. An integral y (|y| <= 2^53) squares and multiplies (every
 * partial product is at most the result's magnitude, so the result is
 * exact below 2^53; a negative y gives 1 / x^|y|, +Inf for x = 0); any
 * other y (fractional, +-Inf, NaN) is the device's double pow. The result
 * is converted by Cast's float -> integer rule (eltwise.cl's
 * ocl_float_to_i32/i64, here for a double: NaN -> 0, values at or past
 * either end of the range saturate, the others truncate); eltwise.cl is
 * also compiled for Level Zero and stays as it is, so the rule is
 * repeated here, with the same thresholds. The CPU backend uses the same
 * steps (cpu_kernel_binary.c). The CUDA backend compiles this file as
 * CUDA C++ too (every CUDA GPU has double), where the pragma is not
 * OpenCL's to see. */
#ifdef __OPENCL_VERSION__
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

inline double bin64_pow(long x, double y) {
  const double xd = (double)x;
  if (!(y == floor(y) && fabs(y) <= 9007199254740992.0)) return pow(xd, y);
  ulong n = (ulong)fabs(y);
  double r = 1.0, b = xd;
  while (n) {
    if (n & 1) r *= b;
    n >>= 1;
    if (n) b *= b;
  }
  return y < 0.0 ? 1.0 / r : r;
}

inline int bin64_to_i32(double v) {
  if (isnan(v)) return 0;
  if (v >= 2147483648.0) return INT_MAX;
  if (v <= -2147483648.0) return INT_MIN;
  return (int)v;
}

inline long bin64_to_i64(double v) {
  if (isnan(v)) return 0;
  if (v >= 9223372036854775808.0) return LONG_MAX;
  if (v <= -9223372036854775808.0) return LONG_MIN;
  return (long)v;
}

#define POW_INT_FLOAT_KERNEL(TB, TE)                                                               \
  __kernel void pow_##TB##_##TE(__global ST_##TB *y, __global const ST_##TB *a,                    \
                                __global const ST_##TE *b, const ocl_nd_t s) {                     \
    const long i = get_global_id(0);                                                               \
    if (i >= s.count) return;                                                                      \
    long off[3];                                                                                   \
    OCL_ND_OFFSETS(s, i, 3, off);                                                                  \
    const double z = (double)LOAD_##TE(b, off[2]);                                                 \
    STORE_##TB(y, off[0], bin64_to_##TB(bin64_pow((long)LOAD_##TB(a, off[1]), z)));                \
  }
POW_INT_FLOAT_KERNEL(i32, f32)
POW_INT_FLOAT_KERNEL(i32, f16)
POW_INT_FLOAT_KERNEL(i64, f32)
POW_INT_FLOAT_KERNEL(i64, f16)
