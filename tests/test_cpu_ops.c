/* test_cpu_ops.c - unit tests of the CPU backend's operators (cpu_op.c and
 * the cpu_kernel_* files), driven through cpu_op_prepare/execute with
 * hand-made devices and buffers. Expected values are computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_buffer.h"
#include "cpu_device.h"
#include "cpu_error.h"
#include "cpu_op.h"

/* ---- Fixture: two devices, a host table that keeps the last message ---------- */

static struct xhal_plugin_device test_dev0 = {NULL, 0};
static struct xhal_plugin_device test_dev1 = {NULL, 1};
static char test_message[1024];
static int32_t test_message_status;

static void test_set_error(int32_t status, const char *message) {
  test_message_status = status;
  snprintf(test_message, sizeof test_message, "%s", message);
}

static void test_log(uint32_t level, const char *message) {
  (void)level;
  (void)message;
}

static const xhal_host_api_v1_t test_host = {
    XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_HOST_API, xhal_host_api_v1_t), 1, 0, test_set_error,
    test_log};

#define TEST_MAX_BUFFERS 64
static xhal_plugin_buffer_t *test_buffers[TEST_MAX_BUFFERS];
static int test_buffer_count;

static int test_setup(void **state) {
  (void)state;
  cpu__host = &test_host;
  test_message[0] = '\0';
  test_message_status = 0;
  return 0;
}

static int test_teardown(void **state) {
  (void)state;
  for (int i = 0; i < test_buffer_count; ++i) {
    free(test_buffers[i]->data);
    free(test_buffers[i]);
  }
  test_buffer_count = 0;
  return 0;
}

static xhal_plugin_buffer_t *buffer_new(xhal_plugin_device_t *device, uint64_t size,
                                        const void *init) {
  assert_true(test_buffer_count < TEST_MAX_BUFFERS);
  xhal_plugin_buffer_t *b = calloc(1, sizeof *b);
  assert_non_null(b);
  b->device = device;
  b->size = size;
  b->data = calloc(1, size ? size : 1);
  assert_non_null(b->data);
  if (init) memcpy(b->data, init, size);
  test_buffers[test_buffer_count++] = b;
  return b;
}

static size_t dtype_bytes(uint32_t dtype) {
  return dtype == XHAL_DTYPE_F16   ? 2
         : dtype == XHAL_DTYPE_I64 ? 8
         : dtype == XHAL_DTYPE_U8 || dtype == XHAL_DTYPE_I8 || dtype == XHAL_DTYPE_BOOL ? 1
                                   : 4;
}

/* A contiguous tensor over a fresh buffer holding values (or zeros). */
static xhal_plugin_tensor_t tensor(uint32_t dtype, uint32_t rank, const int64_t *dims,
                                   const void *values) {
  xhal_plugin_tensor_t t;
  memset(&t, 0, sizeof t);
  t.header = (xhal_struct_header_t)XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_TENSOR, xhal_plugin_tensor_t);
  t.dtype = dtype;
  t.rank = rank;
  int64_t count = 1;
  for (int k = (int)rank - 1; k >= 0; --k) {
    t.dims[k] = dims[k];
    t.strides[k] = count;
    count *= dims[k];
  }
  t.buffer = buffer_new(&test_dev0, (uint64_t)count * dtype_bytes(dtype), values);
  return t;
}

#define DIMS(...) ((const int64_t[]){__VA_ARGS__})
#define F32(...) ((const float[]){__VA_ARGS__})
#define F16(...) ((const uint16_t[]){__VA_ARGS__})
#define I32(...) ((const int32_t[]){__VA_ARGS__})
#define I64(...) ((const int64_t[]){__VA_ARGS__})

static void *data_of(const xhal_plugin_tensor_t *t) {
  return (char *)t->buffer->data + t->byte_offset;
}

static xhal_plugin_op_desc_t desc_make(uint32_t op, const xhal_attr_t *attrs, uint32_t attr_count,
                                       const xhal_plugin_tensor_t *const *ins, uint32_t in_count,
                                       const xhal_plugin_tensor_t *const *outs) {
  xhal_plugin_op_desc_t d = {XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_OP_DESC, xhal_plugin_op_desc_t),
                             op,
                             attr_count,
                             attrs,
                             in_count,
                             1,
                             ins,
                             outs};
  return d;
}

/* prepare + execute + free; the status of the first failing step. */
static int32_t run_op(uint32_t op, const xhal_attr_t *attrs, uint32_t attr_count,
                      const xhal_plugin_tensor_t *ins, uint32_t in_count,
                      xhal_plugin_tensor_t *out) {
  const xhal_plugin_tensor_t *in_ptrs[3] = {&ins[0], in_count > 1 ? &ins[1] : NULL,
                                            in_count > 2 ? &ins[2] : NULL};
  const xhal_plugin_tensor_t *out_ptrs[1] = {out};
  xhal_plugin_op_desc_t d = desc_make(op, attrs, attr_count, in_ptrs, in_count, out_ptrs);
  test_message[0] = '\0';
  cpu_op_call_t *call = NULL;
  int32_t status = cpu_op_prepare(&test_dev0, &d, &call);
  if (status != XHAL_STATUS_OK) return status;
  status = cpu_op_execute(call);
  cpu_op_call_free(call);
  return status;
}

static xhal_attr_t attr_int(const char *name, int64_t v) {
  xhal_attr_t a = {name, XHAL_ATTR_INT, 0, v, 0.0, NULL, NULL, NULL};
  return a;
}

static xhal_attr_t attr_float(const char *name, double v) {
  xhal_attr_t a = {name, XHAL_ATTR_FLOAT, 0, 0, v, NULL, NULL, NULL};
  return a;
}

static xhal_attr_t attr_ints(const char *name, uint32_t count, const int64_t *v) {
  xhal_attr_t a = {name, XHAL_ATTR_INTS, count, 0, 0.0, v, NULL, NULL};
  return a;
}

static void expect_f32(const xhal_plugin_tensor_t *t, const float *want, int n, float tol) {
  const float *got = data_of(t);
  for (int i = 0; i < n; ++i) {
    if (isnan(want[i])) {
      assert_true(isnan(got[i]));
    } else if (isinf(want[i]) || tol == 0.0f) {
      assert_true(got[i] == want[i]);
    } else if (fabsf(got[i] - want[i]) > tol * fabsf(want[i])) {
      fail_msg("element %d: got %.9g, want %.9g", i, got[i], want[i]);
    }
  }
}

#define EXPECT_INTS(T, t, ...)                                                                     \
  do {                                                                                             \
    const T want_[] = {__VA_ARGS__};                                                               \
    const T *got_ = data_of(t);                                                                    \
    for (size_t i_ = 0; i_ < sizeof want_ / sizeof want_[0]; ++i_)                                 \
      assert_int_equal(got_[i_], want_[i_]);                                                       \
  } while (0)

static void expect_error(int32_t got, int32_t want, const char *fragment) {
  assert_int_equal(got, want);
  if (!strstr(test_message, fragment)) fail_msg("message '%s' lacks '%s'", test_message, fragment);
}

/* ---- Elementwise ------------------------------------------------------------------ */

static void test_binary_f32(void **state) {
  (void)state;
  xhal_plugin_tensor_t in[2] = {tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), F32(1, 2, 3, 4, 5, 6)),
                                tensor(XHAL_DTYPE_F32, 1, DIMS(3), F32(10, 20, 30))};
  xhal_plugin_tensor_t out = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  assert_int_equal(run_op(XHAL_OP_ADD, NULL, 0, in, 2, &out), XHAL_STATUS_OK);
  expect_f32(&out, F32(11, 22, 33, 14, 25, 36), 6, 0);

  in[1] = tensor(XHAL_DTYPE_F32, 0, NULL, F32(1.5f)); /* rank-0 scalar */
  assert_int_equal(run_op(XHAL_OP_SUB, NULL, 0, in, 2, &out), XHAL_STATUS_OK);
  expect_f32(&out, F32(-0.5f, 0.5f, 1.5f, 2.5f, 3.5f, 4.5f), 6, 0);

  xhal_plugin_tensor_t col[2] = {tensor(XHAL_DTYPE_F32, 2, DIMS(2, 1), F32(2, 3)),
                                 tensor(XHAL_DTYPE_F32, 2, DIMS(1, 3), F32(1, 10, 100))};
  assert_int_equal(run_op(XHAL_OP_MUL, NULL, 0, col, 2, &out), XHAL_STATUS_OK);
  expect_f32(&out, F32(2, 20, 200, 3, 30, 300), 6, 0);

  xhal_plugin_tensor_t div[2] = {tensor(XHAL_DTYPE_F32, 1, DIMS(4), F32(1, -1, 0, 6)),
                                 tensor(XHAL_DTYPE_F32, 1, DIMS(4), F32(0, 0, 0, 4))};
  xhal_plugin_tensor_t q = tensor(XHAL_DTYPE_F32, 1, DIMS(4), NULL);
  assert_int_equal(run_op(XHAL_OP_DIV, NULL, 0, div, 2, &q), XHAL_STATUS_OK);
  expect_f32(&q, F32(INFINITY, -INFINITY, NAN, 1.5f), 4, 0);

  /* In place: the output is the very same view as input 0. */
  xhal_plugin_tensor_t self[2] = {div[1], div[1]};
  assert_int_equal(run_op(XHAL_OP_ADD, NULL, 0, self, 2, &div[1]), XHAL_STATUS_OK);
  expect_f32(&div[1], F32(0, 0, 0, 8), 4, 0);
}

