/* bench_gemm.c - CPU backend MatMul/Gemm f32 vs OpenBLAS cblas_sgemm.
 *
 * Usage: bench_gemm [--sizes=256,512,1024,2048] [--threads=1,2] [--reps=7]
 *
 * For each thread count the program re-runs itself with XHAL_CPU_THREADS
 * set (the backend reads it once per process) and OpenBLAS limited to the
 * same count. Each row times xhal (cpu_op_prepare + execute, the whole
 * launch) and a direct cblas_sgemm on the same buffers, interleaved, and
 * reports medians. Rows: MatMul (A*B) and Gemm with transB=1 (A*B^T). */
#include <cblas.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cpu_buffer.h"
#include "cpu_device.h"
#include "cpu_error.h"
#include "cpu_op.h"

#define BENCH_MAX_LIST 16

typedef struct bench_config {
  int sizes[BENCH_MAX_LIST], size_count;
  int threads[BENCH_MAX_LIST], thread_count;
  int reps;
} bench_config_t;

static struct xhal_plugin_device bench_device = {NULL, 0};

static void bench_set_error(int32_t status, const char *message) {
  fprintf(stderr, "xhal error %d: %s\n", status, message);
}

static const xhal_host_api_v1_t bench_host = {
    XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_HOST_API, xhal_host_api_v1_t), 1, 0, bench_set_error, NULL};

static double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double bench_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, bench_compare);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int bench_parse_list(const char *text, int *out, int max) {
  int count = 0;
  while (*text && count < max) {
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || v <= 0 || v > 1 << 16) return -1;
    out[count++] = (int)v;
    text = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') return -1;
  }
  return count;
}

static int bench_parse(int argc, char **argv, bench_config_t *cfg, int *child) {
  static const int sizes[] = {256, 512, 1024, 2048};
  memcpy(cfg->sizes, sizes, sizeof sizes);
  cfg->size_count = 4;
  cfg->threads[0] = 1, cfg->threads[1] = 2;
  cfg->thread_count = 2;
  cfg->reps = 7;
  *child = 0;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (!strncmp(a, "--sizes=", 8)) {
      cfg->size_count = bench_parse_list(a + 8, cfg->sizes, BENCH_MAX_LIST);
    } else if (!strncmp(a, "--threads=", 10)) {
      cfg->thread_count = bench_parse_list(a + 10, cfg->threads, BENCH_MAX_LIST);
    } else if (!strncmp(a, "--reps=", 7)) {
      cfg->reps = atoi(a + 7);
    } else if (!strcmp(a, "--child")) {
      *child = 1;
    } else {
      return -1;
    }
  }
  return cfg->size_count > 0 && cfg->thread_count > 0 && cfg->reps >= 1 ? 0 : -1;
}

/* ---- One process: one thread count ------------------------------------------ */

typedef struct bench_matrix {
  struct xhal_plugin_buffer buffer;
  xhal_plugin_tensor_t tensor;
} bench_matrix_t;

static int bench_matrix_init(bench_matrix_t *m, int n, unsigned seed) {
  memset(m, 0, sizeof *m);
  size_t bytes = (size_t)n * (size_t)n * sizeof(float);
  m->buffer.device = &bench_device;
  m->buffer.size = bytes;
  m->buffer.data = aligned_alloc(CPU_BUFFER_ALIGNMENT, bytes);
  if (!m->buffer.data) return -1;
  float *f = m->buffer.data;
  for (size_t i = 0; i < (size_t)n * (size_t)n; ++i) {
    seed = seed * 1103515245u + 12345u;
    f[i] = (float)((seed >> 16) & 0x3ff) / 512.0f - 1.0f;
  }
  m->tensor.header =
      (xhal_struct_header_t)XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_TENSOR, xhal_plugin_tensor_t);
  m->tensor.dtype = XHAL_DTYPE_F32;
  m->tensor.rank = 2;
  m->tensor.dims[0] = m->tensor.dims[1] = n;
  m->tensor.strides[0] = n;
  m->tensor.strides[1] = 1;
  m->tensor.buffer = &m->buffer;
  return 0;
}

static double bench_xhal(const xhal_plugin_op_desc_t *desc) {
  double t = bench_now();
  cpu_op_call_t *call = NULL;
  if (cpu_op_prepare(&bench_device, desc, &call) != XHAL_STATUS_OK ||
      cpu_op_execute(call) != XHAL_STATUS_OK) {
    cpu_op_call_free(call);
    return -1.0;
  }
  cpu_op_call_free(call);
  return bench_now() - t;
}

static double bench_blas(int n, int trans_b, const float *a, const float *b, float *c) {
  double t = bench_now();
  cblas_sgemm(CblasRowMajor, CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, n, n, n, 1.0f, a, n,
              b, n, 0.0f, c, n);
  return bench_now() - t;
}

