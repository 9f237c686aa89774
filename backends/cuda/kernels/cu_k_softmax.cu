/* cu_k_softmax.cu - Softmax over one axis (ONNX-13 semantics).
 *
 * A group of threads (a warp for short axes, the whole block for long
 * ones) handles one slice: the maximum in f32, then the sum of
 * exp(x - max) in f64, then each output exp(x - max) / sum rounded once to
 * f32 (and to f16 from there). x - max is formed in f64, where it is exact,
 * so large inputs lose nothing. A NaN makes the sum, and with it the whole
 * slice, NaN; -Inf entries give 0. */
#include "cu_common.cuh"

template <typename D>
CU_DEVICE void cu_softmax(const cu_k_softmax_args_t &a) {
  typedef typename D::storage S;
  __shared__ double shared[CU_K_BLOCK];
  const int group = a.group, groups = CU_K_BLOCK / group;
  const int g = threadIdx.x / group, lane = threadIdx.x % group;
  S *y_base = cu_ptr<S>(a.ptr[0]);
  const S *x_base = cu_ptr<const S>(a.ptr[1]);
  const int64_t xs = a.axis_strides[1], ys = a.axis_strides[0];
  /* The trip count is the same for every thread of the block, so the
   * barriers inside cu_group_reduce line up. */
  for (int64_t base = (int64_t)blockIdx.x * groups; base < a.slices;
       base += (int64_t)gridDim.x * groups) {
    const int64_t slice = base + g;
    const bool active = slice < a.slices;
    int64_t off[2] = {0, 0};
    if (active) cu_coord_offsets<2>(slice, a.outer_rank, a.outer_dims, a.outer_strides, off);
    S *y = y_base + off[0];
    const S *x = x_base + off[1];

    float local_max = -INFINITY;
    for (int64_t i = lane; active && i < a.axis_len; i += group)
      local_max = fmaxf(local_max, D::load(x[i * xs]));
    const double max = cu_group_reduce<cu_max>((double)local_max, shared, group);

    double local_sum = 0.0;
    for (int64_t i = lane; active && i < a.axis_len; i += group)
      local_sum += exp((double)D::load(x[i * xs]) - max);
    const double sum = cu_group_reduce<cu_plus>(local_sum, shared, group);

    for (int64_t i = lane; active && i < a.axis_len; i += group)
      y[i * ys] = D::store((float)(exp((double)D::load(x[i * xs]) - max) / sum));
  }
}

#define CU_DEFINE_SOFTMAX(op, dt)                                                                  \
  extern "C" __global__ void __launch_bounds__(CU_K_BLOCK)                                         \
      xhal_cu_##op##_##dt(const __grid_constant__ cu_k_softmax_args_t args) {                      \
    cu_softmax<cu_##dt>(args);                                                                     \
  }
CU_K_SOFTMAX_LIST(CU_DEFINE_SOFTMAX)
