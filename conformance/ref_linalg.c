/*
 * ref_linalg.c - reference of MatMul (numpy matmul: 1-D promotion, batch
 * broadcasting) and Gemm (Y = alpha * A' * B' + beta * C, C broadcast
 * unidirectionally to [M, N]).
 *
 * Float products of f32/f16 values are exact in double and the sums carry
 * an error of about K * 2^-53 * sum|terms|, far below any f32 bound. Each
 * result also records sum|terms| and K for the tolerance. Integer results
 * are exact (the sum wraps modulo 2^N like every integer op).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_dtype.h"
#include "ref_ops.h"

/* A 2-D problem inside a tensor: element (r, c) at base + r * rs + c * cs. */
typedef struct ref_mat {
  uint64_t base;
  uint64_t rs;
  uint64_t cs;
} ref_mat_t;

/* Computes rows x cols outputs (row-major from out_base) of sum over k of
 * a(r, k) * b(k, c); scale gets sum |a * b|. */
static void ref_matmul_block(const ref_tensor_t *ta, ref_mat_t a, const ref_tensor_t *tb,
                             ref_mat_t b, int64_t rows, int64_t cols, int64_t inner,
                             ref_tensor_t *out, uint64_t out_base) {
  int is_float = ref_tensor_is_float(ta);
  for (int64_t r = 0; r < rows; r++) {
    uint64_t o = out_base + (uint64_t)r * (uint64_t)cols;
    for (int64_t c = 0; c < cols; c++) {
      if (is_float) {
        out->f[o + (uint64_t)c] = 0.0;
        out->scale[o + (uint64_t)c] = 0.0;
      } else {
        out->i[o + (uint64_t)c] = 0;
      }
    }
    for (int64_t k = 0; k < inner; k++) {
      uint64_t ia = a.base + (uint64_t)r * a.rs + (uint64_t)k * a.cs;
      uint64_t ib = b.base + (uint64_t)k * b.rs;
      if (is_float) {
        double av = ta->f[ia];
        double *acc = out->f + o;
        double *abs_acc = out->scale + o;
        for (int64_t c = 0; c < cols; c++) {
          double t = av * tb->f[ib + (uint64_t)c * b.cs];
          acc[c] += t;
          abs_acc[c] += fabs(t);
        }
      } else {
        uint64_t av = (uint64_t)ta->i[ia];
        for (int64_t c = 0; c < cols; c++) {
          uint64_t *acc = (uint64_t *)(void *)&out->i[o + (uint64_t)c];
          *acc += av * (uint64_t)tb->i[ib + (uint64_t)c * b.cs];
        }
      }
    }
    if (!is_float)
      for (int64_t c = 0; c < cols; c++)
        out->i[o + (uint64_t)c] = ref_wrap(out->dtype, (uint64_t)out->i[o + (uint64_t)c]);
  }
}

/* The 2-D-promoted shapes of numpy matmul. */
static void ref_matmul_promote(const ref_shape_t *a, const ref_shape_t *b, ref_shape_t *a2,
                               ref_shape_t *b2) {
  *a2 = *a;
  *b2 = *b;
  if (a->rank == 1) {
    a2->rank = 2;
    a2->dims[0] = 1;
    a2->dims[1] = a->dims[0];
  }
  if (b->rank == 1) {
    b2->rank = 2;
    b2->dims[0] = b->dims[0];
    b2->dims[1] = 1;
  }
}

static void ref_batch_shape(const ref_shape_t *s, ref_shape_t *batch) {
  batch->rank = s->rank - 2;
  for (uint32_t d = 0; d < batch->rank; d++) batch->dims[d] = s->dims[d];
}

int ref_matmul_infer(const ref_shape_t *a, const ref_shape_t *b, ref_shape_t *out, char *err,
                     size_t err_size) {
  if (a->rank == 0 || b->rank == 0) {
    snprintf(err, err_size, "MatMul inputs must have rank >= 1 (ranks %u, %u)", a->rank,
             b->rank);
    return -1;
  }
  ref_shape_t a2, b2, ba, bb, batch;
  ref_matmul_promote(a, b, &a2, &b2);
  int64_t k_a = a2.dims[a2.rank - 1];
  int64_t k_b = b2.dims[b2.rank - 2];
  if (k_a != k_b) {
    snprintf(err, err_size, "MatMul inner dimensions differ (%lld vs %lld)", (long long)k_a,
             (long long)k_b);
    return -1;
  }
  ref_batch_shape(&a2, &ba);
  ref_batch_shape(&b2, &bb);
  if (ref_broadcast_shape(&ba, &bb, &batch) != 0) {
    snprintf(err, err_size, "MatMul batch dimensions do not broadcast");
    return -1;
  }
  *out = batch;
  if (a->rank > 1) out->dims[out->rank++] = a2.dims[a2.rank - 2];
  if (b->rank > 1) out->dims[out->rank++] = b2.dims[b2.rank - 1];
  return 0;
}

