/* cpu_kernel_matmul.c - MatMul and Gemm over strided views. */
#include "cpu_kernel_matmul.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_device.h"
#include "cpu_error.h"
#include "cpu_kernel_copy.h"

#if defined(XHAL_CPU_HAVE_DNNL)
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#elif defined(XHAL_CPU_HAVE_BLAS)
#include <cblas.h>
#include <pthread.h>
#endif

/* A 2-D operand: element (i, j) at data + esize * (i * rs + j * cs). */
typedef struct cpu_mat {
  char *data;
  int64_t rows, cols;
  int64_t rs, cs;
} cpu_mat_t;

/* Scratch slots, grown on demand and kept across the batches of a launch. */
enum {
  CPU_SCRATCH_A,
  CPU_SCRATCH_B,
  CPU_SCRATCH_C,
  CPU_SCRATCH_HALF_A,
  CPU_SCRATCH_HALF_B,
  CPU_SCRATCH_HALF_C,
  CPU_SCRATCH_ACC,
  CPU_SCRATCH_COUNT
};

typedef struct cpu_scratch {
  void *ptr[CPU_SCRATCH_COUNT];
  size_t size[CPU_SCRATCH_COUNT];
} cpu_scratch_t;

static int32_t cpu_scratch_get(cpu_scratch_t *s, int slot, int64_t count, size_t esize,
                               void **out) {
  if (count < 0 || (uint64_t)count > SIZE_MAX / esize - 64) {
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "matmul: scratch of %lld elements is too large",
                     (long long)count);
  }
  size_t bytes = (size_t)count * esize;
  if (bytes > s->size[slot] || !s->ptr[slot]) {
    free(s->ptr[slot]);
    s->ptr[slot] = malloc(bytes ? bytes : 1);
    s->size[slot] = s->ptr[slot] ? bytes : 0;
    if (!s->ptr[slot]) {
      return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "matmul: scratch allocation of %zu bytes failed",
                       bytes);
    }
  }
  *out = s->ptr[slot];
  return XHAL_STATUS_OK;
}

static void cpu_scratch_free(cpu_scratch_t *s) {
  for (int i = 0; i < CPU_SCRATCH_COUNT; ++i) free(s->ptr[i]);
}

static cpu_view_t cpu_mat_view(const cpu_mat_t *m, uint32_t dtype) {
  cpu_view_t v;
  memset(&v, 0, sizeof v);
  v.data = m->data;
  v.dtype = dtype;
  v.rank = 2;
  v.dims[0] = m->rows;
  v.dims[1] = m->cols;
  v.strides[0] = m->rs;
  v.strides[1] = m->cs;
  return v;
}

static cpu_mat_t cpu_mat_packed(void *data, int64_t rows, int64_t cols) {
  cpu_mat_t m = {data, rows, cols, cols, 1};
  return m;
}

static cpu_mat_t cpu_mat_transposed(const cpu_mat_t *m) {
  cpu_mat_t t = {m->data, m->cols, m->rows, m->cs, m->rs};
  return t;
}

/* Copies (and converts) m into a packed row-major matrix of dtype at dst. */
static void cpu_mat_pack(void *dst, uint32_t dst_dtype, const cpu_mat_t *m, uint32_t dtype) {
  cpu_mat_t packed = cpu_mat_packed(dst, m->rows, m->cols);
  cpu_view_t to = cpu_mat_view(&packed, dst_dtype), from = cpu_mat_view(m, dtype);
  cpu_kernel_cast(&to, &from);
}

static void cpu_mat_unpack(const cpu_mat_t *m, uint32_t dtype, void *src, uint32_t src_dtype) {
  cpu_mat_t packed = cpu_mat_packed(src, m->rows, m->cols);
  cpu_view_t to = cpu_mat_view(m, dtype), from = cpu_mat_view(&packed, src_dtype);
  cpu_kernel_cast(&to, &from);
}

/* Whether BLAS can read m in place: row-major (trans 0) needs a unit column
 * stride and ld >= cols, column-major (trans 1) the mirror image. A dim of
 * extent 1 may have any stride. */
