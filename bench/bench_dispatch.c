/* bench_dispatch.c - per-op dispatch overhead of a tiny operator.
 *
 * Three ways to add two 16-element f32 vectors, interleaved in rounds and
 * reported as medians:
 *   direct   a plain C loop (the kernel alone, no runtime)
 *   plugin   the CPU plugin's op_launch called through the raw ABI table
 *   xhal     xhal_op_launch through libxhal
 * Each of plugin/xhal enqueues N ops on a stream and synchronizes once, so
 * the figure is the throughput cost per op, including the stream worker. The
 * HAL-side cost is xhal minus plugin; the caller-side cost of one
 * xhal_op_launch call (the enqueue loop before the synchronize) is reported
 * too.
 *
 * usage: bench_dispatch [PLUGIN_PATH] (default: $XHAL_PLUGIN_PATH/libxhal-cpu.so) */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xhal/xhal.h>
#include <xhal/xhal_plugin.h>

#define ELEMENTS 16
#define OPS_PER_ROUND 20000
#define ROUNDS 9

static double bench_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1e9 + (double)now.tv_nsec;
}

static int bench_compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double bench_median(double *values, int count) {
  qsort(values, (size_t)count, sizeof *values, bench_compare);
  return values[count / 2];
}

static void bench_add(const float *restrict a, const float *restrict b, float *restrict c, int n) {
  for (int i = 0; i < n; ++i) c[i] = a[i] + b[i];
}

static void bench_host_set_error(int32_t status, const char *message) {
  (void)status;
  fprintf(stderr, "plugin: %s\n", message);
}
static void bench_host_log(uint32_t level, const char *message) { (void)level; (void)message; }

