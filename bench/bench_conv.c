/* bench_conv.c - CPU backend Conv (f32, NCHW) vs oneDNN's own convolution
 * primitive (dnnl C API, forward inference, plain nchw/oihw memory, the
 * primitive's preferred algorithm) on PaddleOCR-like layer shapes.
 *
 * Usage: bench_conv [--reps=9] [--layer=SUBSTRING]
 *
 * Threads: the CPU backend uses XHAL_CPU_THREADS (default: the cores);
 * oneDNN runs on OpenMP with the same count. Each row times the whole xhal
 * launch (cpu_op_prepare + execute) and the oneDNN primitive's execute (its
 * creation is excluded), interleaved, and prints medians in ms and their
 * ratio (xhal / oneDNN: above 1 means xhal is slower). */
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu_buffer.h"
#include "cpu_device.h"
#include "cpu_error.h"
#include "cpu_op.h"

static struct xhal_plugin_device bench_device = {NULL, 0};

static void bench_set_error(int32_t status, const char *message) {
  fprintf(stderr, "xhal error %d: %s\n", status, message);
}

static const xhal_host_api_v1_t bench_host = {
    XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_HOST_API, xhal_host_api_v1_t), 1, 0, bench_set_error, NULL};

typedef struct bench_layer {
  const char *name;
  int64_t n, c, h, w, m, k, stride, pad, group;
} bench_layer_t;

static const bench_layer_t bench_layers[] = {
    {"3x640x640 k3 s2 ->16", 1, 3, 640, 640, 16, 3, 2, 1, 1},
    {"16x320x320 dw3x3", 1, 16, 320, 320, 16, 3, 1, 1, 16},
    {"64x80x80 1x1 ->128", 1, 64, 80, 80, 128, 1, 1, 0, 1},
    {"128x40x40 dw5x5 s2", 1, 128, 40, 40, 128, 5, 2, 2, 128},
    {"64x80x80 k3 ->64", 1, 64, 80, 80, 64, 3, 1, 1, 1},
    {"256x20x20 1x1 ->256", 1, 256, 20, 20, 256, 1, 1, 0, 1},
};

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

typedef struct bench_tensor {
  struct xhal_plugin_buffer buffer;
  xhal_plugin_tensor_t tensor;
} bench_tensor_t;

static int bench_tensor_init(bench_tensor_t *t, uint32_t rank, const int64_t *dims, unsigned seed) {
  memset(t, 0, sizeof *t);
  int64_t count = 1;
  for (uint32_t k = 0; k < rank; ++k) count *= dims[k];
  size_t bytes = ((size_t)count * sizeof(float) + CPU_BUFFER_ALIGNMENT - 1) /
                 CPU_BUFFER_ALIGNMENT * CPU_BUFFER_ALIGNMENT;
  t->buffer.device = &bench_device;
  t->buffer.size = bytes;
  t->buffer.data = aligned_alloc(CPU_BUFFER_ALIGNMENT, bytes);
  if (!t->buffer.data) return -1;
  float *f = t->buffer.data;
  for (int64_t i = 0; i < count; ++i) {
    seed = seed * 1103515245u + 12345u;
    f[i] = (float)((seed >> 16) & 0x3ff) / 512.0f - 1.0f;
  }
  t->tensor.header =
      (xhal_struct_header_t)XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_TENSOR, xhal_plugin_tensor_t);
  t->tensor.dtype = XHAL_DTYPE_F32;
  t->tensor.rank = rank;
  int64_t stride = 1;
  for (int k = (int)rank - 1; k >= 0; --k) {
    t->tensor.dims[k] = dims[k];
    t->tensor.strides[k] = stride;
    stride *= dims[k];
  }
  t->tensor.buffer = &t->buffer;
  return 0;
}

