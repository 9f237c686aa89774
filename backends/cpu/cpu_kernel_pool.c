/* cpu_kernel_pool.c - the pooling ops as direct kernels (see
 * cpu_kernel_pool.h). */
#include "cpu_kernel_pool.h"

#include <math.h>

#include "cpu_kernel_conv.h"

typedef struct cpu_pool {
  const cpu_conv_geom_t *q;
  const cpu_view_t *x, *y;
  int is_max;
  int count_include_pad;
  const cpu_view_t *indices; /* MaxPool's Indices (i64) or NULL */
  int storage_order;
} cpu_pool_t;

/* Element i of x as f32: f32, f16 or (MaxPool) u8. */
static inline float cpu_pool_load(const char *data, uint32_t dtype, int64_t i) {
  if (dtype == XHAL_DTYPE_U8) return (float)((const uint8_t *)(const void *)data)[i];
  return cpu_conv_load(data, dtype, i);
}

/* Stores a pool result; u8 (MaxPool only) takes the maximum of u8 values,
 * exact in f32, and an empty window's -Inf becomes 0, u8's lowest value:
 * padding never wins over a real element. */
static inline void cpu_pool_store(char *data, uint32_t dtype, int64_t i, float v) {
  if (dtype == XHAL_DTYPE_U8) {
    ((uint8_t *)(void *)data)[i] = v > 0.0f ? (uint8_t)v : 0;
    return;
  }
  cpu_conv_store(data, dtype, i, v);
}

/* Taps [lo, hi) of a window starting at start (dilation d, k taps) that
 * fall inside [0, in). */
static void cpu_pool_taps(int64_t start, int64_t k, int64_t d, int64_t in, int64_t *lo,
                          int64_t *hi) {
  *lo = start >= 0 ? 0 : (-start + d - 1) / d;
  *hi = in - 1 - start < 0 ? 0 : (in - 1 - start) / d + 1;
  if (*hi > k) *hi = k;
  if (*lo > *hi) *lo = *hi;
}

static float cpu_pool_one(const cpu_pool_t *a, int64_t base, const int64_t *start) {
  const cpu_conv_geom_t *q = a->q;
  const char *xd = a->x->data;
  const uint32_t dt = a->x->dtype;
  int64_t lo[3], hi[3];
  for (int j = 0; j < 3; ++j) cpu_pool_taps(start[j], q->k[j], q->d[j], q->in[j], &lo[j], &hi[j]);
  if (a->is_max) {
    float m = -INFINITY;
    for (int64_t t0 = lo[0]; t0 < hi[0]; ++t0) {
      for (int64_t t1 = lo[1]; t1 < hi[1]; ++t1) {
        const int64_t row = base + (start[0] + t0 * q->d[0]) * q->xs[2] +
                            (start[1] + t1 * q->d[1]) * q->xs[3] + start[2] * q->xs[4];
        const int64_t step = q->d[2] * q->xs[4];
        for (int64_t t2 = lo[2]; t2 < hi[2]; ++t2) {
          const float v = cpu_pool_load(xd, dt, row + t2 * step);
          if (v > m || v != v) m = v; /* a NaN stays */
        }
      }
    }
    return m;
  }
  float total = 0.0f;
  for (int64_t t0 = lo[0]; t0 < hi[0]; ++t0) {
    for (int64_t t1 = lo[1]; t1 < hi[1]; ++t1) {
      const int64_t row = base + (start[0] + t0) * q->xs[2] + (start[1] + t1) * q->xs[3] +
                          start[2] * q->xs[4];
      float sum = 0.0f;
      if (dt == XHAL_DTYPE_F32 && q->xs[4] == 1) {
        const float *src = (const float *)(const void *)xd + row;
        CPU_SIMD_SUM(sum)
        for (int64_t t2 = lo[2]; t2 < hi[2]; ++t2) sum += src[t2];
      } else {
        for (int64_t t2 = lo[2]; t2 < hi[2]; ++t2) sum += cpu_conv_load(xd, dt, row + t2 * q->xs[4]);
      }
      total += sum;
    }
  }
  int64_t count = 1;
  for (int j = 0; j < 3; ++j) {
    if (a->count_include_pad) {
      const int64_t end = start[j] + q->k[j] < q->in[j] + q->pe[j] ? start[j] + q->k[j]
                                                                   : q->in[j] + q->pe[j];
      count *= end - start[j];
    } else {
      count *= hi[j] - lo[j];
    }
  }
  return total / (float)count;
}

/* MaxPool with Indices: the first maximum in window order (t0, t1, t2
 * nested, the last fastest), or the first NaN; *index is its flat position
 * in X (n, c, spatial), spatial dims row-major (storage_order 0) or
 * column-major (1); -1 for a window with no tap inside X (value -Inf). */
