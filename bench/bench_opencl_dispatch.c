/* bench_opencl_dispatch.c - dispatch overhead of the OpenCL backend, and its
 * start-up time with a cold and a warm program cache.
 *
 * Dispatch: one tiny kernel (c[i] = a[i] + b[i] over 16 work-items) enqueued
 * OPS_PER_ROUND times then one finish, three ways, interleaved in rounds;
 * reported: the median time per op of each way, and the median over the
 * rounds of each way's ratio to native in the same round (a paired ratio:
 * PoCL's worker threads make whole rounds faster or slower together):
 *   native   the kernel built and enqueued with the OpenCL API directly
 *   module   the same source through xhal_module_create + xhal_kernel_launch
 *   op       xhal_op_launch(Add f32[16]) (the backend's own Add kernel)
 * The target is xhal <= 1.05x native.
 *
 * Start-up: the program re-runs itself three times with XHAL_CACHE_DIR (and
 * PoCL's POCL_CACHE_DIR) in one fresh directory; each child times context
 * creation plus the first Add (which builds the backend's operator
 * programs): the first child finds the caches cold, the others warm.
 *
 * usage: bench_opencl_dispatch [PLUGIN_PATH]   (default: build tree's libxhal-opencl.so
 *        on XHAL_PLUGIN_PATH) */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xhal/xhal.h>

#define ELEMENTS 16
#define OPS_PER_ROUND 5000
#define ROUNDS 21

static const char bench_source[] =
    "kernel void bench_add(global const float *a, global const float *b, global float *c) {\n"
    "  size_t i = get_global_id(0);\n"
    "  c[i] = a[i] + b[i];\n"
    "}\n";

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

#define CL_CHECK(expr)                                                                             \
  do {                                                                                             \
    cl_int bench__e = (expr);                                                                      \
    if (bench__e != CL_SUCCESS) {                                                                  \
      fprintf(stderr, "%s failed: %d\n", #expr, bench__e);                                         \
      exit(1);                                                                                     \
    }                                                                                              \
  } while (0)

#define XHAL_CHECK(expr)                                                                           \
  do {                                                                                             \
    xhal_status_t bench__s = (expr);                                                               \
    if (bench__s != XHAL_STATUS_OK) {                                                              \
      fprintf(stderr, "%s failed: %s: %s\n", #expr, xhal_status_string(bench__s),                  \
              xhal_last_error());                                                                  \
      exit(1);                                                                                     \
    }                                                                                              \
  } while (0)

typedef struct bench_native {
  cl_context context;
  cl_command_queue queue;
  cl_kernel kernel;
  cl_mem buffers[3];
} bench_native_t;

static void bench_native_init(bench_native_t *native) {
  cl_platform_id platform;
  cl_device_id device;
  cl_int error;
  CL_CHECK(clGetPlatformIDs(1, &platform, NULL));
  CL_CHECK(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL));
  native->context = clCreateContext(NULL, 1, &device, NULL, NULL, &error);
  CL_CHECK(error);
  native->queue = clCreateCommandQueueWithProperties(native->context, device, NULL, &error);
  CL_CHECK(error);
  const char *source = bench_source;
  cl_program program = clCreateProgramWithSource(native->context, 1, &source, NULL, &error);
  CL_CHECK(error);
  CL_CHECK(clBuildProgram(program, 1, &device, "", NULL, NULL));
  native->kernel = clCreateKernel(program, "bench_add", &error);
  CL_CHECK(error);
  clReleaseProgram(program);
  for (int i = 0; i < 3; ++i) {
    native->buffers[i] =
        clCreateBuffer(native->context, CL_MEM_READ_WRITE, ELEMENTS * sizeof(float), NULL, &error);
    CL_CHECK(error);
    CL_CHECK(clSetKernelArg(native->kernel, (cl_uint)i, sizeof(cl_mem), &native->buffers[i]));
  }
}

