/* cpu_kernel_conv.c - Conv (im2col + sgemm, direct depthwise) and
 * ConvTranspose (sgemm + col2im) over strided f32/f16 views. */
#include "cpu_kernel_conv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_device.h"
#include "cpu_error.h"
#include "cpu_kernel_matmul.h"

void cpu_conv_geom_init(cpu_conv_geom_t *q, const cpu_view_t *y, const cpu_view_t *x,
                        const cpu_view_t *w, const xop_conv_t *g) {
  memset(q, 0, sizeof *q);
  const uint32_t n = g->spatial, lead = 3 - n;
  q->n = x->dims[0], q->c = x->dims[1], q->m = y->dims[1];
  for (int k = 0; k < 2; ++k) {
    q->xs[k] = x->strides[k], q->ys[k] = y->strides[k];
    if (w) q->ws[k] = w->strides[k];
  }
  for (uint32_t j = 0; j < 3; ++j) {
    q->in[j] = q->out[j] = q->k[j] = q->s[j] = q->d[j] = 1;
  }
  for (uint32_t j = 0; j < n; ++j) {
    const uint32_t J = lead + j;
    q->in[J] = x->dims[2 + j], q->out[J] = y->dims[2 + j];
    q->k[J] = g->kernel[j], q->s[J] = g->strides[j], q->d[J] = g->dilations[j];
    q->p[J] = g->pads[j], q->pe[J] = g->pads_end[j];
    q->xs[2 + J] = x->strides[2 + j], q->ys[2 + J] = y->strides[2 + j];
    if (w) q->ws[2 + J] = w->strides[2 + j];
  }
}

/* 1 if the 3 spatial dims (extents dims, strides st) walk memory with one
 * stride *ls in row-major order. */
static int cpu_conv_linear(const int64_t *dims, const int64_t *st, int64_t *ls) {
  int inner = 2;
  while (inner > 0 && dims[inner] == 1) --inner;
  *ls = dims[inner] == 1 ? 1 : st[inner];
  int64_t span = *ls * dims[inner];
  for (int j = inner - 1; j >= 0; --j) {
    if (dims[j] > 1 && st[j] != span) return 0;
    span *= dims[j];
  }
  return 1;
}

/* [lo, hi): the o with 0 <= o * s + off < in, clamped to [0, n). */
static void cpu_conv_range(int64_t n, int64_t s, int64_t off, int64_t in, int64_t *lo,
                           int64_t *hi) {
  *lo = off >= 0 ? 0 : (-off + s - 1) / s;
  *hi = in - 1 - off < 0 ? 0 : (in - 1 - off) / s + 1;
  if (*hi > n) *hi = n;
  if (*lo > *hi) *lo = *hi;
}

static int32_t cpu_conv_alloc(int64_t count, float **out) {
  if (count < 0 || (uint64_t)count > SIZE_MAX / sizeof(float) / 2) {
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "conv: scratch of %lld floats is too large",
                     (long long)count);
  }
  *out = malloc((size_t)(count ? count : 1) * sizeof(float));
  if (!*out) {
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "conv: scratch allocation of %lld floats failed",
                     (long long)count);
  }
  return XHAL_STATUS_OK;
}

/* W (d0, d1, k0, k1, k2) as a contiguous f32 array. */
static int32_t cpu_conv_pack_weights(const cpu_conv_geom_t *q, const cpu_view_t *w, float **wf) {
  const int64_t d0 = w->dims[0], d1 = w->dims[1], kk = q->k[0] * q->k[1] * q->k[2];
  CPU_RETURN_IF_ERROR(cpu_conv_alloc(d0 * d1 * kk, wf));
  float *dst = *wf;
  for (int64_t i = 0; i < d0; ++i)
    for (int64_t j = 0; j < d1; ++j)
      for (int64_t t0 = 0; t0 < q->k[0]; ++t0)
        for (int64_t t1 = 0; t1 < q->k[1]; ++t1)
          for (int64_t t2 = 0; t2 < q->k[2]; ++t2)
            *dst++ = cpu_conv_load(w->data, w->dtype,
                                   i * q->ws[0] + j * q->ws[1] + t0 * q->ws[2] + t1 * q->ws[3] +
                                       t2 * q->ws[4]);
  return XHAL_STATUS_OK;
}

