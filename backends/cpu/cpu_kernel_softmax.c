/* cpu_kernel_softmax.c - Softmax and LogSoftmax along one axis.
 *
 * The tensor is seen as outer x len x inner. Work units are (outer index,
 * block of up to 64 inner positions). The common last-axis case (width 1)
 * is a plain row, computed in place on the output when both are contiguous
 * f32; otherwise a unit gathers its len x width slab into f32 scratch, so
 * other axes still read whole cache lines. LogSoftmax shares every step
 * but the last: y = (x - max) - log(sum), the sum taken of exponentials
 * computed into stack scratch so that x - max stays in place. */
#include "cpu_kernel_softmax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_error.h"
#include "cpu_kernel_f16.h"
#include "cpu_kernel_vmath.h"

#define CPU_SOFTMAX_MAX_WIDTH 64
#define CPU_SOFTMAX_SLAB 16384 /* floats of scratch per thread before width shrinks */

typedef struct cpu_softmax_job {
  const cpu_view_t *x, *y;
  int64_t len, len_stride[2];
  int outer_rank, inner_rank;
  int64_t outer_dims[XHAL_MAX_RANK], outer_strides[2][XHAL_MAX_RANK];
  int64_t inner_dims[XHAL_MAX_RANK], inner_strides[2][XHAL_MAX_RANK];
  int64_t inner_count, width, blocks;
  float *slab;   /* len * width per thread */
  float *work;   /* 2 * width per thread: max, then divisor */
  double *sums;  /* width per thread */
  int64_t *offs; /* 2 * width per thread: inner offsets in x and y */
  int log;       /* LogSoftmax */
} cpu_softmax_job_t;

/* Exponentials of LogSoftmax go through this much stack scratch. */
#define CPU_LOG_SOFTMAX_CHUNK 256

static void cpu_softmax_gather(const cpu_softmax_job_t *job, int64_t base, const int64_t *off,
                               int64_t w, float *s) {
  const int64_t len = job->len, ls = job->len_stride[0];
  if (job->x->dtype == XHAL_DTYPE_F16) {
    const uint16_t *x = (const uint16_t *)(const void *)job->x->data + base;
    if (w == 1) {
      cpu_f16_load(s, x + off[0], len, ls);
      return;
    }
    for (int64_t l = 0; l < len; ++l)
      for (int64_t j = 0; j < w; ++j) s[l * w + j] = cpu_f16_to_f32(x[l * ls + off[j]]);
  } else {
    const float *x = (const float *)(const void *)job->x->data + base;
    if (w == 1) {
      for (int64_t l = 0; l < len; ++l) s[l] = x[l * ls + off[0]];
      return;
    }
    for (int64_t l = 0; l < len; ++l)
      for (int64_t j = 0; j < w; ++j) s[l * w + j] = x[l * ls + off[j]];
  }
}

static void cpu_softmax_scatter(const cpu_softmax_job_t *job, int64_t base, const int64_t *off,
                                int64_t w, const float *s) {
  const int64_t len = job->len, ls = job->len_stride[1];
  if (job->y->dtype == XHAL_DTYPE_F16) {
    uint16_t *y = (uint16_t *)(void *)job->y->data + base;
    if (w == 1) {
      cpu_f16_store(y + off[0], ls, s, len);
      return;
    }
    for (int64_t l = 0; l < len; ++l)
      for (int64_t j = 0; j < w; ++j) y[l * ls + off[j]] = cpu_f32_to_f16(s[l * w + j]);
  } else {
    float *y = (float *)(void *)job->y->data + base;
    if (w == 1) {
      for (int64_t l = 0; l < len; ++l) y[l * ls + off[0]] = s[l];
      return;
    }
    for (int64_t l = 0; l < len; ++l)
      for (int64_t j = 0; j < w; ++j) y[l * ls + off[j]] = s[l * w + j];
  }
}

/* Max of a row with eight independent chains: gcc keeps an OpenMP max
 * reduction in memory, which serialises on store forwarding. */
static float cpu_row_max(const float *x, int64_t len) {
  float m0 = -INFINITY, m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0;
  int64_t l = 0;
  for (; l + 8 <= len; l += 8) {
    m0 = x[l] > m0 ? x[l] : m0;
    m1 = x[l + 1] > m1 ? x[l + 1] : m1;
    m2 = x[l + 2] > m2 ? x[l + 2] : m2;
    m3 = x[l + 3] > m3 ? x[l + 3] : m3;
    m4 = x[l + 4] > m4 ? x[l + 4] : m4;
    m5 = x[l + 5] > m5 ? x[l + 5] : m5;
    m6 = x[l + 6] > m6 ? x[l + 6] : m6;
    m7 = x[l + 7] > m7 ? x[l + 7] : m7;
  }
  for (; l < len; ++l) m0 = x[l] > m0 ? x[l] : m0;
  m0 = m1 > m0 ? m1 : m0;
  m2 = m3 > m2 ? m3 : m2;
  m4 = m5 > m4 ? m5 : m4;
  m6 = m7 > m6 ? m7 : m6;
  m0 = m2 > m0 ? m2 : m0;
  m4 = m6 > m4 ? m6 : m4;
  return m4 > m0 ? m4 : m0;
}