static int cpu_mat_layout(const cpu_mat_t *m, int allow_trans, int *trans, int64_t *ld) {
  const int64_t r = m->rows, c = m->cols;
  const int64_t min_row_ld = c > 1 ? c : 1, min_col_ld = r > 1 ? r : 1;
  if (m->cs == 1 || c == 1) {
    int64_t l = r == 1 ? min_row_ld : m->rs;
    if (l >= min_row_ld && l <= INT_MAX) {
      *trans = 0;
      *ld = l;
      return 1;
    }
  }
  if (allow_trans && (m->rs == 1 || r == 1)) {
    int64_t l = c == 1 ? min_col_ld : m->cs;
    if (l >= min_col_ld && l <= INT_MAX) {
      *trans = 1;
      *ld = l;
      return 1;
    }
  }
  return 0;
}

/* ---- f32 ------------------------------------------------------------------------ */

/* c = beta * c; beta == 0 writes zeros so NaN in c does not survive (BLAS
 * convention, and ONNX ignores C when beta is 0). */
static void cpu_scale_f32(const cpu_mat_t *c, float beta) {
  for (int64_t i = 0; i < c->rows; ++i) {
    float *row = (float *)(void *)c->data + i * c->rs;
    for (int64_t j = 0; j < c->cols; ++j)
      row[j * c->cs] = beta == 0.0f ? 0.0f : beta * row[j * c->cs];
  }
}

typedef struct cpu_sgemm_args {
  int64_t m, n, k;
  float alpha, beta;
  const float *a;
  int64_t lda;
  const float *b;
  int64_t ldb;
  float *c;
  int64_t ldc;
} cpu_sgemm_args_t;

#define CPU_GEMM_NB 256
#define CPU_GEMM_KB 128

/* Blocked row-major product for builds without BLAS (and alpha == 0, where
 * BLAS would skip A*B and lose NaN/Inf propagation): a 128x256 block of B
 * stays in L2 while a thread's rows stream past it. */
static void cpu_sgemm_rows(void *ctx, int thread, int64_t begin, int64_t end) {
  (void)thread;
  const cpu_sgemm_args_t *g = ctx;
  for (int64_t jb = 0; jb < g->n; jb += CPU_GEMM_NB) {
    const int64_t nj = g->n - jb < CPU_GEMM_NB ? g->n - jb : CPU_GEMM_NB;
    for (int64_t i = begin; i < end; ++i) {
      float *ci = g->c + i * g->ldc + jb;
      CPU_SIMD
      for (int64_t j = 0; j < nj; ++j) ci[j] = g->beta == 0.0f ? 0.0f : g->beta * ci[j];
    }
    for (int64_t kb = 0; kb < g->k; kb += CPU_GEMM_KB) {
      const int64_t kend = g->k - kb < CPU_GEMM_KB ? g->k : kb + CPU_GEMM_KB;
      for (int64_t i = begin; i < end; ++i) {
        float *ci = g->c + i * g->ldc + jb;
        const float *ai = g->a + i * g->lda;
        for (int64_t k = kb; k < kend; ++k) {
          const float av = g->alpha * ai[k];
          const float *bk = g->b + k * g->ldb + jb;
          CPU_SIMD
          for (int64_t j = 0; j < nj; ++j) ci[j] += av * bk[j];
        }
      }
    }
  }
}

#if defined(XHAL_CPU_HAVE_DNNL)
/* oneDNN's sgemm: measured 1.8-1.9x OpenBLAS here (docs/cpu-backend.md). */
#define CPU_HAVE_SGEMM_LIBRARY 1
#elif defined(XHAL_CPU_HAVE_BLAS)
#define CPU_HAVE_SGEMM_LIBRARY 1
static pthread_once_t cpu_blas_once = PTHREAD_ONCE_INIT;

static void cpu_blas_init(void) {
  openblas_set_num_threads(cpu_kernel_threads());
}
#endif

static int cpu_sgemm_use_blas(int64_t m, int64_t n, int64_t k, float alpha) {
#if defined(CPU_HAVE_SGEMM_LIBRARY)
  return alpha != 0.0f && m <= INT_MAX && n <= INT_MAX && k <= INT_MAX;
#else
  (void)m, (void)n, (void)k, (void)alpha;
  return 0;
#endif
}