/* W packed as above (w NULL: W is used in place, nothing packed) and B as
 * f32 (or NULL). */
static int32_t cpu_conv_pack_params(const cpu_conv_geom_t *q, const cpu_view_t *w,
                                    const cpu_view_t *b, float **wf, float **bf) {
  *wf = *bf = NULL;
  if (w) CPU_RETURN_IF_ERROR(cpu_conv_pack_weights(q, w, wf));
  if (!b) return XHAL_STATUS_OK;
  int32_t status = cpu_conv_alloc(q->m, bf);
  if (status != XHAL_STATUS_OK) {
    free(*wf);
    *wf = NULL;
    return status;
  }
  for (int64_t i = 0; i < q->m; ++i) (*bf)[i] = cpu_conv_load(b->data, b->dtype, i * b->strides[0]);
  return XHAL_STATUS_OK;
}

static cpu_view_t cpu_conv_mat(const void *data, int64_t rows, int64_t cols, int64_t rs,
                               int64_t cs) {
  cpu_view_t v;
  memset(&v, 0, sizeof v);
  v.data = (char *)(uintptr_t)data;
  v.dtype = XHAL_DTYPE_F32;
  v.rank = 2;
  v.dims[0] = rows, v.dims[1] = cols;
  v.strides[0] = rs, v.strides[1] = cs;
  return v;
}

/* ---- Conv: direct kernel for one input channel per group --------------------------------- */

typedef struct cpu_dw {
  const cpu_conv_geom_t *q;
  const cpu_view_t *x, *y;
  const float *wf, *bf;
  int64_t mg;
  float *scratch; /* per thread: out2 accumulators + in2 converted inputs */
  int64_t scratch_per_thread;
} cpu_dw_t;

static void cpu_dw_rows(void *ctx, int thread, int64_t begin, int64_t end) {
  const cpu_dw_t *a = ctx;
  const cpu_conv_geom_t *q = a->q;
  const int64_t out1 = q->out[1], out2 = q->out[2], in1 = q->in[1], in2 = q->in[2];
  const int64_t k1 = q->k[1], k2 = q->k[2], s2 = q->s[2];
  float *acc = a->scratch + thread * a->scratch_per_thread, *xrow = acc + out2;
  const int direct = a->x->dtype == XHAL_DTYPE_F32 && q->xs[4] == 1;
  for (int64_t item = begin; item < end; ++item) {
    const int64_t o1 = item % out1, nm = item / out1, mo = nm % q->m, img = nm / q->m;
    const int64_t ci = mo / a->mg;
    const float bias = a->bf ? a->bf[mo] : 0.0f;
    for (int64_t j = 0; j < out2; ++j) acc[j] = bias;
    const float *wrow = a->wf + mo * k1 * k2;
    for (int64_t t1 = 0; t1 < k1; ++t1) {
      const int64_t i1 = o1 * q->s[1] - q->p[1] + t1 * q->d[1];
      if (i1 < 0 || i1 >= in1) {
        /* Zero padding: 0 * w only matters for a non-finite w (NaN). */
        for (int64_t t2 = 0; t2 < k2; ++t2) {
          const float wv = wrow[t1 * k2 + t2];
          if (!isfinite(wv))
            for (int64_t j = 0; j < out2; ++j) acc[j] += wv * 0.0f;
        }
        continue;
      }
      const int64_t base = img * q->xs[0] + ci * q->xs[1] + i1 * q->xs[3];
      const float *xr;
      if (direct) {
        xr = (const float *)(const void *)a->x->data + base;
      } else {
        for (int64_t i = 0; i < in2; ++i)
          xrow[i] = cpu_conv_load(a->x->data, a->x->dtype, base + i * q->xs[4]);
        xr = xrow;
      }
      for (int64_t t2 = 0; t2 < k2; ++t2) {
        const float wv = wrow[t1 * k2 + t2];
        const int64_t off = t2 * q->d[2] - q->p[2];
        int64_t lo, hi;
        cpu_conv_range(out2, s2, off, in2, &lo, &hi);
        if (!isfinite(wv)) {
          for (int64_t j = 0; j < lo; ++j) acc[j] += wv * 0.0f;
          for (int64_t j = hi; j < out2; ++j) acc[j] += wv * 0.0f;
        }
        if (s2 == 1) {
          CPU_SIMD
          for (int64_t j = lo; j < hi; ++j) acc[j] += wv * xr[j + off];
        } else {
          for (int64_t j = lo; j < hi; ++j) acc[j] += wv * xr[j * s2 + off];
        }
      }
    }
    const int64_t yoff = img * q->ys[0] + mo * q->ys[1] + o1 * q->ys[3];
    if (a->y->dtype == XHAL_DTYPE_F32) {
      float *yr = (float *)(void *)a->y->data + yoff;
      for (int64_t j = 0; j < out2; ++j) yr[j * q->ys[4]] = acc[j];
    } else {
      cpu_f16_store((uint16_t *)(void *)a->y->data + yoff, q->ys[4], acc, out2);
    }
  }
}