static void test_binary_int(void **state) {
  (void)state;
  xhal_plugin_tensor_t a[2] = {tensor(XHAL_DTYPE_I32, 1, DIMS(2), I32(INT32_MAX, -5)),
                               tensor(XHAL_DTYPE_I32, 1, DIMS(2), I32(1, 3))};
  xhal_plugin_tensor_t out = tensor(XHAL_DTYPE_I32, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_ADD, NULL, 0, a, 2, &out), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &out, INT32_MIN, -2);
  assert_int_equal(run_op(XHAL_OP_SUB, NULL, 0, a, 2, &out), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &out, INT32_MAX - 1, -8);

  xhal_plugin_tensor_t m[2] = {tensor(XHAL_DTYPE_I32, 1, DIMS(1), I32(65536)),
                               tensor(XHAL_DTYPE_I32, 1, DIMS(1), I32(65536))};
  xhal_plugin_tensor_t m_out = tensor(XHAL_DTYPE_I32, 1, DIMS(1), NULL);
  assert_int_equal(run_op(XHAL_OP_MUL, NULL, 0, m, 2, &m_out), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &m_out, 0);

  xhal_plugin_tensor_t d[2] = {tensor(XHAL_DTYPE_I32, 1, DIMS(5), I32(7, -7, 7, INT32_MIN, 5)),
                               tensor(XHAL_DTYPE_I32, 1, DIMS(5), I32(-2, 2, 0, -1, 5))};
  xhal_plugin_tensor_t d_out = tensor(XHAL_DTYPE_I32, 1, DIMS(5), NULL);
  assert_int_equal(run_op(XHAL_OP_DIV, NULL, 0, d, 2, &d_out), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &d_out, -3, -3, 0, INT32_MIN, 1);

  xhal_plugin_tensor_t l[2] = {tensor(XHAL_DTYPE_I64, 1, DIMS(2), I64(INT64_MIN, INT64_MAX)),
                               tensor(XHAL_DTYPE_I64, 1, DIMS(2), I64(-1, 2))};
  xhal_plugin_tensor_t l_out = tensor(XHAL_DTYPE_I64, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_DIV, NULL, 0, l, 2, &l_out), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &l_out, INT64_MIN, INT64_MAX / 2);
  assert_int_equal(run_op(XHAL_OP_MUL, NULL, 0, l, 2, &l_out), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &l_out, INT64_MIN, -2);
}

static void test_unary_f32(void **state) {
  (void)state;
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_F32, 1, DIMS(4), F32(-2, -0.0f, 0.5f, NAN));
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F32, 1, DIMS(4), NULL);
  const float *yv = data_of(&y);
  assert_int_equal(run_op(XHAL_OP_NEG, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(2, 0, -0.5f, NAN), 4, 0);
  assert_false(signbit(yv[1]));
  assert_int_equal(run_op(XHAL_OP_ABS, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(2, 0, 0.5f, NAN), 4, 0);
  assert_false(signbit(yv[1]));
  assert_int_equal(run_op(XHAL_OP_RELU, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(0, 0, 0.5f, NAN), 4, 0);
  assert_false(signbit(yv[1]));

  xhal_plugin_tensor_t e = tensor(XHAL_DTYPE_F32, 1, DIMS(4), F32(0, 1, -INFINITY, 88.8f));
  assert_int_equal(run_op(XHAL_OP_EXP, NULL, 0, &e, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(1, 2.71828183f, 0, INFINITY), 4, 1e-6f);

  xhal_plugin_tensor_t s = tensor(XHAL_DTYPE_F32, 1, DIMS(4), F32(0, 2, -100, NAN));
  assert_int_equal(run_op(XHAL_OP_SIGMOID, NULL, 0, &s, 1, &y), XHAL_STATUS_OK);
  /* sigmoid(-100) = 3.72e-44 is subnormal: only ~5 significant bits. */
  expect_f32(&y, F32(0.5f, 0.880797078f, 3.72007598e-44f, NAN), 4, 0.05f);
  assert_true(yv[2] > 0.0f);

  xhal_plugin_tensor_t t = tensor(XHAL_DTYPE_F32, 1, DIMS(4), F32(0, 0.5f, -20, NAN));
  assert_int_equal(run_op(XHAL_OP_TANH, NULL, 0, &t, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(0, 0.462117157f, -1, NAN), 4, 1e-6f);
}

static void test_unary_int(void **state) {
  (void)state;
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_I32, 1, DIMS(3), I32(INT32_MIN, -3, 4));
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_I32, 1, DIMS(3), NULL);
  assert_int_equal(run_op(XHAL_OP_ABS, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &y, INT32_MIN, 3, 4);
  assert_int_equal(run_op(XHAL_OP_NEG, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &y, INT32_MIN, 3, -4);
  assert_int_equal(run_op(XHAL_OP_RELU, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &y, 0, 0, 4);

  xhal_plugin_tensor_t l = tensor(XHAL_DTYPE_I64, 1, DIMS(2), I64(INT64_MIN, -1));
  xhal_plugin_tensor_t l_out = tensor(XHAL_DTYPE_I64, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_ABS, NULL, 0, &l, 1, &l_out), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &l_out, INT64_MIN, 1);
}

static void test_f16(void **state) {
  (void)state;
  /* 1+2 = 3; 65504+65504 overflows to Inf; 1.0009765625^2 rounds to 1.001953125. */
  xhal_plugin_tensor_t a[2] = {tensor(XHAL_DTYPE_F16, 1, DIMS(3), F16(0x3C00, 0x7BFF, 0x3C01)),
                               tensor(XHAL_DTYPE_F16, 1, DIMS(3), F16(0x4000, 0x7BFF, 0x3C01))};
  xhal_plugin_tensor_t out = tensor(XHAL_DTYPE_F16, 1, DIMS(3), NULL);
  assert_int_equal(run_op(XHAL_OP_ADD, NULL, 0, a, 2, &out), XHAL_STATUS_OK);
  EXPECT_INTS(uint16_t, &out, 0x4200, 0x7C00, 0x4001);
  assert_int_equal(run_op(XHAL_OP_MUL, NULL, 0, a, 2, &out), XHAL_STATUS_OK);
  EXPECT_INTS(uint16_t, &out, 0x4000, 0x7C00, 0x3C02);

  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_F16, 1, DIMS(2), F16(0x0000, 0xBC00));
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F16, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_EXP, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  assert_int_equal(((uint16_t *)data_of(&y))[0], 0x3C00);
  assert_int_equal(run_op(XHAL_OP_RELU, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  EXPECT_INTS(uint16_t, &y, 0x0000, 0x0000);
}

static void test_copy_strided(void **state) {
  (void)state;
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), F32(1, 2, 3, 4, 5, 6));
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  y.strides[0] = 1; /* column-major output */
  y.strides[1] = 2;
  assert_int_equal(run_op(XHAL_OP_COPY, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(1, 4, 2, 5, 3, 6), 6, 0);

  xhal_plugin_tensor_t row = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  row.buffer = buffer_new(&test_dev0, 4 * sizeof(float), F32(0, 7, 8, 9));
  row.byte_offset = 4;
  row.strides[0] = 0; /* broadcast input rows */
  xhal_plugin_tensor_t z = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  assert_int_equal(run_op(XHAL_OP_COPY, NULL, 0, &row, 1, &z), XHAL_STATUS_OK);
  expect_f32(&z, F32(7, 8, 9, 7, 8, 9), 6, 0);
}

/* ---- MatMul / Gemm ------------------------------------------------------------------- */

static void test_matmul_f32(void **state) {
  (void)state;
  xhal_plugin_tensor_t ab[2] = {tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), F32(1, 2, 3, 4, 5, 6)),
                                tensor(XHAL_DTYPE_F32, 2, DIMS(3, 2), F32(7, 8, 9, 10, 11, 12))};
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 2), NULL);
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, ab, 2, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(58, 64, 139, 154), 4, 0);

  /* B read through a transposed view (BLAS Trans path) and a strided one (packed). */
  xhal_plugin_tensor_t bt[2] = {ab[0], tensor(XHAL_DTYPE_F32, 2, DIMS(3, 2), NULL)};
  bt[1].buffer = buffer_new(&test_dev0, 6 * sizeof(float), F32(7, 9, 11, 8, 10, 12));
  bt[1].strides[0] = 1, bt[1].strides[1] = 3;
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, bt, 2, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(58, 64, 139, 154), 4, 0);
  bt[1].buffer =
      buffer_new(&test_dev0, 12 * sizeof(float), F32(7, 0, 8, 0, 9, 0, 10, 0, 11, 0, 12, 0));
  bt[1].strides[0] = 4, bt[1].strides[1] = 2;
  /* Column-major output too. */
  xhal_plugin_tensor_t yc = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 2), NULL);
  yc.strides[0] = 1, yc.strides[1] = 2;
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, bt, 2, &yc), XHAL_STATUS_OK);
  expect_f32(&yc, F32(58, 139, 64, 154), 4, 0);

  /* 1-D promotion on either side and both. */
  xhal_plugin_tensor_t v3 = tensor(XHAL_DTYPE_F32, 1, DIMS(3), F32(1, 2, 3));
  xhal_plugin_tensor_t vb = tensor(XHAL_DTYPE_F32, 1, DIMS(3), F32(4, 5, 6));
  xhal_plugin_tensor_t dot[2] = {v3, vb}, vm[2] = {v3, ab[1]}, mv[2] = {ab[0], vb};
  xhal_plugin_tensor_t s = tensor(XHAL_DTYPE_F32, 0, NULL, NULL);
  xhal_plugin_tensor_t y2 = tensor(XHAL_DTYPE_F32, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, dot, 2, &s), XHAL_STATUS_OK);
  expect_f32(&s, F32(32), 1, 0);
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, vm, 2, &y2), XHAL_STATUS_OK);
  expect_f32(&y2, F32(58, 64), 2, 0);
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, mv, 2, &y2), XHAL_STATUS_OK);
  expect_f32(&y2, F32(32, 77), 2, 0);

  /* Batched: B broadcast over A's batch, then A broadcast over B's. */
  xhal_plugin_tensor_t ba[2] = {
      tensor(XHAL_DTYPE_F32, 3, DIMS(2, 2, 3), F32(1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0)), ab[1]};
  xhal_plugin_tensor_t y3 = tensor(XHAL_DTYPE_F32, 3, DIMS(2, 2, 2), NULL);
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, ba, 2, &y3), XHAL_STATUS_OK);
  expect_f32(&y3, F32(58, 64, 139, 154, 7, 8, 9, 10), 8, 0);
  xhal_plugin_tensor_t bb[2] = {
      ab[0], tensor(XHAL_DTYPE_F32, 3, DIMS(2, 3, 2), F32(7, 8, 9, 10, 11, 12, 1, 0, 0, 1, 0, 0))};
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, bb, 2, &y3), XHAL_STATUS_OK);
  expect_f32(&y3, F32(58, 64, 139, 154, 1, 2, 4, 5), 8, 0);
}

