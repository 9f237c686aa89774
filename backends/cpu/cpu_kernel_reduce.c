/* cpu_kernel_reduce.c - ReduceSum / ReduceMean / ReduceMax / ReduceMin /
 * ReduceProd.
 *
 * Dims are split into kept and reduced lists (unit dims dropped, each list
 * merged where contiguous). When a reduced dim is the most contiguous, each
 * output sums rows ("row" strategy, split across threads by output or, for
 * a few outputs, by reduction span); when a kept dim is, blocks of outputs
 * accumulate whole input rows at once ("column" strategy). The kind of
 * reduction only changes the accumulator's start value and how a term is
 * folded in (cpu_fold_* below). */
#include "cpu_kernel_reduce.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_error.h"
#include "cpu_kernel_f16.h"

/* Column strategy: outputs per work unit. Wide blocks stream whole input
 * rows; they shrink when that would leave threads idle. */
#define CPU_REDUCE_MAX_BLOCK 2048

/* f64 for float dtypes, wrapping uint64 for integers (Max/Min: the
 * int64 value's bits). */
typedef union cpu_acc {
  double f;
  uint64_t i;
} cpu_acc_t;

typedef struct cpu_reduce {
  uint32_t dtype;
  int is_float;
  cpu_reduce_kind_t kind;
  int64_t esize;
  char *x, *y;
  int nk, nr;
  int64_t kd[XHAL_MAX_RANK], ks[2][XHAL_MAX_RANK]; /* kept: dims, x/y strides */
  int64_t rd[XHAL_MAX_RANK], rs[XHAL_MAX_RANK];    /* reduced: dims, x strides */
  int64_t nout, len;
  int64_t block;      /* column strategy: outputs per unit */
  void *acc;          /* column strategy: block accumulators per thread */
  cpu_acc_t *partial; /* span strategy: one per thread */
  int64_t span_off;
} cpu_reduce_t;

/* ---- Sums of one strided row ----------------------------------------------------- */

static double cpu_sum_f32(const float *p, int64_t n, int64_t s) {
  double acc = 0.0;
  if (s == 1) {
    CPU_SIMD_SUM(acc)
    for (int64_t i = 0; i < n; ++i) acc += p[i];
  } else {
    for (int64_t i = 0; i < n; ++i) acc += p[i * s];
  }
  return acc;
}

static double cpu_sum_f16(const uint16_t *p, int64_t n, int64_t s) {
  float block[CPU_F16_BLOCK];
  double acc = 0.0;
  for (int64_t i = 0; i < n; i += CPU_F16_BLOCK) {
    int64_t m = n - i < CPU_F16_BLOCK ? n - i : CPU_F16_BLOCK;
    cpu_f16_load(block, p + i * s, m, s);
    CPU_SIMD_SUM(acc)
    for (int64_t j = 0; j < m; ++j) acc += block[j];
  }
  return acc;
}

#define CPU_SUM_INT(name, T)                                                                       \
  static uint64_t name(const T *p, int64_t n, int64_t s) {                                         \
    uint64_t acc = 0;                                                                              \
    if (s == 1) {                                                                                  \
      CPU_SIMD_SUM(acc)                                                                            \
      for (int64_t i = 0; i < n; ++i) acc += (uint64_t)(int64_t)p[i];                              \
    } else {                                                                                       \
      for (int64_t i = 0; i < n; ++i) acc += (uint64_t)(int64_t)p[i * s];                          \
    }                                                                                              \
    return acc;                                                                                    \
  }

CPU_SUM_INT(cpu_sum_i32, int32_t)
CPU_SUM_INT(cpu_sum_i64, int64_t)

/* ---- Max, Min, Prod ------------------------------------------------------------------ */

/* IEEE 754-2019 maximum/minimum: NaN wins, +0 > -0. */
static inline double cpu_fold_max_f(double a, double v) {
  if (v > a || v != v) return v;
  if (v == a && v == 0.0 && signbit(a) && !signbit(v)) return v;
  return a;
}

static inline double cpu_fold_min_f(double a, double v) {
  if (v < a || v != v) return a != a ? a : v;
  if (v == a && v == 0.0 && signbit(v) && !signbit(a)) return v;
  return a;
}