/* LogSoftmax of a row already shifted by its max: y -= log(sum(exp(y))). */
static void cpu_log_softmax_row(float *y, int64_t len) {
  float e[CPU_LOG_SOFTMAX_CHUNK];
  double acc = 0.0;
  for (int64_t l = 0; l < len; l += CPU_LOG_SOFTMAX_CHUNK) {
    const int64_t n = len - l < CPU_LOG_SOFTMAX_CHUNK ? len - l : CPU_LOG_SOFTMAX_CHUNK;
    cpu_vmath_exp_nonpos(e, y + l, n);
    CPU_SIMD_SUM(acc)
    for (int64_t j = 0; j < n; ++j) acc += e[j];
  }
  const float ls = (float)log(acc);
  CPU_SIMD
  for (int64_t l = 0; l < len; ++l) y[l] -= ls;
}

/* One slice along the axis, contiguous; y may be x. NaN is skipped by the
 * max but still poisons the slice through exp(NaN) and the sum. */
static void cpu_softmax_row(const float *x, float *y, int64_t len, int log_softmax) {
  const float m = cpu_row_max(x, len);
  CPU_SIMD
  for (int64_t l = 0; l < len; ++l) y[l] = x[l] - m;
  if (log_softmax) {
    cpu_log_softmax_row(y, len);
    return;
  }
  cpu_vmath_exp_nonpos(y, y, len);
  double acc = 0.0;
  CPU_SIMD_SUM(acc)
  for (int64_t l = 0; l < len; ++l) acc += y[l];
  const float d = (float)acc;
  CPU_SIMD
  for (int64_t l = 0; l < len; ++l) y[l] /= d;
}

/* The same over a len x w slab, column by column, vectorised across the
 * columns. work holds 2 * w floats, sum w doubles. */
static void cpu_softmax_slab(float *s, int64_t len, int64_t w, float *work, double *sum,
                             int log_softmax) {
  float *mx = work, *div = work + w;
  for (int64_t j = 0; j < w; ++j) mx[j] = -INFINITY;
  for (int64_t l = 0; l < len; ++l) {
    CPU_SIMD
    for (int64_t j = 0; j < w; ++j) mx[j] = s[l * w + j] > mx[j] ? s[l * w + j] : mx[j];
  }
  for (int64_t l = 0; l < len; ++l) {
    CPU_SIMD
    for (int64_t j = 0; j < w; ++j) s[l * w + j] -= mx[j];
  }
  if (log_softmax) {
    float e[CPU_SOFTMAX_MAX_WIDTH];
    for (int64_t j = 0; j < w; ++j) sum[j] = 0.0;
    for (int64_t l = 0; l < len; ++l) {
      cpu_vmath_exp_nonpos(e, s + l * w, w);
      CPU_SIMD
      for (int64_t j = 0; j < w; ++j) sum[j] += e[j];
    }
    for (int64_t j = 0; j < w; ++j) div[j] = (float)log(sum[j]);
    for (int64_t l = 0; l < len; ++l) {
      CPU_SIMD
      for (int64_t j = 0; j < w; ++j) s[l * w + j] -= div[j];
    }
    return;
  }
  cpu_vmath_exp_nonpos(s, s, len * w);
  for (int64_t j = 0; j < w; ++j) sum[j] = 0.0;
  for (int64_t l = 0; l < len; ++l) {
    CPU_SIMD
    for (int64_t j = 0; j < w; ++j) sum[j] += s[l * w + j];
  }
  for (int64_t j = 0; j < w; ++j) div[j] = (float)sum[j];
  for (int64_t l = 0; l < len; ++l) {
    CPU_SIMD
    for (int64_t j = 0; j < w; ++j) s[l * w + j] /= div[j];
  }
}

/* Softmax of one unit: in place on the tensors when the slice is a
 * contiguous f32 row, else through the slab. */
static void cpu_softmax_unit(const cpu_softmax_job_t *job, int64_t xoff, int64_t yoff,
                             const int64_t *offx, const int64_t *offy, int64_t w, float *slab,
                             float *work, double *sums) {
  if (w == 1 && job->x->dtype == XHAL_DTYPE_F32 && job->y->dtype == XHAL_DTYPE_F32 &&
      job->len_stride[0] == 1 && job->len_stride[1] == 1) {
    const float *x = (const float *)(const void *)job->x->data + xoff + offx[0];
    cpu_softmax_row(x, (float *)(void *)job->y->data + yoff + offy[0], job->len, job->log);
    return;
  }
  cpu_softmax_gather(job, xoff, offx, w, slab);
  if (w == 1)
    cpu_softmax_row(slab, slab, job->len, job->log);
  else
    cpu_softmax_slab(slab, job->len, w, work, sums, job->log);
  cpu_softmax_scatter(job, yoff, offy, w, slab);
}