/* Times one op (MatMul, or Gemm with transB) at size n; prints one row. */
static int bench_row(int n, int threads, int reps, int gemm, bench_matrix_t *m) {
  const xhal_plugin_tensor_t *ins[2] = {&m[0].tensor, &m[1].tensor}, *outs[1] = {&m[2].tensor};
  const xhal_attr_t trans_b = {"transB", XHAL_ATTR_INT, 0, 1, 0.0, NULL, NULL, NULL};
  const xhal_plugin_op_desc_t desc = {
      XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_OP_DESC, xhal_plugin_op_desc_t),
      gemm ? XHAL_OP_GEMM : XHAL_OP_MATMUL,
      gemm ? 1 : 0,
      gemm ? &trans_b : NULL,
      2,
      1,
      ins,
      outs};
  float *c_blas = m[3].buffer.data;
  double tx[64], tb[64];
  if (reps > 64) reps = 64;
  if (bench_xhal(&desc) < 0) return -1; /* warm-up: threads, pages, BLAS buffers */
  bench_blas(n, gemm, m[0].buffer.data, m[1].buffer.data, c_blas);
  for (int r = 0; r < reps; ++r) {
    /* Alternate which goes first so drift hits both sides alike. */
    if (r % 2) tb[r] = bench_blas(n, gemm, m[0].buffer.data, m[1].buffer.data, c_blas);
    tx[r] = bench_xhal(&desc);
    if (!(r % 2)) tb[r] = bench_blas(n, gemm, m[0].buffer.data, m[1].buffer.data, c_blas);
    if (tx[r] < 0) return -1;
  }
  const double flop = 2.0 * (double)n * (double)n * (double)n;
  const double gx = flop / bench_median(tx, reps) * 1e-9, gb = flop / bench_median(tb, reps) * 1e-9;
  printf("%-16s %6d %8d %14.1f %16.1f %8.3f\n", gemm ? "Gemm(transB=1)" : "MatMul", n, threads, gx,
         gb, gx / gb);
  fflush(stdout);
  return 0;
}

static int bench_child(const bench_config_t *cfg) {
  cpu__host = &bench_host;
  const int threads = cpu_kernel_threads();
  openblas_set_num_threads(threads);
  for (int i = 0; i < cfg->size_count; ++i) {
    const int n = cfg->sizes[i];
    bench_matrix_t m[4]; /* A, B, xhal's C, BLAS's C */
    int ok = 1;
    for (int k = 0; k < 4; ++k) ok &= bench_matrix_init(&m[k], n, 17u + (unsigned)k) == 0;
    for (int gemm = 0; ok && gemm < 2; ++gemm) ok = bench_row(n, threads, cfg->reps, gemm, m) == 0;
    for (int k = 0; k < 4; ++k) free(m[k].buffer.data);
    if (!ok) {
      fprintf(stderr, "bench_gemm: N=%d failed\n", n);
      return 1;
    }
  }
  return 0;
}

/* ---- Parent: one child per thread count ----------------------------------------- */

static int bench_spawn(char **argv, int threads) {
  extern char **environ;
  size_t count = 0;
  while (environ[count]) ++count;
  char **env = calloc(count + 3, sizeof *env);
  if (!env) return 1;
  char xhal_var[64], blas_var[64];
  snprintf(xhal_var, sizeof xhal_var, "XHAL_CPU_THREADS=%d", threads);
  snprintf(blas_var, sizeof blas_var, "OPENBLAS_NUM_THREADS=%d", threads);
  size_t n = 0;
  for (size_t i = 0; i < count; ++i)
    if (strncmp(environ[i], "XHAL_CPU_THREADS=", 17) &&
        strncmp(environ[i], "OPENBLAS_NUM_THREADS=", 21))
      env[n++] = environ[i];
  env[n++] = xhal_var;
  env[n++] = blas_var;

  char *child_argv[BENCH_MAX_LIST + 8];
  int a = 0;
  child_argv[a++] = argv[0];
  for (int i = 1; argv[i] && a < BENCH_MAX_LIST + 6; ++i) child_argv[a++] = argv[i];
  child_argv[a++] = "--child";
  child_argv[a] = NULL;
  pid_t pid;
  int rc = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv, env);
  free(env);
  if (rc != 0) {
    fprintf(stderr, "bench_gemm: posix_spawn: %s\n", strerror(rc));
    return 1;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv) {
  bench_config_t cfg;
  int child;
  if (bench_parse(argc, argv, &cfg, &child) != 0) {
    fprintf(stderr, "usage: %s [--sizes=256,512,1024,2048] [--threads=1,2] [--reps=7]\n", argv[0]);
    return 2;
  }
  if (child) return bench_child(&cfg);
  printf("# xhal CPU backend vs OpenBLAS cblas_sgemm, f32, median of %d interleaved runs\n",
         cfg.reps);
  printf("%-16s %6s %8s %14s %16s %8s\n", "op", "N", "threads", "xhal_GFLOP/s", "openblas_GFLOP/s",
         "ratio");
  fflush(stdout);
  int rc = 0;
  for (int t = 0; t < cfg.thread_count; ++t) {
    /* Thread counts are passed by environment, so drop the list from argv. */
    char *args[BENCH_MAX_LIST + 4];
    int n = 0;
    args[n++] = argv[0];
    for (int i = 1; i < argc && n < BENCH_MAX_LIST + 2; ++i)
      if (strncmp(argv[i], "--threads=", 10)) args[n++] = argv[i];
    args[n] = NULL;
    rc |= bench_spawn(args, cfg.threads[t]);
  }
  return rc;
}
