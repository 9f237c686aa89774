/* cpu_kernel_gather.c - Gather, Pad, Shape, ConstantOfShape and Range. */
#include "cpu_kernel_gather.h"

#include <math.h>
#include <string.h>

#include "../common/xhal_op_check.h"

/* Copies one element of esize bytes. */
static inline void cpu_gather_move(char *dst, const char *src, size_t esize) {
  switch (esize) {
    case 1:
      *dst = *src;
      break;
    case 2:
      memcpy(dst, src, 2);
      break;
    case 4:
      memcpy(dst, src, 4);
      break;
    default:
      memcpy(dst, src, 8);
      break;
  }
}

/* The iteration of every kernel here: rows of the innermost output dim,
 * split across threads; the cursor walks the outer dims of up to three
 * stride sets (operand 0 the output). A rank-0 output is one row of one. */
typedef struct cpu_rows {
  int outer_rank;
  int64_t rows, len;
  int64_t dims[XHAL_MAX_RANK];
  int64_t strides[3][XHAL_MAX_RANK];
  int64_t inner[3]; /* innermost strides */
} cpu_rows_t;

static void cpu_rows_init(cpu_rows_t *r, const cpu_view_t *const *views, int sets) {
  const cpu_view_t *out = views[0];
  memset(r, 0, sizeof *r);
  const int rank = (int)out->rank;
  r->outer_rank = rank ? rank - 1 : 0;
  r->len = rank ? out->dims[rank - 1] : 1;
  r->rows = 1;
  for (int k = 0; k < r->outer_rank; ++k) {
    r->dims[k] = out->dims[k];
    r->rows *= out->dims[k];
    for (int s = 0; s < sets; ++s) r->strides[s][k] = views[s]->strides[k];
  }
  for (int s = 0; s < sets; ++s) r->inner[s] = rank ? views[s]->strides[rank - 1] : 0;
}

static void cpu_rows_cursor(const cpu_rows_t *r, int sets, int64_t row, cpu_cursor_t *cursor) {
  const int64_t *strides[3] = {r->strides[0], r->strides[1], r->strides[2]};
  cpu_cursor_init(cursor, r->outer_rank, r->dims, sets, strides);
  cpu_cursor_seek(cursor, row);
}

/* ---- Gather ------------------------------------------------------------------------------ */

typedef struct cpu_gather_job {
  cpu_rows_t r;
  char *out;
  const char *data, *indices;
  size_t esize;
  int wide; /* i64 indices */
  int64_t extent, stride;
} cpu_gather_job_t;

static inline int64_t cpu_gather_index(const cpu_gather_job_t *j, int64_t at) {
  int64_t v = j->wide ? ((const int64_t *)(const void *)j->indices)[at]
                      : ((const int32_t *)(const void *)j->indices)[at];
  if (v < 0) v += j->extent;
  return v >= 0 && v < j->extent ? v : -1;
}

static void cpu_gather_range(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_gather_job_t *j = ctx;
  const size_t es = j->esize;
  const int64_t len = j->r.len, so = j->r.inner[0], sd = j->r.inner[1], si = j->r.inner[2];
  cpu_cursor_t cursor;
  cpu_rows_cursor(&j->r, 3, begin, &cursor);
  for (int64_t row = begin; row < end; ++row, cpu_cursor_next(&cursor)) {
    char *o = j->out + (size_t)cursor.off[0] * es;
    const char *d = j->data + (size_t)cursor.off[1] * es;
    if (si == 0) { /* one index for the row: a row of data, contiguous or not */
      const int64_t v = cpu_gather_index(j, cursor.off[2]);
      if (v < 0) {
        for (int64_t i = 0; i < len; ++i) memset(o + (size_t)(i * so) * es, 0, es);
      } else if (so == 1 && sd == 1) {
        memcpy(o, d + (size_t)(v * j->stride) * es, (size_t)len * es);
      } else {
        const char *src = d + (size_t)(v * j->stride) * es;
        for (int64_t i = 0; i < len; ++i)
          cpu_gather_move(o + (size_t)(i * so) * es, src + (size_t)(i * sd) * es, es);
      }
      continue;
    }
    for (int64_t i = 0; i < len; ++i) {
      const int64_t v = cpu_gather_index(j, cursor.off[2] + i * si);
      char *dst = o + (size_t)(i * so) * es;
      if (v < 0)
        memset(dst, 0, es);
      else
        cpu_gather_move(dst, d + (size_t)(i * sd + v * j->stride) * es, es);
    }
  }
}