static void cpu_softmax_range(void *ctx, int thread, int64_t begin, int64_t end) {
  const cpu_softmax_job_t *job = ctx;
  const int64_t width = job->width;
  float *slab = job->slab + (size_t)thread * (size_t)(job->len * width);
  float *work = job->work + (size_t)thread * 2 * (size_t)width;
  double *sums = job->sums + (size_t)thread * (size_t)width;
  int64_t *offx = job->offs + (size_t)thread * 2 * (size_t)width, *offy = offx + width;
  const int64_t *os[2] = {job->outer_strides[0], job->outer_strides[1]};
  const int64_t *is[2] = {job->inner_strides[0], job->inner_strides[1]};
  cpu_cursor_t outer, inner;
  cpu_cursor_init(&outer, job->outer_rank, job->outer_dims, 2, os);
  cpu_cursor_init(&inner, job->inner_rank, job->inner_dims, 2, is);
  cpu_cursor_seek(&outer, begin / job->blocks);
  for (int64_t u = begin; u < end; ++u) {
    const int64_t block = u % job->blocks;
    if (u != begin && block == 0) cpu_cursor_next(&outer);
    const int64_t j0 = block * width;
    const int64_t w = job->inner_count - j0 < width ? job->inner_count - j0 : width;
    cpu_cursor_seek(&inner, j0);
    for (int64_t j = 0; j < w; ++j) {
      offx[j] = inner.off[0];
      offy[j] = inner.off[1];
      if (j + 1 < w) cpu_cursor_next(&inner);
    }
    cpu_softmax_unit(job, outer.off[0], outer.off[1], offx, offy, w, slab, work, sums);
  }
}

static void cpu_softmax_shape(cpu_softmax_job_t *job, int axis) {
  const cpu_view_t *x = job->x, *y = job->y;
  job->outer_rank = axis;
  for (int k = 0; k < axis; ++k) {
    job->outer_dims[k] = x->dims[k];
    job->outer_strides[0][k] = x->strides[k];
    job->outer_strides[1][k] = y->strides[k];
  }
  job->len = x->dims[axis];
  job->len_stride[0] = x->strides[axis];
  job->len_stride[1] = y->strides[axis];
  job->inner_rank = (int)x->rank - axis - 1;
  job->inner_count = 1;
  for (int k = 0; k < job->inner_rank; ++k) {
    job->inner_dims[k] = x->dims[axis + 1 + k];
    job->inner_strides[0][k] = x->strides[axis + 1 + k];
    job->inner_strides[1][k] = y->strides[axis + 1 + k];
    job->inner_count *= job->inner_dims[k];
  }
  int64_t width =
      job->inner_count < CPU_SOFTMAX_MAX_WIDTH ? job->inner_count : CPU_SOFTMAX_MAX_WIDTH;
  while (width > 1 && job->len * width > CPU_SOFTMAX_SLAB) width /= 2;
  job->width = width;
  job->blocks = (job->inner_count + width - 1) / width;
}

int32_t cpu_kernel_softmax(const cpu_view_t *y, const cpu_view_t *x, int axis, int log_softmax) {
  if (cpu_view_count(x) == 0) return XHAL_STATUS_OK;
  cpu_softmax_job_t job;
  memset(&job, 0, sizeof job);
  job.log = log_softmax;
  job.x = x;
  job.y = y;
  cpu_softmax_shape(&job, axis);
  const int64_t units = cpu_view_count(x) / (job.len * job.inner_count) * job.blocks;
  const int threads = cpu_parallel_threads(units, job.len * job.width * 8);
  const size_t t = (size_t)threads, w = (size_t)job.width;
  job.slab = malloc(t * (size_t)job.len * w * sizeof(float));
  job.work = malloc(t * 2 * w * sizeof(float));
  job.sums = malloc(t * w * sizeof(double));
  job.offs = malloc(t * 2 * w * sizeof(int64_t));
  int32_t status = XHAL_STATUS_OK;
  if (job.slab && job.work && job.sums && job.offs) {
    cpu_parallel_run(threads, units, cpu_softmax_range, &job);
  } else {
    status =
        cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "%s: scratch of %lld floats per thread failed",
                  log_softmax ? "LogSoftmax" : "Softmax", (long long)(job.len * job.width));
  }
  free(job.slab);
  free(job.work);
  free(job.sums);
  free(job.offs);
  return status;
}