#define BENCH_DNNL(call)                                                                           \
  do {                                                                                             \
    dnnl_status_t s_ = (call);                                                                     \
    if (s_ != dnnl_success) {                                                                      \
      fprintf(stderr, "%s: %d\n", #call, (int)s_);                                                \
      return -1;                                                                                   \
    }                                                                                              \
  } while (0)

typedef struct bench_dnnl {
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  dnnl_primitive_t prim;
  dnnl_memory_t src, wei, bia, dst;
} bench_dnnl_t;

static int bench_dnnl_init(bench_dnnl_t *d, const bench_layer_t *l, int64_t oh, int64_t ow,
                           bench_tensor_t *t) {
  memset(d, 0, sizeof *d);
  BENCH_DNNL(dnnl_engine_create(&d->engine, dnnl_cpu, 0));
  BENCH_DNNL(dnnl_stream_create(&d->stream, d->engine, dnnl_stream_default_flags));
  dnnl_memory_desc_t src_md, wei_md, bia_md, dst_md;
  const dnnl_dims_t src_dims = {l->n, l->c, l->h, l->w};
  const dnnl_dims_t dst_dims = {l->n, l->m, oh, ow};
  const dnnl_dims_t bia_dims = {l->m};
  BENCH_DNNL(dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_f32, dnnl_nchw));
  BENCH_DNNL(dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dnnl_f32, dnnl_nchw));
  BENCH_DNNL(dnnl_memory_desc_init_by_tag(&bia_md, 1, bia_dims, dnnl_f32, dnnl_x));
  if (l->group > 1) {
    const dnnl_dims_t wei_dims = {l->group, l->m / l->group, l->c / l->group, l->k, l->k};
    BENCH_DNNL(dnnl_memory_desc_init_by_tag(&wei_md, 5, wei_dims, dnnl_f32, dnnl_goihw));
  } else {
    const dnnl_dims_t wei_dims = {l->m, l->c, l->k, l->k};
    BENCH_DNNL(dnnl_memory_desc_init_by_tag(&wei_md, 4, wei_dims, dnnl_f32, dnnl_oihw));
  }
  const dnnl_dims_t strides = {l->stride, l->stride}, pads = {l->pad, l->pad};
  dnnl_convolution_desc_t cd;
  BENCH_DNNL(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference,
                                                dnnl_convolution_direct, &src_md, &wei_md,
                                                &bia_md, &dst_md, strides, pads, pads));
  dnnl_primitive_desc_t pd;
  BENCH_DNNL(dnnl_primitive_desc_create(&pd, &cd, NULL, d->engine, NULL));
  BENCH_DNNL(dnnl_primitive_create(&d->prim, pd));
  dnnl_primitive_desc_destroy(pd);
  BENCH_DNNL(dnnl_memory_create(&d->src, &src_md, d->engine, t[0].buffer.data));
  BENCH_DNNL(dnnl_memory_create(&d->wei, &wei_md, d->engine, t[1].buffer.data));
  BENCH_DNNL(dnnl_memory_create(&d->bia, &bia_md, d->engine, t[2].buffer.data));
  BENCH_DNNL(dnnl_memory_create(&d->dst, &dst_md, d->engine, t[4].buffer.data));
  return 0;
}

static double bench_dnnl_run(bench_dnnl_t *d) {
  const dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, d->src},
                                   {DNNL_ARG_WEIGHTS, d->wei},
                                   {DNNL_ARG_BIAS, d->bia},
                                   {DNNL_ARG_DST, d->dst}};
  double t = bench_now();
  if (dnnl_primitive_execute(d->prim, d->stream, 4, args) != dnnl_success) return -1.0;
  dnnl_stream_wait(d->stream);
  return bench_now() - t;
}