int32_t cpu_kernel_gather(const cpu_view_t *out, const cpu_view_t *data,
                          const cpu_view_t *indices, int64_t extent, int64_t stride) {
  if (cpu_view_count(out) == 0) return XHAL_STATUS_OK;
  cpu_gather_job_t j;
  const cpu_view_t *views[3] = {out, data, indices};
  cpu_rows_init(&j.r, views, 3);
  j.out = out->data;
  j.data = data->data;
  j.indices = indices->data;
  j.esize = (size_t)xop_dtype_size(out->dtype);
  j.wide = indices->dtype == XHAL_DTYPE_I64;
  j.extent = extent;
  j.stride = stride;
  cpu_parallel_run(cpu_parallel_threads(j.r.rows, j.r.len), j.r.rows, cpu_gather_range, &j);
  return XHAL_STATUS_OK;
}

/* ---- Pad --------------------------------------------------------------------------------- */

/* Position j of a dim of n elements after padding by mode; -1 outside
 * (constant). n >= 1 whenever j can fall outside (checked by xop_check). */
static inline int64_t cpu_pad_map(uint32_t mode, int64_t j, int64_t n) {
  if (j >= 0 && j < n) return j;
  if (mode == XOP_PAD_CONSTANT) return -1;
  if (mode == XOP_PAD_EDGE || n == 1) return j < 0 ? 0 : n - 1;
  const int64_t period = 2 * (n - 1); /* reflect: ..., 2, 1, [0, 1, ..., n-1], n-2, ... */
  int64_t m = j % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

typedef struct cpu_pad_job {
  cpu_rows_t r;
  char *out;
  const char *in;
  const int64_t *in_dims;
  const int64_t *in_strides;
  const xop_gather_params_t *g;
  size_t esize;
  uint64_t bits;
} cpu_pad_job_t;

static void cpu_pad_range(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_pad_job_t *j = ctx;
  const size_t es = j->esize;
  const int last = j->r.outer_rank; /* innermost dim of a rank >= 1 output */
  const int64_t len = j->r.len, so = j->r.inner[0];
  cpu_cursor_t cursor;
  cpu_rows_cursor(&j->r, 1, begin, &cursor);
  for (int64_t row = begin; row < end; ++row, cpu_cursor_next(&cursor)) {
    char *o = j->out + (size_t)cursor.off[0] * es;
    int64_t src = 0;
    int outside = 0;
    for (int k = 0; k < last; ++k) {
      const int64_t m = cpu_pad_map(j->g->pad_mode, cursor.idx[k] - j->g->begin[k], j->in_dims[k]);
      if (m < 0) outside = 1;
      src += m * j->in_strides[k];
    }
    const int64_t n = j->in_dims[last];
    const int64_t b = j->g->begin[last], si = j->in_strides[last];
    for (int64_t i = 0; i < len; ++i) {
      char *dst = o + (size_t)(i * so) * es;
      const int64_t m = outside ? -1 : cpu_pad_map(j->g->pad_mode, i - b, n);
      if (m < 0)
        memcpy(dst, &j->bits, es); /* little-endian: the low bytes */
      else
        cpu_gather_move(dst, j->in + (size_t)(src + m * si) * es, es);
    }
  }
}

int32_t cpu_kernel_pad(const cpu_view_t *out, const cpu_view_t *in, const xop_gather_params_t *g) {
  if (cpu_view_count(out) == 0) return XHAL_STATUS_OK;
  if (out->rank == 0) { /* nothing to pad */
    memcpy(out->data, in->data, (size_t)xop_dtype_size(out->dtype));
    return XHAL_STATUS_OK;
  }
  cpu_pad_job_t j;
  const cpu_view_t *views[1] = {out};
  cpu_rows_init(&j.r, views, 1);
  j.out = out->data;
  j.in = in->data;
  j.in_dims = in->dims;
  j.in_strides = in->strides;
  j.g = g;
  j.esize = (size_t)xop_dtype_size(out->dtype);
  j.bits = xop_gather_value_bits(out->dtype, g->value, g->ivalue);
  cpu_parallel_run(cpu_parallel_threads(j.r.rows, j.r.len), j.r.rows, cpu_pad_range, &j);
  return XHAL_STATUS_OK;
}

/* ---- Shape, ConstantOfShape, Range ----------------------------------------------------- */

int32_t cpu_kernel_shape(const cpu_view_t *out, const int64_t *in_dims, int64_t start) {
  int64_t *o = (int64_t *)(void *)out->data;
  for (int64_t i = 0; i < out->dims[0]; ++i) o[i * out->strides[0]] = in_dims[start + i];
  return XHAL_STATUS_OK;
}

typedef struct cpu_fill_job {
  cpu_rows_t r;
  char *out;
  size_t esize;
  uint64_t bits;
} cpu_fill_job_t;

#define CPU_FILL_ROW(T)                                                                            \
  do {                                                                                             \
    T v;                                                                                           \
    memcpy(&v, &j->bits, sizeof v);                                                                \
    T *p = (T *)(void *)o;                                                                         \
    if (so == 1) {                                                                                 \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < len; ++i) p[i] = v;                                                  \
    } else {                                                                                       \
      for (int64_t i = 0; i < len; ++i) p[i * so] = v;                                             \
    }                                                                                              \
  } while (0)

