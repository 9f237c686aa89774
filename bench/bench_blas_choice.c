/* bench_blas_choice.c - which library should the CPU backend's sgemm call?
 *
 * Times OpenBLAS cblas_sgemm against oneDNN dnnl_sgemm (both row-major
 * C = A*B, f32) on the same buffers, interleaved, median of REPS, at the
 * thread count the libraries are given by OMP_NUM_THREADS /
 * OPENBLAS_NUM_THREADS in the environment. docs/cpu-backend.md records the
 * numbers that decided the choice.
 *
 * usage: bench_blas_choice [N...]   (default 256 512 1024 2048) */
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPS 7

static double bench_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

static int bench_compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int default_sizes[] = {256, 512, 1024, 2048};
  int count = argc > 1 ? argc - 1 : 4;
  printf("| N | OpenBLAS GFLOP/s | oneDNN GFLOP/s | oneDNN / OpenBLAS |\n|---|---|---|---|\n");
  for (int s = 0; s < count; ++s) {
    int n = argc > 1 ? atoi(argv[s + 1]) : default_sizes[s];
    if (n <= 0) {
      fprintf(stderr, "bad size '%s'\n", argv[s + 1]);
      return 2;
    }
    size_t elements = (size_t)n * (size_t)n;
    float *a = malloc(elements * sizeof *a), *b = malloc(elements * sizeof *b),
          *c = malloc(elements * sizeof *c);
    if (!a || !b || !c) return 1;
    for (size_t i = 0; i < elements; ++i) {
      a[i] = (float)(i % 17) * 0.01f;
      b[i] = (float)(i % 13) * 0.02f;
    }
    double openblas[REPS], onednn[REPS];
    for (int r = 0; r < REPS; ++r) {
      double start = bench_now();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
      openblas[r] = bench_now() - start;
      start = bench_now();
      dnnl_status_t status = dnnl_sgemm('N', 'N', n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
      onednn[r] = bench_now() - start;
      if (status != dnnl_success) {
        fprintf(stderr, "dnnl_sgemm(%d) failed: %d\n", n, (int)status);
        return 1;
      }
    }
    qsort(openblas, REPS, sizeof(double), bench_compare);
    qsort(onednn, REPS, sizeof(double), bench_compare);
    double flops = 2.0 * n * (double)n * n;
    double g_openblas = flops / openblas[REPS / 2] * 1e-9, g_onednn = flops / onednn[REPS / 2] * 1e-9;
    printf("| %d | %.1f | %.1f | %.3f |\n", n, g_openblas, g_onednn, g_onednn / g_openblas);
    free(a);
    free(b);
    free(c);
  }
  return 0;
}
