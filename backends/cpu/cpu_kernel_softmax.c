/* cpu_kernel_softmax.c - Softmax along one axis.
 *
 * The tensor is seen as outer x len x inner. Work units are (outer index,
 * block of up to 64 inner positions): each gathers its len x width slab into
 * f32 scratch, so the last-axis case (width 1) is a plain row and other axes
 * still read whole cache lines. */
#include "cpu_kernel_softmax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_error.h"
#include "cpu_kernel_f16.h"
#include "cpu_kernel_vmath.h"

#if defined(_OPENMP)
#define CPU_SIMD_MAX(var) CPU_PRAGMA(omp simd reduction(max : var))
#else
#define CPU_SIMD_MAX(var)
#endif

#define CPU_SOFTMAX_MAX_WIDTH 64
#define CPU_SOFTMAX_SLAB 16384 /* floats of scratch per thread before width shrinks */

typedef struct cpu_softmax_job {
  const cpu_view_t *x, *y;
  int64_t len, len_stride[2];
  int outer_rank, inner_rank;
  int64_t outer_dims[XHAL_MAX_RANK], outer_strides[2][XHAL_MAX_RANK];
  int64_t inner_dims[XHAL_MAX_RANK], inner_strides[2][XHAL_MAX_RANK];
  int64_t inner_count, width, blocks;
  float *slab;    /* len * width per thread */
  float *work;    /* 2 * width per thread: max, then divisor */
  double *sums;   /* width per thread */
  int64_t *offs;  /* 2 * width per thread: inner offsets in x and y */
} cpu_softmax_job_t;

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
    for (int64_t l = 0; l < len; ++l)
      for (int64_t j = 0; j < w; ++j) y[l * ls + off[j]] = s[l * w + j];
  }
}

/* Column maxima of the slab; NaN is skipped here but still poisons its
 * column through exp(NaN) and the sum. */
static void cpu_softmax_max(const float *s, int64_t len, int64_t w, float *mx) {
  if (w == 1) {
    float m = -INFINITY;
    CPU_SIMD_MAX(m)
    for (int64_t l = 0; l < len; ++l) m = s[l] > m ? s[l] : m;
    mx[0] = m;
    return;
  }
  for (int64_t j = 0; j < w; ++j) mx[j] = -INFINITY;
  for (int64_t l = 0; l < len; ++l)
    for (int64_t j = 0; j < w; ++j) mx[j] = s[l * w + j] > mx[j] ? s[l * w + j] : mx[j];
}

static void cpu_softmax_sum(const float *s, int64_t len, int64_t w, double *sum) {
  if (w == 1) {
    double acc = 0.0;
    CPU_SIMD_SUM(acc)
    for (int64_t l = 0; l < len; ++l) acc += s[l];
    sum[0] = acc;
    return;
  }
  for (int64_t j = 0; j < w; ++j) sum[j] = 0.0;
  for (int64_t l = 0; l < len; ++l) {
    CPU_SIMD
    for (int64_t j = 0; j < w; ++j) sum[j] += s[l * w + j];
  }
}

static void cpu_softmax_slab(float *s, int64_t len, int64_t w, float *work, double *sum) {
  float *mx = work, *div = work + w;
  cpu_softmax_max(s, len, w, mx);
  for (int64_t l = 0; l < len; ++l) {
    CPU_SIMD
    for (int64_t j = 0; j < w; ++j) s[l * w + j] -= mx[j];
  }
  cpu_vmath_exp(s, s, len * w);
  cpu_softmax_sum(s, len, w, sum);
  for (int64_t j = 0; j < w; ++j) div[j] = (float)sum[j];
  for (int64_t l = 0; l < len; ++l) {
    CPU_SIMD
    for (int64_t j = 0; j < w; ++j) s[l * w + j] /= div[j];
  }
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
    cpu_softmax_gather(job, outer.off[0], offx, w, slab);
    cpu_softmax_slab(slab, job->len, w, work, sums);
    cpu_softmax_scatter(job, outer.off[1], offy, w, slab);
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
  int64_t width = job->inner_count < CPU_SOFTMAX_MAX_WIDTH ? job->inner_count : CPU_SOFTMAX_MAX_WIDTH;
  while (width > 1 && job->len * width > CPU_SOFTMAX_SLAB) width /= 2;
  job->width = width;
  job->blocks = (job->inner_count + width - 1) / width;
}

int32_t cpu_kernel_softmax(const cpu_view_t *y, const cpu_view_t *x, int axis) {
  if (cpu_view_count(x) == 0) return XHAL_STATUS_OK;
  cpu_softmax_job_t job;
  memset(&job, 0, sizeof job);
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
    status = cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "Softmax: scratch of %lld floats per thread failed",
                       (long long)(job.len * job.width));
  }
  free(job.slab);
  free(job.work);
  free(job.sums);
  free(job.offs);
  return status;
}