static int32_t cpu_conv_depthwise(const cpu_conv_geom_t *q, const cpu_view_t *y,
                                  const cpu_view_t *x, const float *wf, const float *bf,
                                  int64_t mg) {
  const int64_t items = q->n * q->m * q->out[1];
  const int threads = cpu_parallel_threads(items, q->out[2] * q->k[1] * q->k[2]);
  cpu_dw_t a = {q, x, y, wf, bf, mg, NULL, q->out[2] + q->in[2]};
  CPU_RETURN_IF_ERROR(cpu_conv_alloc(threads * a.scratch_per_thread, &a.scratch));
  cpu_parallel_run(threads, items, cpu_dw_rows, &a);
  free(a.scratch);
  return XHAL_STATUS_OK;
}

/* ---- Conv: im2col + sgemm in per-thread tiles ------------------------------------------- */

/* The output of one image and group is the product Y_g (mg, P) = W_g (mg, K)
 * * col (K, P), P the flattened output positions, K = cg * kk. It is cut
 * into column tiles; each kernel thread takes whole tiles: it builds its
 * tile's im2col rows in its own scratch (none for a pointwise conv, whose
 * input already is the matrix), multiplies on its own thread
 * (cpu_sgemm_plain(1, ...)) straight into y, and adds the bias while the
 * tile is still in cache. One parallel region per launch, no team inside a
 * team, no pass over y but the product's. */
typedef struct cpu_conv_run {
  const cpu_conv_geom_t *q;
  const cpu_view_t *x, *y;
  const float *wf, *bf; /* (m, K) row-major; m or NULL */
  int64_t group, cg, mg, kk, k;
  int64_t p;            /* output positions per image */
  int64_t tile, tiles;  /* columns per tile, tiles per image and group */
  int64_t mblock, mblocks; /* output channels per block, blocks per group */
  int pointwise;        /* 1x1, stride 1, no pads, f32 x, linear unit-stride spatial dims */
  int y_direct;         /* f32 y with linear unit-stride spatial dims */
  int gemm_threads;     /* threads for each product: 1 inside the tile loop */
  float *scratch;
  int64_t scratch_per_thread;
} cpu_conv_run_t;

/* Rows (channel c0 + c, tap t) of col (K, cols): the inputs under output
 * positions [p0, p0 + cols) of image img, zero where the window is off the
 * input. */
