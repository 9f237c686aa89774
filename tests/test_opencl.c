/* test_opencl.c - what the conformance suite cannot see of the OpenCL
 * backend: the on-disk program cache (a cold build writes it, a new
 * context reads it, a corrupt entry is rebuilt and replaced), kernel
 * modules from OpenCL C source that run and write known values, and event
 * waits between the CPU and OpenCL backends in both directions, through
 * libxhal's host-callback waits, with the data checked.
 *
 * Needs XHAL_PLUGIN_PATH to name the CPU and OpenCL plugins. Exits 77 (meson:
 * SKIP) when no OpenCL device is present. Sets XHAL_CACHE_DIR to a fresh
 * temporary directory, which it removes at the end, so the first build of
 * the run is a miss of xhal's cache (PoCL's own cache may still hit). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <xhal/xhal.h>

static char test_cache_root[256]; /* XHAL_CACHE_DIR */
static char test_cache_dir[300];  /* where the OpenCL backend writes: <root>/opencl */

static double test_now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1e3 + (double)now.tv_nsec * 1e-6;
}

static void test_sleep_ms(unsigned ms) {
  struct timespec pause = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  nanosleep(&pause, NULL);
}

/* A context and its first device of backend (NULL if it has none). */
static xhal_context_t *test_context(const char *backend, xhal_device_t **out_device) {
  xhal_context_t *context = NULL;
  assert_int_equal(xhal_context_create(NULL, &context), XHAL_STATUS_OK);
  uint32_t count = 0;
  assert_int_equal(xhal_context_device_count(context, &count), XHAL_STATUS_OK);
  *out_device = NULL;
  for (uint32_t i = 0; i < count && !*out_device; ++i) {
    xhal_device_t *device = NULL;
    assert_int_equal(xhal_context_device(context, i, &device), XHAL_STATUS_OK);
    if (strcmp(xhal_device_backend(device), backend) == 0) *out_device = device;
  }
  return context;
}

/* ---- the program cache ---------------------------------------------------------- */

/* The one cache file of this test's directory (the test starts it empty
 * and builds one program). */
static int test_cache_file(char *path, size_t size, struct stat *info) {
  DIR *directory = opendir(test_cache_dir);
  if (!directory) return 0;
  int found = 0;
  struct dirent *entry;
  while ((entry = readdir(directory))) {
    size_t length = strlen(entry->d_name);
    if (length > 4 && strcmp(entry->d_name + length - 4, ".bin") == 0) {
      snprintf(path, size, "%s/%s", test_cache_dir, entry->d_name);
      ++found;
    }
  }
  closedir(directory);
  if (found != 1) return 0;
  return stat(path, info) == 0;
}

/* The kernel the module tests run: out[i] = base + 3 i. */
static const char test_fill_source[] =
    "__kernel void fill(__global uint *out, uint base) {\n"
    "  size_t i = get_global_id(0);\n"
    "  out[i] = base + (uint)i * 3u;\n"
    "}\n";

static const char *test_fill_kernel(void) { return test_fill_source; }

/* Builds the fill kernel on device, launches it over 64 elements and
 * checks the values; returns the module_create time in ms. */
