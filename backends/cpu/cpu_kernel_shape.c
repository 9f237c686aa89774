/* cpu_kernel_shape.c - data-movement operators as copies. */
#include "cpu_kernel_shape.h"

#include <string.h>

#include "cpu_kernel_copy.h"

static int64_t cpu_shape_esize(uint32_t dtype) {
  switch (dtype) {
#define CPU_SHAPE_SIZE(name, value, size, text)                                                    \
  case XHAL_DTYPE_##name:                                                                          \
    return size;
    XHAL_DTYPE_LIST(CPU_SHAPE_SIZE)
#undef CPU_SHAPE_SIZE
    default:
      return 0;
  }
}

typedef struct cpu_linear_job {
  const cpu_view_t *dst, *src;
  int64_t esize;
} cpu_linear_job_t;

/* Elements [begin, end) in row-major order: one cursor per view. */
static void cpu_linear_range(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_linear_job_t *job = ctx;
  cpu_cursor_t co, ci;
  const int64_t *so = job->dst->strides, *si = job->src->strides;
  cpu_cursor_init(&co, (int)job->dst->rank, job->dst->dims, 1, &so);
  cpu_cursor_init(&ci, (int)job->src->rank, job->src->dims, 1, &si);
  cpu_cursor_seek(&co, begin);
  cpu_cursor_seek(&ci, begin);
  const int64_t e = job->esize;
  char *o = job->dst->data;
  const char *a = job->src->data;
  for (int64_t n = begin; n < end; ++n) {
    memcpy(o + co.off[0] * e, a + ci.off[0] * e, (size_t)e);
    cpu_cursor_next(&co);
    cpu_cursor_next(&ci);
  }
}

int32_t cpu_kernel_copy_linear(const cpu_view_t *dst, const cpu_view_t *src) {
  const int64_t count = cpu_view_count(dst);
  if (count == 0) return XHAL_STATUS_OK;
  cpu_linear_job_t job = {dst, src, cpu_shape_esize(dst->dtype)};
  cpu_parallel_run(cpu_parallel_threads(count, 4), count, cpu_linear_range, &job);
  return XHAL_STATUS_OK;
}

int32_t cpu_kernel_copies(uint32_t count, const cpu_view_t *dst, const cpu_view_t *src,
                          const uint8_t *linear) {
  for (uint32_t i = 0; i < count; ++i) {
    if (linear[i])
      cpu_kernel_copy_linear(&dst[i], &src[i]);
    else
      cpu_kernel_copy(&dst[i], &src[i]);
  }
  return XHAL_STATUS_OK;
}