static void cpu_im2col_tile(const cpu_conv_run_t *r, int64_t img, int64_t c0, int64_t p0,
                            int64_t cols, float *col) {
  const cpu_conv_geom_t *q = r->q;
  const cpu_view_t *x = r->x;
  const int64_t out2 = q->out[2], s2 = q->s[2], xs4 = q->xs[4];
  for (int64_t row = 0; row < r->k; ++row) {
    const int64_t c = row / r->kk, t = row % r->kk;
    const int64_t t2 = t % q->k[2], t1 = (t / q->k[2]) % q->k[1], t0 = t / (q->k[1] * q->k[2]);
    const int64_t off = t2 * q->d[2] - q->p[2];
    int64_t lo, hi;
    cpu_conv_range(out2, s2, off, q->in[2], &lo, &hi);
    float *dst = col + row * cols - p0;
    for (int64_t pos = p0; pos < p0 + cols;) {
      const int64_t outer = pos / out2, j0 = pos % out2;
      const int64_t j1 = out2 - j0 < p0 + cols - pos ? out2 : j0 + (p0 + cols - pos);
      float *d = dst + pos - j0; /* d[j]: output column j of this outer row */
      pos += j1 - j0;
      const int64_t o1 = outer % q->out[1], o0 = outer / q->out[1];
      const int64_t i0 = o0 * q->s[0] - q->p[0] + t0 * q->d[0];
      const int64_t i1 = o1 * q->s[1] - q->p[1] + t1 * q->d[1];
      if (i0 < 0 || i0 >= q->in[0] || i1 < 0 || i1 >= q->in[1]) {
        memset(d + j0, 0, (size_t)(j1 - j0) * sizeof *d);
        continue;
      }
      const int64_t a = lo > j0 ? (lo < j1 ? lo : j1) : j0;
      const int64_t b = hi < j1 ? (hi > a ? hi : a) : j1;
      for (int64_t j = j0; j < a; ++j) d[j] = 0.0f;
      for (int64_t j = b; j < j1; ++j) d[j] = 0.0f;
      const int64_t base = img * q->xs[0] + (c0 + c) * q->xs[1] + i0 * q->xs[2] + i1 * q->xs[3];
      if (x->dtype == XHAL_DTYPE_F32) {
        const float *src = (const float *)(const void *)x->data + base + off * xs4;
        if (s2 * xs4 == 1)
          memcpy(d + a, src + a, (size_t)(b - a) * sizeof *d);
        else
          for (int64_t j = a; j < b; ++j) d[j] = src[j * s2 * xs4];
      } else {
        const uint16_t *src = (const uint16_t *)(const void *)x->data + base;
        for (int64_t j = a; j < b; ++j) d[j] = cpu_f16_to_f32(src[(j * s2 + off) * xs4]);
      }
    }
  }
}

/* ybuf (mg, cols) -> y channels m0.., output positions [p0, p0 + cols). */
static void cpu_conv_store_tile(const cpu_conv_geom_t *q, const cpu_view_t *y, const float *ybuf,
                                int64_t img, int64_t m0, int64_t mg, int64_t p0, int64_t cols) {
  const int64_t out2 = q->out[2];
  for (int64_t m = 0; m < mg; ++m) {
    for (int64_t pos = p0; pos < p0 + cols;) {
      const int64_t outer = pos / out2, j0 = pos % out2;
      const int64_t n = out2 - j0 < p0 + cols - pos ? out2 - j0 : p0 + cols - pos;
      const int64_t o1 = outer % q->out[1], o0 = outer / q->out[1];
      const int64_t off = img * q->ys[0] + (m0 + m) * q->ys[1] + o0 * q->ys[2] + o1 * q->ys[3] +
                          j0 * q->ys[4];
      const float *src = ybuf + m * cols + (pos - p0);
      if (y->dtype == XHAL_DTYPE_F32) {
        float *dst = (float *)(void *)y->data + off;
        for (int64_t j = 0; j < n; ++j) dst[j * q->ys[4]] = src[j];
      } else {
        cpu_f16_store((uint16_t *)(void *)y->data + off, q->ys[4], src, n);
      }
      pos += n;
    }
  }
}

/* Item (img, grp, channel block, tile) -> one tile of the output. */
static void cpu_conv_tiles(void *ctx, int thread, int64_t begin, int64_t end) {
  const cpu_conv_run_t *r = ctx;
  const cpu_conv_geom_t *q = r->q;
  float *col = r->scratch ? r->scratch + thread * r->scratch_per_thread : NULL;
  float *ybuf = r->pointwise || !col ? col : col + r->k * r->tile;
  for (int64_t item = begin; item < end; ++item) {
    const int64_t tile = item % r->tiles, mb = item / r->tiles % r->mblocks;
    const int64_t ig = item / r->tiles / r->mblocks;
    const int64_t grp = ig % r->group, img = ig / r->group;
    const int64_t p0 = tile * r->tile, cols = r->p - p0 < r->tile ? r->p - p0 : r->tile;
    const int64_t m0 = grp * r->mg + mb * r->mblock;
    const int64_t rows = r->mg - mb * r->mblock < r->mblock ? r->mg - mb * r->mblock : r->mblock;
    const float *bmat;
    int64_t ldb;
    if (r->pointwise) {
      bmat = (const float *)(const void *)r->x->data + img * q->xs[0] + grp * r->cg * q->xs[1] + p0;
      ldb = r->cg > 1 ? q->xs[1] : cols;
    } else {
      cpu_im2col_tile(r, img, grp * r->cg, p0, cols, col);
      bmat = col;
      ldb = cols;
    }
    float *cmat;
    int64_t ldc;
    if (r->y_direct) {
      cmat = (float *)(void *)r->y->data + img * q->ys[0] + m0 * q->ys[1] + p0;
      ldc = rows > 1 ? q->ys[1] : cols;
    } else {
      cmat = ybuf;
      ldc = cols;
    }
    cpu_sgemm_plain(r->gemm_threads, rows, cols, r->k, r->wf + m0 * r->k, r->k, bmat, ldb, cmat,
                    ldc);
    /* After the product, while the tile is in cache (measured faster than
     * pre-loading the bias and multiplying with beta = 1). */
    if (r->bf) {
      for (int64_t m = 0; m < rows; ++m) {
        const float bias = r->bf[m0 + m];
        float *row = cmat + m * ldc;
        CPU_SIMD
        for (int64_t j = 0; j < cols; ++j) row[j] += bias;
      }
    }
    if (!r->y_direct) cpu_conv_store_tile(q, r->y, ybuf, img, m0, rows, p0, cols);
  }
}

