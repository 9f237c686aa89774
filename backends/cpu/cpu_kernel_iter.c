/* cpu_kernel_iter.c - views, elementwise loops and the thread split. */
#include "cpu_kernel_iter.h"

#include "cpu_device.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

/* Elementwise work is handed out in multiples of this many elements so that
 * two threads rarely write the same cache line. */
#define CPU_LOOP_GRAIN 16

size_t cpu_dtype_size(uint32_t dtype) {
  switch (dtype) {
    case XHAL_DTYPE_F32:
    case XHAL_DTYPE_I32:
      return 4;
    case XHAL_DTYPE_F16:
      return 2;
    case XHAL_DTYPE_I64:
      return 8;
    case XHAL_DTYPE_U8:
    case XHAL_DTYPE_BOOL:
      return 1;
    default:
      return 0;
  }
}

int64_t cpu_view_count(const cpu_view_t *view) {
  int64_t count = 1;
  for (uint32_t k = 0; k < view->rank; ++k) count *= view->dims[k];
  return count;
}

/* ---- Thread split ---------------------------------------------------------- */

int cpu_parallel_threads(int64_t items, int64_t cost_per_item) {
  if (items <= 1) return 1;
  if (cost_per_item < 1) cost_per_item = 1;
  if (items <= CPU_PARALLEL_MIN_WORK / cost_per_item) return 1;
  int threads = cpu_kernel_threads();
  if (threads < 1) threads = 1;
  if ((int64_t)threads > items) threads = (int)items;
  return threads;
}

void cpu_parallel_run(int threads, int64_t items, cpu_range_fn fn, void *ctx) {
  if (items <= 0) return;
  if (threads > items) threads = (int)items;
#if defined(_OPENMP)
  if (threads > 1) {
#pragma omp parallel num_threads(threads)
    {
      int64_t team = omp_get_num_threads();
      int64_t t = omp_get_thread_num();
      int64_t share = items / team, extra = items % team;
      int64_t begin = t * share + (t < extra ? t : extra);
      int64_t end = begin + share + (t < extra ? 1 : 0);
      if (begin < end) fn(ctx, (int)t, begin, end);
    }
    return;
  }
#endif
  fn(ctx, 0, 0, items);
}

/* ---- N-d cursor -------------------------------------------------------------- */

void cpu_cursor_init(cpu_cursor_t *cursor, int rank, const int64_t *dims, int sets,
                     const int64_t *const *strides) {
  cursor->rank = rank;
  cursor->sets = sets;
  for (int k = 0; k < rank; ++k) {
    cursor->dims[k] = dims[k];
    cursor->idx[k] = 0;
    for (int s = 0; s < sets; ++s) cursor->strides[s][k] = strides[s][k];
  }
  for (int s = 0; s < sets; ++s) cursor->off[s] = 0;
}

void cpu_cursor_seek(cpu_cursor_t *cursor, int64_t linear) {
  for (int s = 0; s < cursor->sets; ++s) cursor->off[s] = 0;
  for (int k = cursor->rank - 1; k >= 0; --k) {
    int64_t i = linear % cursor->dims[k];
    linear /= cursor->dims[k];
    cursor->idx[k] = i;
    for (int s = 0; s < cursor->sets; ++s) cursor->off[s] += i * cursor->strides[s][k];
  }
}

void cpu_cursor_next(cpu_cursor_t *cursor) {
  for (int k = cursor->rank - 1; k >= 0; --k) {
    for (int s = 0; s < cursor->sets; ++s) cursor->off[s] += cursor->strides[s][k];
    if (++cursor->idx[k] < cursor->dims[k]) return;
    for (int s = 0; s < cursor->sets; ++s)
      cursor->off[s] -= cursor->strides[s][k] * cursor->dims[k];
    cursor->idx[k] = 0;
  }
}

/* ---- Elementwise loops -------------------------------------------------------- */

/* Stable insertion sort of dims by decreasing output stride, so the output
 * is written front to back whatever its layout. */
static void cpu_loop_sort(cpu_loop_t *loop, int n) {
  for (int k = 1; k < n; ++k) {
    for (int j = k; j > 0 && loop->strides[0][j - 1] < loop->strides[0][j]; --j) {
      int64_t d = loop->dims[j];
      loop->dims[j] = loop->dims[j - 1];
      loop->dims[j - 1] = d;
      for (int o = 0; o < loop->operands; ++o) {
        int64_t s = loop->strides[o][j];
        loop->strides[o][j] = loop->strides[o][j - 1];
        loop->strides[o][j - 1] = s;
      }
    }
  }
}