static double bench_native_round(bench_native_t *native) {
  size_t global = ELEMENTS;
  double start = bench_now();
  for (int i = 0; i < OPS_PER_ROUND; ++i) {
    CL_CHECK(clEnqueueNDRangeKernel(native->queue, native->kernel, 1, NULL, &global, NULL, 0,
                                    NULL, NULL));
  }
  CL_CHECK(clFinish(native->queue));
  return (bench_now() - start) / OPS_PER_ROUND;
}

typedef struct bench_xhal {
  xhal_context_t *context;
  xhal_stream_t *stream;
  xhal_buffer_t *buffers[3];
  xhal_module_t *module;
  xhal_function_t *function;
  xhal_tensor_t tensors[3];
} bench_xhal_t;

static void bench_xhal_init(bench_xhal_t *x, const char *plugin, int with_module) {
  xhal_context_options_t options = {.struct_size = sizeof options, .plugin_path = plugin};
  xhal_device_t *device = NULL;
  XHAL_CHECK(xhal_context_create(&options, &x->context));
  XHAL_CHECK(xhal_context_device(x->context, 0, &device));
  XHAL_CHECK(xhal_stream_create(device, &x->stream));
  int64_t dims[1] = {ELEMENTS};
  for (int i = 0; i < 3; ++i) {
    XHAL_CHECK(xhal_buffer_create(device, ELEMENTS * sizeof(float), &x->buffers[i]));
    XHAL_CHECK(xhal_buffer_fill(x->stream, x->buffers[i], 0, ELEMENTS * sizeof(float), 0));
    x->tensors[i] = xhal_tensor_contiguous(x->buffers[i], XHAL_DTYPE_F32, 1, dims, 0);
  }
  if (with_module) {
    XHAL_CHECK(xhal_module_create(device, XHAL_KERNEL_FORMAT_OPENCL_C, bench_source,
                                  sizeof bench_source - 1, "", &x->module));
    XHAL_CHECK(xhal_module_function(x->module, "bench_add", &x->function));
  }
}

static void bench_xhal_add(bench_xhal_t *x) {
  xhal_op_call_t call = {.op = XHAL_OP_ADD, .input_count = 2, .inputs = x->tensors,
                         .output_count = 1, .outputs = &x->tensors[2]};
  XHAL_CHECK(xhal_op_launch(x->stream, &call));
}

static double bench_module_round(bench_xhal_t *x) {
  const uint32_t grid[3] = {1, 1, 1}, block[3] = {ELEMENTS, 1, 1};
  xhal_kernel_arg_t args[3] = {{x->buffers[0], NULL, 0}, {x->buffers[1], NULL, 0},
                               {x->buffers[2], NULL, 0}};
  double start = bench_now();
  for (int i = 0; i < OPS_PER_ROUND; ++i) {
    XHAL_CHECK(xhal_kernel_launch(x->stream, x->function, grid, block, 0, 3, args));
  }
  XHAL_CHECK(xhal_stream_synchronize(x->stream));
  return (bench_now() - start) / OPS_PER_ROUND;
}

static double bench_op_round(bench_xhal_t *x) {
  double start = bench_now();
  for (int i = 0; i < OPS_PER_ROUND; ++i) bench_xhal_add(x);
  XHAL_CHECK(xhal_stream_synchronize(x->stream));
  return (bench_now() - start) / OPS_PER_ROUND;
}

static void bench_xhal_destroy(bench_xhal_t *x) {
  xhal_module_destroy(x->module);
  for (int i = 0; i < 3; ++i) xhal_buffer_destroy(x->buffers[i]);
  xhal_stream_destroy(x->stream);
  xhal_context_destroy(x->context);
}

/* Child mode: time context creation + first Add, print milliseconds. */
static int bench_startup_child(const char *plugin) {
  double start = bench_now();
  bench_xhal_t x;
  memset(&x, 0, sizeof x);
  bench_xhal_init(&x, plugin, 0);
  bench_xhal_add(&x);
  XHAL_CHECK(xhal_stream_synchronize(x.stream));
  printf("%.1f\n", (bench_now() - start) * 1e-6);
  bench_xhal_destroy(&x);
  return 0;
}