int ref_matmul_compute(const ref_tensor_t *a, const ref_tensor_t *b, ref_tensor_t *out) {
  ref_shape_t a2, b2, ba, bb, batch;
  ref_matmul_promote(&a->shape, &b->shape, &a2, &b2);
  ref_batch_shape(&a2, &ba);
  ref_batch_shape(&b2, &bb);
  if (ref_broadcast_shape(&ba, &bb, &batch) != 0) return -1;
  int64_t m = a2.dims[a2.rank - 2];
  int64_t k = a2.dims[a2.rank - 1];
  int64_t n = b2.dims[b2.rank - 1];
  out->reduction_length = (double)k;
  uint64_t batches = ref_shape_count(&batch);
  int64_t coords[XHAL_MAX_RANK] = {0};
  for (uint64_t bi = 0; bi < batches; bi++) {
    uint64_t sa = ref_broadcast_source(&ba, coords, batch.rank);
    uint64_t sb = ref_broadcast_source(&bb, coords, batch.rank);
    ref_mat_t ma = {sa * (uint64_t)(m * k), (uint64_t)k, 1};
    ref_mat_t mb = {sb * (uint64_t)(k * n), (uint64_t)n, 1};
    ref_matmul_block(a, ma, b, mb, m, n, k, out, bi * (uint64_t)(m * n));
    ref_next_coords(coords, &batch);
  }
  return 0;
}

int ref_gemm_infer(uint32_t input_count, const ref_shape_t *shapes, const ref_attrs_t *attrs,
                   ref_shape_t *out, char *err, size_t err_size) {
  if (input_count != 2 && input_count != 3) {
    snprintf(err, err_size, "Gemm takes 2 or 3 inputs, got %u", input_count);
    return -1;
  }
  if (shapes[0].rank != 2 || shapes[1].rank != 2) {
    snprintf(err, err_size, "Gemm A and B must be 2-D (ranks %u, %u)", shapes[0].rank,
             shapes[1].rank);
    return -1;
  }
  if ((attrs->trans_a != 0 && attrs->trans_a != 1) ||
      (attrs->trans_b != 0 && attrs->trans_b != 1)) {
    snprintf(err, err_size, "Gemm transA/transB must be 0 or 1");
    return -1;
  }
  int64_t m = shapes[0].dims[attrs->trans_a ? 1 : 0];
  int64_t ka = shapes[0].dims[attrs->trans_a ? 0 : 1];
  int64_t kb = shapes[1].dims[attrs->trans_b ? 1 : 0];
  int64_t n = shapes[1].dims[attrs->trans_b ? 0 : 1];
  if (ka != kb) {
    snprintf(err, err_size, "Gemm inner dimensions differ (%lld vs %lld)", (long long)ka,
             (long long)kb);
    return -1;
  }
  out->rank = 2;
  out->dims[0] = m;
  out->dims[1] = n;
  if (input_count == 3) {
    const ref_shape_t *c = &shapes[2];
    ref_shape_t full;
    if (c->rank > 2 || ref_broadcast_shape(c, out, &full) != 0 || !ref_shape_equal(&full, out)) {
      char cs[96];
      ref_shape_format(cs, sizeof cs, c);
      snprintf(err, err_size, "Gemm C of shape %s does not broadcast to %lldx%lld", cs,
               (long long)m, (long long)n);
      return -1;
    }
  }
  return 0;
}

int ref_gemm_compute(uint32_t input_count, const ref_tensor_t *inputs, const ref_attrs_t *attrs,
                     ref_tensor_t *out) {
  const ref_tensor_t *a = &inputs[0];
  const ref_tensor_t *b = &inputs[1];
  int64_t m = out->shape.dims[0];
  int64_t n = out->shape.dims[1];
  int64_t k = a->shape.dims[attrs->trans_a ? 0 : 1];
  int is_float = ref_tensor_is_float(a);
  if (!is_float && (attrs->alpha != 1.0 || attrs->beta != 1.0))
    return -1; /* integer Gemm is defined for alpha = beta = 1 only */
  /* A' (m x k): A stored m x k, or k x m when transposed. */
  ref_mat_t ma = attrs->trans_a ? (ref_mat_t){0, 1, (uint64_t)m}
                                : (ref_mat_t){0, (uint64_t)k, 1};
  ref_mat_t mb = attrs->trans_b ? (ref_mat_t){0, 1, (uint64_t)k}
                                : (ref_mat_t){0, (uint64_t)n, 1};
  ref_matmul_block(a, ma, b, mb, m, n, k, out, 0);
  out->reduction_length = (double)k + (input_count == 3 ? 1.0 : 0.0);
  int64_t coords[2] = {0, 0};
  for (uint64_t o = 0; o < out->count; o++) {
    if (is_float) {
      out->f[o] *= attrs->alpha;
      out->scale[o] *= fabs(attrs->alpha);
      if (input_count == 3) {
        const ref_tensor_t *c = &inputs[2];
        double t = attrs->beta * c->f[ref_broadcast_source(&c->shape, coords, 2)];
        out->f[o] += t;
        out->scale[o] += fabs(t);
      }
    } else if (input_count == 3) {
      const ref_tensor_t *c = &inputs[2];
      uint64_t t = (uint64_t)c->i[ref_broadcast_source(&c->shape, coords, 2)];
      out->i[o] = ref_wrap(out->dtype, (uint64_t)out->i[o] + t);
    }
    ref_next_coords(coords, &out->shape);
  }
  return 0;
}