/* Folds x[0..n) (float values) into *acc. */
static void cpu_fold_floats(cpu_reduce_kind_t kind, double *acc, const float *x, int64_t n,
                            int64_t s) {
  double a = *acc;
  switch (kind) {
    case CPU_REDUCE_MAX:
      for (int64_t i = 0; i < n; ++i) a = cpu_fold_max_f(a, x[i * s]);
      break;
    case CPU_REDUCE_MIN:
      for (int64_t i = 0; i < n; ++i) a = cpu_fold_min_f(a, x[i * s]);
      break;
    default: /* PROD */
      for (int64_t i = 0; i < n; ++i) a *= x[i * s];
      break;
  }
  *acc = a;
}

#define CPU_FOLD_INT(name, T)                                                                      \
  static void name(cpu_reduce_kind_t kind, uint64_t *acc, const T *x, int64_t n, int64_t s) {     \
    uint64_t a = *acc;                                                                             \
    switch (kind) {                                                                                \
      case CPU_REDUCE_MAX:                                                                         \
        for (int64_t i = 0; i < n; ++i)                                                            \
          if ((int64_t)x[i * s] > (int64_t)a) a = (uint64_t)(int64_t)x[i * s];                     \
        break;                                                                                     \
      case CPU_REDUCE_MIN:                                                                         \
        for (int64_t i = 0; i < n; ++i)                                                            \
          if ((int64_t)x[i * s] < (int64_t)a) a = (uint64_t)(int64_t)x[i * s];                     \
        break;                                                                                     \
      default: /* PROD, wrapping */                                                                \
        for (int64_t i = 0; i < n; ++i) a *= (uint64_t)(int64_t)x[i * s];                          \
        break;                                                                                     \
    }                                                                                              \
    *acc = a;                                                                                      \
  }

CPU_FOLD_INT(cpu_fold_i32, int32_t)
CPU_FOLD_INT(cpu_fold_i64, int64_t)
CPU_FOLD_INT(cpu_fold_u8, uint8_t) /* Max/Min only */

/* The accumulator before any term: the identity of the reduction (an
 * empty Max is -Inf or the dtype's minimum, an empty Min +Inf or its
 * maximum, an empty Prod 1, an empty Sum 0). */
static cpu_acc_t cpu_acc_start(const cpu_reduce_t *r) {
  cpu_acc_t acc;
  memset(&acc, 0, sizeof acc);
  const int i32 = r->dtype == XHAL_DTYPE_I32, u8 = r->dtype == XHAL_DTYPE_U8;
  switch (r->kind) {
    case CPU_REDUCE_MAX:
      if (r->is_float)
        acc.f = -INFINITY;
      else
        acc.i = (uint64_t)(u8 ? 0 : i32 ? (int64_t)INT32_MIN : INT64_MIN);
      break;
    case CPU_REDUCE_MIN:
      if (r->is_float)
        acc.f = INFINITY;
      else
        acc.i = (uint64_t)(u8 ? UINT8_MAX : i32 ? (int64_t)INT32_MAX : INT64_MAX);
      break;
    case CPU_REDUCE_PROD:
      if (r->is_float)
        acc.f = 1.0;
      else
        acc.i = 1;
      break;
    default:
      break;
  }
  return acc;
}

/* acc = acc (+ | * | max | min) v: partial results of one output. */
static void cpu_acc_merge(const cpu_reduce_t *r, cpu_acc_t *acc, cpu_acc_t v) {
  if (r->is_float) {
    switch (r->kind) {
      case CPU_REDUCE_MAX:
        acc->f = cpu_fold_max_f(acc->f, v.f);
        break;
      case CPU_REDUCE_MIN:
        acc->f = cpu_fold_min_f(acc->f, v.f);
        break;
      case CPU_REDUCE_PROD:
        acc->f *= v.f;
        break;
      default:
        acc->f += v.f;
        break;
    }
    return;
  }
  switch (r->kind) {
    case CPU_REDUCE_MAX:
      if ((int64_t)v.i > (int64_t)acc->i) acc->i = v.i;
      break;
    case CPU_REDUCE_MIN:
      if ((int64_t)v.i < (int64_t)acc->i) acc->i = v.i;
      break;
    case CPU_REDUCE_PROD:
      acc->i *= v.i;
      break;
    default:
      acc->i += v.i;
      break;
  }
}