static void cpu_sgemm_run(int blas, int trans_a, int trans_b, const cpu_sgemm_args_t *g) {
#if defined(XHAL_CPU_HAVE_DNNL)
  if (blas) {
    /* oneDNN runs on OpenMP; the ICV is per calling thread (a stream worker). */
    omp_set_num_threads(cpu_kernel_threads());
    dnnl_status_t status = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', g->m, g->n, g->k,
                                      g->alpha, g->a, g->lda, g->b, g->ldb, g->beta, g->c, g->ldc);
    if (status == dnnl_success) return;
    /* Only argument errors fail, and the views were validated: fall through
     * to the portable loop rather than leave C unwritten. */
  }
#elif defined(XHAL_CPU_HAVE_BLAS)
  if (blas) {
    pthread_once(&cpu_blas_once, cpu_blas_init);
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, (blasint)g->m, (blasint)g->n, (blasint)g->k,
                g->alpha, g->a, (blasint)g->lda, g->b, (blasint)g->ldb, g->beta, g->c,
                (blasint)g->ldc);
    return;
  }
#else
  (void)blas, (void)trans_a, (void)trans_b;
#endif
  cpu_parallel_run(cpu_parallel_threads(g->m, g->n * g->k), g->m, cpu_sgemm_rows, (void *)g);
}

void cpu_sgemm_plain(int threads, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                     const float *b, int64_t ldb, float *c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  const cpu_sgemm_args_t g = {m, n, k, 1.0f, 0.0f, a, lda, b, ldb, c, ldc};
  if (k == 0 || !cpu_sgemm_use_blas(m, n, k, 1.0f) || lda > INT_MAX || ldb > INT_MAX ||
      ldc > INT_MAX) {
    cpu_parallel_run(threads > 1 ? cpu_parallel_threads(m, n * k) : 1, m, cpu_sgemm_rows,
                     (void *)&g);
    return;
  }
#if defined(XHAL_CPU_HAVE_DNNL)
  /* The OpenMP ICV belongs to the calling thread (a kernel thread inside
   * Conv's parallel region, or a stream worker): set it for this call. */
  const int previous = omp_get_max_threads();
  omp_set_num_threads(threads > 1 ? threads : 1);
  const dnnl_status_t status =
      dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
  omp_set_num_threads(previous);
  if (status == dnnl_success) return;
  cpu_parallel_run(threads > 1 ? cpu_parallel_threads(m, n * k) : 1, m, cpu_sgemm_rows,
                   (void *)&g);
#elif defined(XHAL_CPU_HAVE_BLAS)
  (void)g, (void)threads;
  pthread_once(&cpu_blas_once, cpu_blas_init);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)m, (blasint)n, (blasint)k, 1.0f,
              a, (blasint)lda, b, (blasint)ldb, 0.0f, c, (blasint)ldc);
#else
  (void)g, (void)threads;
#endif
}

int cpu_sgemm_concurrent(void) {
#if !defined(XHAL_CPU_HAVE_DNNL) && defined(XHAL_CPU_HAVE_BLAS)
  return 0;
#else
  return 1;
#endif
}

/* Points at m in place when the GEMM can read it, else packs it. */
static int32_t cpu_sgemm_operand(const cpu_mat_t *m, int allow_trans, cpu_scratch_t *scr, int slot,
                                 const float **out, int *trans, int64_t *ld) {
  if (cpu_mat_layout(m, allow_trans, trans, ld)) {
    *out = (const float *)(const void *)m->data;
    return XHAL_STATUS_OK;
  }
  void *packed = NULL;
  CPU_RETURN_IF_ERROR(cpu_scratch_get(scr, slot, m->rows * m->cols, sizeof(float), &packed));
  cpu_mat_pack(packed, XHAL_DTYPE_F32, m, XHAL_DTYPE_F32);
  *out = packed;
  *trans = 0;
  *ld = m->cols > 1 ? m->cols : 1;
  return XHAL_STATUS_OK;
}

/* c = alpha * a * b + beta * c with c written row-major, in place when its
 * layout allows, else through a packed copy. */