static void test_matmul_int(void **state) {
  (void)state;
  xhal_plugin_tensor_t a[2] = {tensor(XHAL_DTYPE_I32, 2, DIMS(1, 2), I32(65536, 1)),
                               tensor(XHAL_DTYPE_I32, 2, DIMS(2, 1), I32(65536, 5))};
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_I32, 2, DIMS(1, 1), NULL);
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, a, 2, &y), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &y, 5); /* 2^32 + 5 wraps */

  xhal_plugin_tensor_t l[2] = {tensor(XHAL_DTYPE_I64, 2, DIMS(2, 2), I64(1, 2, 3, 4)),
                               tensor(XHAL_DTYPE_I64, 2, DIMS(2, 2), I64(5, 6, 7, 8))};
  xhal_plugin_tensor_t ly = tensor(XHAL_DTYPE_I64, 2, DIMS(2, 2), NULL);
  assert_int_equal(run_op(XHAL_OP_MATMUL, NULL, 0, l, 2, &ly), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &ly, 19, 22, 43, 50);
}

static void test_gemm(void **state) {
  (void)state;
  /* A stored (3,2) and B stored (2,3), both transposed by the attributes. */
  xhal_plugin_tensor_t in[3] = {tensor(XHAL_DTYPE_F32, 2, DIMS(3, 2), F32(1, 4, 2, 5, 3, 6)),
                                tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), F32(7, 9, 11, 8, 10, 12)),
                                tensor(XHAL_DTYPE_F32, 1, DIMS(2), F32(10, 20))};
  const xhal_attr_t attrs[4] = {attr_float("alpha", 2.0), attr_float("beta", 0.5),
                                attr_int("transA", 1), attr_int("transB", 1)};
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 2), NULL);
  assert_int_equal(run_op(XHAL_OP_GEMM, attrs, 4, in, 3, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(121, 138, 283, 318), 4, 0);

  xhal_plugin_tensor_t plain[3] = {tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), F32(1, 2, 3, 4, 5, 6)),
                                   tensor(XHAL_DTYPE_F32, 2, DIMS(3, 2), F32(7, 8, 9, 10, 11, 12)),
                                   tensor(XHAL_DTYPE_F32, 2, DIMS(2, 1), F32(1, 2))};
  assert_int_equal(run_op(XHAL_OP_GEMM, NULL, 0, plain, 3, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(59, 65, 141, 156), 4, 0);

  xhal_plugin_tensor_t ints[3] = {tensor(XHAL_DTYPE_I32, 2, DIMS(2, 3), I32(1, 2, 3, 4, 5, 6)),
                                  tensor(XHAL_DTYPE_I32, 2, DIMS(3, 2), I32(7, 8, 9, 10, 11, 12)),
                                  tensor(XHAL_DTYPE_I32, 0, NULL, I32(3))};
  const xhal_attr_t int_attrs[2] = {attr_float("alpha", 2.0), attr_float("beta", -1.0)};
  xhal_plugin_tensor_t iy = tensor(XHAL_DTYPE_I32, 2, DIMS(2, 2), NULL);
  assert_int_equal(run_op(XHAL_OP_GEMM, int_attrs, 2, ints, 3, &iy), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &iy, 113, 125, 275, 305);
  const xhal_attr_t half_alpha[1] = {attr_float("alpha", 0.5)};
  expect_error(run_op(XHAL_OP_GEMM, half_alpha, 1, ints, 3, &iy), XHAL_STATUS_UNSUPPORTED, "0.5");

  /* f16: [1 2] x [3 0.5]^T + 1 = 5. */
  xhal_plugin_tensor_t h[3] = {tensor(XHAL_DTYPE_F16, 2, DIMS(1, 2), F16(0x3C00, 0x4000)),
                               tensor(XHAL_DTYPE_F16, 2, DIMS(2, 1), F16(0x4200, 0x3800)),
                               tensor(XHAL_DTYPE_F16, 1, DIMS(1), F16(0x3C00))};
  xhal_plugin_tensor_t hy = tensor(XHAL_DTYPE_F16, 2, DIMS(1, 1), NULL);
  assert_int_equal(run_op(XHAL_OP_GEMM, NULL, 0, h, 3, &hy), XHAL_STATUS_OK);
  EXPECT_INTS(uint16_t, &hy, 0x4500);
}

/* ---- Softmax, reductions, transpose, cast ---------------------------------------------- */

static void test_softmax(void **state) {
  (void)state;
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), F32(1, 2, 3, 0, 0, 0));
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  assert_int_equal(run_op(XHAL_OP_SOFTMAX, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(0.0900305732f, 0.244728471f, 0.665240956f, 1 / 3.0f, 1 / 3.0f, 1 / 3.0f), 6,
             1e-6f);
  const xhal_attr_t axis0[1] = {attr_int("axis", 0)};
  assert_int_equal(run_op(XHAL_OP_SOFTMAX, axis0, 1, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(
      &y, F32(0.731058579f, 0.880797078f, 0.952574127f, 0.268941421f, 0.119202922f, 0.0474258732f),
      6, 1e-6f);

  xhal_plugin_tensor_t special = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 2), F32(1, NAN, -INFINITY, 0));
  xhal_plugin_tensor_t sy = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 2), NULL);
  assert_int_equal(run_op(XHAL_OP_SOFTMAX, NULL, 0, &special, 1, &sy), XHAL_STATUS_OK);
  expect_f32(&sy, F32(NAN, NAN, 0, 1), 4, 0);

  xhal_plugin_tensor_t empty = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 0), NULL);
  xhal_plugin_tensor_t ey = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 0), NULL);
  assert_int_equal(run_op(XHAL_OP_SOFTMAX, NULL, 0, &empty, 1, &ey), XHAL_STATUS_OK);

  xhal_plugin_tensor_t h = tensor(XHAL_DTYPE_F16, 1, DIMS(2), F16(0, 0));
  xhal_plugin_tensor_t hy = tensor(XHAL_DTYPE_F16, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_SOFTMAX, NULL, 0, &h, 1, &hy), XHAL_STATUS_OK);
  EXPECT_INTS(uint16_t, &hy, 0x3800, 0x3800);
}

