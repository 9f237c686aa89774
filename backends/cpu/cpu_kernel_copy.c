/* cpu_kernel_copy.c - strided copy, tiled transpose and Cast. */
#include "cpu_kernel_copy.h"

#include <string.h>

#include "cpu_kernel_f16.h"

/* ---- Copy ------------------------------------------------------------------------ */
#define CPU_COPY_ROW(name, T)                                                                      \
  static void name(const void *ctx, char *const *p, const int64_t *s, int64_t n) {                 \
    (void)ctx;                                                                                     \
    T *o = (T *)(void *)p[0];                                                                      \
    const T *a = (const T *)(const void *)p[1];                                                    \
    if (s[0] == 1 && s[1] == 1) {                                                                  \
      if (o != a) memcpy(o, a, (size_t)n * sizeof(T));                                             \
    } else if (s[0] == 1 && s[1] == 0) {                                                           \
      const T v = a[0];                                                                            \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) o[i] = v;                                                    \
    } else {                                                                                       \
      for (int64_t i = 0; i < n; ++i) o[i * s[0]] = a[i * s[1]];                                   \
    }                                                                                              \
  }

CPU_COPY_ROW(cpu_copy_row1, uint8_t)
CPU_COPY_ROW(cpu_copy_row2, uint16_t)
CPU_COPY_ROW(cpu_copy_row4, uint32_t)
CPU_COPY_ROW(cpu_copy_row8, uint64_t)

static cpu_row_fn cpu_copy_row_for(int64_t esize) {
  return esize == 1   ? cpu_copy_row1
         : esize == 2 ? cpu_copy_row2
         : esize == 4 ? cpu_copy_row4
                      : cpu_copy_row8;
}

/* Copy moves bits, so it serves every xhal dtype by its element size. */
static int64_t cpu_copy_esize(uint32_t dtype) {
  switch (dtype) {
#define CPU_COPY_SIZE(name, value, size, text)                                                     \
  case XHAL_DTYPE_##name:                                                                          \
    return size;
    XHAL_DTYPE_LIST(CPU_COPY_SIZE)
#undef CPU_COPY_SIZE
    default:
      return 0;
  }
}

/* ---- Tiled transpose --------------------------------------------------------------
 * When the output's innermost dim reads the source with a large stride and
 * the next dim reads it contiguously, a plain row loop touches a new source
 * cache line per element; square tiles keep both sides in L1. */
#define CPU_TILE 16

typedef struct cpu_tile_job {
  const cpu_loop_t *loop;
  int64_t row_tiles;
  cpu_row_fn row;
} cpu_tile_job_t;

static void cpu_tile_range(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_tile_job_t *job = ctx;
  const cpu_loop_t *l = job->loop;
  const int r = l->rank;
  const int64_t rows = l->dims[r - 2], cols = l->dims[r - 1];
  const int64_t *outer[2] = {l->strides[0], l->strides[1]};
  const int64_t col_stride[2] = {l->strides[0][r - 1], l->strides[1][r - 1]};
  cpu_cursor_t cursor;
  cpu_cursor_init(&cursor, r - 2, l->dims, 2, outer);
  cpu_cursor_seek(&cursor, begin / job->row_tiles);
  for (int64_t t = begin; t < end; ++t) {
    const int64_t r0 = (t % job->row_tiles) * CPU_TILE;
    const int64_t r1 = r0 + CPU_TILE < rows ? r0 + CPU_TILE : rows;
    for (int64_t c0 = 0; c0 < cols; c0 += CPU_TILE) {
      const int64_t n = cols - c0 < CPU_TILE ? cols - c0 : CPU_TILE;
      for (int64_t i = r0; i < r1; ++i) {
        char *p[2];
        for (int o = 0; o < 2; ++o)
          p[o] = l->data[o] +
                 (cursor.off[o] + i * l->strides[o][r - 2] + c0 * col_stride[o]) * l->esize[o];
        job->row(NULL, p, col_stride, n);
      }
    }
    if (t + 1 < end && (t + 1) % job->row_tiles == 0) cpu_cursor_next(&cursor);
  }
}