/* Tile width: the im2col tile (K, tile) or, for a pointwise conv, the output
 * tile (mg, tile) at most this many floats, so that what the product reads
 * or the bias pass touches is still in L2. */
#define CPU_CONV_TILE_FLOATS (64 * 1024)
/* With OpenBLAS the tiles run one after the other, each product on all
 * threads: tiles as large as the old whole-layer blocks (16 MiB), so that
 * each threaded product has enough columns to split. */
#define CPU_CONV_TILE_SERIAL_FLOATS (4 * 1024 * 1024)

static int32_t cpu_conv_gemm(cpu_conv_run_t *r) {
  const cpu_conv_geom_t *q = r->q;
  const int64_t ng = q->n * r->group;
  const int concurrent = cpu_sgemm_concurrent();
  const int threads = cpu_kernel_threads() > 1 ? cpu_kernel_threads() : 1;
  const int64_t per_col = r->pointwise ? (r->mg > 0 ? r->mg : 1) : (r->k > 0 ? r->k : 1);
  int64_t tile = (concurrent ? CPU_CONV_TILE_FLOATS : CPU_CONV_TILE_SERIAL_FLOATS) / per_col;
  if (tile < 16) tile = 16;
  if (tile > r->p) tile = r->p;
  int64_t tiles = (r->p + tile - 1) / tile;
  r->mblocks = 1, r->mblock = r->mg;
  if (r->pointwise && concurrent && threads > 1 && ng < threads && tiles < 2 * threads) {
    /* Few columns (a small feature map): threads split by columns would
     * each get a thin product; split the output channels instead, each
     * thread reading all of X's columns and its rows of W. */
    r->mblocks = threads / ng;
    r->mblock = (r->mg + r->mblocks - 1) / r->mblocks;
    r->mblocks = (r->mg + r->mblock - 1) / r->mblock;
    tile = r->p;
    tiles = 1;
  } else if (concurrent && threads > 1) {
    /* Whole rounds of threads, so that no thread idles at the end. */
    const int64_t rounds = (ng * tiles + threads - 1) / threads;
    tiles = (rounds * threads + ng - 1) / ng;
    if (tiles > r->p) tiles = r->p;
    tile = (r->p + tiles - 1) / tiles;
    tiles = (r->p + tile - 1) / tile;
  }
  r->tile = tile, r->tiles = tiles;
  const int64_t items = ng * r->mblocks * tiles;
  const int outer = concurrent ? cpu_parallel_threads(items, r->mblock * r->k * tile) : 1;
  r->gemm_threads = concurrent ? 1 : threads;
  r->scratch_per_thread = (r->pointwise ? 0 : r->k * tile) + (r->y_direct ? 0 : r->mblock * tile);
  if (r->scratch_per_thread > 0)
    CPU_RETURN_IF_ERROR(cpu_conv_alloc(outer * r->scratch_per_thread, &r->scratch));
  cpu_parallel_run(outer, items, cpu_conv_tiles, r);
  free(r->scratch);
  return XHAL_STATUS_OK;
}