static void test_reduce(void **state) {
  (void)state;
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), F32(1, 2, 3, 4, 5, 6));
  const xhal_attr_t keep_axis1[1] = {attr_ints("axes", 1, I64(1))};
  xhal_plugin_tensor_t y21 = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 1), NULL);
  assert_int_equal(run_op(XHAL_OP_REDUCE_SUM, keep_axis1, 1, &x, 1, &y21), XHAL_STATUS_OK);
  expect_f32(&y21, F32(6, 15), 2, 0);

  const xhal_attr_t drop_axis0[2] = {attr_ints("axes", 1, I64(0)), attr_int("keepdims", 0)};
  xhal_plugin_tensor_t y3 = tensor(XHAL_DTYPE_F32, 1, DIMS(3), NULL);
  assert_int_equal(run_op(XHAL_OP_REDUCE_SUM, drop_axis0, 2, &x, 1, &y3), XHAL_STATUS_OK);
  expect_f32(&y3, F32(5, 7, 9), 3, 0);

  xhal_plugin_tensor_t y11 = tensor(XHAL_DTYPE_F32, 2, DIMS(1, 1), NULL);
  assert_int_equal(run_op(XHAL_OP_REDUCE_MEAN, NULL, 0, &x, 1, &y11), XHAL_STATUS_OK);
  expect_f32(&y11, F32(3.5f), 1, 0);

  const xhal_attr_t last[2] = {attr_ints("axes", 1, I64(-1)), attr_int("keepdims", 0)};
  xhal_plugin_tensor_t y2 = tensor(XHAL_DTYPE_F32, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_REDUCE_MEAN, last, 2, &x, 1, &y2), XHAL_STATUS_OK);
  expect_f32(&y2, F32(2, 5), 2, 0);

  const xhal_attr_t noop[1] = {attr_int("noop_with_empty_axes", 1)};
  xhal_plugin_tensor_t same = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  assert_int_equal(run_op(XHAL_OP_REDUCE_SUM, noop, 1, &x, 1, &same), XHAL_STATUS_OK);
  expect_f32(&same, F32(1, 2, 3, 4, 5, 6), 6, 0);

  /* A wide kept dim (column strategy): x[i][j] = j + 100 i over 4 rows. */
  float wide[4 * 20];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 20; ++j) wide[i * 20 + j] = (float)(j + 100 * i);
  xhal_plugin_tensor_t w = tensor(XHAL_DTYPE_F32, 2, DIMS(4, 20), wide);
  xhal_plugin_tensor_t wy = tensor(XHAL_DTYPE_F32, 1, DIMS(20), NULL);
  assert_int_equal(run_op(XHAL_OP_REDUCE_SUM, drop_axis0, 2, &w, 1, &wy), XHAL_STATUS_OK);
  for (int j = 0; j < 20; ++j) assert_true(((float *)data_of(&wy))[j] == (float)(4 * j + 600));
}

static void test_reduce_int_and_empty(void **state) {
  (void)state;
  const xhal_attr_t all_drop[1] = {attr_int("keepdims", 0)};
  xhal_plugin_tensor_t a = tensor(XHAL_DTYPE_I32, 1, DIMS(2), I32(-7, 2));
  xhal_plugin_tensor_t s = tensor(XHAL_DTYPE_I32, 0, NULL, NULL);
  assert_int_equal(run_op(XHAL_OP_REDUCE_MEAN, all_drop, 1, &a, 1, &s), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &s, -2); /* -5/2 truncates toward zero */
  xhal_plugin_tensor_t wrap = tensor(XHAL_DTYPE_I32, 1, DIMS(2), I32(INT32_MAX, 1));
  assert_int_equal(run_op(XHAL_OP_REDUCE_SUM, all_drop, 1, &wrap, 1, &s), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &s, INT32_MIN);

  const xhal_attr_t axis0[2] = {attr_ints("axes", 1, I64(0)), attr_int("keepdims", 0)};
  xhal_plugin_tensor_t e = tensor(XHAL_DTYPE_F32, 2, DIMS(0, 3), NULL);
  xhal_plugin_tensor_t ey = tensor(XHAL_DTYPE_F32, 1, DIMS(3), F32(9, 9, 9));
  assert_int_equal(run_op(XHAL_OP_REDUCE_SUM, axis0, 2, &e, 1, &ey), XHAL_STATUS_OK);
  expect_f32(&ey, F32(0, 0, 0), 3, 0);
  assert_int_equal(run_op(XHAL_OP_REDUCE_MEAN, axis0, 2, &e, 1, &ey), XHAL_STATUS_OK);
  expect_f32(&ey, F32(NAN, NAN, NAN), 3, 0);
  xhal_plugin_tensor_t ie = tensor(XHAL_DTYPE_I64, 2, DIMS(0, 3), NULL);
  xhal_plugin_tensor_t iey = tensor(XHAL_DTYPE_I64, 1, DIMS(3), I64(9, 9, 9));
  assert_int_equal(run_op(XHAL_OP_REDUCE_MEAN, axis0, 2, &ie, 1, &iey), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &iey, 0, 0, 0);

  xhal_plugin_tensor_t h = tensor(XHAL_DTYPE_F16, 1, DIMS(3), F16(0x3C00, 0x4000, 0x3800));
  xhal_plugin_tensor_t hs = tensor(XHAL_DTYPE_F16, 0, NULL, NULL);
  assert_int_equal(run_op(XHAL_OP_REDUCE_SUM, all_drop, 1, &h, 1, &hs), XHAL_STATUS_OK);
  EXPECT_INTS(uint16_t, &hs, 0x4300); /* 3.5 */
}

static void test_transpose(void **state) {
  (void)state;
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), F32(1, 2, 3, 4, 5, 6));
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F32, 2, DIMS(3, 2), NULL);
  assert_int_equal(run_op(XHAL_OP_TRANSPOSE, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(1, 4, 2, 5, 3, 6), 6, 0);

  xhal_plugin_tensor_t c = tensor(XHAL_DTYPE_I64, 3, DIMS(2, 2, 2), I64(0, 1, 2, 3, 4, 5, 6, 7));
  xhal_plugin_tensor_t cy = tensor(XHAL_DTYPE_I64, 3, DIMS(2, 2, 2), NULL);
  const xhal_attr_t perm[1] = {attr_ints("perm", 3, I64(2, 0, 1))};
  assert_int_equal(run_op(XHAL_OP_TRANSPOSE, perm, 1, &c, 1, &cy), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &cy, 0, 2, 4, 6, 1, 3, 5, 7);

  /* Large enough for the tiled path: y[i][j] = x[j][i] with x[r][c] = 100 r + c. */
  int32_t big[50 * 40];
  for (int r = 0; r < 50; ++r)
    for (int col = 0; col < 40; ++col) big[r * 40 + col] = 100 * r + col;
  xhal_plugin_tensor_t bx = tensor(XHAL_DTYPE_I32, 2, DIMS(50, 40), big);
  xhal_plugin_tensor_t by = tensor(XHAL_DTYPE_I32, 2, DIMS(40, 50), NULL);
  assert_int_equal(run_op(XHAL_OP_TRANSPOSE, NULL, 0, &bx, 1, &by), XHAL_STATUS_OK);
  const int32_t *bv = data_of(&by);
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 50; ++j) assert_int_equal(bv[i * 50 + j], 100 * j + i);
}

static void test_cast(void **state) {
  (void)state;
  xhal_plugin_tensor_t f =
      tensor(XHAL_DTYPE_F32, 1, DIMS(6), F32(2.7f, -2.7f, NAN, 3e9f, -3e9f, 0));
  xhal_plugin_tensor_t i = tensor(XHAL_DTYPE_I32, 1, DIMS(6), NULL);
  const xhal_attr_t to_i32[1] = {attr_int("to", XHAL_DTYPE_I32)};
  assert_int_equal(run_op(XHAL_OP_CAST, to_i32, 1, &f, 1, &i), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &i, 2, -2, 0, INT32_MAX, INT32_MIN, 0);

  xhal_plugin_tensor_t f3 = tensor(XHAL_DTYPE_F32, 1, DIMS(3), F32(1e19f, -1e19f, -0.9f));
  xhal_plugin_tensor_t l = tensor(XHAL_DTYPE_I64, 1, DIMS(3), NULL);
  const xhal_attr_t to_i64[1] = {attr_int("to", XHAL_DTYPE_I64)};
  assert_int_equal(run_op(XHAL_OP_CAST, to_i64, 1, &f3, 1, &l), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &l, INT64_MAX, INT64_MIN, 0);

  xhal_plugin_tensor_t fh =
      tensor(XHAL_DTYPE_F32, 1, DIMS(9),
             F32(1, 65520, 65519, 2049, 2051, -0.0f, 1e-8f, 5.9604645e-08f, NAN));
  xhal_plugin_tensor_t h = tensor(XHAL_DTYPE_F16, 1, DIMS(9), NULL);
  const xhal_attr_t to_f16[1] = {attr_int("to", XHAL_DTYPE_F16)};
  assert_int_equal(run_op(XHAL_OP_CAST, to_f16, 1, &fh, 1, &h), XHAL_STATUS_OK);
  EXPECT_INTS(uint16_t, &h, 0x3C00, 0x7C00, 0x7BFF, 0x6800, 0x6802, 0x8000, 0x0000, 0x0001);
  const uint16_t nan_half = ((uint16_t *)data_of(&h))[8];
  assert_true((nan_half & 0x7C00) == 0x7C00 && (nan_half & 0x03FF) != 0);

  xhal_plugin_tensor_t hf =
      tensor(XHAL_DTYPE_F16, 1, DIMS(5), F16(0x3C00, 0xC000, 0x0001, 0x7C00, 0x7E00));
  xhal_plugin_tensor_t ff = tensor(XHAL_DTYPE_F32, 1, DIMS(5), NULL);
  const xhal_attr_t to_f32[1] = {attr_int("to", XHAL_DTYPE_F32)};
  assert_int_equal(run_op(XHAL_OP_CAST, to_f32, 1, &hf, 1, &ff), XHAL_STATUS_OK);
  expect_f32(&ff, F32(1, -2, 5.9604644775390625e-08f, INFINITY, NAN), 5, 0);

  xhal_plugin_tensor_t li = tensor(XHAL_DTYPE_I64, 1, DIMS(3), I64(4294967297LL, -1, 2147483648LL));
  xhal_plugin_tensor_t ii = tensor(XHAL_DTYPE_I32, 1, DIMS(3), NULL);
  assert_int_equal(run_op(XHAL_OP_CAST, to_i32, 1, &li, 1, &ii), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &ii, 1, -1, INT32_MIN);

  xhal_plugin_tensor_t ih = tensor(XHAL_DTYPE_I32, 1, DIMS(4), I32(65504, 65519, 65520, -3));
  xhal_plugin_tensor_t hh = tensor(XHAL_DTYPE_F16, 1, DIMS(4), NULL);
  assert_int_equal(run_op(XHAL_OP_CAST, to_f16, 1, &ih, 1, &hh), XHAL_STATUS_OK);
  EXPECT_INTS(uint16_t, &hh, 0x7BFF, 0x7BFF, 0x7C00, 0xC200);

  xhal_plugin_tensor_t hi = tensor(XHAL_DTYPE_F16, 1, DIMS(2), F16(0x7C00, 0xC100));
  xhal_plugin_tensor_t hi_out = tensor(XHAL_DTYPE_I32, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_CAST, to_i32, 1, &hi, 1, &hi_out), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &hi_out, INT32_MAX, -2);

  xhal_plugin_tensor_t big = tensor(XHAL_DTYPE_I64, 1, DIMS(1), I64(16777217));
  xhal_plugin_tensor_t bf = tensor(XHAL_DTYPE_F32, 1, DIMS(1), NULL);
  assert_int_equal(run_op(XHAL_OP_CAST, to_f32, 1, &big, 1, &bf), XHAL_STATUS_OK);
  expect_f32(&bf, F32(16777216.0f), 1, 0);
}