static int32_t cpu_sgemm_rowmajor(const cpu_mat_t *a, const cpu_mat_t *b, const cpu_mat_t *c,
                                  float alpha, float beta, cpu_scratch_t *scr) {
  cpu_sgemm_args_t g = {c->rows, c->cols, a->cols, alpha, beta, NULL, 0, NULL, 0, NULL, 0};
  const int blas = cpu_sgemm_use_blas(g.m, g.n, g.k, alpha);
  int trans_a = 0, trans_b = 0, trans_c = 0, staged = 0;
  if (cpu_mat_layout(c, 0, &trans_c, &g.ldc)) {
    g.c = (float *)(void *)c->data;
  } else {
    void *packed = NULL;
    CPU_RETURN_IF_ERROR(cpu_scratch_get(scr, CPU_SCRATCH_C, g.m * g.n, sizeof(float), &packed));
    if (beta != 0.0f) cpu_mat_pack(packed, XHAL_DTYPE_F32, c, XHAL_DTYPE_F32);
    g.c = packed;
    g.ldc = g.n;
    staged = 1;
  }
  CPU_RETURN_IF_ERROR(cpu_sgemm_operand(a, blas, scr, CPU_SCRATCH_A, &g.a, &trans_a, &g.lda));
  CPU_RETURN_IF_ERROR(cpu_sgemm_operand(b, blas, scr, CPU_SCRATCH_B, &g.b, &trans_b, &g.ldb));
  cpu_sgemm_run(blas, trans_a, trans_b, &g);
  if (staged) cpu_mat_unpack(c, XHAL_DTYPE_F32, g.c, XHAL_DTYPE_F32);
  return XHAL_STATUS_OK;
}

static int32_t cpu_sgemm_2d(const cpu_mat_t *a, const cpu_mat_t *b, const cpu_mat_t *c, float alpha,
                            float beta, cpu_scratch_t *scr) {
  if (c->rows == 0 || c->cols == 0) return XHAL_STATUS_OK;
  if (a->cols == 0) {
    cpu_scale_f32(c, beta);
    return XHAL_STATUS_OK;
  }
  int trans = 0;
  int64_t ld = 0;
  if (!cpu_mat_layout(c, 0, &trans, &ld)) {
    /* A column-major output is the row-major C^T = B^T * A^T. */
    cpu_mat_t ct = cpu_mat_transposed(c);
    if (cpu_mat_layout(&ct, 0, &trans, &ld)) {
      cpu_mat_t at = cpu_mat_transposed(b), bt = cpu_mat_transposed(a);
      return cpu_sgemm_rowmajor(&at, &bt, &ct, alpha, beta, scr);
    }
  }
  return cpu_sgemm_rowmajor(a, b, c, alpha, beta, scr);
}

/* ---- f16: through f32 ----------------------------------------------------------- */

static int32_t cpu_hgemm_2d(const cpu_mat_t *a, const cpu_mat_t *b, const cpu_mat_t *c, float alpha,
                            float beta, cpu_scratch_t *scr) {
  const int64_t m = c->rows, n = c->cols, k = a->cols;
  if (m == 0 || n == 0) return XHAL_STATUS_OK;
  void *af = NULL, *bf = NULL, *cf = NULL;
  CPU_RETURN_IF_ERROR(cpu_scratch_get(scr, CPU_SCRATCH_HALF_A, m * k, sizeof(float), &af));
  CPU_RETURN_IF_ERROR(cpu_scratch_get(scr, CPU_SCRATCH_HALF_B, k * n, sizeof(float), &bf));
  CPU_RETURN_IF_ERROR(cpu_scratch_get(scr, CPU_SCRATCH_HALF_C, m * n, sizeof(float), &cf));
  cpu_mat_pack(af, XHAL_DTYPE_F32, a, XHAL_DTYPE_F16);
  cpu_mat_pack(bf, XHAL_DTYPE_F32, b, XHAL_DTYPE_F16);
  if (beta != 0.0f) cpu_mat_pack(cf, XHAL_DTYPE_F32, c, XHAL_DTYPE_F16);
  const cpu_mat_t pa = cpu_mat_packed(af, m, k), pb = cpu_mat_packed(bf, k, n),
                  pc = cpu_mat_packed(cf, m, n);
  CPU_RETURN_IF_ERROR(cpu_sgemm_2d(&pa, &pb, &pc, alpha, beta, scr));
  cpu_mat_unpack(c, XHAL_DTYPE_F16, cf, XHAL_DTYPE_F32);
  return XHAL_STATUS_OK;
}

