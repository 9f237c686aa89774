/* test_ze_op_launch.c - the Level Zero backend's operator launches as far
 * as the driver, on the loader's null driver (run by
 * tests/build_ze_null_driver.sh, which points ZE_ENABLE_ALT_DRIVERS at it).
 *
 * The plugin refuses operators on the null driver (its kernels do nothing,
 * so results cannot be verified) after planning them; the conformance runs
 * check that. Here the refusal is lifted on the test's own device record,
 * so that ze_op_launch goes through what only a real driver reaches
 * otherwise: a module build of every SPIR-V program, kernel creation,
 * every argument, group sizes and the append, for one operator of each
 * program, Resize's tables uploaded to device memory and freed after the
 * kernel, and Pow's fp64 refusal. Every call must succeed (under the
 * loader's validation layer too, in the -validated runs, on both stream
 * kinds of XHAL_LEVEL0_STREAMS). Results are not checked: the null driver
 * writes none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ze_backend.h"

static char test_error[1024];

static void test_set_error(int32_t status, const char *message) {
  (void)status;
  snprintf(test_error, sizeof test_error, "%s", message);
}

static void test_log(uint32_t level, const char *message) {
  (void)level;
  fprintf(stderr, "log: %s\n", message);
}

static const xhal_host_api_v1_t test_host = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_HOST_API, xhal_host_api_v1_t),
    .abi_major = XHAL_PLUGIN_ABI_MAJOR,
    .set_error = test_set_error,
    .log = test_log,
};

typedef struct test_fixture {
  xhal_plugin_instance_t *instance;
  xhal_plugin_device_t *device;
  xhal_plugin_stream_t *stream;
} test_fixture_t;

static int test_setup(void **state) {
  static test_fixture_t f;
  atomic_store(&ze__host, &test_host);
  const xhal_plugin_instance_info_t info = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_INSTANCE_INFO, xhal_plugin_instance_info_t)};
  uint32_t count = 0;
  if (ze_instance_create(&info, &f.instance) != XHAL_STATUS_OK ||
      ze_device_count(f.instance, &count) != XHAL_STATUS_OK || count != 1 ||
      ze_device_get(f.instance, 0, &f.device) != XHAL_STATUS_OK || !f.device->is_null_driver) {
    fprintf(stderr, "not the null driver's one device (%u devices): %s\n", count, test_error);
    return -1;
  }
  if (ze_stream_create(f.device, &f.stream) != XHAL_STATUS_OK) {
    fprintf(stderr, "stream_create: %s\n", test_error);
    return -1;
  }
  *state = &f;
  return 0;
}

static int test_teardown(void **state) {
  test_fixture_t *f = *state;
  return ze_instance_destroy(f->instance) == XHAL_STATUS_OK ? 0 : -1;
}

/* A contiguous tensor of its own buffer. */
static xhal_plugin_tensor_t test_tensor(test_fixture_t *f, uint32_t dtype, uint64_t element_size,
                                        uint32_t rank, const int64_t *dims) {
  xhal_plugin_tensor_t t = {.header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_TENSOR,
                                                              xhal_plugin_tensor_t),
                            .dtype = dtype,
                            .rank = rank};
  uint64_t count = 1;
  for (uint32_t k = rank; k-- > 0;) {
    t.dims[k] = dims[k];
    t.strides[k] = (int64_t)count;
    count *= (uint64_t)dims[k];
  }
  assert_int_equal(ze_buffer_alloc(f->device, count * element_size, 0, &t.buffer),
                   XHAL_STATUS_OK);
  return t;
}

#define TEST_F32(f, ...)                                                                           \
  test_tensor(f, XHAL_DTYPE_F32, 4, sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t),           \
              (int64_t[]){__VA_ARGS__})

/* The status of op_launch on inputs and one output, test_error holding
 * the message. */
static int32_t test_launch(test_fixture_t *f, uint32_t op, const xhal_attr_t *attrs,
                           uint32_t attr_count, const xhal_plugin_tensor_t *in, uint32_t inputs,
                           const xhal_plugin_tensor_t *out) {
  const xhal_plugin_tensor_t *in_list[8];
  for (uint32_t i = 0; i < inputs; ++i) in_list[i] = &in[i];
  const xhal_plugin_op_desc_t desc = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_OP_DESC, xhal_plugin_op_desc_t),
      .op = op,
      .attr_count = attr_count,
      .attrs = attrs,
      .input_count = inputs,
      .output_count = 1,
      .inputs = in_list,
      .outputs = &out};
  test_error[0] = '\0';
  return ze_op_launch(f->stream, &desc);
}