/* ---- Binary group ----------------------------------------------------------------------- */

#define U8(...) ((const uint8_t[]){__VA_ARGS__})

static void test_binary_group(void **state) {
  (void)state;
  /* Min writing over its second input: every input is read before the write. */
  xhal_plugin_tensor_t mm[3] = {tensor(XHAL_DTYPE_F32, 1, DIMS(4), F32(3, 1, NAN, -0.0f)),
                                tensor(XHAL_DTYPE_F32, 1, DIMS(4), F32(2, 5, 1, 0.0f)),
                                tensor(XHAL_DTYPE_F32, 1, DIMS(1), F32(4))};
  assert_int_equal(run_op(XHAL_OP_MIN, NULL, 0, mm, 3, &mm[1]), XHAL_STATUS_OK);
  expect_f32(&mm[1], F32(2, 1, NAN, -0.0f), 4, 0);
  assert_true(signbit(((const float *)data_of(&mm[1]))[3]));

  /* Where: any non-zero condition byte is true, bool results are 0/1. */
  xhal_plugin_tensor_t wh[3] = {tensor(XHAL_DTYPE_BOOL, 1, DIMS(3), U8(2, 0, 255)),
                                tensor(XHAL_DTYPE_BOOL, 1, DIMS(3), U8(3, 0, 0)),
                                tensor(XHAL_DTYPE_BOOL, 1, DIMS(3), U8(0, 5, 1))};
  xhal_plugin_tensor_t wo = tensor(XHAL_DTYPE_BOOL, 1, DIMS(3), NULL);
  assert_int_equal(run_op(XHAL_OP_WHERE, NULL, 0, wh, 3, &wo), XHAL_STATUS_OK);
  EXPECT_INTS(uint8_t, &wo, 1, 1, 0);

  /* Casts to bool and u8. */
  xhal_plugin_tensor_t cf = tensor(XHAL_DTYPE_F32, 1, DIMS(5), F32(NAN, -0.0f, 0.5f, -3, 300));
  xhal_plugin_tensor_t cb = tensor(XHAL_DTYPE_BOOL, 1, DIMS(5), NULL);
  xhal_plugin_tensor_t cu = tensor(XHAL_DTYPE_U8, 1, DIMS(5), NULL);
  const xhal_attr_t to_bool[1] = {attr_int("to", XHAL_DTYPE_BOOL)};
  const xhal_attr_t to_u8[1] = {attr_int("to", XHAL_DTYPE_U8)};
  assert_int_equal(run_op(XHAL_OP_CAST, to_bool, 1, &cf, 1, &cb), XHAL_STATUS_OK);
  EXPECT_INTS(uint8_t, &cb, 1, 0, 1, 1, 1);
  assert_int_equal(run_op(XHAL_OP_CAST, to_u8, 1, &cf, 1, &cu), XHAL_STATUS_OK);
  EXPECT_INTS(uint8_t, &cu, 0, 0, 0, 0, 255);

  /* Integer Pow wraps; negative exponents give 0 except for bases +-1. */
  xhal_plugin_tensor_t pw[2] = {tensor(XHAL_DTYPE_I32, 1, DIMS(4), I32(2, -1, 0, 3)),
                                tensor(XHAL_DTYPE_I64, 1, DIMS(4), I64(-1, -3, -2, 20))};
  xhal_plugin_tensor_t po = tensor(XHAL_DTYPE_I32, 1, DIMS(4), NULL);
  assert_int_equal(run_op(XHAL_OP_POW, NULL, 0, pw, 2, &po), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &po, 0, -1, 0, -808182895);

  /* dtype rules of the mixed ops. */
  xhal_plugin_tensor_t fx[3] = {tensor(XHAL_DTYPE_F32, 1, DIMS(3), NULL),
                                tensor(XHAL_DTYPE_F32, 1, DIMS(3), NULL),
                                tensor(XHAL_DTYPE_F32, 1, DIMS(3), NULL)};
  xhal_plugin_tensor_t fo = tensor(XHAL_DTYPE_F32, 1, DIMS(3), NULL);
  expect_error(run_op(XHAL_OP_WHERE, NULL, 0, fx, 3, &fo), XHAL_STATUS_INVALID_ARGUMENT,
               "condition");
  xhal_plugin_tensor_t pb[2] = {fx[0], wo};
  expect_error(run_op(XHAL_OP_POW, NULL, 0, pb, 2, &fo), XHAL_STATUS_INVALID_ARGUMENT, "bool");
  /* An integer base with a float exponent: the float64 power truncated,
   * Cast's saturation (0^-1 = +Inf), NaN -> 0. */
  xhal_plugin_tensor_t pf[2] = {
      tensor(XHAL_DTYPE_I32, 1, DIMS(6), I32(4, 9, -2, 2, 0, 7)),
      tensor(XHAL_DTYPE_F32, 1, DIMS(6), F32(0.5f, 1.5f, 3, -1, -1, NAN))};
  xhal_plugin_tensor_t pfo = tensor(XHAL_DTYPE_I32, 1, DIMS(6), NULL);
  assert_int_equal(run_op(XHAL_OP_POW, NULL, 0, pf, 2, &pfo), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &pfo, 2, 27, -8, 0, INT32_MAX, 0);
  /* ONNX exponent dtypes xhal lacks: UNSUPPORTED; a u8 base: not ONNX. */
  xhal_plugin_tensor_t pi[2] = {pw[0], tensor(XHAL_DTYPE_I8, 1, DIMS(4), NULL)};
  expect_error(run_op(XHAL_OP_POW, NULL, 0, pi, 2, &po), XHAL_STATUS_UNSUPPORTED, "i8");
  xhal_plugin_tensor_t pbf[2] = {pw[0], tensor(XHAL_DTYPE_BF16, 1, DIMS(4), NULL)};
  expect_error(run_op(XHAL_OP_POW, NULL, 0, pbf, 2, &po), XHAL_STATUS_UNSUPPORTED, "bf16");
  xhal_plugin_tensor_t pu[2] = {tensor(XHAL_DTYPE_U8, 1, DIMS(4), NULL), pw[1]};
  xhal_plugin_tensor_t puo = tensor(XHAL_DTYPE_U8, 1, DIMS(4), NULL);
  expect_error(run_op(XHAL_OP_POW, NULL, 0, pu, 2, &puo), XHAL_STATUS_INVALID_ARGUMENT, "u8");
  expect_error(run_op(XHAL_OP_LESS, NULL, 0, fx, 2, &fo), XHAL_STATUS_INVALID_ARGUMENT, "bool");
}

/* ---- Errors -------------------------------------------------------------------------- */