static float cpu_pool_max_index(const cpu_pool_t *a, int64_t base, int64_t nc,
                                const int64_t *start, int64_t *index) {
  const cpu_conv_geom_t *q = a->q;
  int64_t lo[3], hi[3];
  for (int j = 0; j < 3; ++j) cpu_pool_taps(start[j], q->k[j], q->d[j], q->in[j], &lo[j], &hi[j]);
  float m = -INFINITY;
  int64_t best = -1;
  const int64_t plane = q->in[0] * q->in[1] * q->in[2];
  for (int64_t t0 = lo[0]; t0 < hi[0]; ++t0) {
    const int64_t i0 = start[0] + t0 * q->d[0];
    for (int64_t t1 = lo[1]; t1 < hi[1]; ++t1) {
      const int64_t i1 = start[1] + t1 * q->d[1];
      for (int64_t t2 = lo[2]; t2 < hi[2]; ++t2) {
        const int64_t i2 = start[2] + t2 * q->d[2];
        const float v = cpu_pool_load(a->x->data, a->x->dtype,
                                      base + i0 * q->xs[2] + i1 * q->xs[3] + i2 * q->xs[4]);
        if (m != m) continue; /* the first NaN stays */
        if (best < 0 || v > m || v != v) {
          m = v;
          best = a->storage_order ? i0 + q->in[0] * (i1 + q->in[1] * i2)
                                  : (i0 * q->in[1] + i1) * q->in[2] + i2;
        }
      }
    }
  }
  *index = best < 0 ? -1 : nc * plane + best;
  return m;
}

static void cpu_pool_rows(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_pool_t *a = ctx;
  const cpu_conv_geom_t *q = a->q;
  for (int64_t item = begin; item < end; ++item) {
    const int64_t o1 = item % q->out[1], r = item / q->out[1];
    const int64_t o0 = r % q->out[0], nc = r / q->out[0];
    const int64_t ch = nc % q->c, img = nc / q->c;
    const int64_t base = img * q->xs[0] + ch * q->xs[1];
    const int64_t yoff = img * q->ys[0] + ch * q->ys[1] + o0 * q->ys[2] + o1 * q->ys[3];
    int64_t start[3] = {o0 * q->s[0] - q->p[0], o1 * q->s[1] - q->p[1], 0};
    if (a->indices) {
      const cpu_view_t *iv = a->indices;
      int64_t *id = (int64_t *)(void *)iv->data;
      const int64_t ioff = img * iv->strides[0] + ch * iv->strides[1] +
                           o0 * a->q->is[2] + o1 * a->q->is[3];
      for (int64_t o2 = 0; o2 < q->out[2]; ++o2) {
        start[2] = o2 * q->s[2] - q->p[2];
        int64_t index;
        const float v = cpu_pool_max_index(a, base, nc, start, &index);
        cpu_pool_store(a->y->data, a->y->dtype, yoff + o2 * q->ys[4], v);
        id[ioff + o2 * q->is[4]] = index;
      }
      continue;
    }
    for (int64_t o2 = 0; o2 < q->out[2]; ++o2) {
      start[2] = o2 * q->s[2] - q->p[2];
      cpu_pool_store(a->y->data, a->y->dtype, yoff + o2 * q->ys[4], cpu_pool_one(a, base, start));
    }
  }
}

int32_t cpu_kernel_pool(uint32_t op, const cpu_view_t *y, const cpu_view_t *x,
                        const xop_conv_t *g, const cpu_view_t *indices) {
  if (cpu_view_count(y) == 0) return XHAL_STATUS_OK;
  cpu_conv_geom_t q;
  cpu_conv_geom_init(&q, y, x, NULL, g);
  cpu_pool_t a = {&q,
                  x,
                  y,
                  op == XHAL_OP_MAX_POOL || op == XHAL_OP_GLOBAL_MAX_POOL,
                  g->count_include_pad,
                  op == XHAL_OP_MAX_POOL ? indices : NULL,
                  g->storage_order};
  if (a.indices) { /* Indices' strides on the 3 padded spatial dims, like ys */
    const uint32_t lead = 3 - g->spatial;
    for (uint32_t j = 0; j < g->spatial; ++j) q.is[2 + lead + j] = indices->strides[2 + j];
  }
  const int64_t items = q.n * q.c * q.out[0] * q.out[1];
  const int64_t cost = q.out[2] * q.k[0] * q.k[1] * q.k[2];
  cpu_parallel_run(cpu_parallel_threads(items, cost), items, cpu_pool_rows, &a);
  return XHAL_STATUS_OK;
}