static void bench_dnnl_deinit(bench_dnnl_t *d) {
  dnnl_memory_destroy(d->src);
  dnnl_memory_destroy(d->wei);
  dnnl_memory_destroy(d->bia);
  dnnl_memory_destroy(d->dst);
  dnnl_primitive_destroy(d->prim);
  dnnl_stream_destroy(d->stream);
  dnnl_engine_destroy(d->engine);
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

/* Largest |xhal - oneDNN| relative to the largest |oneDNN| output. */
static double bench_diff(const float *a, const float *b, int64_t n) {
  double err = 0.0, mag = 1e-30;
  for (int64_t i = 0; i < n; ++i) {
    const double e = a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
    if (e > err) err = e;
    if ((b[i] < 0 ? -b[i] : b[i]) > mag) mag = b[i] < 0 ? -b[i] : b[i];
  }
  return err / mag;
}

static int bench_layer(const bench_layer_t *l, int reps) {
  const int64_t oh = (l->h + 2 * l->pad - l->k) / l->stride + 1;
  const int64_t ow = (l->w + 2 * l->pad - l->k) / l->stride + 1;
  const int64_t xd[4] = {l->n, l->c, l->h, l->w}, wd[4] = {l->m, l->c / l->group, l->k, l->k};
  const int64_t bd[1] = {l->m}, yd[4] = {l->n, l->m, oh, ow};
  bench_tensor_t t[5]; /* x, w, b, y (xhal), y (oneDNN) */
  if (bench_tensor_init(&t[0], 4, xd, 1) || bench_tensor_init(&t[1], 4, wd, 2) ||
      bench_tensor_init(&t[2], 1, bd, 3) || bench_tensor_init(&t[3], 4, yd, 4) ||
      bench_tensor_init(&t[4], 4, yd, 5))
    return -1;
  const int64_t s2[2] = {l->stride, l->stride}, p4[4] = {l->pad, l->pad, l->pad, l->pad};
  const xhal_attr_t attrs[3] = {{"strides", XHAL_ATTR_INTS, 2, 0, 0, s2, NULL, NULL},
                                {"pads", XHAL_ATTR_INTS, 4, 0, 0, p4, NULL, NULL},
                                {"group", XHAL_ATTR_INT, 0, l->group, 0, NULL, NULL, NULL}};
  const xhal_plugin_tensor_t *ins[3] = {&t[0].tensor, &t[1].tensor, &t[2].tensor};
  const xhal_plugin_tensor_t *outs[1] = {&t[3].tensor};
  xhal_plugin_op_desc_t desc;
  memset(&desc, 0, sizeof desc);
  desc.header = (xhal_struct_header_t)XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_OP_DESC,
                                                              xhal_plugin_op_desc_t);
  desc.op = XHAL_OP_CONV;
  desc.attr_count = 3;
  desc.attrs = attrs;
  desc.input_count = 3;
  desc.inputs = ins;
  desc.output_count = 1;
  desc.outputs = outs;
  bench_dnnl_t d;
  if (bench_dnnl_init(&d, l, oh, ow, t) != 0) return -1;
  double tx[64], td[64];
  if (reps > 64) reps = 64;
  bench_xhal(&desc); /* warm-up */
  bench_dnnl_run(&d);
  for (int r = 0; r < reps; ++r) {
    if (r % 2) td[r] = bench_dnnl_run(&d);
    tx[r] = bench_xhal(&desc);
    if (!(r % 2)) td[r] = bench_dnnl_run(&d);
    if (tx[r] < 0 || td[r] < 0) return -1;
  }
  const double diff = bench_diff(t[3].buffer.data, t[4].buffer.data, l->n * l->m * oh * ow);
  const double mx = bench_median(tx, reps) * 1e3, md = bench_median(td, reps) * 1e3;
  printf("%-24s %10.3f %10.3f %7.2f %10.1e\n", l->name, mx, md, mx / md, diff);
  bench_dnnl_deinit(&d);
  for (int k = 0; k < 5; ++k) free(t[k].buffer.data);
  return 0;
}

int main(int argc, char **argv) {
  int reps = 9;
  const char *only = NULL; /* --layer: run the layers whose name contains it */
  for (int i = 1; i < argc; ++i) {
    if (strncmp(argv[i], "--reps=", 7) == 0) {
      reps = atoi(argv[i] + 7);
    } else if (strncmp(argv[i], "--layer=", 8) == 0) {
      only = argv[i] + 8;
    } else {
      fprintf(stderr, "usage: %s [--reps=9] [--layer=SUBSTRING]\n", argv[0]);
      return 2;
    }
  }
  if (reps < 1) reps = 1;
  cpu__host = &bench_host;
  omp_set_num_threads(cpu_kernel_threads());
  printf("# xhal CPU Conv vs oneDNN convolution primitive, f32 NCHW, %d threads, median of %d\n",
         cpu_kernel_threads(), reps);
  printf("%-24s %10s %10s %7s %10s\n", "layer", "xhal_ms", "onednn_ms", "ratio", "max_rel_diff");
  int rc = 0;
  for (size_t i = 0; i < sizeof bench_layers / sizeof *bench_layers; ++i)
    if ((!only || strstr(bench_layers[i].name, only)) && bench_layer(&bench_layers[i], reps) != 0)
      rc = 1;
  return rc;
}