static void test_errors_shape_dtype(void **state) {
  (void)state;
  xhal_plugin_tensor_t in[2] = {tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL),
                                tensor(XHAL_DTYPE_F32, 1, DIMS(3), NULL)};
  xhal_plugin_tensor_t bad = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 4), NULL);
  expect_error(run_op(XHAL_OP_ADD, NULL, 0, in, 2, &bad), XHAL_STATUS_INVALID_ARGUMENT, "(2,4)");
  assert_non_null(strstr(test_message, "(2,3)"));

  xhal_plugin_tensor_t mixed[2] = {in[0], tensor(XHAL_DTYPE_I32, 1, DIMS(3), NULL)};
  xhal_plugin_tensor_t out = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  expect_error(run_op(XHAL_OP_ADD, NULL, 0, mixed, 2, &out), XHAL_STATUS_INVALID_ARGUMENT, "i32");

  xhal_plugin_tensor_t nob[2] = {in[0], tensor(XHAL_DTYPE_F32, 1, DIMS(4), NULL)};
  expect_error(run_op(XHAL_OP_ADD, NULL, 0, nob, 2, &out), XHAL_STATUS_INVALID_ARGUMENT, "3 vs 4");

  xhal_plugin_tensor_t ints = tensor(XHAL_DTYPE_I32, 1, DIMS(3), NULL);
  xhal_plugin_tensor_t ints_out = tensor(XHAL_DTYPE_I32, 1, DIMS(3), NULL);
  expect_error(run_op(XHAL_OP_EXP, NULL, 0, &ints, 1, &ints_out), XHAL_STATUS_UNSUPPORTED, "i32");
  assert_non_null(strstr(test_message, "Exp"));
  xhal_plugin_tensor_t i8[2] = {tensor(XHAL_DTYPE_I8, 1, DIMS(3), NULL),
                                tensor(XHAL_DTYPE_I8, 1, DIMS(3), NULL)};
  xhal_plugin_tensor_t i8_out = tensor(XHAL_DTYPE_I8, 1, DIMS(3), NULL);
  expect_error(run_op(XHAL_OP_ADD, NULL, 0, i8, 2, &i8_out), XHAL_STATUS_UNSUPPORTED, "i8");

  xhal_plugin_tensor_t mm[2] = {tensor(XHAL_DTYPE_F32, 2, DIMS(3, 4), NULL),
                                tensor(XHAL_DTYPE_F32, 2, DIMS(5, 6), NULL)};
  xhal_plugin_tensor_t mm_out = tensor(XHAL_DTYPE_F32, 2, DIMS(3, 6), NULL);
  expect_error(run_op(XHAL_OP_MATMUL, NULL, 0, mm, 2, &mm_out), XHAL_STATUS_INVALID_ARGUMENT,
               "inner dimensions 4 and 5 differ");
  assert_non_null(strstr(test_message, "(3,4)"));

  expect_error(run_op(XHAL_OP_ADD, NULL, 0, in, 1, &out), XHAL_STATUS_INVALID_ARGUMENT, "1 inputs");
}

static void test_errors_views(void **state) {
  (void)state;
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);

  xhal_plugin_tensor_t small = x;
  small.buffer = buffer_new(&test_dev0, 20, NULL);
  expect_error(run_op(XHAL_OP_RELU, NULL, 0, &small, 1, &y), XHAL_STATUS_INVALID_ARGUMENT,
               "24 bytes");
  assert_non_null(strstr(test_message, "20"));

  xhal_plugin_tensor_t shifted = x;
  shifted.byte_offset = 2;
  expect_error(run_op(XHAL_OP_RELU, NULL, 0, &shifted, 1, &y), XHAL_STATUS_INVALID_ARGUMENT,
               "byte_offset 2");

  xhal_plugin_tensor_t huge = x;
  huge.strides[0] = INT64_MAX;
  expect_error(run_op(XHAL_OP_RELU, NULL, 0, &huge, 1, &y), XHAL_STATUS_INVALID_ARGUMENT,
               "more than");

  xhal_plugin_tensor_t neg = x;
  neg.dims[1] = -1;
  expect_error(run_op(XHAL_OP_RELU, NULL, 0, &neg, 1, &y), XHAL_STATUS_INVALID_ARGUMENT, "-1");

  xhal_plugin_tensor_t flat = y;
  flat.strides[0] = 0;
  expect_error(run_op(XHAL_OP_RELU, NULL, 0, &x, 1, &flat), XHAL_STATUS_INVALID_ARGUMENT,
               "stride 0");

  xhal_plugin_tensor_t foreign = y;
  foreign.buffer = buffer_new(&test_dev1, 24, NULL);
  expect_error(run_op(XHAL_OP_RELU, NULL, 0, &x, 1, &foreign), XHAL_STATUS_INVALID_ARGUMENT,
               "another device");

  xhal_plugin_tensor_t none = y;
  none.buffer = NULL;
  expect_error(run_op(XHAL_OP_RELU, NULL, 0, &x, 1, &none), XHAL_STATUS_INVALID_ARGUMENT,
               "no buffer");

  /* op_supported needs no buffers at all. */
  xhal_plugin_tensor_t nx = x, ny = y;
  nx.buffer = ny.buffer = NULL;
  const xhal_plugin_tensor_t *ins[1] = {&nx}, *outs[1] = {&ny};
  xhal_plugin_op_desc_t d = desc_make(XHAL_OP_SIGMOID, NULL, 0, ins, 1, outs);
  assert_int_equal(cpu_op_supported(&test_dev0, &d), XHAL_STATUS_OK);
  nx.dtype = ny.dtype = XHAL_DTYPE_I64;
  expect_error(cpu_op_supported(&test_dev0, &d), XHAL_STATUS_UNSUPPORTED, "Sigmoid");
}

static void test_errors_attrs(void **state) {
  (void)state;
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 3), NULL);
  const xhal_attr_t unknown[1] = {attr_ints("axes", 1, I64(0))};
  expect_error(run_op(XHAL_OP_SOFTMAX, unknown, 1, &x, 1, &y), XHAL_STATUS_INVALID_ARGUMENT,
               "'axes'");
  const xhal_attr_t wrong_type[1] = {attr_float("axis", 1.0)};
  expect_error(run_op(XHAL_OP_SOFTMAX, wrong_type, 1, &x, 1, &y), XHAL_STATUS_INVALID_ARGUMENT,
               "FLOAT");
  const xhal_attr_t far_axis[1] = {attr_int("axis", 2)};
  expect_error(run_op(XHAL_OP_SOFTMAX, far_axis, 1, &x, 1, &y), XHAL_STATUS_INVALID_ARGUMENT,
               "axis 2");
  expect_error(run_op(XHAL_OP_RELU, far_axis, 1, &x, 1, &y), XHAL_STATUS_INVALID_ARGUMENT,
               "'axis'");

  const xhal_attr_t dup_axes[1] = {attr_ints("axes", 2, I64(0, -2))};
  xhal_plugin_tensor_t r = tensor(XHAL_DTYPE_F32, 2, DIMS(1, 3), NULL);
  expect_error(run_op(XHAL_OP_REDUCE_SUM, dup_axes, 1, &x, 1, &r), XHAL_STATUS_INVALID_ARGUMENT,
               "-2");
  const xhal_attr_t keep2[1] = {attr_int("keepdims", 2)};
  expect_error(run_op(XHAL_OP_REDUCE_SUM, keep2, 1, &x, 1, &r), XHAL_STATUS_INVALID_ARGUMENT,
               "is 2");

  const xhal_attr_t bad_perm[1] = {attr_ints("perm", 2, I64(0, 0))};
  expect_error(run_op(XHAL_OP_TRANSPOSE, bad_perm, 1, &x, 1, &y), XHAL_STATUS_INVALID_ARGUMENT,
               "perm");

  expect_error(run_op(XHAL_OP_CAST, NULL, 0, &x, 1, &y), XHAL_STATUS_INVALID_ARGUMENT, "'to'");
  const xhal_attr_t to_f64[1] = {attr_int("to", XHAL_DTYPE_F64)};
  expect_error(run_op(XHAL_OP_CAST, to_f64, 1, &x, 1, &y), XHAL_STATUS_UNSUPPORTED, "f64");
  const xhal_attr_t to_i32[1] = {attr_int("to", XHAL_DTYPE_I32)};
  expect_error(run_op(XHAL_OP_CAST, to_i32, 1, &x, 1, &y), XHAL_STATUS_INVALID_ARGUMENT, "f32");

  xhal_plugin_tensor_t g[2] = {tensor(XHAL_DTYPE_F32, 2, DIMS(3, 4), NULL),
                               tensor(XHAL_DTYPE_F32, 2, DIMS(5, 6), NULL)};
  xhal_plugin_tensor_t gy = tensor(XHAL_DTYPE_F32, 2, DIMS(3, 6), NULL);
  expect_error(run_op(XHAL_OP_GEMM, NULL, 0, g, 2, &gy), XHAL_STATUS_INVALID_ARGUMENT, "4 and 5");
  const xhal_attr_t trans3[1] = {attr_int("transA", 3)};
  expect_error(run_op(XHAL_OP_GEMM, trans3, 1, g, 2, &gy), XHAL_STATUS_INVALID_ARGUMENT, "transA");
}

/* ---- Unary math and activations ------------------------------------------------- */

