/* cpu_kernel_norm.c - normalisations over rows of dims, ArgMax/ArgMin.
 *
 * A normalisation is a set of independent rows split across threads. Each
 * row is gathered once into f32 scratch (f16 converted, any strides), its
 * statistics are taken in f64 and the output is written in a second walk
 * that also reads scale and bias. Row offsets come from the row index by
 * division (a handful per row); inside a row an odometer over the row dims
 * walks x, y, scale and bias together. */
#include "cpu_kernel_norm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_error.h"
#include "cpu_kernel_f16.h"

enum {
  CPU_NORM_X = 0,
  CPU_NORM_Y,
  CPU_NORM_SCALE,
  CPU_NORM_BIAS,
  CPU_NORM_MEAN,
  CPU_NORM_VAR,
  CPU_NORM_MEAN_OUT,
  CPU_NORM_INV_OUT
};
#define CPU_NORM_TENSORS 8
#define CPU_NORM_ROW_SETS 4 /* x, y, scale, bias walk a row */

typedef struct cpu_norm_job {
  const cpu_view_t *t[CPU_NORM_TENSORS]; /* bias, mean, var, mean_out, inv_out may be NULL */
  double epsilon;
  int orank, irank;
  int64_t od[XHAL_MAX_RANK], os[CPU_NORM_TENSORS][XHAL_MAX_RANK];
  int64_t id[XHAL_MAX_RANK], is[CPU_NORM_ROW_SETS][XHAL_MAX_RANK];
  int64_t rows, len;
  float *scratch; /* len per thread */
} cpu_norm_job_t;

static inline double cpu_norm_load(const cpu_view_t *v, int64_t off) {
  if (v->dtype == XHAL_DTYPE_F16) return cpu_f16_to_f32(((const uint16_t *)(const void *)v->data)[off]);
  return ((const float *)(const void *)v->data)[off];
}

static inline void cpu_norm_store(const cpu_view_t *v, int64_t off, double value) {
  if (v->dtype == XHAL_DTYPE_F16)
    ((uint16_t *)(void *)v->data)[off] = cpu_f32_to_f16((float)value);
  else
    ((float *)(void *)v->data)[off] = (float)value;
}

/* Odometer over the row dims; off[] follows x, y, scale, bias. */
typedef struct cpu_norm_walk {
  int64_t idx[XHAL_MAX_RANK];
  int64_t off[CPU_NORM_ROW_SETS];
} cpu_norm_walk_t;

static inline void cpu_norm_walk_next(const cpu_norm_job_t *job, cpu_norm_walk_t *w) {
  for (int k = job->irank - 1; k >= 0; --k) {
    for (int s = 0; s < CPU_NORM_ROW_SETS; ++s) w->off[s] += job->is[s][k];
    if (++w->idx[k] < job->id[k] || k == 0) return;
    for (int s = 0; s < CPU_NORM_ROW_SETS; ++s) w->off[s] -= job->id[k] * job->is[s][k];
    w->idx[k] = 0;
  }
}

