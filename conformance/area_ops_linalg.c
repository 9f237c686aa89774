/*
 * area_ops_linalg.c - MatMul (numpy matmul: 1-D promotion, batch
 * broadcasting) and Gemm (transA, transB, alpha, beta, every broadcastable
 * C shape) on f32, f16, i32 and i64.
 *
 * Names: ops.matmul.<dtype>.<a>_<b>[.<variant>] with the input shapes,
 * ops.gemm.<dtype>.m<M>_k<K>_n<N>.ta<0|1>_tb<0|1>.c_<shape|none>[...].
 */
#include <stdio.h>
#include <string.h>

#include "area_ops.h"
#include "ref_dtype.h"

static const xhal_dtype_t OPS_LINALG_DTYPES[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                                 XHAL_DTYPE_I64};

typedef struct ops_mm_shape {
  ref_shape_t a;
  ref_shape_t b;
  conf_tier_t tier;
  int variants; /* 1: also the layout variants */
  int f32_only_quick; /* large: quick tier for f32 only, full tier for the others */
} ops_mm_shape_t;

static void ops_mm_name(char *out, size_t size, const ref_shape_t *a, const ref_shape_t *b) {
  char sa[64], sb[64];
  ops_shape_name(sa, sizeof sa, a);
  ops_shape_name(sb, sizeof sb, b);
  snprintf(out, size, "%s_%s", sa, sb);
}

static void ops_register_matmul_dtype(conf_registry_t *registry, xhal_dtype_t dtype) {
  const ops_mm_shape_t shapes[] = {
      {ops_shape(1, 17), ops_shape(1, 17), CONF_TIER_QUICK, 0, 0},
      {ops_shape(1, 5), ops_shape(2, 5, 7), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 6, 5), ops_shape(1, 5), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 1, 1), ops_shape(2, 1, 1), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 2, 3), ops_shape(2, 3, 4), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 17, 33), ops_shape(2, 33, 9), CONF_TIER_QUICK, 1, 0},
      {ops_shape(2, 1, 64), ops_shape(2, 64, 1), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 64, 64), ops_shape(2, 64, 64), CONF_TIER_QUICK, 1, 0},
      {ops_shape(2, 127, 129), ops_shape(2, 129, 131), CONF_TIER_QUICK, 0, 0},
      {ops_shape(3, 2, 3, 4), ops_shape(3, 2, 4, 5), CONF_TIER_QUICK, 1, 0},
      {ops_shape(4, 3, 1, 4, 5), ops_shape(3, 2, 5, 6), CONF_TIER_QUICK, 1, 0},
      {ops_shape(4, 2, 3, 4, 5), ops_shape(2, 5, 6), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 4, 5), ops_shape(4, 2, 3, 5, 6), CONF_TIER_QUICK, 0, 0},
      {ops_shape(1, 7), ops_shape(4, 2, 3, 7, 4), CONF_TIER_QUICK, 0, 0},
      {ops_shape(4, 2, 3, 4, 7), ops_shape(1, 7), CONF_TIER_QUICK, 0, 0},
      {ops_shape(5, 2, 1, 2, 3, 4), ops_shape(5, 1, 3, 1, 4, 2), CONF_TIER_QUICK, 0, 0},
      {ops_shape(6, 1, 2, 1, 2, 3, 4), ops_shape(6, 2, 1, 2, 1, 4, 3), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 0, 4), ops_shape(2, 4, 5), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 3, 0), ops_shape(2, 0, 5), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 3, 4), ops_shape(2, 4, 0), CONF_TIER_QUICK, 0, 0},
      {ops_shape(3, 0, 3, 4), ops_shape(2, 4, 5), CONF_TIER_QUICK, 0, 0},
      {ops_shape(1, 0), ops_shape(1, 0), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 256, 256), ops_shape(2, 256, 256), CONF_TIER_QUICK, 0, 0},
      {ops_shape(3, 8, 64, 128), ops_shape(3, 8, 128, 32), CONF_TIER_QUICK, 0, 0},
      {ops_shape(2, 512, 512), ops_shape(2, 512, 512), CONF_TIER_QUICK, 0, 1},
      {ops_shape(2, 1024, 1024), ops_shape(2, 1024, 1024), CONF_TIER_FULL, 0, 0},
      {ops_shape(2, 1000, 1), ops_shape(2, 1, 1000), CONF_TIER_FULL, 0, 0},
      {ops_shape(2, 1, 100000), ops_shape(2, 100000, 3), CONF_TIER_FULL, 0, 0},
  };
  for (size_t n = 0; n < sizeof shapes / sizeof shapes[0]; n++) {
    const ops_mm_shape_t *s = &shapes[n];
    char name[160];
    ops_mm_name(name, sizeof name, &s->a, &s->b);
    ref_shape_t in[2] = {s->a, s->b};
    ops_case_t c;
    ops_case_init(&c, XHAL_OP_MATMUL, dtype, 2, in);
    conf_tier_t tier = s->tier;
    if (s->f32_only_quick && dtype != XHAL_DTYPE_F32) tier = CONF_TIER_FULL;
    ops_register(registry, tier, &c, "%s", name);
    if (!s->variants) continue;
    for (uint32_t v = 1; v < OPS_VAR_COUNT; v++) {
      ops_case_t cv = c;
      ops_apply_variant(&cv, (ops_variant_t)v);
      ops_register(registry, tier, &cv, "%s%s", name, ops_variant_suffix((ops_variant_t)v));
    }
    /* One operand transposed at a time: the (N,T) and (T,N) BLAS paths. */
    ops_case_t ca = c;
    ca.in[0].layout = CONF_LAYOUT_SWAP_LAST2;
    ops_register(registry, tier, &ca, "%s.a_transposed", name);
    ops_case_t cb = c;
    cb.in[1].layout = CONF_LAYOUT_SWAP_LAST2;
    ops_register(registry, tier, &cb, "%s.b_transposed", name);
  }
}