static void test_unary_math(void **state) {
  (void)state;
  xhal_plugin_tensor_t x =
      tensor(XHAL_DTYPE_F32, 1, DIMS(6), F32(2.5f, -0.5f, 1.5f, -0.0f, NAN, -2));
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_F32, 1, DIMS(6), NULL);
  const float *yv = data_of(&y);
  assert_int_equal(run_op(XHAL_OP_ROUND, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(2, -0.0f, 2, -0.0f, NAN, -2), 6, 0); /* half to even, -0 kept */
  assert_true(signbit(yv[1]) && signbit(yv[3]));
  assert_int_equal(run_op(XHAL_OP_SIGN, NULL, 0, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(1, -1, 1, 0, NAN, -1), 6, 0);
  assert_false(signbit(yv[3])); /* Sign(-0) = +0 */
  /* min > max gives max; NaN passes through. */
  const xhal_attr_t bounds[2] = {attr_float("min", 1.0), attr_float("max", -1.0)};
  assert_int_equal(run_op(XHAL_OP_CLIP, bounds, 2, &x, 1, &y), XHAL_STATUS_OK);
  expect_f32(&y, F32(-1, -1, -1, -1, NAN, -1), 6, 0);
  /* HardSwish and Gelu at -Inf follow ONNX's formulas: -Inf * 0 = NaN. */
  xhal_plugin_tensor_t inf = tensor(XHAL_DTYPE_F32, 1, DIMS(2), F32(-INFINITY, INFINITY));
  xhal_plugin_tensor_t inf_out = tensor(XHAL_DTYPE_F32, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_GELU, NULL, 0, &inf, 1, &inf_out), XHAL_STATUS_OK);
  expect_f32(&inf_out, F32(NAN, INFINITY), 2, 0);
  assert_int_equal(run_op(XHAL_OP_HARD_SWISH, NULL, 0, &inf, 1, &inf_out), XHAL_STATUS_OK);
  expect_f32(&inf_out, F32(NAN, INFINITY), 2, 0);

  /* Integer Clip takes exact INT bounds (2^53 + 1 is no double). */
  const int64_t big = INT64_C(9007199254740993);
  xhal_plugin_tensor_t l = tensor(XHAL_DTYPE_I64, 1, DIMS(3), I64(big + 1, big, -big - 1));
  xhal_plugin_tensor_t l_out = tensor(XHAL_DTYPE_I64, 1, DIMS(3), NULL);
  const xhal_attr_t exact[2] = {attr_int("min", -big), attr_int("max", big)};
  assert_int_equal(run_op(XHAL_OP_CLIP, exact, 2, &l, 1, &l_out), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &l_out, big, big, -big);
  const xhal_attr_t fractional[1] = {attr_float("min", 0.5)};
  expect_error(run_op(XHAL_OP_CLIP, fractional, 1, &l, 1, &l_out), XHAL_STATUS_INVALID_ARGUMENT,
               "integral");
  const xhal_attr_t nan_bound[1] = {attr_float("max", NAN)};
  expect_error(run_op(XHAL_OP_CLIP, nan_bound, 1, &x, 1, &y), XHAL_STATUS_INVALID_ARGUMENT, "NaN");
  xhal_attr_t approx = {"approximate", XHAL_ATTR_STRING, 0, 0, 0.0, NULL, NULL, "erf"};
  expect_error(run_op(XHAL_OP_GELU, &approx, 1, &x, 1, &y), XHAL_STATUS_INVALID_ARGUMENT, "erf");
  expect_error(run_op(XHAL_OP_SQRT, NULL, 0, &l, 1, &l_out), XHAL_STATUS_UNSUPPORTED, "i64");
  /* Integer Erf is left out on purpose, and the message says why. */
  expect_error(run_op(XHAL_OP_ERF, NULL, 0, &l, 1, &l_out), XHAL_STATUS_UNSUPPORTED,
               "no portable result");

  /* f16 Clip: the bound 0.1 is rounded to f16 (0x2E66) before clipping. */
  xhal_plugin_tensor_t h = tensor(XHAL_DTYPE_F16, 1, DIMS(2), F16(0x3C00, 0x0000));
  xhal_plugin_tensor_t h_out = tensor(XHAL_DTYPE_F16, 1, DIMS(2), NULL);
  const xhal_attr_t tenth[1] = {attr_float("max", 0.1)};
  assert_int_equal(run_op(XHAL_OP_CLIP, tenth, 1, &h, 1, &h_out), XHAL_STATUS_OK);
  EXPECT_INTS(uint16_t, &h_out, 0x2E66, 0x0000);
}

/* ---- Resize and MaxPool on integer dtypes ---------------------------------------------- */

static void test_int_resize_pool(void **state) {
  (void)state;
  /* u8 linear, asymmetric x2: x.5 sums round to even (2.5 -> 2, 1.5 -> 2,
   * 127.5 -> 128); nearest copies; bool interpolation is UNSUPPORTED. */
  const uint8_t u8_in[4] = {2, 3, 0, 255};
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_U8, 1, DIMS(4), u8_in);
  xhal_plugin_tensor_t y = tensor(XHAL_DTYPE_U8, 1, DIMS(8), NULL);
  const float two[1] = {2.0f};
  xhal_attr_t attrs[3] = {{"mode", XHAL_ATTR_STRING, 0, 0, 0.0, NULL, NULL, "linear"},
                          {"coordinate_transformation_mode", XHAL_ATTR_STRING, 0, 0, 0.0, NULL,
                           NULL, "asymmetric"},
                          {"scales", XHAL_ATTR_FLOATS, 1, 0, 0.0, NULL, two, NULL}};
  assert_int_equal(run_op(XHAL_OP_RESIZE, attrs, 3, &x, 1, &y), XHAL_STATUS_OK);
  EXPECT_INTS(uint8_t, &y, 2, 2, 3, 2, 0, 128, 255, 255);
  xhal_plugin_tensor_t b = tensor(XHAL_DTYPE_BOOL, 1, DIMS(4), ((const uint8_t[]){1, 0, 0, 1}));
  xhal_plugin_tensor_t b_out = tensor(XHAL_DTYPE_BOOL, 1, DIMS(8), NULL);
  expect_error(run_op(XHAL_OP_RESIZE, attrs, 3, &b, 1, &b_out), XHAL_STATUS_UNSUPPORTED,
               "mode linear on bool is not supported: interpolation needs a numeric type");
  attrs[0].s = "nearest";
  assert_int_equal(run_op(XHAL_OP_RESIZE, attrs, 3, &b, 1, &b_out), XHAL_STATUS_OK);
  EXPECT_INTS(uint8_t, &b_out, 1, 1, 0, 0, 0, 0, 1, 1);

  /* u8 MaxPool: padding (-Inf for floats) never beats a real 0. */
  xhal_plugin_tensor_t px = tensor(XHAL_DTYPE_U8, 3, DIMS(1, 1, 3), ((const uint8_t[]){0, 0, 7}));
  xhal_plugin_tensor_t py = tensor(XHAL_DTYPE_U8, 3, DIMS(1, 1, 3), NULL);
  const xhal_attr_t pool[2] = {attr_ints("kernel_shape", 1, DIMS(3)),
                               attr_ints("pads", 2, DIMS(1, 1))};
  assert_int_equal(run_op(XHAL_OP_MAX_POOL, pool, 2, &px, 1, &py), XHAL_STATUS_OK);
  EXPECT_INTS(uint8_t, &py, 0, 7, 7);
}

/* ---- Norm group ---------------------------------------------------------------------- */

/* prepare + execute + free with any number of inputs and outputs. */
static int32_t run_op_n(uint32_t op, const xhal_attr_t *attrs, uint32_t attr_count,
                        const xhal_plugin_tensor_t *ins, uint32_t in_count,
                        xhal_plugin_tensor_t *outs, uint32_t out_count) {
  const xhal_plugin_tensor_t *in_ptrs[8], *out_ptrs[4];
  for (uint32_t i = 0; i < in_count; ++i) in_ptrs[i] = &ins[i];
  for (uint32_t i = 0; i < out_count; ++i) out_ptrs[i] = &outs[i];
  xhal_plugin_op_desc_t d = desc_make(op, attrs, attr_count, in_ptrs, in_count, out_ptrs);
  d.output_count = out_count;
  test_message[0] = '\0';
  cpu_op_call_t *call = NULL;
  int32_t status = cpu_op_prepare(&test_dev0, &d, &call);
  if (status != XHAL_STATUS_OK) return status;
  status = cpu_op_execute(call);
  cpu_op_call_free(call);
  return status;
}