static void cpu_norm_rows(void *ctx, int thread, int64_t begin, int64_t end) {
  const cpu_norm_job_t *job = ctx;
  const cpu_view_t *x = job->t[CPU_NORM_X], *y = job->t[CPU_NORM_Y];
  const cpu_view_t *scale = job->t[CPU_NORM_SCALE], *bias = job->t[CPU_NORM_BIAS];
  float *row = job->scratch + (size_t)thread * (size_t)job->len;
  for (int64_t r = begin; r < end; ++r) {
    int64_t base[CPU_NORM_TENSORS] = {0};
    int64_t rem = r;
    for (int k = job->orank - 1; k >= 0; --k) {
      const int64_t q = rem / job->od[k], c = rem - q * job->od[k];
      rem = q;
      for (int s = 0; s < CPU_NORM_TENSORS; ++s) base[s] += c * job->os[s][k];
    }
    cpu_norm_walk_t w;
    memset(&w, 0, sizeof w);
    memcpy(w.off, base, sizeof w.off);
    double sum = 0.0;
    for (int64_t j = 0; j < job->len; ++j) {
      row[j] = (float)cpu_norm_load(x, w.off[CPU_NORM_X]);
      sum += row[j];
      cpu_norm_walk_next(job, &w);
    }
    double mean, var;
    if (job->t[CPU_NORM_MEAN]) {
      mean = cpu_norm_load(job->t[CPU_NORM_MEAN], base[CPU_NORM_MEAN]);
      var = cpu_norm_load(job->t[CPU_NORM_VAR], base[CPU_NORM_VAR]);
    } else {
      mean = sum / (double)job->len;
      double sq = 0.0;
      for (int64_t j = 0; j < job->len; ++j) sq += (row[j] - mean) * (row[j] - mean);
      var = sq / (double)job->len;
    }
    const double inv = 1.0 / sqrt(var + job->epsilon);
    const cpu_view_t *mean_out = job->t[CPU_NORM_MEAN_OUT], *inv_out = job->t[CPU_NORM_INV_OUT];
    if (mean_out) cpu_norm_store(mean_out, base[CPU_NORM_MEAN_OUT], mean);
    if (inv_out) cpu_norm_store(inv_out, base[CPU_NORM_INV_OUT], inv);
    memset(&w, 0, sizeof w);
    memcpy(w.off, base, sizeof w.off);
    for (int64_t j = 0; j < job->len; ++j) {
      const double b = bias ? cpu_norm_load(bias, w.off[CPU_NORM_BIAS]) : 0.0;
      const double v = (row[j] - mean) * inv * cpu_norm_load(scale, w.off[CPU_NORM_SCALE]) + b;
      cpu_norm_store(y, w.off[CPU_NORM_Y], v);
      cpu_norm_walk_next(job, &w);
    }
  }
}

int32_t cpu_kernel_norm(const cpu_view_t *y, const cpu_view_t *x, const cpu_view_t *scale,
                        const cpu_view_t *bias, const cpu_view_t *mean, const cpu_view_t *var,
                        const cpu_view_t *mean_out, const cpu_view_t *inv_out, uint32_t row_axes,
                        double epsilon) {
  cpu_norm_job_t job;
  memset(&job, 0, sizeof job);
  const cpu_view_t *t[CPU_NORM_TENSORS] = {x, y, scale, bias, mean, var, mean_out, inv_out};
  memcpy(job.t, t, sizeof t);
  job.epsilon = epsilon;
  job.rows = 1;
  job.len = 1;
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (row_axes & (1u << k)) {
      job.id[job.irank] = x->dims[k];
      for (int s = 0; s < CPU_NORM_ROW_SETS; ++s)
        job.is[s][job.irank] = t[s] ? t[s]->strides[k] : 0;
      job.len *= x->dims[k];
      job.irank++;
    } else {
      job.od[job.orank] = x->dims[k];
      for (int s = 0; s < CPU_NORM_TENSORS; ++s) job.os[s][job.orank] = t[s] ? t[s]->strides[k] : 0;
      job.rows *= x->dims[k];
      job.orank++;
    }
  }
  if (job.rows == 0 || job.len == 0) return XHAL_STATUS_OK;
  const int threads = cpu_parallel_threads(job.rows, job.len * 8);
  job.scratch = malloc((size_t)threads * (size_t)job.len * sizeof(float));
  if (!job.scratch) {
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "Normalization: scratch of %lld floats failed",
                     (long long)job.len * threads);
  }
  cpu_parallel_run(threads, job.rows, cpu_norm_rows, &job);
  free(job.scratch);
  return XHAL_STATUS_OK;
}

/* ---- ArgMax / ArgMin ---------------------------------------------------------------------- */