static void cpu_acc_fold(const cpu_reduce_t *r, cpu_acc_t *acc, const char *p, int64_t n,
                         int64_t s) {
  switch (r->dtype) {
    case XHAL_DTYPE_F32:
      cpu_fold_floats(r->kind, &acc->f, (const float *)(const void *)p, n, s);
      break;
    case XHAL_DTYPE_F16: {
      float block[CPU_F16_BLOCK];
      for (int64_t i = 0; i < n; i += CPU_F16_BLOCK) {
        const int64_t m = n - i < CPU_F16_BLOCK ? n - i : CPU_F16_BLOCK;
        cpu_f16_load(block, (const uint16_t *)(const void *)p + i * s, m, s);
        cpu_fold_floats(r->kind, &acc->f, block, m, 1);
      }
      break;
    }
    case XHAL_DTYPE_I32:
      cpu_fold_i32(r->kind, &acc->i, (const int32_t *)(const void *)p, n, s);
      break;
    case XHAL_DTYPE_U8:
      cpu_fold_u8(r->kind, &acc->i, (const uint8_t *)(const void *)p, n, s);
      break;
    default:
      cpu_fold_i64(r->kind, &acc->i, (const int64_t *)(const void *)p, n, s);
      break;
  }
}

static void cpu_acc_add(const cpu_reduce_t *r, cpu_acc_t *acc, const char *p, int64_t n,
                        int64_t s) {
  if (r->kind != CPU_REDUCE_SUM && r->kind != CPU_REDUCE_MEAN) {
    cpu_acc_fold(r, acc, p, n, s);
    return;
  }
  switch (r->dtype) {
    case XHAL_DTYPE_F32:
      acc->f += cpu_sum_f32((const float *)(const void *)p, n, s);
      break;
    case XHAL_DTYPE_F16:
      acc->f += cpu_sum_f16((const uint16_t *)(const void *)p, n, s);
      break;
    case XHAL_DTYPE_I32:
      acc->i += cpu_sum_i32((const int32_t *)(const void *)p, n, s);
      break;
    default:
      acc->i += cpu_sum_i64((const int64_t *)(const void *)p, n, s);
      break;
  }
}

/* Sum of reduced-space elements [begin, end) below input offset xoff. */
static cpu_acc_t cpu_sum_span(const cpu_reduce_t *r, int64_t xoff, int64_t begin, int64_t end) {
  cpu_acc_t acc = cpu_acc_start(r);
  if (begin >= end) return acc;
  if (r->nr == 0) {
    cpu_acc_add(r, &acc, r->x + xoff * r->esize, 1, 1);
    return acc;
  }
  const int64_t inner = r->rd[r->nr - 1], stride = r->rs[r->nr - 1];
  const int64_t *sets[1] = {r->rs};
  cpu_cursor_t cursor;
  cpu_cursor_init(&cursor, r->nr - 1, r->rd, 1, sets);
  cpu_cursor_seek(&cursor, begin / inner);
  int64_t col = begin % inner, left = end - begin;
  while (left > 0) {
    int64_t n = inner - col < left ? inner - col : left;
    cpu_acc_add(r, &acc, r->x + (xoff + cursor.off[0] + col * stride) * r->esize, n, stride);
    left -= n;
    col = 0;
    if (left > 0) cpu_cursor_next(&cursor);
  }
  return acc;
}

static void cpu_reduce_store(const cpu_reduce_t *r, int64_t yoff, cpu_acc_t acc) {
  char *p = r->y + yoff * r->esize;
  const int mean = r->kind == CPU_REDUCE_MEAN;
  if (r->is_float) {
    double v = acc.f;
    if (mean) v = r->len ? v / (double)r->len : NAN;
    if (r->dtype == XHAL_DTYPE_F32)
      *(float *)(void *)p = (float)v;
    else
      *(uint16_t *)(void *)p = cpu_f32_to_f16((float)v);
  } else if (r->dtype == XHAL_DTYPE_U8) { /* Max/Min only */
    *(uint8_t *)(void *)p = (uint8_t)acc.i;
  } else if (r->dtype == XHAL_DTYPE_I32) {
    int32_t v = (int32_t)(uint32_t)acc.i;
    if (mean) v = r->len ? (int32_t)((int64_t)v / r->len) : 0;
    *(int32_t *)(void *)p = v;
  } else {
    int64_t v = (int64_t)acc.i;
    if (mean) v = r->len ? v / r->len : 0;
    *(int64_t *)(void *)p = v;
  }
}

