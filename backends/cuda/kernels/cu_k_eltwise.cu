/* cu_k_eltwise.cu - Add Sub Mul Div (binary, broadcasting) and Neg Abs Relu
 * Exp Sigmoid Tanh (unary) over strided N-d views. The element rules are
 * cu_scalar.h's; f16 is loaded into f32, computed and rounded once. */
#include "cu_common.cuh"

#define CU_BINARY_OP(name)                                                                         \
  struct cu_op_##name {                                                                            \
    CU_DEVICE float apply(float x, float y) { return cu_##name##_f32(x, y); }                     \
    CU_DEVICE int32_t apply(int32_t x, int32_t y) { return cu_##name##_i32(x, y); }               \
    CU_DEVICE int64_t apply(int64_t x, int64_t y) { return cu_##name##_i64(x, y); }               \
  };
CU_BINARY_OP(add)
CU_BINARY_OP(sub)
CU_BINARY_OP(mul)
CU_BINARY_OP(div)

#define CU_UNARY_OP_ALL(name)                                                                      \
  struct cu_op_##name {                                                                            \
    CU_DEVICE float apply(float x) { return cu_##name##_f32(x); }                                 \
    CU_DEVICE int32_t apply(int32_t x) { return cu_##name##_i32(x); }                             \
    CU_DEVICE int64_t apply(int64_t x) { return cu_##name##_i64(x); }                             \
  };
#define CU_UNARY_OP_FLOAT(name)                                                                    \
  struct cu_op_##name {                                                                            \
    CU_DEVICE float apply(float x) { return cu_##name##_f32(x); }                                 \
  };
CU_UNARY_OP_ALL(neg)
CU_UNARY_OP_ALL(abs)
CU_UNARY_OP_ALL(relu)
CU_UNARY_OP_FLOAT(exp)
CU_UNARY_OP_FLOAT(sigmoid)
CU_UNARY_OP_FLOAT(tanh)

template <typename D, typename Op>
CU_DEVICE void cu_binary(const cu_k_eltwise_args_t &a) {
  typedef typename D::storage S;
  S *y = cu_ptr<S>(a.ptr[0]);
  const S *x0 = cu_ptr<const S>(a.ptr[1]);
  const S *x1 = cu_ptr<const S>(a.ptr[2]);
  CU_GRID_LOOP(i, a.count) {
    int64_t off[3];
    cu_eltwise_offsets<3>(a, i, off);
    y[off[0]] = D::store(Op::apply(D::load(x0[off[1]]), D::load(x1[off[2]])));
  }
}

template <typename D, typename Op>
CU_DEVICE void cu_unary(const cu_k_eltwise_args_t &a) {
  typedef typename D::storage S;
  S *y = cu_ptr<S>(a.ptr[0]);
  const S *x = cu_ptr<const S>(a.ptr[1]);
  CU_GRID_LOOP(i, a.count) {
    int64_t off[2];
    cu_eltwise_offsets<2>(a, i, off);
    y[off[0]] = D::store(Op::apply(D::load(x[off[1]])));
  }
}

#define CU_DEFINE_BINARY(op, dt)                                                                   \
  extern "C" __global__ void __launch_bounds__(CU_K_BLOCK)                                         \
      xhal_cu_##op##_##dt(const __grid_constant__ cu_k_eltwise_args_t args) {                      \
    cu_binary<cu_##dt, cu_op_##op>(args);                                                          \
  }
CU_K_BINARY_LIST(CU_DEFINE_BINARY)

#define CU_DEFINE_UNARY(op, dt)                                                                    \
  extern "C" __global__ void __launch_bounds__(CU_K_BLOCK)                                         \
      xhal_cu_##op##_##dt(const __grid_constant__ cu_k_eltwise_args_t args) {                      \
    cu_unary<cu_##dt, cu_op_##op>(args);                                                           \
  }
CU_K_UNARY_LIST(CU_DEFINE_UNARY)