typedef struct cpu_arg_job {
  const cpu_view_t *x, *y;
  int axis, is_min, last;
  int orank;
  int64_t od[XHAL_MAX_RANK], os[2][XHAL_MAX_RANK]; /* x, y */
  int64_t len, xs;
} cpu_arg_job_t;

/* Index of the extreme of n values p[i * s] (n > 0). */
static int64_t cpu_arg_float(const cpu_arg_job_t *job, const char *p, int64_t n, int64_t s) {
  const int f16 = job->x->dtype == XHAL_DTYPE_F16;
  const uint16_t *h = (const uint16_t *)(const void *)p;
  const float *f = (const float *)(const void *)p;
  float best = f16 ? cpu_f16_to_f32(h[0]) : f[0];
  int64_t at = 0;
  for (int64_t i = 1; i < n; ++i) {
    const float v = f16 ? cpu_f16_to_f32(h[i * s]) : f[i * s];
    int take;
    if (best != best)
      take = job->last && v != v;
    else if (v != v)
      take = 1;
    else if (job->last)
      take = job->is_min ? v <= best : v >= best;
    else
      take = job->is_min ? v < best : v > best;
    if (take) best = v, at = i;
  }
  return at;
}

static int64_t cpu_arg_int(const cpu_arg_job_t *job, const char *p, int64_t n, int64_t s) {
  const int i32 = job->x->dtype == XHAL_DTYPE_I32, u8 = job->x->dtype == XHAL_DTYPE_U8;
  const int32_t *a = (const int32_t *)(const void *)p;
  const int64_t *b = (const int64_t *)(const void *)p;
  const uint8_t *c = (const uint8_t *)(const void *)p;
  int64_t best = u8 ? c[0] : i32 ? a[0] : b[0], at = 0;
  for (int64_t i = 1; i < n; ++i) {
    const int64_t v = u8 ? c[i * s] : i32 ? a[i * s] : b[i * s];
    const int take = job->last ? (job->is_min ? v <= best : v >= best)
                               : (job->is_min ? v < best : v > best);
    if (take) best = v, at = i;
  }
  return at;
}

static void cpu_arg_rows(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_arg_job_t *job = ctx;
  const int is_float = job->x->dtype == XHAL_DTYPE_F32 || job->x->dtype == XHAL_DTYPE_F16;
  const int64_t esize = (int64_t)cpu_dtype_size(job->x->dtype);
  const int64_t *sets[2] = {job->os[0], job->os[1]};
  cpu_cursor_t cursor;
  cpu_cursor_init(&cursor, job->orank, job->od, 2, sets);
  cpu_cursor_seek(&cursor, begin);
  for (int64_t r = begin; r < end; ++r) {
    if (r != begin) cpu_cursor_next(&cursor);
    const char *p = job->x->data + cursor.off[0] * esize;
    const int64_t at = is_float ? cpu_arg_float(job, p, job->len, job->xs)
                                : cpu_arg_int(job, p, job->len, job->xs);
    ((int64_t *)(void *)job->y->data)[cursor.off[1]] = at;
  }
}

int32_t cpu_kernel_arg(const cpu_view_t *y, const cpu_view_t *x, int axis, int is_min,
                       int select_last) {
  cpu_arg_job_t job;
  memset(&job, 0, sizeof job);
  job.x = x;
  job.y = y;
  job.is_min = is_min;
  job.last = select_last;
  job.len = x->dims[axis];
  job.xs = x->strides[axis];
  int64_t rows = 1;
  for (int k = 0; k < (int)x->rank; ++k) {
    if (k == axis) continue;
    job.od[job.orank] = x->dims[k];
    job.os[0][job.orank] = x->strides[k];
    job.os[1][job.orank] = y->strides[k];
    job.orank++;
    rows *= x->dims[k];
  }
  if (rows == 0 || job.len == 0) return XHAL_STATUS_OK;
  cpu_parallel_run(cpu_parallel_threads(rows, job.len), rows, cpu_arg_rows, &job);
  return XHAL_STATUS_OK;
}