/* ---- Row strategy ------------------------------------------------------------------ */

static void cpu_kept_cursor(const cpu_reduce_t *r, cpu_cursor_t *cursor, int rank) {
  const int64_t *sets[2] = {r->ks[0], r->ks[1]};
  cpu_cursor_init(cursor, rank, r->kd, 2, sets);
}

static void cpu_reduce_outputs(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_reduce_t *r = ctx;
  cpu_cursor_t kept;
  cpu_kept_cursor(r, &kept, r->nk);
  cpu_cursor_seek(&kept, begin);
  for (int64_t o = begin; o < end; ++o) {
    if (o != begin) cpu_cursor_next(&kept);
    cpu_reduce_store(r, kept.off[1], cpu_sum_span(r, kept.off[0], 0, r->len));
  }
}

static void cpu_reduce_span_part(void *ctx, int thread, int64_t begin, int64_t end) {
  cpu_reduce_t *r = ctx;
  r->partial[thread] = cpu_sum_span(r, r->span_off, begin, end);
}

/* Few outputs, long reductions: every output's span is split across the
 * team and the per-thread partial sums are added in thread order. */
static int32_t cpu_reduce_by_span(cpu_reduce_t *r, int threads) {
  r->partial = calloc((size_t)threads, sizeof *r->partial);
  if (!r->partial) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "Reduce: out of memory");
  cpu_cursor_t kept;
  cpu_kept_cursor(r, &kept, r->nk);
  for (int64_t o = 0; o < r->nout; ++o) {
    if (o) cpu_cursor_next(&kept);
    for (int t = 0; t < threads; ++t) r->partial[t] = cpu_acc_start(r);
    r->span_off = kept.off[0];
    cpu_parallel_run(threads, r->len, cpu_reduce_span_part, r);
    cpu_acc_t total = r->partial[0];
    for (int t = 1; t < threads; ++t) cpu_acc_merge(r, &total, r->partial[t]);
    cpu_reduce_store(r, kept.off[1], total);
  }
  free(r->partial);
  return XHAL_STATUS_OK;
}

/* ---- Column strategy --------------------------------------------------------------- */

/* Max/Min/Prod of one input row into w accumulators. */
static void cpu_fold_columns(const cpu_reduce_t *r, cpu_acc_t *acc, const char *p, int64_t w,
                             int64_t s) {
  if (r->is_float) {
    float block[CPU_REDUCE_MAX_BLOCK];
    const float *x = (const float *)(const void *)p;
    if (r->dtype == XHAL_DTYPE_F16) {
      cpu_f16_load(block, (const uint16_t *)(const void *)p, w, s);
      x = block;
      s = 1;
    }
    double *a = (double *)(void *)acc;
    switch (r->kind) {
      case CPU_REDUCE_MAX:
        for (int64_t j = 0; j < w; ++j) a[j] = cpu_fold_max_f(a[j], x[j * s]);
        break;
      case CPU_REDUCE_MIN:
        for (int64_t j = 0; j < w; ++j) a[j] = cpu_fold_min_f(a[j], x[j * s]);
        break;
      default:
        CPU_SIMD
        for (int64_t j = 0; j < w; ++j) a[j] *= x[j * s];
        break;
    }
    return;
  }
  uint64_t *a = (uint64_t *)(void *)acc;
  for (int64_t j = 0; j < w; ++j) {
    const int64_t v = r->dtype == XHAL_DTYPE_I32  ? ((const int32_t *)(const void *)p)[j * s]
                      : r->dtype == XHAL_DTYPE_U8 ? ((const uint8_t *)(const void *)p)[j * s]
                                                  : ((const int64_t *)(const void *)p)[j * s];
    if (r->kind == CPU_REDUCE_MAX)
      a[j] = v > (int64_t)a[j] ? (uint64_t)v : a[j];
    else if (r->kind == CPU_REDUCE_MIN)
      a[j] = v < (int64_t)a[j] ? (uint64_t)v : a[j];
    else
      a[j] *= (uint64_t)v;
  }
}

