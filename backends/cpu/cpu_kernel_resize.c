/* cpu_kernel_resize.c - Resize (nearest, N-linear, cubic) from per-dim tap
 * tables (xop_resize_table): output element (c0..cr-1) is
 * sum over taps of prod_k weight_k(c_k, t_k) * in[index_k(c_k, t_k)...].
 * Threads take rows of the innermost output dim; each row first combines
 * the taps of its outer dims into (offset, weight) pairs, so the inner
 * loop is a short dot product (bilinear: 2 x 2). nearest copies one element
 * by size (every dtype, bit for bit: PaddleOCR's 2x upsampling is one load
 * per element); linear and cubic are computed in f32 and stored rounded
 * once (f16), or rounded to nearest even and saturated (i32, i64, u8). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_kernel_f16.h"
#include "cpu_kernel_gather.h"

typedef struct cpu_resize_dim {
  uint32_t taps;
  int64_t *off;  /* [out * taps]: input element offset, -1 for extrapolation */
  float *weight; /* [out * taps] */
} cpu_resize_dim_t;

typedef struct cpu_resize_job {
  int rank; /* >= 1 */
  const cpu_view_t *out, *in;
  cpu_resize_dim_t dim[XHAL_MAX_RANK];
  int64_t rows;
  int64_t combos; /* product of the outer dims' taps */
  int nearest;    /* copy one element by size */
  size_t esize;
  uint64_t extrapolation; /* element bits (xop_resize_extrapolation_bits) */
  int failed; /* a thread's scratch could not be allocated */
} cpu_resize_job_t;

static inline float cpu_resize_load(const cpu_view_t *v, int64_t off) {
  const void *d = v->data;
  switch (v->dtype) {
    case XHAL_DTYPE_F16:
      return cpu_f16_to_f32(((const uint16_t *)d)[off]);
    case XHAL_DTYPE_I32:
      return (float)((const int32_t *)d)[off];
    case XHAL_DTYPE_I64:
      return (float)((const int64_t *)d)[off];
    case XHAL_DTYPE_U8:
      return (float)((const uint8_t *)d)[off];
    default:
      return ((const float *)d)[off];
  }
}

/* Integer results: rounded to nearest even (rintf in the default rounding
 * mode) and saturated, as xop_resize_int_value does in double. */
static inline void cpu_resize_store(const cpu_resize_job_t *j, int64_t off, float v) {
  void *d = j->out->data;
  switch (j->out->dtype) {
    case XHAL_DTYPE_F16:
      ((uint16_t *)d)[off] = cpu_f32_to_f16(v);
      return;
    case XHAL_DTYPE_I32: {
      const float r = rintf(v);
      ((int32_t *)d)[off] = r != r ? 0 : r < -0x1p31f ? INT32_MIN : r >= 0x1p31f ? INT32_MAX
                                                                                : (int32_t)r;
      return;
    }
    case XHAL_DTYPE_I64: {
      const float r = rintf(v);
      ((int64_t *)d)[off] = r != r ? 0 : r < -0x1p63f ? INT64_MIN : r >= 0x1p63f ? INT64_MAX
                                                                                 : (int64_t)r;
      return;
    }
    case XHAL_DTYPE_U8: {
      const float r = rintf(v);
      ((uint8_t *)d)[off] = r > 0.0f ? (r < 255.0f ? (uint8_t)r : 255) : 0;
      return;
    }
    default:
      ((float *)d)[off] = v;
  }
}

/* Element bits of the extrapolation value at off. */
static inline void cpu_resize_store_bits(const cpu_resize_job_t *j, int64_t off) {
  char *d = (char *)j->out->data + (size_t)off * j->esize;
  switch (j->esize) {
    case 1:
      *(uint8_t *)d = (uint8_t)j->extrapolation;
      return;
    case 2:
      *(uint16_t *)(void *)d = (uint16_t)j->extrapolation;
      return;
    case 4:
      *(uint32_t *)(void *)d = (uint32_t)j->extrapolation;
      return;
    default:
      *(uint64_t *)(void *)d = j->extrapolation;
  }
}

/* nearest: element src of in to element dst of out, by size. */
static inline void cpu_resize_copy(const cpu_resize_job_t *j, int64_t dst, int64_t src) {
  const void *in = j->in->data;
  void *out = j->out->data;
  switch (j->esize) {
    case 1:
      ((uint8_t *)out)[dst] = ((const uint8_t *)in)[src];
      return;
    case 2:
      ((uint16_t *)out)[dst] = ((const uint16_t *)in)[src];
      return;
    case 4:
      ((uint32_t *)out)[dst] = ((const uint32_t *)in)[src];
      return;
    default:
      ((uint64_t *)out)[dst] = ((const uint64_t *)in)[src];
  }
}

