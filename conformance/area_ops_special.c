/*
 * area_ops_special.c - special values of the elementwise ops.
 *
 * Binary ops see every pair of a list: input 0 is the list as an n x 1
 * column, input 1 the same list as a 1 x n row, so the broadcast output
 * holds all n * n combinations. Unary ops see the list as a vector.
 *
 *  .special    NaN, +-Inf, +-0, +-1, 0.5, -2.5, 3, +-max, +-min normal
 *              (NaN propagation, signed zeros, Inf arithmetic, overflow)
 *  .subnormal  subnormal operands and results (no flush to zero)
 *  .large_magnitude  magnitudes around overflow and saturation points
 *  .small_magnitude  small normal magnitudes (tanh(x) ~ x, exp(x) ~ 1 + x)
 *  .edge       integers: INT_MIN, -1, 0 ... INT_MAX (wrap-around, x/0 = 0,
 *              INT_MIN / -1 = INT_MIN, |INT_MIN| = INT_MIN)
 *  .full_range integers: full-range random operands (wrap-around)
 */
#include "area_ops.h"
#include "ref_dtype.h"

static void ops_register_binary_list(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype,
                                     ops_list_t list, const char *name) {
  int n = (int)ops_list_size(list, dtype);
  ref_shape_t in[2] = {ops_shape(2, n, 1), ops_shape(2, 1, n)};
  ops_case_t c;
  ops_case_init(&c, op, dtype, 2, in);
  c.in[0].gen = ops_gen_list(list);
  c.in[1].gen = ops_gen_list(list);
  ops_register(registry, CONF_TIER_QUICK, &c, "%s", name);
}

static void ops_register_unary_list(conf_registry_t *registry, xhal_op_t op, xhal_dtype_t dtype,
                                    ops_list_t list, const char *name) {
  ref_shape_t in = ops_shape(1, (int)ops_list_size(list, dtype));
  ops_case_t c;
  ops_case_init(&c, op, dtype, 1, &in);
  c.in[0].gen = ops_gen_list(list);
  ops_register(registry, CONF_TIER_QUICK, &c, "%s", name);
}

void ops_register_special(conf_registry_t *registry) {
  static const xhal_op_t binary[] = {XHAL_OP_ADD, XHAL_OP_SUB, XHAL_OP_MUL, XHAL_OP_DIV};
  static const xhal_op_t unary_all[] = {XHAL_OP_NEG, XHAL_OP_ABS, XHAL_OP_RELU};
  static const xhal_op_t unary_float[] = {XHAL_OP_NEG,  XHAL_OP_ABS,     XHAL_OP_RELU,
                                          XHAL_OP_EXP,  XHAL_OP_SIGMOID, XHAL_OP_TANH};
  static const xhal_dtype_t floats[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16};
  static const xhal_dtype_t ints[] = {XHAL_DTYPE_I32, XHAL_DTYPE_I64};
  for (size_t o = 0; o < sizeof binary / sizeof binary[0]; o++) {
    for (size_t d = 0; d < 2; d++) {
      ops_register_binary_list(registry, binary[o], floats[d], OPS_LIST_SPECIAL, "special");
      ops_register_binary_list(registry, binary[o], floats[d], OPS_LIST_SUBNORMAL, "subnormal");
      ops_register_binary_list(registry, binary[o], floats[d], OPS_LIST_LARGE, "large_magnitude");
    }
    for (size_t d = 0; d < 2; d++) {
      ops_register_binary_list(registry, binary[o], ints[d], OPS_LIST_INT_EDGE, "edge");
      ref_shape_t in[2] = {ops_shape(2, 64, 33), ops_shape(2, 64, 33)};
      ops_case_t c;
      ops_case_init(&c, binary[o], ints[d], 2, in);
      c.in[0].gen.kind = OPS_GEN_BITS;
      c.in[1].gen.kind = OPS_GEN_BITS;
      c.in[1].gen.nonzero = 0;
      ops_register(registry, CONF_TIER_QUICK, &c, "full_range");
    }
  }
  for (size_t o = 0; o < sizeof unary_float / sizeof unary_float[0]; o++) {
    for (size_t d = 0; d < 2; d++) {
      ops_register_unary_list(registry, unary_float[o], floats[d], OPS_LIST_SPECIAL, "special");
      ops_register_unary_list(registry, unary_float[o], floats[d], OPS_LIST_SUBNORMAL,
                              "subnormal");
      ops_register_unary_list(registry, unary_float[o], floats[d], OPS_LIST_LARGE, "large_magnitude");
      ops_register_unary_list(registry, unary_float[o], floats[d], OPS_LIST_TINY, "small_magnitude");
    }
  }
  for (size_t o = 0; o < sizeof unary_all / sizeof unary_all[0]; o++)
    for (size_t d = 0; d < 2; d++)
      ops_register_unary_list(registry, unary_all[o], ints[d], OPS_LIST_INT_EDGE, "edge");
}