static void cpu_add_columns(const cpu_reduce_t *r, void *acc, const char *p, int64_t w, int64_t s) {
  if (r->kind != CPU_REDUCE_SUM && r->kind != CPU_REDUCE_MEAN) {
    cpu_fold_columns(r, acc, p, w, s);
    return;
  }
  if (r->dtype == XHAL_DTYPE_F32 || r->dtype == XHAL_DTYPE_F16) {
    double *a = acc;
    float block[CPU_REDUCE_MAX_BLOCK];
    const float *x = (const float *)(const void *)p;
    if (r->dtype == XHAL_DTYPE_F16) {
      cpu_f16_load(block, (const uint16_t *)(const void *)p, w, s);
      x = block;
      s = 1;
    }
    if (s == 1) {
      CPU_SIMD
      for (int64_t j = 0; j < w; ++j) a[j] += x[j];
    } else {
      for (int64_t j = 0; j < w; ++j) a[j] += x[j * s];
    }
  } else {
    uint64_t *a = acc;
    if (r->dtype == XHAL_DTYPE_I32) {
      const int32_t *x = (const int32_t *)(const void *)p;
      CPU_SIMD
      for (int64_t j = 0; j < w; ++j) a[j] += (uint64_t)(int64_t)x[j * s];
    } else {
      const int64_t *x = (const int64_t *)(const void *)p;
      CPU_SIMD
      for (int64_t j = 0; j < w; ++j) a[j] += (uint64_t)x[j * s];
    }
  }
}

static void cpu_reduce_block(const cpu_reduce_t *r, void *acc, int64_t xoff, int64_t yoff,
                             int64_t w) {
  const int64_t kx = r->ks[0][r->nk - 1], ky = r->ks[1][r->nk - 1];
  const cpu_acc_t start = cpu_acc_start(r);
  for (int64_t j = 0; j < w; ++j) ((cpu_acc_t *)acc)[j] = start;
  const int64_t *sets[1] = {r->rs};
  cpu_cursor_t red;
  cpu_cursor_init(&red, r->nr, r->rd, 1, sets);
  for (int64_t e = 0; e < r->len; ++e) {
    if (e) cpu_cursor_next(&red);
    cpu_add_columns(r, acc, r->x + (xoff + red.off[0]) * r->esize, w, kx);
  }
  for (int64_t j = 0; j < w; ++j) {
    cpu_acc_t v;
    if (r->is_float)
      v.f = ((const double *)acc)[j];
    else
      v.i = ((const uint64_t *)acc)[j];
    cpu_reduce_store(r, yoff + j * ky, v);
  }
}

static void cpu_reduce_columns(void *ctx, int thread, int64_t begin, int64_t end) {
  const cpu_reduce_t *r = ctx;
  const int64_t inner = r->kd[r->nk - 1];
  const int64_t kx = r->ks[0][r->nk - 1], ky = r->ks[1][r->nk - 1];
  const int64_t blocks = (inner + r->block - 1) / r->block;
  void *acc = (cpu_acc_t *)r->acc + (size_t)thread * (size_t)r->block;
  cpu_cursor_t outer;
  cpu_kept_cursor(r, &outer, r->nk - 1);
  cpu_cursor_seek(&outer, begin / blocks);
  for (int64_t u = begin; u < end; ++u) {
    const int64_t block = u % blocks, j0 = block * r->block;
    if (u != begin && block == 0) cpu_cursor_next(&outer);
    const int64_t w = inner - j0 < r->block ? inner - j0 : r->block;
    cpu_reduce_block(r, acc, outer.off[0] + j0 * kx, outer.off[1] + j0 * ky, w);
  }
}

static int32_t cpu_reduce_by_columns(cpu_reduce_t *r) {
  const int64_t inner = r->kd[r->nk - 1], outer = r->nout / inner;
  const int threads = cpu_parallel_threads(r->nout, r->len + 1);
  int64_t block = inner < CPU_REDUCE_MAX_BLOCK ? inner : CPU_REDUCE_MAX_BLOCK;
  if (outer < threads) {
    const int64_t splits = (threads + outer - 1) / outer;
    const int64_t even = ((inner + splits - 1) / splits + 15) / 16 * 16;
    if (even < block) block = even;
  }
  r->block = block;
  const int64_t units = outer * ((inner + block - 1) / block);
  r->acc = malloc((size_t)threads * (size_t)block * sizeof(cpu_acc_t));
  if (!r->acc) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "Reduce: out of memory");
  cpu_parallel_run(threads, units, cpu_reduce_columns, r);
  free(r->acc);
  return XHAL_STATUS_OK;
}