/* 1 if v's strides are those of a packed row-major array of its dims. */
static int cpu_conv_packed(const cpu_view_t *v) {
  int64_t span = 1;
  for (int j = (int)v->rank - 1; j >= 0; --j) {
    if (v->dims[j] > 1 && v->strides[j] != span) return 0;
    span *= v->dims[j];
  }
  return 1;
}

int32_t cpu_kernel_conv(const cpu_view_t *y, const cpu_view_t *x, const cpu_view_t *w,
                        const cpu_view_t *b, const xop_conv_t *g) {
  if (cpu_view_count(y) == 0) return XHAL_STATUS_OK;
  cpu_conv_geom_t q;
  cpu_conv_geom_init(&q, y, x, w, g);
  float *wf = NULL, *bf = NULL;
  /* A packed f32 W is already the (m, K) matrix the product reads. */
  const int w_in_place = w->dtype == XHAL_DTYPE_F32 && cpu_conv_packed(w);
  CPU_RETURN_IF_ERROR(cpu_conv_pack_params(&q, w_in_place ? NULL : w, b, &wf, &bf));
  cpu_conv_run_t r;
  memset(&r, 0, sizeof r);
  r.q = &q, r.x = x, r.y = y, r.bf = bf;
  r.wf = w_in_place ? (const float *)(const void *)w->data : wf;
  r.group = g->group, r.cg = q.c / g->group, r.mg = q.m / g->group;
  r.kk = q.k[0] * q.k[1] * q.k[2];
  r.k = r.cg * r.kk;
  r.p = q.out[0] * q.out[1] * q.out[2];
  int32_t status;
  if (r.cg == 1 && q.in[0] == 1 && q.out[0] == 1 && q.k[0] == 1) {
    status = cpu_conv_depthwise(&q, y, x, r.wf, bf, r.mg);
  } else {
    int plain = r.kk == 1 && x->dtype == XHAL_DTYPE_F32;
    for (int j = 0; j < 3; ++j) plain = plain && q.s[j] == 1 && q.p[j] == 0 && q.pe[j] == 0;
    int64_t ls = 0;
    r.pointwise = plain && cpu_conv_linear(q.in, q.xs + 2, &ls) && ls == 1 &&
                  (r.cg == 1 || q.xs[1] >= r.p);
    r.y_direct = y->dtype == XHAL_DTYPE_F32 && cpu_conv_linear(q.out, q.ys + 2, &ls) &&
                 ls == 1 && (r.mg == 1 || q.ys[1] >= r.p);
    status = cpu_conv_gemm(&r);
  }
  free(wf);
  free(bf);
  return status;
}

/* ---- ConvTranspose: sgemm + col2im ------------------------------------------------------- */

typedef struct cpu_col2im {
  const cpu_conv_geom_t *q;
  const float *col; /* (mg * kk, in-spatial) */
  const float *bf;  /* bias of the group's first channel, or NULL */
  float *acc;       /* (mg, out-spatial) */
  int64_t kk;
} cpu_col2im_t;

static void cpu_col2im_channels(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_col2im_t *a = ctx;
  const cpu_conv_geom_t *q = a->q;
  const int64_t osz = q->out[0] * q->out[1] * q->out[2], isz = q->in[0] * q->in[1] * q->in[2];
  for (int64_t m = begin; m < end; ++m) {
    float *acc = a->acc + m * osz;
    const float bias = a->bf ? a->bf[m] : 0.0f;
    for (int64_t o = 0; o < osz; ++o) acc[o] = bias;
    for (int64_t t = 0; t < a->kk; ++t) {
      const int64_t t2 = t % q->k[2], t1 = (t / q->k[2]) % q->k[1], t0 = t / (q->k[1] * q->k[2]);
      const float *src = a->col + (m * a->kk + t) * isz;
      const int64_t off2 = t2 * q->d[2] - q->p[2];
      /* o2 = i2 * s2 + off2 must lie in [0, out2). */
      const int64_t s2 = q->s[2];
      int64_t lo = off2 >= 0 ? 0 : (-off2 + s2 - 1) / s2;
      int64_t hi = q->out[2] - 1 - off2 < 0 ? 0 : (q->out[2] - 1 - off2) / s2 + 1;
      if (hi > q->in[2]) hi = q->in[2];
      if (lo > hi) lo = hi;
      for (int64_t i0 = 0; i0 < q->in[0]; ++i0) {
        const int64_t o0 = i0 * q->s[0] + t0 * q->d[0] - q->p[0];
        if (o0 < 0 || o0 >= q->out[0]) continue;
        for (int64_t i1 = 0; i1 < q->in[1]; ++i1) {
          const int64_t o1 = i1 * q->s[1] + t1 * q->d[1] - q->p[1];
          if (o1 < 0 || o1 >= q->out[1]) continue;
          float *dst = acc + (o0 * q->out[1] + o1) * q->out[2] + off2;
          const float *s = src + (i0 * q->in[1] + i1) * q->in[2];
          for (int64_t i2 = lo; i2 < hi; ++i2) dst[i2 * s2] += s[i2];
        }
      }
    }
  }
}

