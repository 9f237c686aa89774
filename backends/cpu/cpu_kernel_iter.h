/* cpu_kernel_iter.h - tensor views, broadcast-aware N-d loops and the thread
 * split shared by the CPU backend's kernels.
 *
 * Kernels never see xhal_plugin_tensor_t: cpu_op.c validates a launch and
 * hands them cpu_view_t values whose data pointer already includes the byte
 * offset. All strides are in elements and never negative. */
#ifndef XHAL_CPU_KERNEL_ITER_H
#define XHAL_CPU_KERNEL_ITER_H

#include <stddef.h>
#include <stdint.h>

#include <xhal/xhal_types.h>

/* Loops marked CPU_SIMD have no loop-carried dependence (an output may be the
 * very same view as an input, element for element); the pragma lets gcc
 * vectorise them at -O2 without runtime alias checks. */
#define CPU_PRAGMA(x) _Pragma(#x)
#if defined(_OPENMP)
#define CPU_SIMD CPU_PRAGMA(omp simd)
#define CPU_SIMD_SUM(var) CPU_PRAGMA(omp simd reduction(+ : var))
#else
#define CPU_SIMD
#define CPU_SIMD_SUM(var)
#endif

/* Below this many element-operations a kernel runs on the calling thread:
 * waking a team costs more than it saves. */
#define CPU_PARALLEL_MIN_WORK 32768

typedef struct cpu_view {
  char *data; /* element (0, ..., 0); NULL in cpu_op_supported */
  uint32_t dtype;
  uint32_t rank;
  int64_t dims[XHAL_MAX_RANK];
  int64_t strides[XHAL_MAX_RANK];
} cpu_view_t;

/* Bytes per element of the dtypes the kernels handle (f32, f16, i32, i64,
 * u8, bool), 0 for others. */
size_t cpu_dtype_size(uint32_t dtype);

/* Number of elements (validated not to overflow). */
int64_t cpu_view_count(const cpu_view_t *view);

/* ---- Elementwise loops ----------------------------------------------------
 * Operand 0 is the output; inputs are broadcast to its dims (numpy rules,
 * already validated). Dims are reordered so the output is written in memory
 * order and merged where every operand is contiguous across them, so most
 * launches end up as one long row. */
#define CPU_LOOP_MAX_OPERANDS 9 /* the output and up to 8 inputs (variadic Min/Max) */

typedef struct cpu_loop {
  int rank; /* >= 1 after init */
  int operands;
  int64_t count;
  int64_t dims[XHAL_MAX_RANK];
  int64_t strides[CPU_LOOP_MAX_OPERANDS][XHAL_MAX_RANK];
  char *data[CPU_LOOP_MAX_OPERANDS];
  int64_t esize[CPU_LOOP_MAX_OPERANDS];
} cpu_loop_t;

/* Processes n elements of one row; ptr[i]/stride[i] (elements) per operand. */
typedef void (*cpu_row_fn)(const void *ctx, char *const *ptr, const int64_t *stride, int64_t n);

void cpu_loop_init(cpu_loop_t *loop, const cpu_view_t *out, const cpu_view_t *const *in,
                   int in_count);

/* Runs fn over every row, split across cpu_kernel_threads() when large. */
void cpu_loop_run(const cpu_loop_t *loop, cpu_row_fn fn, const void *ctx);

/* ---- Thread split ---------------------------------------------------------- */
typedef void (*cpu_range_fn)(void *ctx, int thread, int64_t begin, int64_t end);

/* Threads worth using for items * cost_per_item element-operations. */
int cpu_parallel_threads(int64_t items, int64_t cost_per_item);

/* Calls fn once per thread with a contiguous share of [0, items); thread is
 * in [0, threads) so callers can index per-thread scratch. */
void cpu_parallel_run(int threads, int64_t items, cpu_range_fn fn, void *ctx);

/* ---- N-d cursor -------------------------------------------------------------
 * Walks the coordinates of dims in row-major order while keeping the element
 * offset of up to CPU_LOOP_MAX_OPERANDS stride sets, without divisions. */
typedef struct cpu_cursor {
  int rank;
  int sets;
  int64_t dims[XHAL_MAX_RANK];
  int64_t strides[CPU_LOOP_MAX_OPERANDS][XHAL_MAX_RANK];
  int64_t idx[XHAL_MAX_RANK];
  int64_t off[CPU_LOOP_MAX_OPERANDS];
} cpu_cursor_t;

void cpu_cursor_init(cpu_cursor_t *cursor, int rank, const int64_t *dims, int sets,
                     const int64_t *const *strides);
void cpu_cursor_seek(cpu_cursor_t *cursor, int64_t linear);
void cpu_cursor_next(cpu_cursor_t *cursor);

#endif