/* ---- Setup --------------------------------------------------------------------------- */

/* Sorts the reduced dims by decreasing stride and merges contiguous ones. */
static void cpu_reduce_normalize(cpu_reduce_t *r) {
  for (int k = 1; k < r->nr; ++k) {
    for (int j = k; j > 0 && r->rs[j - 1] < r->rs[j]; --j) {
      int64_t d = r->rd[j], s = r->rs[j];
      r->rd[j] = r->rd[j - 1], r->rs[j] = r->rs[j - 1];
      r->rd[j - 1] = d, r->rs[j - 1] = s;
    }
  }
  int m = 0;
  for (int k = 1; k < r->nr; ++k) {
    if (r->rs[m] == r->rs[k] * r->rd[k]) {
      r->rd[m] *= r->rd[k];
      r->rs[m] = r->rs[k];
    } else {
      ++m;
      r->rd[m] = r->rd[k], r->rs[m] = r->rs[k];
    }
  }
  if (r->nr) r->nr = m + 1;
  m = 0;
  for (int k = 1; k < r->nk; ++k) {
    if (r->ks[0][m] == r->ks[0][k] * r->kd[k] && r->ks[1][m] == r->ks[1][k] * r->kd[k]) {
      r->kd[m] *= r->kd[k];
      r->ks[0][m] = r->ks[0][k], r->ks[1][m] = r->ks[1][k];
    } else {
      ++m;
      r->kd[m] = r->kd[k], r->ks[0][m] = r->ks[0][k], r->ks[1][m] = r->ks[1][k];
    }
  }
  if (r->nk) r->nk = m + 1;
}

static void cpu_reduce_split(cpu_reduce_t *r, const cpu_view_t *y, const cpu_view_t *x,
                             uint32_t axes, int keepdims) {
  r->nout = 1;
  r->len = 1;
  for (uint32_t k = 0, j = 0; k < x->rank; ++k) {
    const int reduced = (axes >> k) & 1u;
    const int64_t ys = (!reduced || keepdims) ? y->strides[j++] : 0;
    if (reduced) {
      r->len *= x->dims[k];
      if (x->dims[k] == 1) continue;
      r->rd[r->nr] = x->dims[k];
      r->rs[r->nr++] = x->strides[k];
    } else {
      r->nout *= x->dims[k];
      if (x->dims[k] == 1) continue;
      r->kd[r->nk] = x->dims[k];
      r->ks[0][r->nk] = x->strides[k];
      r->ks[1][r->nk++] = ys;
    }
  }
  cpu_reduce_normalize(r);
}

int32_t cpu_kernel_reduce(const cpu_view_t *y, const cpu_view_t *x, uint32_t axes, int keepdims,
                          cpu_reduce_kind_t kind) {
  cpu_reduce_t r;
  memset(&r, 0, sizeof r);
  r.dtype = x->dtype;
  r.is_float = x->dtype == XHAL_DTYPE_F32 || x->dtype == XHAL_DTYPE_F16;
  r.kind = kind;
  r.esize = (int64_t)cpu_dtype_size(x->dtype);
  r.x = x->data;
  r.y = y->data;
  cpu_reduce_split(&r, y, x, axes, keepdims);
  if (r.nout == 0) return XHAL_STATUS_OK;

  const int columns =
      r.nk > 0 && r.kd[r.nk - 1] >= 16 && (r.nr == 0 || r.ks[0][r.nk - 1] < r.rs[r.nr - 1]);
  if (columns) return cpu_reduce_by_columns(&r);
  const int threads = cpu_parallel_threads(r.nout, r.len + 1);
  if (threads > 1 && r.nout >= threads) {
    cpu_parallel_run(threads, r.nout, cpu_reduce_outputs, &r);
    return XHAL_STATUS_OK;
  }
  const int span_threads = cpu_parallel_threads(r.len, r.nout);
  if (span_threads > 1) return cpu_reduce_by_span(&r, span_threads);
  cpu_reduce_outputs(&r, 0, 0, r.nout);
  return XHAL_STATUS_OK;
}