static double test_build_and_run_fill(xhal_device_t *device) {
  const char *source = test_fill_kernel();
  xhal_module_t *module = NULL;
  double start = test_now_ms();
  assert_int_equal(xhal_module_create(device, XHAL_KERNEL_FORMAT_OPENCL_C, source, strlen(source),
                                      "-cl-std=CL1.2", &module),
                   XHAL_STATUS_OK);
  double elapsed = test_now_ms() - start;
  xhal_function_t *function = NULL;
  assert_int_equal(xhal_module_function(module, "fill", &function), XHAL_STATUS_OK);
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  assert_int_equal(xhal_buffer_create(device, 64 * sizeof(uint32_t), &buffer), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_create(device, &stream), XHAL_STATUS_OK);
  uint32_t base = 1000;
  xhal_kernel_arg_t args[2] = {{.buffer = buffer}, {.value = &base, .size = sizeof base}};
  const uint32_t grid[3] = {4, 1, 1}, block[3] = {16, 1, 1};
  assert_int_equal(xhal_kernel_launch(stream, function, grid, block, 0, 2, args), XHAL_STATUS_OK);
  uint32_t out[64];
  memset(out, 0, sizeof out);
  assert_int_equal(xhal_copy_from_buffer(stream, out, buffer, 0, sizeof out), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_synchronize(stream), XHAL_STATUS_OK);
  for (uint32_t i = 0; i < 64; ++i) assert_int_equal(out[i], base + i * 3u);
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  assert_int_equal(xhal_module_destroy(module), XHAL_STATUS_OK);
  return elapsed;
}

static void test_program_cache(void **state) {
  (void)state;
  char path[600];
  struct stat first, second, third;

  /* Cold: nothing cached; the build writes one entry. */
  xhal_device_t *device = NULL;
  xhal_context_t *context = test_context("opencl", &device);
  double cold = test_build_and_run_fill(device);
  xhal_context_destroy(context);
  assert_true(test_cache_file(path, sizeof path, &first));
  assert_true(first.st_size > 64);

  /* Warm: a new context (a new instance, an empty in-memory map) loads the
   * entry and leaves the file alone. */
  context = test_context("opencl", &device);
  double warm = test_build_and_run_fill(device);
  xhal_context_destroy(context);
  assert_true(test_cache_file(path, sizeof path, &second));
  assert_int_equal(second.st_ino, first.st_ino);
  assert_int_equal(second.st_size, first.st_size);

  /* Corrupt: bytes in the middle of the entry change; the next build notices,
   * builds from source, and replaces the file (a rename: a new inode). */
  FILE *file = fopen(path, "r+b");
  assert_non_null(file);
  assert_int_equal(fseek(file, first.st_size / 2, SEEK_SET), 0);
  static const char garbage[] = "this is not a program binary";
  assert_int_equal(fwrite(garbage, 1, sizeof garbage, file), sizeof garbage);
  assert_int_equal(fclose(file), 0);
  context = test_context("opencl", &device);
  double rebuilt = test_build_and_run_fill(device);
  xhal_context_destroy(context);
  assert_true(test_cache_file(path, sizeof path, &third));
  assert_true(third.st_ino != first.st_ino);
  /* (The size may differ: PoCL's binary also carries the work-group
   * functions it has compiled for the program by then.) */
  assert_true(third.st_size > 64);
  off_t rebuilt_size = third.st_size;

  /* A truncated entry is rebuilt too. */
  assert_int_equal(truncate(path, 10), 0);
  context = test_context("opencl", &device);
  test_build_and_run_fill(device);
  xhal_context_destroy(context);
  assert_true(test_cache_file(path, sizeof path, &third));
  assert_true(third.st_size > 64 && third.st_size >= rebuilt_size / 2);

  fprintf(stderr, "program cache: cold build %.1f ms, from the cache %.1f ms, after corruption %.1f ms\n",
          cold, warm, rebuilt);
}

/* ---- kernel modules ---------------------------------------------------------------- */