#define CHECK(expr)                                                                                \
  do {                                                                                             \
    int32_t bench__s = (int32_t)(expr);                                                            \
    if (bench__s) {                                                                                \
      fprintf(stderr, "%s failed: %d %s\n", #expr, bench__s, xhal_last_error());                   \
      exit(1);                                                                                     \
    }                                                                                              \
  } while (0)

int main(int argc, char **argv) {
  char default_path[4096];
  const char *path = argc > 1 ? argv[1] : NULL;
  if (!path) {
    const char *dir = getenv("XHAL_PLUGIN_PATH");
    snprintf(default_path, sizeof default_path, "%s/libxhal-cpu.so", dir ? dir : ".");
    path = default_path;
  }

  /* The raw plugin, through its ABI table. */
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!library) {
    fprintf(stderr, "dlopen(%s): %s\n", path, dlerror());
    return 1;
  }
  xhal_plugin_query_v1_fn entry = NULL;
  *(void **)&entry = dlsym(library, XHAL_PLUGIN_ENTRY_V1_NAME);
  static const xhal_host_api_v1_t host = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_HOST_API, xhal_host_api_v1_t),
      .abi_major = 1, .set_error = bench_host_set_error, .log = bench_host_log};
  const xhal_plugin_api_v1_t *api = NULL;
  CHECK(entry(&host, 0, XHAL_PLUGIN_ABI_MINOR, &api));
  xhal_plugin_instance_info_t info = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_INSTANCE_INFO, xhal_plugin_instance_info_t)};
  xhal_plugin_instance_t *instance = NULL;
  xhal_plugin_device_t *pdevice = NULL;
  xhal_plugin_stream_t *pstream = NULL;
  xhal_plugin_buffer_t *pbuffers[3];
  CHECK(api->instance_create(&info, &instance));
  CHECK(api->device_get(instance, 0, &pdevice));
  CHECK(api->stream_create(pdevice, &pstream));
  xhal_plugin_tensor_t ptensors[3];
  const xhal_plugin_tensor_t *pinputs[2] = {&ptensors[0], &ptensors[1]};
  const xhal_plugin_tensor_t *poutputs[1] = {&ptensors[2]};
  for (int t = 0; t < 3; ++t) {
    CHECK(api->buffer_alloc(pdevice, ELEMENTS * 4, 0, &pbuffers[t]));
    memset(&ptensors[t], 0, sizeof ptensors[t]);
    ptensors[t].header = (xhal_struct_header_t)XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_TENSOR, xhal_plugin_tensor_t);
    ptensors[t].dtype = XHAL_DTYPE_F32;
    ptensors[t].rank = 1;
    ptensors[t].dims[0] = ELEMENTS;
    ptensors[t].strides[0] = 1;
    ptensors[t].buffer = pbuffers[t];
  }
  xhal_plugin_op_desc_t desc = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_OP_DESC, xhal_plugin_op_desc_t),
      .op = XHAL_OP_ADD, .input_count = 2, .output_count = 1,
      .inputs = pinputs, .outputs = poutputs};

  /* The same through libxhal. */
  xhal_context_options_t options = {.struct_size = sizeof options, .plugin_path = path};
  xhal_context_t *context = NULL;
  xhal_device_t *device = NULL;
  xhal_stream_t *stream = NULL;
  xhal_buffer_t *buffers[3];
  CHECK(xhal_context_create(&options, &context));
  CHECK(xhal_context_device(context, 0, &device));
  CHECK(xhal_stream_create(device, &stream));
  xhal_tensor_t tensors[3];
  int64_t dims[1] = {ELEMENTS};
  for (int t = 0; t < 3; ++t) {
    CHECK(xhal_buffer_create(device, ELEMENTS * 4, &buffers[t]));
    tensors[t] = xhal_tensor_contiguous(buffers[t], XHAL_DTYPE_F32, 1, dims, 0);
  }
  xhal_op_call_t call = {.op = XHAL_OP_ADD, .input_count = 2, .inputs = tensors,
                         .output_count = 1, .outputs = &tensors[2]};

  static float a[ELEMENTS], b[ELEMENTS], c[ELEMENTS];
  for (int i = 0; i < ELEMENTS; ++i) { a[i] = (float)i; b[i] = 1.0f; }
  double direct[ROUNDS], plugin[ROUNDS], hal[ROUNDS], hal_call[ROUNDS];
  for (int round = 0; round < ROUNDS; ++round) {
    double start = bench_now();
    for (int i = 0; i < OPS_PER_ROUND; ++i) {
      bench_add(a, b, c, ELEMENTS);
      __asm__ volatile("" : : "r"(c) : "memory"); /* keep every call */
    }
    direct[round] = (bench_now() - start) / OPS_PER_ROUND;

    start = bench_now();
    for (int i = 0; i < OPS_PER_ROUND; ++i) CHECK(api->op_launch(pstream, &desc));
    CHECK(api->stream_synchronize(pstream));
    plugin[round] = (bench_now() - start) / OPS_PER_ROUND;

    start = bench_now();
    for (int i = 0; i < OPS_PER_ROUND; ++i) CHECK(xhal_op_launch(stream, &call));
    double enqueued = bench_now();
    CHECK(xhal_stream_synchronize(stream));
    hal[round] = (bench_now() - start) / OPS_PER_ROUND;
    hal_call[round] = (enqueued - start) / OPS_PER_ROUND;
  }
  double d = bench_median(direct, ROUNDS), p = bench_median(plugin, ROUNDS),
         h = bench_median(hal, ROUNDS), hc = bench_median(hal_call, ROUNDS);
  printf("dispatch of Add f32[%d], %d ops x %d rounds, median ns/op\n", ELEMENTS, OPS_PER_ROUND,
         ROUNDS);
  printf("| path                          | ns/op   | vs plugin ABI |\n");
  printf("|-------------------------------|---------|---------------|\n");
  printf("| direct C loop (kernel only)   | %7.1f | %13s |\n", d, "-");
  printf("| plugin op_launch (raw ABI)    | %7.1f | %12.3fx |\n", p, 1.0);
  printf("| xhal_op_launch (libxhal)      | %7.1f | %12.3fx |\n", h, h / p);
  printf("| xhal_op_launch, caller side   | %7.1f | %13s |\n", hc, "-");
  printf("HAL-side cost per op (xhal - plugin): %.1f ns\n", h - p);

  for (int t = 0; t < 3; ++t) xhal_buffer_destroy(buffers[t]);
  xhal_stream_destroy(stream);
  xhal_context_destroy(context);
  for (int t = 0; t < 3; ++t) api->buffer_free(pbuffers[t]);
  api->stream_destroy(pstream);
  api->instance_destroy(instance);
  return 0;
}
