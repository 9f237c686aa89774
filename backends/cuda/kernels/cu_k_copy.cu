/* cu_k_copy.cu - Copy and Transpose (raw elements of 1, 2, 4 or 8 bytes,
 * bits preserved, any strides) and Cast between f32, f16, i32 and i64 with
 * cu_scalar.h's conversion rules. */
#include "cu_common.cuh"

template <typename S>
CU_DEVICE void cu_copy(const cu_k_eltwise_args_t &a) {
  S *y = cu_ptr<S>(a.ptr[0]);
  const S *x = cu_ptr<const S>(a.ptr[1]);
  CU_GRID_LOOP(i, a.count) {
    int64_t off[2];
    cu_eltwise_offsets<2>(a, i, off);
    y[off[0]] = x[off[1]];
  }
}

#define CU_DEFINE_COPY(op, dt)                                                                     \
  extern "C" __global__ void __launch_bounds__(CU_K_BLOCK)                                         \
      xhal_cu_##op##_##dt(const __grid_constant__ cu_k_eltwise_args_t args) {                      \
    cu_copy<cu_##dt::storage>(args);                                                               \
  }
CU_K_COPY_LIST(CU_DEFINE_COPY)

/* One conversion per ordered pair of dtypes: cu_convert_<from>_<to>. */
#define CU_CONVERT(from, to, expr)                                                                 \
  CU_DEVICE cu_##to::storage cu_convert_##from##_##to(cu_##from::storage x) { return (expr); }
CU_CONVERT(f32, f32, x)
CU_CONVERT(f32, f16, cu_f32_to_f16(x))
CU_CONVERT(f32, i32, cu_f32_to_i32(x))
CU_CONVERT(f32, i64, cu_f32_to_i64(x))
CU_CONVERT(f16, f32, cu_f16_to_f32(x))
CU_CONVERT(f16, f16, x)
CU_CONVERT(f16, i32, cu_f32_to_i32(cu_f16_to_f32(x)))
CU_CONVERT(f16, i64, cu_f32_to_i64(cu_f16_to_f32(x)))
CU_CONVERT(i32, f32, (float)x)
CU_CONVERT(i32, f16, cu_i64_to_f16(x))
CU_CONVERT(i32, i32, x)
CU_CONVERT(i32, i64, (int64_t)x)
CU_CONVERT(i64, f32, (float)x)
CU_CONVERT(i64, f16, cu_i64_to_f16(x))
CU_CONVERT(i64, i32, cu_i64_to_i32(x))
CU_CONVERT(i64, i64, x)

#define CU_DEFINE_CAST(from, to)                                                                   \
  extern "C" __global__ void __launch_bounds__(CU_K_BLOCK)                                         \
      xhal_cu_cast_##from##_to_##to(const __grid_constant__ cu_k_eltwise_args_t args) {            \
    cu_##to::storage *y = cu_ptr<cu_##to::storage>(args.ptr[0]);                                   \
    const cu_##from::storage *x = cu_ptr<const cu_##from::storage>(args.ptr[1]);                   \
    CU_GRID_LOOP(i, args.count) {                                                                  \
      int64_t off[2];                                                                              \
      cu_eltwise_offsets<2>(args, i, off);                                                         \
      y[off[0]] = cu_convert_##from##_##to(x[off[1]]);                                             \
    }                                                                                              \
  }
CU_K_CAST_LIST(CU_DEFINE_CAST)