#define ASSERT_LAUNCHED(status)                                                                    \
  do {                                                                                             \
    const int32_t launched_ = (status);                                                            \
    if (launched_ != XHAL_STATUS_OK) fail_msg("status %d: %s", launched_, test_error);             \
  } while (0)

/* A reduction of dim 1 of a [rows, 300] tensor. */
static const int64_t test_dim_1[1] = {1};
static const xhal_attr_t test_reduce_dim_1 = {
    .name = "axes", .type = XHAL_ATTR_INTS, .count = 1, .ints = test_dim_1};

/* As the plugin decides it for the null driver: planned, then refused. */
static void test_null_driver_refuses(void **state) {
  test_fixture_t *f = *state;
  const xhal_plugin_tensor_t x[2] = {TEST_F32(f, 2, 3), TEST_F32(f, 2, 3)};
  const xhal_plugin_tensor_t y = TEST_F32(f, 2, 3);
  assert_int_equal(test_launch(f, XHAL_OP_ADD, NULL, 0, x, 2, &y), XHAL_STATUS_UNSUPPORTED);
  assert_non_null(strstr(test_error, "results cannot be verified on the Level Zero null driver"));
}

/* From here on the device record says a real device with fp64. */
static void test_lift_refusal(void **state) {
  test_fixture_t *f = *state;
  f->device->is_null_driver = 0;
  if (f->device->compute.maxTotalGroupSize < 1024) f->device->compute.maxTotalGroupSize = 1024;
  f->device->module.flags |= ZE_DEVICE_MODULE_FLAG_FP64;
}

/* eltwise.spv, reduce.spv, softmax.spv, matmul.spv: xop_launch_plan. */
static void test_planner_programs(void **state) {
  test_fixture_t *f = *state;
  const xhal_plugin_tensor_t x[2] = {TEST_F32(f, 4, 300), TEST_F32(f, 4, 300)};
  const xhal_plugin_tensor_t sum = TEST_F32(f, 4, 300), row = TEST_F32(f, 4, 1);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_ADD, NULL, 0, x, 2, &sum));
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_REDUCE_SUM, &test_reduce_dim_1, 1, x, 1, &row));
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_SOFTMAX, NULL, 0, x, 1, &sum));
  const xhal_plugin_tensor_t ab[2] = {TEST_F32(f, 8, 5), TEST_F32(f, 5, 7)};
  const xhal_plugin_tensor_t c = TEST_F32(f, 8, 7);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_MATMUL, NULL, 0, ab, 2, &c));
}

/* norm.spv from both planners: a row op of xop_launch_plan (a work-group
 * per row: 300 terms) and a normalisation of xop_cl_launch_plan. */
static void test_norm_program(void **state) {
  test_fixture_t *f = *state;
  const xhal_plugin_tensor_t x = TEST_F32(f, 4, 300), row = TEST_F32(f, 4, 1);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_REDUCE_MAX, &test_reduce_dim_1, 1, &x, 1, &row));
  const xhal_plugin_tensor_t in[3] = {TEST_F32(f, 2, 8), TEST_F32(f, 8), TEST_F32(f, 8)};
  const xhal_plugin_tensor_t y = TEST_F32(f, 2, 8);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_LAYER_NORMALIZATION, NULL, 0, in, 3, &y));
}

/* conv.spv, unary.spv, gather.spv, binary.spv: xop_cl_launch_plan. */
static void test_model_programs(void **state) {
  test_fixture_t *f = *state;
  const xhal_plugin_tensor_t xw[2] = {TEST_F32(f, 1, 1, 4, 4), TEST_F32(f, 1, 1, 3, 3)};
  const xhal_plugin_tensor_t conv = TEST_F32(f, 1, 1, 2, 2);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_CONV, NULL, 0, xw, 2, &conv));
  const xhal_plugin_tensor_t x[2] = {TEST_F32(f, 3, 5), TEST_F32(f, 3, 5)};
  const xhal_plugin_tensor_t y = TEST_F32(f, 3, 5);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_SQRT, NULL, 0, x, 1, &y));
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_MAX, NULL, 0, x, 2, &y));
  const int64_t index_dims[1] = {4};
  const xhal_plugin_tensor_t gather_in[2] = {x[0],
                                             test_tensor(f, XHAL_DTYPE_I64, 8, 1, index_dims)};
  const xhal_plugin_tensor_t gathered = TEST_F32(f, 4, 5);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_GATHER, NULL, 0, gather_in, 2, &gathered));
}