int32_t cpu_kernel_conv_transpose(const cpu_view_t *y, const cpu_view_t *x, const cpu_view_t *w,
                                  const cpu_view_t *b, const xop_conv_t *g) {
  if (cpu_view_count(y) == 0) return XHAL_STATUS_OK;
  cpu_conv_geom_t q;
  cpu_conv_geom_init(&q, y, x, w, g);
  float *wf = NULL, *bf = NULL, *xp = NULL, *col = NULL, *acc = NULL;
  CPU_RETURN_IF_ERROR(cpu_conv_pack_params(&q, w, b, &wf, &bf));
  const int64_t group = g->group, cg = q.c / group, mg = q.m / group;
  const int64_t kk = q.k[0] * q.k[1] * q.k[2];
  const int64_t isz = q.in[0] * q.in[1] * q.in[2], osz = q.out[0] * q.out[1] * q.out[2];
  int64_t x_ls = 0;
  const int x_direct = x->dtype == XHAL_DTYPE_F32 && cpu_conv_linear(q.in, q.xs + 2, &x_ls);
  int32_t status = cpu_conv_alloc(mg * kk * isz, &col);
  if (status == XHAL_STATUS_OK) status = cpu_conv_alloc(mg * osz, &acc);
  if (status == XHAL_STATUS_OK && !x_direct) status = cpu_conv_alloc(cg * isz, &xp);
  for (int64_t img = 0; status == XHAL_STATUS_OK && img < q.n; ++img) {
    for (int64_t grp = 0; status == XHAL_STATUS_OK && grp < group; ++grp) {
      cpu_view_t xmat;
      if (x_direct) {
        const float *xd = (const float *)(const void *)x->data + img * q.xs[0] +
                          grp * cg * q.xs[1];
        xmat = cpu_conv_mat(xd, cg, isz, q.xs[1], x_ls);
      } else {
        for (int64_t c = 0; c < cg; ++c) {
          float *dst = xp + c * isz;
          for (int64_t i0 = 0; i0 < q.in[0]; ++i0)
            for (int64_t i1 = 0; i1 < q.in[1]; ++i1)
              for (int64_t i2 = 0; i2 < q.in[2]; ++i2)
                *dst++ = cpu_conv_load(x->data, x->dtype,
                                       img * q.xs[0] + (grp * cg + c) * q.xs[1] + i0 * q.xs[2] +
                                           i1 * q.xs[3] + i2 * q.xs[4]);
        }
        xmat = cpu_conv_mat(xp, cg, isz, isz, 1);
      }
      /* col (mg * kk, isz) = W_g^T, W_g being the packed (cg, mg * kk) rows. */
      const cpu_view_t wt = cpu_conv_mat(wf + grp * cg * mg * kk, mg * kk, cg, 1, mg * kk);
      const cpu_view_t cmat = cpu_conv_mat(col, mg * kk, isz, isz, 1);
      status = cpu_kernel_gemm(&cmat, &wt, &xmat, NULL, 1.0, 0.0);
      if (status != XHAL_STATUS_OK) break;
      cpu_col2im_t a = {&q, col, bf ? bf + grp * mg : NULL, acc, kk};
      cpu_parallel_run(cpu_parallel_threads(mg, osz + kk * isz), mg, cpu_col2im_channels, &a);
      cpu_conv_store_tile(&q, y, acc, img, grp * mg, mg, 0, osz);
    }
  }
  free(wf);
  free(bf);
  free(xp);
  free(col);
  free(acc);
  return status;
}