static double bench_startup_run(const char *self, const char *plugin, const char *cache_dir) {
  char command[8192];
  /* PoCL keeps a kernel cache of its own: point it into the same fresh
   * directory so that "cold" means nothing is cached anywhere. */
  snprintf(command, sizeof command,
           "XHAL_CACHE_DIR='%s/xhal' POCL_CACHE_DIR='%s/pocl' '%s' --startup-child '%s'", cache_dir,
           cache_dir, self, plugin);
  FILE *child = popen(command, "r");
  double ms = -1;
  if (!child || fscanf(child, "%lf", &ms) != 1) ms = -1;
  if (child) pclose(child);
  return ms;
}

int main(int argc, char **argv) {
  char default_path[4096];
  if (argc == 3 && strcmp(argv[1], "--startup-child") == 0) return bench_startup_child(argv[2]);
  const char *plugin = argc > 1 ? argv[1] : NULL;
  if (!plugin) {
    const char *dir = getenv("XHAL_PLUGIN_PATH");
    snprintf(default_path, sizeof default_path, "%s/libxhal-opencl.so", dir ? dir : ".");
    plugin = default_path;
  }

  bench_native_t native;
  bench_xhal_t x;
  memset(&x, 0, sizeof x);
  bench_native_init(&native);
  bench_xhal_init(&x, plugin, 1);
  bench_op_round(&x); /* builds and caches the operator programs */
  double native_ns[ROUNDS], module_ns[ROUNDS], op_ns[ROUNDS];
  double module_ratio[ROUNDS], op_ratio[ROUNDS];
  for (int round = 0; round < ROUNDS; ++round) {
    native_ns[round] = bench_native_round(&native);
    module_ns[round] = bench_module_round(&x);
    op_ns[round] = bench_op_round(&x);
    module_ratio[round] = module_ns[round] / native_ns[round];
    op_ratio[round] = op_ns[round] / native_ns[round];
  }
  double n = bench_median(native_ns, ROUNDS), m = bench_median(module_ns, ROUNDS),
         o = bench_median(op_ns, ROUNDS);
  double mr = bench_median(module_ratio, ROUNDS), orr = bench_median(op_ratio, ROUNDS);
  printf("OpenCL dispatch, 16-element add, %d enqueues then one finish, median of %d rounds\n",
         OPS_PER_ROUND, ROUNDS);
  printf("| path | us/op | vs native (paired) |\n|---|---|---|\n");
  printf("| native clEnqueueNDRangeKernel | %.2f | 1.000x |\n", n * 1e-3);
  printf("| xhal_kernel_launch (same source) | %.2f | %.3fx |\n", m * 1e-3, mr);
  printf("| xhal_op_launch (Add f32[16]) | %.2f | %.3fx |\n", o * 1e-3, orr);
  bench_xhal_destroy(&x);

  char cache_dir[] = "/tmp/xhal-bench-cache-XXXXXX";
  if (!mkdtemp(cache_dir)) {
    perror("mkdtemp");
    return 1;
  }
  double cold = bench_startup_run(argv[0], plugin, cache_dir);
  double warm = bench_startup_run(argv[0], plugin, cache_dir);
  double warm2 = bench_startup_run(argv[0], plugin, cache_dir);
  printf("\nstart-up to the first Add (context + device + program build or cache load)\n");
  printf("| program cache | ms |\n|---|---|\n| cold (empty cache dir) | %.1f |\n", cold);
  printf("| warm (second process) | %.1f |\n| warm (third process) | %.1f |\n", warm, warm2);
  char remove[256];
  snprintf(remove, sizeof remove, "rm -rf '%s'", cache_dir);
  if (system(remove) != 0) fprintf(stderr, "could not remove %s\n", cache_dir);
  return 0;
}