/* resize.spv with its two tables: uploaded before the kernel, held by the
 * stream until it has run the kernel, all freed by a synchronize. */
static void test_resize_tables(void **state) {
  test_fixture_t *f = *state;
  const float scales[4] = {1, 1, 2, 2};
  const xhal_attr_t attrs[2] = {
      {.name = "mode", .type = XHAL_ATTR_STRING, .s = "linear"},
      {.name = "scales", .type = XHAL_ATTR_FLOATS, .count = 4, .floats = scales}};
  const xhal_plugin_tensor_t x = TEST_F32(f, 1, 1, 4, 4), y = TEST_F32(f, 1, 1, 8, 8);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_RESIZE, attrs, 2, &x, 1, &y));
  assert_non_null(f->stream->deferred);
  assert_int_equal(f->stream->deferred->count, 2);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_RESIZE, attrs, 2, &x, 1, &y));
  assert_int_equal(ze_stream_synchronize(f->stream), XHAL_STATUS_OK);
  assert_null(f->stream->deferred);
}

/* transposed views, [rows, cols] seen in a [cols, rows] buffer */
static xhal_plugin_tensor_t test_transposed(test_fixture_t *f, int64_t rows, int64_t cols) {
  xhal_plugin_tensor_t t = TEST_F32(f, cols, rows);
  t.dims[0] = rows, t.dims[1] = cols, t.strides[0] = 1, t.strides[1] = rows;
  return t;
}

/* shape.spv's linear copy (a reshape between transposed views of 2 x 3 and
 * 3 x 2: no dim in common) and Concat's copies on eltwise.spv. */
static void test_copies(void **state) {
  test_fixture_t *f = *state;
  const xhal_plugin_tensor_t x = test_transposed(f, 2, 3), y = test_transposed(f, 3, 2);
  const int64_t shape[2] = {3, 2};
  const xhal_attr_t reshape[1] = {
      {.name = "shape", .type = XHAL_ATTR_INTS, .count = 2, .ints = shape}};
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_RESHAPE, reshape, 1, &x, 1, &y));
  const xhal_plugin_tensor_t parts[2] = {TEST_F32(f, 2, 3), TEST_F32(f, 1, 3)};
  const xhal_plugin_tensor_t joined = TEST_F32(f, 3, 3);
  const xhal_attr_t axis[1] = {{.name = "axis", .type = XHAL_ATTR_INT, .i = 0}};
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_CONCAT, axis, 1, parts, 2, &joined));
}

/* binary_fp64.spv where the device has fp64; UNSUPPORTED, naming the
 * device, where it has not. */
static void test_pow_fp64(void **state) {
  test_fixture_t *f = *state;
  const int64_t dims[1] = {6};
  const xhal_plugin_tensor_t in[2] = {test_tensor(f, XHAL_DTYPE_I32, 4, 1, dims), TEST_F32(f, 6)};
  const xhal_plugin_tensor_t y = test_tensor(f, XHAL_DTYPE_I32, 4, 1, dims);
  ASSERT_LAUNCHED(test_launch(f, XHAL_OP_POW, NULL, 0, in, 2, &y));
  f->device->module.flags &= ~(uint32_t)ZE_DEVICE_MODULE_FLAG_FP64;
  assert_int_equal(test_launch(f, XHAL_OP_POW, NULL, 0, in, 2, &y), XHAL_STATUS_UNSUPPORTED);
  assert_non_null(strstr(test_error, f->device->props.name));
  assert_non_null(strstr(test_error, "ZE_DEVICE_MODULE_FLAG_FP64"));
  f->device->module.flags |= ZE_DEVICE_MODULE_FLAG_FP64;
  assert_int_equal(ze_stream_synchronize(f->stream), XHAL_STATUS_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null_driver_refuses), cmocka_unit_test(test_lift_refusal),
      cmocka_unit_test(test_planner_programs),    cmocka_unit_test(test_norm_program),
      cmocka_unit_test(test_model_programs),      cmocka_unit_test(test_resize_tables),
      cmocka_unit_test(test_copies),              cmocka_unit_test(test_pow_fp64),
  };
  return cmocka_run_group_tests(tests, test_setup, test_teardown);
}