/* ---- i32/i64: wrapping, accumulated in uint64 ------------------------------------- */

typedef struct cpu_igemm_job {
  const cpu_mat_t *a, *b, *c;
  uint64_t alpha, beta;
  uint64_t *acc; /* n per thread */
} cpu_igemm_job_t;

#define CPU_IGEMM_ROWS(name, T)                                                                    \
  static void name(void *ctx, int thread, int64_t begin, int64_t end) {                            \
    const cpu_igemm_job_t *job = ctx;                                                              \
    const cpu_mat_t *a = job->a, *b = job->b, *c = job->c;                                         \
    const int64_t n = c->cols, k_len = a->cols;                                                    \
    uint64_t *acc = job->acc + (size_t)thread * (size_t)n;                                         \
    for (int64_t i = begin; i < end; ++i) {                                                        \
      memset(acc, 0, (size_t)n * sizeof *acc);                                                     \
      const T *ai = (const T *)(const void *)a->data + i * a->rs;                                  \
      for (int64_t k = 0; k < k_len; ++k) {                                                        \
        const uint64_t av = (uint64_t)(int64_t)ai[k * a->cs];                                      \
        const T *bk = (const T *)(const void *)b->data + k * b->rs;                                \
        if (b->cs == 1) {                                                                          \
          CPU_SIMD                                                                                 \
          for (int64_t j = 0; j < n; ++j) acc[j] += av * (uint64_t)(int64_t)bk[j];                 \
        } else {                                                                                   \
          for (int64_t j = 0; j < n; ++j) acc[j] += av * (uint64_t)(int64_t)bk[j * b->cs];         \
        }                                                                                          \
      }                                                                                            \
      T *ci = (T *)(void *)c->data + i * c->rs;                                                    \
      for (int64_t j = 0; j < n; ++j) {                                                            \
        uint64_t v = job->alpha * acc[j];                                                          \
        if (job->beta) v += job->beta * (uint64_t)(int64_t)ci[j * c->cs];                          \
        ci[j * c->cs] = (T)v;                                                                      \
      }                                                                                            \
    }                                                                                              \
  }

CPU_IGEMM_ROWS(cpu_igemm_rows_i32, int32_t)
CPU_IGEMM_ROWS(cpu_igemm_rows_i64, int64_t)

static int32_t cpu_igemm_2d(uint32_t dtype, const cpu_mat_t *a, const cpu_mat_t *b,
                            const cpu_mat_t *c, double alpha, double beta, cpu_scratch_t *scr) {
  const int64_t m = c->rows, n = c->cols;
  if (m == 0 || n == 0) return XHAL_STATUS_OK;
  const int threads = cpu_parallel_threads(m, n * (a->cols + 1));
  void *acc = NULL;
  CPU_RETURN_IF_ERROR(cpu_scratch_get(scr, CPU_SCRATCH_ACC, n * threads, sizeof(uint64_t), &acc));
  cpu_igemm_job_t job = {a, b, c, (uint64_t)(int64_t)alpha, (uint64_t)(int64_t)beta, acc};
  cpu_parallel_run(threads, m, dtype == XHAL_DTYPE_I32 ? cpu_igemm_rows_i32 : cpu_igemm_rows_i64,
                   &job);
  return XHAL_STATUS_OK;
}

static int32_t cpu_mm_2d(uint32_t dtype, const cpu_mat_t *a, const cpu_mat_t *b, const cpu_mat_t *c,
                         double alpha, double beta, cpu_scratch_t *scr) {
  switch (dtype) {
    case XHAL_DTYPE_F32:
      return cpu_sgemm_2d(a, b, c, (float)alpha, (float)beta, scr);
    case XHAL_DTYPE_F16:
      return cpu_hgemm_2d(a, b, c, (float)alpha, (float)beta, scr);
    case XHAL_DTYPE_I32:
    case XHAL_DTYPE_I64:
      return cpu_igemm_2d(dtype, a, b, c, alpha, beta, scr);
    default:
      return cpu_error(XHAL_STATUS_INTERNAL, "matmul kernel: dtype %u", dtype);
  }
}

/* ---- Batched MatMul ------------------------------------------------------------- */

/* When B is shared by every batch and A's and Y's batch dims continue their
 * row dim in memory, the whole batch is one tall product: one BLAS call with
 * a large M instead of many small ones. */