static void cpu_fill_range(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_fill_job_t *j = ctx;
  const int64_t len = j->r.len, so = j->r.inner[0];
  cpu_cursor_t cursor;
  cpu_rows_cursor(&j->r, 1, begin, &cursor);
  for (int64_t row = begin; row < end; ++row, cpu_cursor_next(&cursor)) {
    char *o = j->out + (size_t)cursor.off[0] * j->esize;
    switch (j->esize) {
      case 1:
        CPU_FILL_ROW(uint8_t);
        break;
      case 2:
        CPU_FILL_ROW(uint16_t);
        break;
      case 4:
        CPU_FILL_ROW(uint32_t);
        break;
      default:
        CPU_FILL_ROW(uint64_t);
        break;
    }
  }
}

int32_t cpu_kernel_fill(const cpu_view_t *out, uint64_t bits) {
  if (cpu_view_count(out) == 0) return XHAL_STATUS_OK;
  cpu_fill_job_t j;
  const cpu_view_t *views[1] = {out};
  cpu_rows_init(&j.r, views, 1);
  j.out = out->data;
  j.esize = (size_t)xop_dtype_size(out->dtype);
  j.bits = bits;
  cpu_parallel_run(cpu_parallel_threads(j.r.rows, j.r.len), j.r.rows, cpu_fill_range, &j);
  return XHAL_STATUS_OK;
}

int32_t cpu_kernel_range(const cpu_view_t *out, const cpu_view_t *start, const cpu_view_t *delta) {
  const int64_t n = out->dims[0], s = out->strides[0];
  switch (out->dtype) {
    case XHAL_DTYPE_F32: {
      const float a = *(const float *)(const void *)start->data;
      const float d = *(const float *)(const void *)delta->data;
      float *o = (float *)(void *)out->data;
      /* (float)i is exact below 2^24; fmaf rounds start + i * delta once. */
      for (int64_t i = 0; i < n; ++i) o[i * s] = fmaf((float)i, d, a);
      break;
    }
    case XHAL_DTYPE_I32: {
      const uint32_t a = (uint32_t) * (const int32_t *)(const void *)start->data;
      const uint32_t d = (uint32_t) * (const int32_t *)(const void *)delta->data;
      int32_t *o = (int32_t *)(void *)out->data;
      for (int64_t i = 0; i < n; ++i) o[i * s] = (int32_t)(a + (uint32_t)i * d);
      break;
    }
    default: {
      const uint64_t a = (uint64_t) * (const int64_t *)(const void *)start->data;
      const uint64_t d = (uint64_t) * (const int64_t *)(const void *)delta->data;
      int64_t *o = (int64_t *)(void *)out->data;
      for (int64_t i = 0; i < n; ++i) o[i * s] = (int64_t)(a + (uint64_t)i * d);
      break;
    }
  }
  return XHAL_STATUS_OK;
}