static int cpu_copy_is_transpose(const cpu_loop_t *l) {
  const int r = l->rank;
  return r >= 2 && l->strides[1][r - 1] > CPU_TILE && l->strides[1][r - 2] == 1 &&
         l->dims[r - 1] >= CPU_TILE && l->dims[r - 2] >= CPU_TILE;
}

static void cpu_copy_tiled(const cpu_loop_t *l, cpu_row_fn row) {
  const int r = l->rank;
  cpu_tile_job_t job = {l, (l->dims[r - 2] + CPU_TILE - 1) / CPU_TILE, row};
  const int64_t tiles = l->count / (l->dims[r - 2] * l->dims[r - 1]) * job.row_tiles;
  const int64_t per_tile = CPU_TILE * l->dims[r - 1];
  cpu_parallel_run(cpu_parallel_threads(tiles, per_tile), tiles, cpu_tile_range, &job);
}

int32_t cpu_kernel_copy(const cpu_view_t *dst, const cpu_view_t *src) {
  cpu_loop_t loop;
  const cpu_view_t *in[1] = {src};
  cpu_loop_init(&loop, dst, in, 1);
  if (loop.count == 0) return XHAL_STATUS_OK;
  /* cpu_loop_init sizes only the arithmetic dtypes. */
  loop.esize[0] = loop.esize[1] = cpu_copy_esize(dst->dtype);
  cpu_row_fn row = cpu_copy_row_for(loop.esize[0]);
  if (cpu_copy_is_transpose(&loop))
    cpu_copy_tiled(&loop, row);
  else
    cpu_loop_run(&loop, row, NULL);
  return XHAL_STATUS_OK;
}

/* ---- Cast ----------------------------------------------------------------------- */

/* float -> int: CPU_FLOAT_TO_INT (cpu_kernel_copy.h). */

#define CPU_CAST_ROW(name, S, D, EXPR)                                                             \
  static void name(const void *ctx, char *const *p, const int64_t *s, int64_t n) {                 \
    (void)ctx;                                                                                     \
    D *o = (D *)(void *)p[0];                                                                      \
    const S *a = (const S *)(const void *)p[1];                                                    \
    if (s[0] == 1 && s[1] == 1) {                                                                  \
      CPU_SIMD                                                                                     \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        S x = a[i];                                                                                \
        o[i] = (EXPR);                                                                             \
      }                                                                                            \
    } else {                                                                                       \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        S x = a[i * s[1]];                                                                         \
        o[i * s[0]] = (EXPR);                                                                      \
      }                                                                                            \
    }                                                                                              \
  }

CPU_CAST_ROW(cpu_cast_f32_i32, float, int32_t, cpu_f32_to_i32(x))
CPU_CAST_ROW(cpu_cast_f32_i64, float, int64_t, cpu_f32_to_i64(x))
CPU_CAST_ROW(cpu_cast_i32_f32, int32_t, float, (float)x)
CPU_CAST_ROW(cpu_cast_i64_f32, int64_t, float, (float)x)
CPU_CAST_ROW(cpu_cast_i32_i64, int32_t, int64_t, (int64_t)x)
CPU_CAST_ROW(cpu_cast_i64_i32, int64_t, int32_t, (int32_t)(uint32_t)(uint64_t)x)

/* Casts from or to f16 go through an f32 block: every f16 value is exact in
 * f32, and integers reach f16 exactly as they would directly (an integer
 * that f32 rounds is >= 2^24, far past the f16 overflow threshold). */