/* ---- Gemm -------------------------------------------------------------------- */
typedef struct ops_gemm {
  int m, k, n;
  int ta, tb;
  int c_rank; /* -1: no C */
  int c0, c1; /* C dims (rank 1: c0; rank 2: c0 x c1) */
} ops_gemm_t;

static void ops_gemm_case(ops_case_t *c, xhal_dtype_t dtype, const ops_gemm_t *g) {
  ref_shape_t in[3];
  in[0] = g->ta ? ops_shape(2, g->k, g->m) : ops_shape(2, g->m, g->k);
  in[1] = g->tb ? ops_shape(2, g->n, g->k) : ops_shape(2, g->k, g->n);
  if (g->c_rank == 0)
    in[2] = ops_shape(0);
  else if (g->c_rank == 1)
    in[2] = ops_shape(1, g->c0);
  else
    in[2] = ops_shape(2, g->c0, g->c1);
  ops_case_init(c, XHAL_OP_GEMM, dtype, g->c_rank < 0 ? 2 : 3, in);
  c->attrs.present |= OPS_ATTR_TRANS_A | OPS_ATTR_TRANS_B;
  c->attrs.trans_a = g->ta;
  c->attrs.trans_b = g->tb;
}

static void ops_gemm_name(char *out, size_t size, const ops_gemm_t *g) {
  char cs[32];
  if (g->c_rank < 0)
    snprintf(cs, sizeof cs, "none");
  else if (g->c_rank == 0)
    snprintf(cs, sizeof cs, "scalar");
  else if (g->c_rank == 1)
    snprintf(cs, sizeof cs, "%d", g->c0);
  else
    snprintf(cs, sizeof cs, "%dx%d", g->c0, g->c1);
  snprintf(out, size, "m%d_k%d_n%d.ta%d_tb%d.c_%s", g->m, g->k, g->n, g->ta, g->tb, cs);
}