static void test_norm(void **state) {
  (void)state;
  const xhal_plugin_tensor_t bn[5] = {
      tensor(XHAL_DTYPE_F32, 4, DIMS(1, 2, 1, 2), F32(1, 2, 3, 4)),
      tensor(XHAL_DTYPE_F32, 1, DIMS(2), F32(1, 2)), tensor(XHAL_DTYPE_F32, 1, DIMS(2), F32(0, 1)),
      tensor(XHAL_DTYPE_F32, 1, DIMS(2), F32(1.5f, 3.5f)),
      tensor(XHAL_DTYPE_F32, 1, DIMS(2), F32(0.25f, 0.25f))};
  xhal_plugin_tensor_t y[3] = {tensor(XHAL_DTYPE_F32, 4, DIMS(1, 2, 1, 2), NULL),
                               tensor(XHAL_DTYPE_F32, 1, DIMS(2), NULL),
                               tensor(XHAL_DTYPE_F32, 1, DIMS(2), NULL)};
  const xhal_attr_t eps0[1] = {attr_float("epsilon", 0.0)};
  assert_int_equal(run_op_n(XHAL_OP_BATCH_NORMALIZATION, eps0, 1, bn, 5, y, 1), XHAL_STATUS_OK);
  expect_f32(&y[0], F32(-1, 1, -1, 3), 4, 1e-6f);
  /* Training mode: UNSUPPORTED whatever the outputs; extra outputs otherwise invalid. */
  const xhal_attr_t train[1] = {attr_int("training_mode", 1)};
  expect_error(run_op_n(XHAL_OP_BATCH_NORMALIZATION, train, 1, bn, 5, y, 3),
               XHAL_STATUS_UNSUPPORTED, "training_mode");
  expect_error(run_op_n(XHAL_OP_BATCH_NORMALIZATION, NULL, 0, bn, 5, y, 3),
               XHAL_STATUS_INVALID_ARGUMENT, "3 outputs");
  /* ONNX-15 mixed dtypes (mean/var T2 = f16 for an f32 X) are valid but not run;
   * mean and var of different dtypes are invalid. */
  xhal_plugin_tensor_t mixed[5] = {bn[0], bn[1], bn[2],
                                   tensor(XHAL_DTYPE_F16, 1, DIMS(2), F16(0x3e00, 0x4300)),
                                   tensor(XHAL_DTYPE_F16, 1, DIMS(2), F16(0x3400, 0x3400))};
  expect_error(run_op_n(XHAL_OP_BATCH_NORMALIZATION, NULL, 0, mixed, 5, y, 1),
               XHAL_STATUS_UNSUPPORTED, "input_mean dtype f16");
  mixed[3] = bn[3];
  expect_error(run_op_n(XHAL_OP_BATCH_NORMALIZATION, NULL, 0, mixed, 5, y, 1),
               XHAL_STATUS_INVALID_ARGUMENT, "input_var dtype f16 differs");
  /* LayerNormalization: Mean and InvStdDev outputs, other stash types. */
  const xhal_plugin_tensor_t ln[2] = {tensor(XHAL_DTYPE_F32, 2, DIMS(2, 2), F32(1, 3, 5, 5)),
                                      tensor(XHAL_DTYPE_F32, 1, DIMS(2), F32(1, 1))};
  xhal_plugin_tensor_t ly[3] = {tensor(XHAL_DTYPE_F32, 2, DIMS(2, 2), NULL),
                                tensor(XHAL_DTYPE_F32, 2, DIMS(2, 1), NULL),
                                tensor(XHAL_DTYPE_F32, 2, DIMS(2, 1), NULL)};
  /* Row (5, 5) has variance 0: with the default epsilon it gives B (0). */
  assert_int_equal(run_op_n(XHAL_OP_LAYER_NORMALIZATION, NULL, 0, ln, 2, ly, 1), XHAL_STATUS_OK);
  expect_f32(&ly[0], F32(-1, 1, 0, 0), 4, 1e-4f);
  /* Mean and InvStdDev: f32, (2, 1); 1 / sqrt(0 + 1e-5) for the constant row. */
  assert_int_equal(run_op_n(XHAL_OP_LAYER_NORMALIZATION, NULL, 0, ln, 2, ly, 3), XHAL_STATUS_OK);
  expect_f32(&ly[0], F32(-1, 1, 0, 0), 4, 1e-4f);
  expect_f32(&ly[1], F32(2, 5), 2, 0.0f);
  expect_f32(&ly[2], F32((float)(1.0 / sqrt(1.0 + 1e-5)), (float)(1.0 / sqrt(1e-5))), 2, 1e-3f);
  ly[2] = tensor(XHAL_DTYPE_F16, 2, DIMS(2, 1), NULL);
  expect_error(run_op_n(XHAL_OP_LAYER_NORMALIZATION, NULL, 0, ln, 2, ly, 3),
               XHAL_STATUS_INVALID_ARGUMENT, "InvStdDev dtype f16");
  ly[2] = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 2), NULL);
  expect_error(run_op_n(XHAL_OP_LAYER_NORMALIZATION, NULL, 0, ln, 2, ly, 3),
               XHAL_STATUS_INVALID_ARGUMENT, "InvStdDev dims (2,2)");
  /* Rows with no elements have no Mean (Y alone is fine: empty). */
  const xhal_plugin_tensor_t empty[2] = {tensor(XHAL_DTYPE_F32, 2, DIMS(2, 0), NULL),
                                         tensor(XHAL_DTYPE_F32, 1, DIMS(0), NULL)};
  xhal_plugin_tensor_t ey[2] = {tensor(XHAL_DTYPE_F32, 2, DIMS(2, 0), NULL),
                                tensor(XHAL_DTYPE_F32, 2, DIMS(2, 1), NULL)};
  assert_int_equal(run_op_n(XHAL_OP_LAYER_NORMALIZATION, NULL, 0, empty, 2, ey, 1),
                   XHAL_STATUS_OK);
  expect_error(run_op_n(XHAL_OP_LAYER_NORMALIZATION, NULL, 0, empty, 2, ey, 2),
               XHAL_STATUS_INVALID_ARGUMENT, "no elements");
  const xhal_attr_t stash[1] = {attr_int("stash_type", 11)};
  expect_error(run_op_n(XHAL_OP_LAYER_NORMALIZATION, stash, 1, ln, 2, ly, 1),
               XHAL_STATUS_UNSUPPORTED, "stash_type");
}

static void test_arg_and_extremes(void **state) {
  (void)state;
  xhal_plugin_tensor_t x = tensor(XHAL_DTYPE_F32, 1, DIMS(5), F32(1, NAN, 3, 3, NAN));
  xhal_plugin_tensor_t i = tensor(XHAL_DTYPE_I64, 1, DIMS(1), NULL);
  assert_int_equal(run_op(XHAL_OP_ARG_MAX, NULL, 0, &x, 1, &i), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &i, 1);
  const xhal_attr_t last[1] = {attr_int("select_last_index", 1)};
  assert_int_equal(run_op(XHAL_OP_ARG_MIN, last, 1, &x, 1, &i), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &i, 4);
  xhal_plugin_tensor_t t = tensor(XHAL_DTYPE_I32, 1, DIMS(4), I32(3, 7, 7, 1));
  assert_int_equal(run_op(XHAL_OP_ARG_MAX, last, 1, &t, 1, &i), XHAL_STATUS_OK);
  EXPECT_INTS(int64_t, &i, 2);
  xhal_plugin_tensor_t wrong = tensor(XHAL_DTYPE_I32, 1, DIMS(1), NULL);
  expect_error(run_op(XHAL_OP_ARG_MAX, NULL, 0, &t, 1, &wrong), XHAL_STATUS_INVALID_ARGUMENT,
               "i64");
  /* IEEE maximum/minimum: +0 > -0 in either order. */
  xhal_plugin_tensor_t z = tensor(XHAL_DTYPE_F32, 2, DIMS(2, 2), F32(-0.0f, 0.0f, 0.0f, -0.0f));
  xhal_plugin_tensor_t zy = tensor(XHAL_DTYPE_F32, 1, DIMS(2), NULL);
  const xhal_attr_t axes1[2] = {attr_ints("axes", 1, I64(1)), attr_int("keepdims", 0)};
  assert_int_equal(run_op(XHAL_OP_REDUCE_MAX, axes1, 2, &z, 1, &zy), XHAL_STATUS_OK);
  const float *got = data_of(&zy);
  assert_true(got[0] == 0.0f && !signbit(got[0]) && !signbit(got[1]));
  assert_int_equal(run_op(XHAL_OP_REDUCE_MIN, axes1, 2, &z, 1, &zy), XHAL_STATUS_OK);
  assert_true(signbit(got[0]) && signbit(got[1]));
  /* Empty reductions give the identity. */
  xhal_plugin_tensor_t e = tensor(XHAL_DTYPE_I32, 2, DIMS(2, 0), NULL);
  xhal_plugin_tensor_t ey = tensor(XHAL_DTYPE_I32, 1, DIMS(2), NULL);
  assert_int_equal(run_op(XHAL_OP_REDUCE_MAX, axes1, 2, &e, 1, &ey), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &ey, INT32_MIN, INT32_MIN);
  assert_int_equal(run_op(XHAL_OP_REDUCE_PROD, axes1, 2, &e, 1, &ey), XHAL_STATUS_OK);
  EXPECT_INTS(int32_t, &ey, 1, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_binary_f32, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_binary_int, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_unary_f32, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_unary_int, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_f16, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_copy_strided, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_matmul_f32, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_matmul_int, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_gemm, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_softmax, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_reduce, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_reduce_int_and_empty, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_transpose, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_cast, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_binary_group, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_errors_shape_dtype, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_errors_views, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_errors_attrs, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_unary_math, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_norm, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_arg_and_extremes, test_setup, test_teardown),
      cmocka_unit_test_setup_teardown(test_int_resize_pool, test_setup, test_teardown),
  };
  return cmocka_run_group_tests_name("cpu_ops", tests, NULL, NULL);
}