static void cpu_block_load(uint32_t dtype, float *dst, const char *src, int64_t n, int64_t stride) {
  switch (dtype) {
    case XHAL_DTYPE_F16:
      cpu_f16_load(dst, (const uint16_t *)(const void *)src, n, stride);
      break;
    case XHAL_DTYPE_F32:
      for (int64_t i = 0; i < n; ++i) dst[i] = ((const float *)(const void *)src)[i * stride];
      break;
    case XHAL_DTYPE_I32:
      for (int64_t i = 0; i < n; ++i)
        dst[i] = (float)((const int32_t *)(const void *)src)[i * stride];
      break;
    default:
      for (int64_t i = 0; i < n; ++i)
        dst[i] = (float)((const int64_t *)(const void *)src)[i * stride];
      break;
  }
}

static void cpu_block_store(uint32_t dtype, char *dst, int64_t stride, const float *src,
                            int64_t n) {
  switch (dtype) {
    case XHAL_DTYPE_F16:
      cpu_f16_store((uint16_t *)(void *)dst, stride, src, n);
      break;
    case XHAL_DTYPE_F32:
      for (int64_t i = 0; i < n; ++i) ((float *)(void *)dst)[i * stride] = src[i];
      break;
    case XHAL_DTYPE_I32:
      for (int64_t i = 0; i < n; ++i) ((int32_t *)(void *)dst)[i * stride] = cpu_f32_to_i32(src[i]);
      break;
    default:
      for (int64_t i = 0; i < n; ++i) ((int64_t *)(void *)dst)[i * stride] = cpu_f32_to_i64(src[i]);
      break;
  }
}

typedef struct cpu_cast_ctx {
  uint32_t src_dtype, dst_dtype;
  int64_t src_size, dst_size;
} cpu_cast_ctx_t;

static void cpu_cast_via_f32(const void *ctx, char *const *p, const int64_t *s, int64_t n) {
  const cpu_cast_ctx_t *c = ctx;
  float block[CPU_F16_BLOCK];
  for (int64_t i = 0; i < n; i += CPU_F16_BLOCK) {
    int64_t m = n - i < CPU_F16_BLOCK ? n - i : CPU_F16_BLOCK;
    cpu_block_load(c->src_dtype, block, p[1] + i * s[1] * c->src_size, m, s[1]);
    cpu_block_store(c->dst_dtype, p[0] + i * s[0] * c->dst_size, s[0], block, m);
  }
}

static cpu_row_fn cpu_cast_row_for(uint32_t src, uint32_t dst) {
  if (src == XHAL_DTYPE_F32 && dst == XHAL_DTYPE_I32) return cpu_cast_f32_i32;
  if (src == XHAL_DTYPE_F32 && dst == XHAL_DTYPE_I64) return cpu_cast_f32_i64;
  if (src == XHAL_DTYPE_I32 && dst == XHAL_DTYPE_F32) return cpu_cast_i32_f32;
  if (src == XHAL_DTYPE_I64 && dst == XHAL_DTYPE_F32) return cpu_cast_i64_f32;
  if (src == XHAL_DTYPE_I32 && dst == XHAL_DTYPE_I64) return cpu_cast_i32_i64;
  if (src == XHAL_DTYPE_I64 && dst == XHAL_DTYPE_I32) return cpu_cast_i64_i32;
  return cpu_cast_via_f32;
}

int32_t cpu_kernel_cast(const cpu_view_t *dst, const cpu_view_t *src) {
  if (dst->dtype == src->dtype) return cpu_kernel_copy(dst, src);
  cpu_loop_t loop;
  const cpu_view_t *in[1] = {src};
  cpu_loop_init(&loop, dst, in, 1);
  const cpu_cast_ctx_t ctx = {src->dtype, dst->dtype, (int64_t)cpu_dtype_size(src->dtype),
                              (int64_t)cpu_dtype_size(dst->dtype)};
  cpu_loop_run(&loop, cpu_cast_row_for(src->dtype, dst->dtype), &ctx);
  return XHAL_STATUS_OK;
}