static int cpu_matmul_fold(cpu_mat_t *a, cpu_mat_t *y, int nb, const int64_t *bd,
                           int64_t (*bs)[XHAL_MAX_RANK]) {
  if (nb == 0) return 0;
  for (int k = 0; k < nb; ++k)
    if (bs[2][k] != 0) return 0;
  int64_t rows = a->rows, a_rs = a->rs, y_rs = y->rs;
  if (rows == 1) { /* the row stride of a single row is free */
    a_rs = bs[1][nb - 1];
    y_rs = bs[0][nb - 1];
  }
  for (int k = nb - 1; k >= 0; --k) {
    if (bs[1][k] != rows * a_rs || bs[0][k] != rows * y_rs) return 0;
    rows *= bd[k];
  }
  a->rows = y->rows = rows;
  a->rs = a_rs;
  y->rs = y_rs;
  return 1;
}

int32_t cpu_kernel_matmul(const cpu_view_t *y, const cpu_view_t *a, const cpu_view_t *b) {
  const int r = (int)y->rank;
  if (cpu_view_count(y) == 0) return XHAL_STATUS_OK;
  cpu_mat_t ma = {a->data, a->dims[r - 2], a->dims[r - 1], a->strides[r - 2], a->strides[r - 1]};
  cpu_mat_t mb = {b->data, b->dims[r - 2], b->dims[r - 1], b->strides[r - 2], b->strides[r - 1]};
  cpu_mat_t my = {y->data, y->dims[r - 2], y->dims[r - 1], y->strides[r - 2], y->strides[r - 1]};

  int nb = 0;
  int64_t bd[XHAL_MAX_RANK], bs[3][XHAL_MAX_RANK];
  for (int k = 0; k < r - 2; ++k) {
    if (y->dims[k] == 1) continue;
    bd[nb] = y->dims[k];
    bs[0][nb] = y->strides[k];
    bs[1][nb] = a->strides[k];
    bs[2][nb] = b->strides[k];
    ++nb;
  }
  if (cpu_matmul_fold(&ma, &my, nb, bd, bs)) nb = 0;

  const int64_t *sets[3] = {bs[0], bs[1], bs[2]};
  cpu_cursor_t cursor;
  cpu_cursor_init(&cursor, nb, bd, 3, sets);
  int64_t batches = 1;
  for (int k = 0; k < nb; ++k) batches *= bd[k];
  const int64_t esize = (int64_t)cpu_dtype_size(y->dtype);
  cpu_scratch_t scr;
  memset(&scr, 0, sizeof scr);
  int32_t status = XHAL_STATUS_OK;
  for (int64_t i = 0; i < batches && status == XHAL_STATUS_OK; ++i) {
    if (i) cpu_cursor_next(&cursor);
    cpu_mat_t pa = ma, pb = mb, py = my;
    py.data += cursor.off[0] * esize;
    pa.data += cursor.off[1] * esize;
    pb.data += cursor.off[2] * esize;
    status = cpu_mm_2d(y->dtype, &pa, &pb, &py, 1.0, 0.0, &scr);
  }
  cpu_scratch_free(&scr);
  return status;
}

int32_t cpu_kernel_gemm(const cpu_view_t *y, const cpu_view_t *a, const cpu_view_t *b,
                        const cpu_view_t *c, double alpha, double beta) {
  if (cpu_view_count(y) == 0) return XHAL_STATUS_OK;
  if (c && beta != 0.0)
    CPU_RETURN_IF_ERROR(cpu_kernel_copy(y, c));
  else
    beta = 0.0;
  const cpu_mat_t ma = {a->data, a->dims[0], a->dims[1], a->strides[0], a->strides[1]};
  const cpu_mat_t mb = {b->data, b->dims[0], b->dims[1], b->strides[0], b->strides[1]};
  const cpu_mat_t my = {y->data, y->dims[0], y->dims[1], y->strides[0], y->strides[1]};
  cpu_scratch_t scr;
  memset(&scr, 0, sizeof scr);
  int32_t status = cpu_mm_2d(y->dtype, &ma, &mb, &my, alpha, beta, &scr);
  cpu_scratch_free(&scr);
  return status;
}
