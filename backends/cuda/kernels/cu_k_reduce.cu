/* cu_k_reduce.cu - ReduceSum and ReduceMean over any set of axes.
 *
 * A group of threads (a warp for short reductions, the whole block for
 * long ones) produces one output element. Floats accumulate in f64 and
 * round once (f16 through f32, as the CPU backend does); the mean of zero
 * elements is NaN, their sum 0. Integers accumulate in wrapping 64-bit
 * arithmetic, which truncated to the dtype is the dtype's wrapping sum; the
 * integer mean is that sum divided by the count, truncated toward zero. */
#include "cu_common.cuh"

template <typename D> struct cu_red;
template <> struct cu_red<cu_f32> {
  typedef double acc;
  CU_DEVICE acc from(float v) { return (double)v; }
  CU_DEVICE float finish(double s, int64_t len, int mean) {
    return (float)(mean ? s / (double)len : s); /* 0 / 0 = NaN */
  }
};
template <> struct cu_red<cu_f16> {
  typedef double acc;
  CU_DEVICE acc from(uint16_t v) { return (double)cu_f16_to_f32(v); }
  CU_DEVICE uint16_t finish(double s, int64_t len, int mean) {
    return cu_f32_to_f16((float)(mean ? s / (double)len : s));
  }
};
template <> struct cu_red<cu_i32> {
  typedef uint64_t acc;
  CU_DEVICE acc from(int32_t v) { return (uint64_t)(int64_t)v; }
  CU_DEVICE int32_t finish(uint64_t s, int64_t len, int mean) {
    const int32_t v = (int32_t)(uint32_t)s;
    return mean ? (len ? (int32_t)((int64_t)v / len) : 0) : v;
  }
};
template <> struct cu_red<cu_i64> {
  typedef uint64_t acc;
  CU_DEVICE acc from(int64_t v) { return (uint64_t)v; }
  CU_DEVICE int64_t finish(uint64_t s, int64_t len, int mean) {
    const int64_t v = (int64_t)s;
    return mean ? (len ? v / len : 0) : v;
  }
};

template <typename D>
CU_DEVICE void cu_reduce(const cu_k_reduce_args_t &a) {
  typedef typename D::storage S;
  typedef typename cu_red<D>::acc A;
  __shared__ A shared[CU_K_BLOCK];
  const int group = a.group, groups = CU_K_BLOCK / group;
  const int g = threadIdx.x / group, lane = threadIdx.x % group;
  S *y = cu_ptr<S>(a.ptr[0]);
  const S *x_base = cu_ptr<const S>(a.ptr[1]);
  for (int64_t base = (int64_t)blockIdx.x * groups; base < a.outputs;
       base += (int64_t)gridDim.x * groups) {
    const int64_t o = base + g;
    const bool active = o < a.outputs;
    int64_t off[2] = {0, 0};
    if (active) cu_coord_offsets<2>(o, a.kept_rank, a.kept_dims, a.kept_strides, off);
    const S *x = x_base + off[1];
    A acc = A(0);
    for (int64_t r = lane; active && r < a.len; r += group) {
      int64_t roff = 0;
      if (a.red_rank == 1) {
        roff = r * a.red_strides[0];
      } else {
        int64_t rest = r;
        for (int k = a.red_rank - 1; k >= 0; --k) {
          roff += (rest % a.red_dims[k]) * a.red_strides[k];
          rest /= a.red_dims[k];
        }
      }
      acc += cu_red<D>::from(x[roff]);
    }
    acc = cu_group_reduce<cu_plus>(acc, shared, group);
    if (active && lane == 0) y[off[0]] = cu_red<D>::finish(acc, a.len, a.mean);
  }
}

#define CU_DEFINE_REDUCE(op, dt)                                                                   \
  extern "C" __global__ void __launch_bounds__(CU_K_BLOCK)                                         \
      xhal_cu_##op##_##dt(const __grid_constant__ cu_k_reduce_args_t args) {                       \
    cu_reduce<cu_##dt>(args);                                                                      \
  }
CU_K_REDUCE_LIST(CU_DEFINE_REDUCE)