static void cpu_resize_range(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  cpu_resize_job_t *j = ctx;
  const int last = j->rank - 1;
  const cpu_resize_dim_t *inner = &j->dim[last];
  const int64_t len = j->out->dims[last], so = j->out->strides[last];
  const uint32_t taps = inner->taps;
  int64_t *coff = malloc((size_t)j->combos * sizeof *coff);
  float *cw = malloc((size_t)j->combos * sizeof *cw);
  if (!coff || !cw) {
    __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
    free(coff);
    free(cw);
    return;
  }
  int64_t idx[XHAL_MAX_RANK];
  for (int64_t row = begin; row < end; ++row) {
    /* Outer coordinates of the row, and its output offset. */
    int64_t r = row, oo = 0;
    for (int k = last - 1; k >= 0; --k) {
      idx[k] = r % j->out->dims[k];
      r /= j->out->dims[k];
      oo += idx[k] * j->out->strides[k];
    }
    int64_t n = 1;
    int extrap = 0;
    coff[0] = 0, cw[0] = 1.0f;
    for (int k = 0; k < last && !extrap; ++k) {
      const cpu_resize_dim_t *d = &j->dim[k];
      const int64_t *off = d->off + idx[k] * d->taps;
      const float *w = d->weight + idx[k] * d->taps;
      if (off[0] < 0) extrap = 1;
      if (d->taps == 1) {
        for (int64_t c = 0; c < n; ++c) coff[c] += off[0], cw[c] *= w[0];
        continue;
      }
      for (int64_t c = n - 1; c >= 0; --c) { /* expand in place, back to front */
        for (uint32_t t = d->taps; t-- > 0;) {
          coff[c * d->taps + t] = coff[c] + off[t];
          cw[c * d->taps + t] = cw[c] * w[t];
        }
      }
      n *= d->taps;
    }
    if (j->nearest) { /* one tap per dim: n == 1 */
      for (int64_t i = 0; i < len; ++i) {
        const int64_t off = inner->off[i];
        if (extrap || off < 0)
          cpu_resize_store_bits(j, oo + i * so);
        else
          cpu_resize_copy(j, oo + i * so, coff[0] + off);
      }
      continue;
    }
    for (int64_t i = 0; i < len; ++i) {
      const int64_t *off = inner->off + i * taps;
      const float *w = inner->weight + i * taps;
      if (extrap || off[0] < 0) {
        cpu_resize_store_bits(j, oo + i * so);
        continue;
      }
      float sum = 0.0f;
      for (int64_t c = 0; c < n; ++c) {
        float s = 0.0f;
        for (uint32_t t = 0; t < taps; ++t) s += w[t] * cpu_resize_load(j->in, coff[c] + off[t]);
        sum += cw[c] * s;
      }
      cpu_resize_store(j, oo + i * so, sum);
    }
  }
  free(coff);
  free(cw);
}

static void cpu_resize_free(cpu_resize_job_t *j) {
  for (int k = 0; k < XHAL_MAX_RANK; ++k) {
    free(j->dim[k].off);
    free(j->dim[k].weight);
  }
}

int32_t cpu_kernel_resize(const cpu_view_t *out, const cpu_view_t *in,
                          const xop_gather_params_t *g) {
  const int64_t count = cpu_view_count(out);
  if (count == 0) return XHAL_STATUS_OK;
  if (out->rank == 0) { /* a scalar resizes to itself */
    memcpy(out->data, in->data, cpu_dtype_size(out->dtype));
    return XHAL_STATUS_OK;
  }
  cpu_resize_job_t j;
  memset(&j, 0, sizeof j);
  j.rank = (int)out->rank;
  j.out = out;
  j.in = in;
  j.rows = count / out->dims[j.rank - 1];
  j.combos = 1;
  j.nearest = g->resize_mode == XOP_RESIZE_NEAREST;
  j.esize = cpu_dtype_size(out->dtype);
  j.extrapolation = xop_resize_extrapolation_bits(out->dtype, g->extrapolation);
  for (int k = 0; k < j.rank; ++k) {
    cpu_resize_dim_t *d = &j.dim[k];
    const size_t n = (size_t)out->dims[k] * 4;
    d->off = malloc(n * sizeof *d->off);
    d->weight = malloc(n * sizeof *d->weight);
    if (!d->off || !d->weight) {
      cpu_resize_free(&j);
      return XHAL_STATUS_OUT_OF_MEMORY;
    }
    d->taps = xop_resize_table(g, out->rank, (uint32_t)k, in->dims[k], out->dims[k], d->off,
                               d->weight);
    for (size_t i = 0; i < (size_t)out->dims[k] * d->taps; ++i)
      if (d->off[i] >= 0) d->off[i] *= in->strides[k];
    if (k < j.rank - 1) j.combos *= d->taps;
  }
  const int64_t work = out->dims[j.rank - 1] * j.combos * j.dim[j.rank - 1].taps;
  cpu_parallel_run(cpu_parallel_threads(j.rows, work), j.rows, cpu_resize_range, &j);
  cpu_resize_free(&j);
  return j.failed ? XHAL_STATUS_OUT_OF_MEMORY : XHAL_STATUS_OK;
}