static void test_module_errors(void **state) {
  (void)state;
  xhal_device_t *device = NULL;
  xhal_context_t *context = test_context("opencl", &device);
  const char *source = test_fill_kernel();
  xhal_module_t *module = NULL;
  assert_int_equal(xhal_module_create(device, XHAL_KERNEL_FORMAT_OPENCL_C, source, strlen(source) + 1,
                                      NULL, &module),
                   XHAL_STATUS_OK); /* a counted terminating NUL is fine */
  xhal_function_t *function = (xhal_function_t *)&module;
  assert_int_equal(xhal_module_function(module, "no_such_kernel", &function), XHAL_STATUS_NOT_FOUND);
  assert_ptr_equal(function, (xhal_function_t *)&module);
  assert_non_null(strstr(xhal_last_error(), "no_such_kernel"));

  /* Wrong argument count and an over-large work-group are refused at launch. */
  assert_int_equal(xhal_module_function(module, "fill", &function), XHAL_STATUS_OK);
  xhal_stream_t *stream = NULL;
  assert_int_equal(xhal_stream_create(device, &stream), XHAL_STATUS_OK);
  uint32_t base = 0;
  xhal_kernel_arg_t one_arg = {.value = &base, .size = sizeof base};
  const uint32_t grid[3] = {1, 1, 1}, block[3] = {1, 1, 1}, huge_block[3] = {1u << 20, 1, 1};
  assert_int_equal(xhal_kernel_launch(stream, function, grid, block, 0, 1, &one_arg),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(xhal_last_error(), "2 parameters"));
  xhal_buffer_t *buffer = NULL;
  assert_int_equal(xhal_buffer_create(device, 64, &buffer), XHAL_STATUS_OK);
  xhal_kernel_arg_t args[2] = {{.buffer = buffer}, {.value = &base, .size = sizeof base}};
  assert_int_equal(xhal_kernel_launch(stream, function, grid, huge_block, 0, 2, args),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_int_equal(xhal_stream_synchronize(stream), XHAL_STATUS_OK);

  /* A source that does not compile: INVALID_ARGUMENT with the build log. */
  static const char broken[] = "__kernel void broken(__global int *x) { x[0] = undeclared_name; }";
  module = (xhal_module_t *)&function;
  xhal_module_t *untouched = module;
  assert_int_equal(xhal_module_create(device, XHAL_KERNEL_FORMAT_OPENCL_C, broken, sizeof broken - 1,
                                      NULL, &module),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_ptr_equal(module, untouched);
  assert_non_null(strstr(xhal_last_error(), "undeclared_name"));

  /* Formats the device did not declare are UNSUPPORTED. */
  static const char ptx[] = ".version 7.0";
  assert_int_equal(xhal_module_create(device, XHAL_KERNEL_FORMAT_PTX, ptx, sizeof ptx, NULL, &module),
                   XHAL_STATUS_UNSUPPORTED);
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  xhal_context_destroy(context);
}

/* Dynamic local memory: shared_memory_bytes becomes the kernel's trailing
 * __local pointer. Each work-item reads its neighbour's slot. */
static void test_module_local_memory(void **state) {
  (void)state;
  xhal_device_t *device = NULL;
  xhal_context_t *context = test_context("opencl", &device);
  static const char source[] =
      "__kernel void neighbour(__global uint *out, __local uint *scratch) {\n"
      "  uint lid = get_local_id(0), n = get_local_size(0);\n"
      "  scratch[lid] = lid * 10u + get_group_id(0);\n"
      "  barrier(CLK_LOCAL_MEM_FENCE);\n"
      "  out[get_global_id(0)] = scratch[(lid + 1u) % n];\n"
      "}\n";
  xhal_module_t *module = NULL;
  xhal_function_t *function = NULL;
  assert_int_equal(xhal_module_create(device, XHAL_KERNEL_FORMAT_OPENCL_C, source, sizeof source - 1,
                                      NULL, &module),
                   XHAL_STATUS_OK);
  assert_int_equal(xhal_module_function(module, "neighbour", &function), XHAL_STATUS_OK);
  enum { groups = 3, size = 8 };
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  assert_int_equal(xhal_buffer_create(device, groups * size * 4, &buffer), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_create(device, &stream), XHAL_STATUS_OK);
  xhal_kernel_arg_t arg = {.buffer = buffer};
  const uint32_t grid[3] = {groups, 1, 1}, block[3] = {size, 1, 1};
  assert_int_equal(xhal_kernel_launch(stream, function, grid, block, size * 4, 1, &arg), XHAL_STATUS_OK);
  uint32_t out[groups * size];
  assert_int_equal(xhal_copy_from_buffer(stream, out, buffer, 0, sizeof out), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_synchronize(stream), XHAL_STATUS_OK);
  for (uint32_t g = 0; g < groups; ++g) {
    for (uint32_t l = 0; l < size; ++l) assert_int_equal(out[g * size + l], ((l + 1) % size) * 10u + g);
  }
  xhal_stream_destroy(stream);
  xhal_buffer_destroy(buffer);
  xhal_module_destroy(module);
  xhal_context_destroy(context);
}

/* ---- waits between the CPU and OpenCL backends ------------------------------------ */

typedef struct test_host_write {
  uint32_t *data;
  uint32_t count;
  uint32_t value;
  unsigned delay_ms;
  xhal_status_t seen; /* the status the callback got (checked by the test thread) */
} test_host_write_t;

/* A callback that takes its time, then writes host memory: work ordered
 * after it sees the values only if the wait really waited. */
static void test_slow_host_write(void *user_data, xhal_status_t status) {
  test_host_write_t *write = user_data;
  write->seen = status;
  test_sleep_ms(write->delay_ms);
  for (uint32_t i = 0; i < write->count; ++i) write->data[i] = write->value + i;
}

/* The pair of devices for the tests below: the context's first CPU and
 * first OpenCL device. */
static xhal_context_t *test_mixed_context(xhal_device_t **cpu, xhal_device_t **ocl) {
  xhal_context_t *context = test_context("opencl", ocl);
  uint32_t count = 0;
  xhal_context_device_count(context, &count);
  *cpu = NULL;
  for (uint32_t i = 0; i < count && !*cpu; ++i) {
    xhal_device_t *device = NULL;
    xhal_context_device(context, i, &device);
    if (strcmp(xhal_device_backend(device), "cpu") == 0) *cpu = device;
  }
  return context;
}

/* OpenCL waits on CPU: a CPU stream's slow callback fills host memory and a
 * CPU event is recorded after it; an OpenCL stream waits for the event and
 * only then uploads that host memory. */
static void test_opencl_waits_on_cpu(void **state) {
  (void)state;
  xhal_device_t *cpu = NULL, *ocl = NULL;
  xhal_context_t *context = test_mixed_context(&cpu, &ocl);
  if (!cpu) {
    xhal_context_destroy(context);
    skip();
  }
  enum { n = 4096 };
  static uint32_t host[n], back[n];
  memset(host, 0, sizeof host);
  memset(back, 0, sizeof back);
  xhal_stream_t *cpu_stream = NULL, *ocl_stream = NULL;
  xhal_event_t *cpu_event = NULL;
  xhal_buffer_t *buffer = NULL;
  assert_int_equal(xhal_stream_create(cpu, &cpu_stream), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_create(ocl, &ocl_stream), XHAL_STATUS_OK);
  assert_int_equal(xhal_event_create(cpu, &cpu_event), XHAL_STATUS_OK);
  assert_int_equal(xhal_buffer_create(ocl, sizeof host, &buffer), XHAL_STATUS_OK);
  test_host_write_t write = {host, n, 7000, 150, XHAL_STATUS_INTERNAL};
  assert_int_equal(xhal_stream_add_callback(cpu_stream, test_slow_host_write, &write), XHAL_STATUS_OK);
  assert_int_equal(xhal_event_record(cpu_event, cpu_stream), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_wait_event(ocl_stream, cpu_event), XHAL_STATUS_OK);
  assert_int_equal(xhal_copy_to_buffer(ocl_stream, buffer, 0, host, sizeof host), XHAL_STATUS_OK);
  assert_int_equal(xhal_copy_from_buffer(ocl_stream, back, buffer, 0, sizeof back), XHAL_STATUS_OK);
  /* The upload must not have run yet: the CPU callback is still asleep. */
  assert_int_equal(xhal_stream_synchronize(ocl_stream), XHAL_STATUS_OK);
  for (uint32_t i = 0; i < n; ++i) assert_int_equal(back[i], 7000 + i);
  assert_int_equal(xhal_stream_synchronize(cpu_stream), XHAL_STATUS_OK);
  assert_int_equal(write.seen, XHAL_STATUS_OK);
  xhal_event_destroy(cpu_event);
  xhal_stream_destroy(cpu_stream);
  xhal_stream_destroy(ocl_stream);
  xhal_buffer_destroy(buffer);
  xhal_context_destroy(context);
}

/* CPU waits on OpenCL: an OpenCL kernel (after a slow callback) writes a
 * buffer that is downloaded to host memory and an OpenCL event recorded; the
 * CPU stream waits for it and then uploads that host memory to a CPU buffer. */
static void test_cpu_waits_on_opencl(void **state) {
  (void)state;
  xhal_device_t *cpu = NULL, *ocl = NULL;
  xhal_context_t *context = test_mixed_context(&cpu, &ocl);
  if (!cpu) {
    xhal_context_destroy(context);
    skip();
  }
  const char *source = test_fill_kernel();
  xhal_module_t *module = NULL;
  xhal_function_t *function = NULL;
  assert_int_equal(xhal_module_create(ocl, XHAL_KERNEL_FORMAT_OPENCL_C, source, strlen(source),
                                      "-cl-std=CL1.2", &module),
                   XHAL_STATUS_OK);
  assert_int_equal(xhal_module_function(module, "fill", &function), XHAL_STATUS_OK);
  enum { n = 1024 };
  static uint32_t host[n], back[n], unused[1];
  memset(host, 0, sizeof host);
  memset(back, 0, sizeof back);
  xhal_stream_t *cpu_stream = NULL, *ocl_stream = NULL;
  xhal_event_t *ocl_event = NULL;
  xhal_buffer_t *ocl_buffer = NULL, *cpu_buffer = NULL;
  assert_int_equal(xhal_stream_create(cpu, &cpu_stream), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_create(ocl, &ocl_stream), XHAL_STATUS_OK);
  assert_int_equal(xhal_event_create(ocl, &ocl_event), XHAL_STATUS_OK);
  assert_int_equal(xhal_buffer_create(ocl, sizeof host, &ocl_buffer), XHAL_STATUS_OK);
  assert_int_equal(xhal_buffer_create(cpu, sizeof host, &cpu_buffer), XHAL_STATUS_OK);
  test_host_write_t delay = {unused, 0, 0, 150, XHAL_STATUS_INTERNAL};
  assert_int_equal(xhal_stream_add_callback(ocl_stream, test_slow_host_write, &delay), XHAL_STATUS_OK);
  uint32_t base = 50;
  xhal_kernel_arg_t args[2] = {{.buffer = ocl_buffer}, {.value = &base, .size = sizeof base}};
  const uint32_t grid[3] = {n / 64, 1, 1}, block[3] = {64, 1, 1};
  assert_int_equal(xhal_kernel_launch(ocl_stream, function, grid, block, 0, 2, args), XHAL_STATUS_OK);
  assert_int_equal(xhal_copy_from_buffer(ocl_stream, host, ocl_buffer, 0, sizeof host), XHAL_STATUS_OK);
  assert_int_equal(xhal_event_record(ocl_event, ocl_stream), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_wait_event(cpu_stream, ocl_event), XHAL_STATUS_OK);
  assert_int_equal(xhal_copy_to_buffer(cpu_stream, cpu_buffer, 0, host, sizeof host), XHAL_STATUS_OK);
  assert_int_equal(xhal_copy_from_buffer(cpu_stream, back, cpu_buffer, 0, sizeof back), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_synchronize(cpu_stream), XHAL_STATUS_OK);
  for (uint32_t i = 0; i < n; ++i) assert_int_equal(back[i], base + i * 3u);
  assert_int_equal(xhal_event_query(ocl_event), XHAL_STATUS_OK);
  assert_int_equal(delay.seen, XHAL_STATUS_OK);
  xhal_event_destroy(ocl_event);
  xhal_stream_destroy(cpu_stream);
  xhal_stream_destroy(ocl_stream);
  xhal_buffer_destroy(ocl_buffer);
  xhal_buffer_destroy(cpu_buffer);
  xhal_module_destroy(module);
  xhal_context_destroy(context);
}

/* Ping-pong: each step on one backend's stream waits for the previous step
 * on the other's, so callbacks block on the other backend's events in both
 * directions at once. Step k writes k + 1 after reading k. */
typedef struct test_step {
  uint32_t *chain;
  uint32_t index;
  xhal_status_t seen;
} test_step_t;

static void test_chain_step(void *user_data, xhal_status_t status) {
  test_step_t *step = user_data;
  step->seen = status;
  uint32_t previous = step->index ? step->chain[step->index - 1] : 0;
  if (step->index % 3 == 0) test_sleep_ms(2); /* let the other side run ahead if it could */
  step->chain[step->index] = previous + 1;
}

static void test_ping_pong(void **state) {
  (void)state;
  xhal_device_t *cpu = NULL, *ocl = NULL;
  xhal_context_t *context = test_mixed_context(&cpu, &ocl);
  if (!cpu) {
    xhal_context_destroy(context);
    skip();
  }
  enum { rounds = 24 };
  static uint32_t chain[2 * rounds];
  static test_step_t steps[2 * rounds];
  memset(chain, 0, sizeof chain);
  xhal_stream_t *cpu_stream = NULL, *ocl_stream = NULL;
  xhal_event_t *cpu_events[rounds], *ocl_events[rounds];
  assert_int_equal(xhal_stream_create(cpu, &cpu_stream), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_create(ocl, &ocl_stream), XHAL_STATUS_OK);
  xhal_buffer_t *buffer = NULL;
  assert_int_equal(xhal_buffer_create(ocl, sizeof chain, &buffer), XHAL_STATUS_OK);
  for (uint32_t r = 0; r < rounds; ++r) {
    assert_int_equal(xhal_event_create(cpu, &cpu_events[r]), XHAL_STATUS_OK);
    assert_int_equal(xhal_event_create(ocl, &ocl_events[r]), XHAL_STATUS_OK);
    steps[2 * r] = (test_step_t){chain, 2 * r, XHAL_STATUS_INTERNAL};
    steps[2 * r + 1] = (test_step_t){chain, 2 * r + 1, XHAL_STATUS_INTERNAL};
    if (r) assert_int_equal(xhal_stream_wait_event(cpu_stream, ocl_events[r - 1]), XHAL_STATUS_OK);
    assert_int_equal(xhal_stream_add_callback(cpu_stream, test_chain_step, &steps[2 * r]), XHAL_STATUS_OK);
    assert_int_equal(xhal_event_record(cpu_events[r], cpu_stream), XHAL_STATUS_OK);
    assert_int_equal(xhal_stream_wait_event(ocl_stream, cpu_events[r]), XHAL_STATUS_OK);
    assert_int_equal(xhal_stream_add_callback(ocl_stream, test_chain_step, &steps[2 * r + 1]), XHAL_STATUS_OK);
    /* Device work between the steps, ordered by the same queue. */
    assert_int_equal(xhal_buffer_fill(ocl_stream, buffer, 0, sizeof chain, r & 0xff), XHAL_STATUS_OK);
    assert_int_equal(xhal_event_record(ocl_events[r], ocl_stream), XHAL_STATUS_OK);
  }
  assert_int_equal(xhal_stream_synchronize(cpu_stream), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_synchronize(ocl_stream), XHAL_STATUS_OK);
  for (uint32_t k = 0; k < 2 * rounds; ++k) {
    assert_int_equal(chain[k], k + 1);
    assert_int_equal(steps[k].seen, XHAL_STATUS_OK);
  }
  for (uint32_t r = 0; r < rounds; ++r) {
    xhal_event_destroy(cpu_events[r]);
    xhal_event_destroy(ocl_events[r]);
  }
  xhal_stream_destroy(cpu_stream);
  xhal_stream_destroy(ocl_stream);
  xhal_buffer_destroy(buffer);
  xhal_context_destroy(context);
}

/* A context destroyed with live objects frees them (no leak under ASan). */
static void test_teardown_with_live_objects(void **state) {
  (void)state;
  xhal_device_t *device = NULL;
  xhal_context_t *context = test_context("opencl", &device);
  xhal_buffer_t *buffer = NULL;
  xhal_stream_t *stream = NULL;
  xhal_event_t *event = NULL;
  xhal_module_t *module = NULL;
  xhal_function_t *function = NULL;
  const char *source = test_fill_kernel();
  assert_int_equal(xhal_buffer_create(device, 1 << 20, &buffer), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_create(device, &stream), XHAL_STATUS_OK);
  assert_int_equal(xhal_event_create(device, &event), XHAL_STATUS_OK);
  assert_int_equal(xhal_module_create(device, XHAL_KERNEL_FORMAT_OPENCL_C, source, strlen(source),
                                      "-cl-std=CL1.2", &module),
                   XHAL_STATUS_OK);
  assert_int_equal(xhal_module_function(module, "fill", &function), XHAL_STATUS_OK);
  assert_int_equal(xhal_buffer_fill(stream, buffer, 0, 1 << 20, 0), XHAL_STATUS_OK);
  assert_int_equal(xhal_event_record(event, stream), XHAL_STATUS_OK);
  xhal_context_destroy(context);
}

static int test_remove_tree(const char *path) {
  DIR *directory = opendir(path);
  if (!directory) return unlink(path);
  struct dirent *entry;
  char child[1024];
  while ((entry = readdir(directory))) {
    if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
    snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
    test_remove_tree(child);
  }
  closedir(directory);
  return rmdir(path);
}

int main(void) {
  snprintf(test_cache_root, sizeof test_cache_root, "/tmp/xhal-test-opencl-XXXXXX");
  if (!mkdtemp(test_cache_root)) {
    perror("mkdtemp");
    return 1;
  }
  snprintf(test_cache_dir, sizeof test_cache_dir, "%s/opencl", test_cache_root);
  setenv("XHAL_CACHE_DIR", test_cache_root, 1);
  unsetenv("XHAL_OPENCL_CACHE");

  /* A plugin that is there but refused (a missing symbol, a bad table) is a
   * failure, not a machine without OpenCL: only "no device" skips. */
  xhal_context_options_t options = {.struct_size = sizeof options, .no_default_plugins = 1};
  xhal_context_t *context = NULL;
  if (xhal_context_create(&options, &context) != XHAL_STATUS_OK ||
      xhal_context_load_plugin(context, "opencl", NULL) != XHAL_STATUS_OK) {
    printf("the OpenCL plugin did not load: %s\n", xhal_last_error());
    xhal_context_destroy(context);
    test_remove_tree(test_cache_root);
    return 1;
  }
  xhal_context_destroy(context);
  xhal_device_t *device = NULL;
  context = test_context("opencl", &device);
  xhal_context_destroy(context);
  if (!device) {
    printf("no OpenCL device: skipping (XHAL_PLUGIN_PATH=%s)\n",
           getenv("XHAL_PLUGIN_PATH") ? getenv("XHAL_PLUGIN_PATH") : "");
    test_remove_tree(test_cache_root);
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_program_cache),
      cmocka_unit_test(test_module_errors),
      cmocka_unit_test(test_module_local_memory),
      cmocka_unit_test(test_opencl_waits_on_cpu),
      cmocka_unit_test(test_cpu_waits_on_opencl),
      cmocka_unit_test(test_ping_pong),
      cmocka_unit_test(test_teardown_with_live_objects),
  };
  int failures = cmocka_run_group_tests(tests, NULL, NULL);
  test_remove_tree(test_cache_root);
  return failures;
}