/* Merges neighbouring dims that every operand walks contiguously. */
static int cpu_loop_coalesce(cpu_loop_t *loop, int n) {
  int m = 0;
  for (int k = 1; k < n; ++k) {
    int mergeable = 1;
    for (int o = 0; o < loop->operands; ++o)
      if (loop->strides[o][m] != loop->strides[o][k] * loop->dims[k]) mergeable = 0;
    if (mergeable) {
      loop->dims[m] *= loop->dims[k];
      for (int o = 0; o < loop->operands; ++o) loop->strides[o][m] = loop->strides[o][k];
    } else {
      ++m;
      loop->dims[m] = loop->dims[k];
      for (int o = 0; o < loop->operands; ++o) loop->strides[o][m] = loop->strides[o][k];
    }
  }
  return n > 0 ? m + 1 : 0;
}

void cpu_loop_init(cpu_loop_t *loop, const cpu_view_t *out, const cpu_view_t *const *in,
                   int in_count) {
  const int rank = (int)out->rank;
  loop->operands = in_count + 1;
  loop->data[0] = out->data;
  loop->esize[0] = (int64_t)cpu_dtype_size(out->dtype);
  for (int o = 1; o < loop->operands; ++o) {
    loop->data[o] = in[o - 1]->data;
    loop->esize[o] = (int64_t)cpu_dtype_size(in[o - 1]->dtype);
  }
  loop->count = cpu_view_count(out);

  /* Unit dims are dropped here; broadcast dims of inputs get stride 0. */
  int n = 0;
  for (int k = 0; k < rank; ++k) {
    if (out->dims[k] == 1) continue;
    loop->dims[n] = out->dims[k];
    loop->strides[0][n] = out->strides[k];
    for (int o = 1; o < loop->operands; ++o) {
      const cpu_view_t *v = in[o - 1];
      int j = k - (rank - (int)v->rank);
      loop->strides[o][n] = (j < 0 || v->dims[j] == 1) ? 0 : v->strides[j];
    }
    ++n;
  }
  cpu_loop_sort(loop, n);
  n = cpu_loop_coalesce(loop, n);
  if (n == 0) {
    n = 1;
    loop->dims[0] = 1;
    for (int o = 0; o < loop->operands; ++o) loop->strides[o][0] = 0;
  }
  loop->rank = n;
}

typedef struct cpu_loop_job {
  const cpu_loop_t *loop;
  cpu_row_fn fn;
  const void *ctx;
} cpu_loop_job_t;

/* Runs elements [begin, end) (in units of CPU_LOOP_GRAIN) row by row. */
static void cpu_loop_range(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_loop_job_t *job = ctx;
  const cpu_loop_t *loop = job->loop;
  const int r = loop->rank, ops = loop->operands;
  const int64_t inner = loop->dims[r - 1];
  begin *= CPU_LOOP_GRAIN;
  end *= CPU_LOOP_GRAIN;
  if (end > loop->count) end = loop->count;

  const int64_t *outer_strides[CPU_LOOP_MAX_OPERANDS];
  int64_t stride[CPU_LOOP_MAX_OPERANDS];
  for (int o = 0; o < ops; ++o) {
    outer_strides[o] = loop->strides[o];
    stride[o] = loop->strides[o][r - 1];
  }
  cpu_cursor_t cursor;
  cpu_cursor_init(&cursor, r - 1, loop->dims, ops, outer_strides);
  cpu_cursor_seek(&cursor, begin / inner);
  int64_t col = begin % inner, left = end - begin;
  while (left > 0) {
    int64_t n = inner - col < left ? inner - col : left;
    char *ptr[CPU_LOOP_MAX_OPERANDS];
    for (int o = 0; o < ops; ++o)
      ptr[o] = loop->data[o] + (cursor.off[o] + col * stride[o]) * loop->esize[o];
    job->fn(job->ctx, ptr, stride, n);
    left -= n;
    col = 0;
    if (left > 0) cpu_cursor_next(&cursor);
  }
}

void cpu_loop_run(const cpu_loop_t *loop, cpu_row_fn fn, const void *ctx) {
  if (loop->count <= 0) return;
  cpu_loop_job_t job = {loop, fn, ctx};
  int64_t units = (loop->count + CPU_LOOP_GRAIN - 1) / CPU_LOOP_GRAIN;
  cpu_parallel_run(cpu_parallel_threads(loop->count, 1), units, cpu_loop_range, &job);
}