static void ops_register_gemm_dtype(conf_registry_t *registry, xhal_dtype_t dtype) {
  const int m = 5, k = 7, n = 3;
  /* Every C shape that broadcasts to m x n. */
  const int cshapes[][3] = {{-1, 0, 0}, {0, 0, 0}, {1, 1, 0}, {1, n, 0},
                            {2, 1, n},  {2, m, 1}, {2, m, n}, {2, 1, 1}};
  int is_float = ref_dtype_is_float(dtype);
  char name[160];
  for (int ta = 0; ta < 2; ta++) {
    for (int tb = 0; tb < 2; tb++) {
      for (size_t s = 0; s < sizeof cshapes / sizeof cshapes[0]; s++) {
        ops_gemm_t g = {m, k, n, ta, tb, cshapes[s][0], cshapes[s][1], cshapes[s][2]};
        ops_case_t c;
        ops_gemm_case(&c, dtype, &g);
        ops_gemm_name(name, sizeof name, &g);
        ops_register(registry, CONF_TIER_QUICK, &c, "%s", name);
      }
    }
  }
  /* alpha / beta (defined for float tensors; integer Gemm uses 1 and 1). */
  if (is_float) {
    const double ab[][2] = {{0.5, 2.0}, {-1.5, 0.0}, {2.0, -0.25}, {0.0, 1.0}};
    const char *ab_names[] = {"alpha0_5_beta2", "alpha_m1_5_beta0", "alpha2_beta_m0_25",
                              "alpha0_beta1"};
    for (int t = 0; t < 2; t++) {
      for (size_t v = 0; v < sizeof ab / sizeof ab[0]; v++) {
        ops_gemm_t g = {m, k, n, t, t, 2, m, n};
        ops_case_t c;
        ops_gemm_case(&c, dtype, &g);
        c.attrs.present |= OPS_ATTR_ALPHA | OPS_ATTR_BETA;
        c.attrs.alpha = ab[v][0];
        c.attrs.beta = ab[v][1];
        ops_gemm_name(name, sizeof name, &g);
        ops_register(registry, CONF_TIER_QUICK, &c, "%s.%s", name, ab_names[v]);
      }
    }
    /* alpha without C */
    ops_gemm_t g = {m, k, n, 0, 1, -1, 0, 0};
    ops_case_t c;
    ops_gemm_case(&c, dtype, &g);
    c.attrs.present |= OPS_ATTR_ALPHA;
    c.attrs.alpha = -2.0;
    ops_gemm_name(name, sizeof name, &g);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s.alpha_m2", name);
  }
  /* Sizes and views. */
  const ops_gemm_t sizes[] = {
      {1, 1, 1, 0, 0, 2, 1, 1},      {64, 64, 64, 0, 0, 1, 64, 0},  {33, 65, 17, 1, 1, 2, 33, 17},
      {128, 256, 64, 0, 1, 1, 64, 0}, {3, 0, 4, 0, 0, 2, 3, 4},      {0, 5, 4, 0, 0, 1, 4, 0},
      {4, 5, 0, 1, 0, -1, 0, 0},     {256, 256, 256, 1, 0, 2, 1, 256},
  };
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    ops_case_t c;
    ops_gemm_case(&c, dtype, &sizes[s]);
    ops_gemm_name(name, sizeof name, &sizes[s]);
    ops_register(registry, CONF_TIER_QUICK, &c, "%s", name);
  }
  const ops_gemm_t large = {512, 512, 512, 0, 0, 1, 512, 0};
  ops_case_t cl;
  ops_gemm_case(&cl, dtype, &large);
  ops_gemm_name(name, sizeof name, &large);
  ops_register(registry, dtype == XHAL_DTYPE_F32 ? CONF_TIER_QUICK : CONF_TIER_FULL, &cl, "%s",
               name);
  for (int t = 0; t < 4; t++) {
    ops_gemm_t g = {17, 33, 9, t & 1, t >> 1, 2, 1, 9};
    ops_gemm_name(name, sizeof name, &g);
    for (uint32_t v = 1; v < OPS_VAR_COUNT; v++) {
      if (v == OPS_VAR_EXPANDED && t != 0) continue;
      ops_case_t c;
      ops_gemm_case(&c, dtype, &g);
      ops_apply_variant(&c, (ops_variant_t)v);
      ops_register(registry, CONF_TIER_QUICK, &c, "%s%s", name,
                   ops_variant_suffix((ops_variant_t)v));
    }
  }
}

void ops_register_linalg(conf_registry_t *registry) {
  for (size_t d = 0; d < sizeof OPS_LINALG_DTYPES / sizeof OPS_LINALG_DTYPES[0]; d++)
    ops_register_matmul_dtype(registry, OPS_LINALG_DTYPES[d]);
  for (size_t d = 0; d < sizeof OPS_LINALG_DTYPES / sizeof OPS_LINALG_DTYPES[0]; d++)
    ops_register_gemm_dtype(registry, OPS_LINALG_DTYPES[d]);
  /* Gemm defaults: no transA/transB/alpha/beta attributes at all. */
  for (size_t d = 0; d < sizeof OPS_LINALG_DTYPES / sizeof OPS_LINALG_DTYPES[0]; d++) {
    ref_shape_t in[3] = {ops_shape(2, 6, 4), ops_shape(2, 4, 5), ops_shape(1, 5)};
    ops_case_t c;
    ops_case_init(&c, XHAL_OP_GEMM, OPS_LINALG_DTYPES[d], 3, in);
    ops_register(registry, CONF_TIER_QUICK, &c, "m6_k4_n5.default_attrs.c_5");
  }
}
