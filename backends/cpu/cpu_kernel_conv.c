/* cpu_kernel_conv.c - Conv (im2col + sgemm, direct depthwise) and
 * ConvTranspose (sgemm + col2im) over strided f32/f16 views. */
#include "cpu_kernel_conv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_device.h"
#include "cpu_error.h"
#include "cpu_kernel_matmul.h"

/* Most floats an im2col block holds (16 MiB): the block is re-read by the
 * GEMM for every output channel of the group, so it should stay in cache
 * levels as far as possible, but not so small that the GEMM gets thin. */
#define CPU_CONV_COL_MAX (4 * 1024 * 1024)

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

/* W (d0, d1, k0, k1, k2) as a contiguous f32 array; B as f32 (or NULL). */
static int32_t cpu_conv_pack_params(const cpu_conv_geom_t *q, const cpu_view_t *w,
                                    const cpu_view_t *b, float **wf, float **bf) {
  const int64_t d0 = w->dims[0], d1 = w->dims[1], kk = q->k[0] * q->k[1] * q->k[2];
  *bf = NULL;
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
  if (!b) return XHAL_STATUS_OK;
  int32_t status = cpu_conv_alloc(q->m, bf);
  if (status != XHAL_STATUS_OK) {
    free(*wf);
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

/* ---- Conv: im2col + sgemm ---------------------------------------------------------------- */

typedef struct cpu_im2col {
  const cpu_conv_geom_t *q;
  const cpu_view_t *x;
  int64_t img, c0, kk, row0, rows;
  float *col; /* (K, rows * out2) */
} cpu_im2col_t;

/* Item r * rows + i: K-row r (channel, tap) of outer output row row0 + i. */
static void cpu_im2col_items(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_im2col_t *a = ctx;
  const cpu_conv_geom_t *q = a->q;
  const int64_t out2 = q->out[2], ncols = a->rows * out2;
  for (int64_t item = begin; item < end; ++item) {
    const int64_t r = item / a->rows, orow = item % a->rows;
    const int64_t c = r / a->kk, t = r % a->kk;
    const int64_t t2 = t % q->k[2], t1 = (t / q->k[2]) % q->k[1], t0 = t / (q->k[1] * q->k[2]);
    const int64_t outer = a->row0 + orow, o1 = outer % q->out[1], o0 = outer / q->out[1];
    float *dst = a->col + r * ncols + orow * out2;
    const int64_t i0 = o0 * q->s[0] - q->p[0] + t0 * q->d[0];
    const int64_t i1 = o1 * q->s[1] - q->p[1] + t1 * q->d[1];
    if (i0 < 0 || i0 >= q->in[0] || i1 < 0 || i1 >= q->in[1]) {
      memset(dst, 0, (size_t)out2 * sizeof *dst);
      continue;
    }
    const int64_t base =
        a->img * q->xs[0] + (a->c0 + c) * q->xs[1] + i0 * q->xs[2] + i1 * q->xs[3];
    const int64_t off = t2 * q->d[2] - q->p[2], s2 = q->s[2], xs4 = q->xs[4];
    int64_t lo, hi;
    cpu_conv_range(out2, s2, off, q->in[2], &lo, &hi);
    for (int64_t j = 0; j < lo; ++j) dst[j] = 0.0f;
    for (int64_t j = hi; j < out2; ++j) dst[j] = 0.0f;
    if (a->x->dtype == XHAL_DTYPE_F32) {
      const float *src = (const float *)(const void *)a->x->data + base;
      if (s2 * xs4 == 1)
        memcpy(dst + lo, src + off * xs4 + lo, (size_t)(hi - lo) * sizeof *dst);
      else
        for (int64_t j = lo; j < hi; ++j) dst[j] = src[(j * s2 + off) * xs4];
    } else {
      const uint16_t *src = (const uint16_t *)(const void *)a->x->data + base;
      for (int64_t j = lo; j < hi; ++j) dst[j] = cpu_f16_to_f32(src[(j * s2 + off) * xs4]);
    }
  }
}

/* ybuf (mg, rows * out2) -> y channels m0.., outer rows row0.. of image img. */
static void cpu_conv_store_block(const cpu_conv_geom_t *q, const cpu_view_t *y, const float *ybuf,
                                 int64_t img, int64_t m0, int64_t mg, int64_t row0, int64_t rows) {
  const int64_t out2 = q->out[2];
  for (int64_t m = 0; m < mg; ++m) {
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t outer = row0 + r, o1 = outer % q->out[1], o0 = outer / q->out[1];
      const int64_t off = img * q->ys[0] + (m0 + m) * q->ys[1] + o0 * q->ys[2] + o1 * q->ys[3];
      const float *src = ybuf + (m * rows + r) * out2;
      if (y->dtype == XHAL_DTYPE_F32) {
        float *dst = (float *)(void *)y->data + off;
        for (int64_t j = 0; j < out2; ++j) dst[j * q->ys[4]] = src[j];
      } else {
        cpu_f16_store((uint16_t *)(void *)y->data + off, q->ys[4], src, out2);
      }
    }
  }
}

typedef struct cpu_conv_run {
  const cpu_conv_geom_t *q;
  const cpu_view_t *x, *y;
  const float *wf, *bf;
  int64_t group, cg, mg, kk, k;
  int pointwise;      /* 1x1, stride 1, no pads, f32 x with linear spatial dims */
  int64_t x_ls;       /* pointwise: x's linear spatial stride */
  int y_direct;       /* f32 y with linear spatial dims */
  int64_t y_ls;
} cpu_conv_run_t;

static int32_t cpu_conv_block(const cpu_conv_run_t *r, int64_t img, int64_t grp, int64_t row0,
                              int64_t rows, float *col, float *ybuf) {
  const cpu_conv_geom_t *q = r->q;
  const int64_t ncols = rows * q->out[2];
  const int64_t start = row0 * q->out[2]; /* first output column */
  cpu_view_t bmat;
  if (r->pointwise) {
    const float *xd = (const float *)(const void *)r->x->data + img * q->xs[0] +
                      grp * r->cg * q->xs[1] + start * r->x_ls;
    bmat = cpu_conv_mat(xd, r->cg, ncols, q->xs[1], r->x_ls);
  } else {
    cpu_im2col_t a = {q, r->x, img, grp * r->cg, r->kk, row0, rows, col};
    const int64_t items = r->k * rows;
    cpu_parallel_run(cpu_parallel_threads(items, q->out[2]), items, cpu_im2col_items, &a);
    bmat = cpu_conv_mat(col, r->k, ncols, ncols, 1);
  }
  const cpu_view_t amat = cpu_conv_mat(r->wf + grp * r->mg * r->k, r->mg, r->k, r->k, 1);
  cpu_view_t ymat;
  if (r->y_direct) {
    const float *yd = (const float *)(const void *)r->y->data + img * q->ys[0] +
                      grp * r->mg * q->ys[1] + start * r->y_ls;
    ymat = cpu_conv_mat(yd, r->mg, ncols, q->ys[1], r->y_ls);
  } else {
    ymat = cpu_conv_mat(ybuf, r->mg, ncols, ncols, 1);
  }
  cpu_view_t cmat;
  if (r->bf) cmat = cpu_conv_mat(r->bf + grp * r->mg, r->mg, ncols, 1, 0);
  CPU_RETURN_IF_ERROR(cpu_kernel_gemm(&ymat, &amat, &bmat, r->bf ? &cmat : NULL, 1.0, 1.0));
  if (!r->y_direct) cpu_conv_store_block(q, r->y, ybuf, img, grp * r->mg, r->mg, row0, rows);
  return XHAL_STATUS_OK;
}

static int32_t cpu_conv_gemm(cpu_conv_run_t *r) {
  const cpu_conv_geom_t *q = r->q;
  const int64_t outer_rows = q->out[0] * q->out[1], out2 = q->out[2];
  int64_t rows = outer_rows;
  if (!r->pointwise) {
    const int64_t per_row = (r->k > 0 ? r->k : 1) * out2;
    rows = CPU_CONV_COL_MAX / per_row;
    if (rows < 1) rows = 1;
    if (rows > outer_rows) rows = outer_rows;
  }
  float *col = NULL, *ybuf = NULL;
  int32_t status = XHAL_STATUS_OK;
  if (!r->pointwise) status = cpu_conv_alloc(r->k * rows * out2, &col);
  if (status == XHAL_STATUS_OK && !r->y_direct) status = cpu_conv_alloc(r->mg * rows * out2, &ybuf);
  for (int64_t img = 0; status == XHAL_STATUS_OK && img < q->n; ++img)
    for (int64_t grp = 0; status == XHAL_STATUS_OK && grp < r->group; ++grp)
      for (int64_t row0 = 0; status == XHAL_STATUS_OK && row0 < outer_rows; row0 += rows) {
        const int64_t n = outer_rows - row0 < rows ? outer_rows - row0 : rows;
        status = cpu_conv_block(r, img, grp, row0, n, col, ybuf);
      }
  free(col);
  free(ybuf);
  return status;
}

int32_t cpu_kernel_conv(const cpu_view_t *y, const cpu_view_t *x, const cpu_view_t *w,
                        const cpu_view_t *b, const xop_conv_t *g) {
  if (cpu_view_count(y) == 0) return XHAL_STATUS_OK;
  cpu_conv_geom_t q;
  cpu_conv_geom_init(&q, y, x, w, g);
  float *wf = NULL, *bf = NULL;
  CPU_RETURN_IF_ERROR(cpu_conv_pack_params(&q, w, b, &wf, &bf));
  cpu_conv_run_t r;
  memset(&r, 0, sizeof r);
  r.q = &q, r.x = x, r.y = y, r.wf = wf, r.bf = bf;
  r.group = g->group, r.cg = q.c / g->group, r.mg = q.m / g->group;
  r.kk = q.k[0] * q.k[1] * q.k[2];
  r.k = r.cg * r.kk;
  int32_t status;
  if (r.cg == 1 && q.in[0] == 1 && q.out[0] == 1 && q.k[0] == 1) {
    status = cpu_conv_depthwise(&q, y, x, wf, bf, r.mg);
  } else {
    int plain = r.kk == 1 && x->dtype == XHAL_DTYPE_F32;
    for (int j = 0; j < 3; ++j) plain = plain && q.s[j] == 1 && q.p[j] == 0 && q.pe[j] == 0;
    r.pointwise = plain && cpu_conv_linear(q.in, q.xs + 2, &r.x_ls);
    r.y_direct = y->dtype == XHAL_DTYPE_F32 && cpu_conv_linear(q.out, q.ys + 2, &r.y_ls);
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
      cpu_conv_store_block(&q, y, acc, img, grp * mg, mg, 0, q.out[0] * q.out[1]);
    }
  }
  free(wf);
  free(bf);
  free(xp);
  free(col);
  free(acc);
  return status;
}
