/* test_collectives.c - collectives through the public API on the CPU backend
 * with four logical devices: native and host-staged paths, every dtype and
 * reduction, wraparound and rounding rules, validation, abort, and two
 * communicators driven from two threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xhal/xhal.h>

#define RANKS 4

typedef struct fixture {
  xhal_context_t *context;
  xhal_device_t *devices[RANKS];
  xhal_stream_t *streams[RANKS];
} fixture_t;

static int group_setup(void **state) {
  setenv("XHAL_CPU_DEVICES", "4", 1);
  unsetenv("XHAL_COLLECTIVES");
  fixture_t *fx = calloc(1, sizeof *fx);
  if (!fx || xhal_context_create(NULL, &fx->context) != XHAL_STATUS_OK) return -1;
  uint32_t count = 0;
  if (xhal_context_device_count(fx->context, &count) != XHAL_STATUS_OK || count < RANKS) return -1;
  for (uint32_t r = 0; r < RANKS; ++r) {
    if (xhal_context_device(fx->context, r, &fx->devices[r]) != XHAL_STATUS_OK) return -1;
    if (xhal_stream_create(fx->devices[r], &fx->streams[r]) != XHAL_STATUS_OK) return -1;
  }
  *state = fx;
  return 0;
}

static int group_teardown(void **state) {
  fixture_t *fx = *state;
  for (uint32_t r = 0; r < RANKS; ++r) xhal_stream_destroy(fx->streams[r]);
  xhal_context_destroy(fx->context);
  free(fx);
  return 0;
}

/* staged: 1 forces host staging for this communicator. */
static xhal_communicator_t *make_comm(fixture_t *fx, uint32_t ranks, int staged) {
  if (staged) setenv("XHAL_COLLECTIVES", "staged", 1);
  xhal_communicator_t *comm = NULL;
  xhal_status_t status = xhal_communicator_create(fx->devices, ranks, &comm);
  unsetenv("XHAL_COLLECTIVES");
  assert_int_equal(status, XHAL_STATUS_OK);
  assert_int_equal(xhal_communicator_size(comm), ranks);
  assert_int_equal(xhal_communicator_is_native(comm), staged ? 0 : 1);
  return comm;
}

static xhal_buffer_t *make_buffer(xhal_device_t *device, uint64_t size) {
  xhal_buffer_t *buffer = NULL;
  assert_int_equal(xhal_buffer_create(device, size, &buffer), XHAL_STATUS_OK);
  return buffer;
}

static void upload(xhal_stream_t *stream, xhal_buffer_t *buffer, const void *data, uint64_t size) {
  assert_int_equal(xhal_copy_to_buffer(stream, buffer, 0, data, size), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_synchronize(stream), XHAL_STATUS_OK);
}

static void download(xhal_stream_t *stream, xhal_buffer_t *buffer, void *data, uint64_t size) {
  assert_int_equal(xhal_copy_from_buffer(stream, data, buffer, 0, size), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_synchronize(stream), XHAL_STATUS_OK);
}

static void sync_all(fixture_t *fx, xhal_status_t expected) {
  for (uint32_t r = 0; r < RANKS; ++r) {
    assert_int_equal(xhal_stream_synchronize(fx->streams[r]), expected);
  }
}

/* Small integer v in dtype (exact in every dtype, f16 and bf16 included). */
static void put_small(xhal_dtype_t dtype, uint8_t *p, int64_t v) {
  switch (dtype) {
    case XHAL_DTYPE_F32: { float f = (float)v; memcpy(p, &f, 4); return; }
    case XHAL_DTYPE_F64: { double d = (double)v; memcpy(p, &d, 8); return; }
    case XHAL_DTYPE_BF16: {
      float f = (float)v;
      uint32_t bits;
      memcpy(&bits, &f, 4);
      uint16_t h = (uint16_t)(bits >> 16);
      memcpy(p, &h, 2);
      return;
    }
    case XHAL_DTYPE_F16: {
      uint16_t h = 0;
      uint64_t m = (uint64_t)(v < 0 ? -v : v);
      if (m) {
        int e = 63 - __builtin_clzll(m);
        h = (uint16_t)(((e + 15) << 10) | ((m << (10 - e)) & 0x3ff));
      }
      if (v < 0) h |= 0x8000;
      memcpy(p, &h, 2);
      return;
    }
    default: {
      uint64_t bits = (uint64_t)v;
      memcpy(p, &bits, xhal_dtype_size(dtype)); /* little-endian x86-64 */
      return;
    }
  }
}

/* ---- every dtype x reduction, native and staged ---------------------------- */

static void check_all_reduce_dtype(fixture_t *fx, xhal_communicator_t *comm, xhal_dtype_t dtype,
                                   xhal_reduce_op_t op) {
  enum { COUNT = 1031 };
  size_t size = xhal_dtype_size(dtype);
  xhal_buffer_t *send[RANKS], *recv[RANKS];
  uint8_t *host = malloc(COUNT * size), *expected = malloc(COUNT * size);
  assert_non_null(host);
  assert_non_null(expected);
  for (uint32_t r = 0; r < RANKS; ++r) {
    for (uint32_t i = 0; i < COUNT; ++i) put_small(dtype, host + i * size, 1 + (r + i) % 3);
    send[r] = make_buffer(fx->devices[r], COUNT * size);
    recv[r] = make_buffer(fx->devices[r], COUNT * size);
    upload(fx->streams[r], send[r], host, COUNT * size);
  }
  for (uint32_t i = 0; i < COUNT; ++i) {
    int64_t acc = 1 + (0 + i) % 3;
    for (uint32_t r = 1; r < RANKS; ++r) {
      int64_t v = 1 + (r + i) % 3;
      acc = op == XHAL_REDUCE_SUM    ? acc + v
            : op == XHAL_REDUCE_PROD ? acc * v
            : op == XHAL_REDUCE_MIN  ? (v < acc ? v : acc)
                                     : (v > acc ? v : acc);
    }
    put_small(dtype, expected + i * size, acc);
  }
  assert_int_equal(xhal_all_reduce(comm, send, recv, NULL, NULL, COUNT, dtype, op, fx->streams),
                   XHAL_STATUS_OK);
  sync_all(fx, XHAL_STATUS_OK);
  for (uint32_t r = 0; r < RANKS; ++r) {
    download(fx->streams[r], recv[r], host, COUNT * size);
    assert_memory_equal(host, expected, COUNT * size);
    xhal_buffer_destroy(send[r]);
    xhal_buffer_destroy(recv[r]);
  }
  free(host);
  free(expected);
}

static void test_all_reduce_every_dtype(void **state) {
  static const xhal_dtype_t dtypes[] = {
      XHAL_DTYPE_F32, XHAL_DTYPE_F64, XHAL_DTYPE_F16, XHAL_DTYPE_BF16, XHAL_DTYPE_U8,  XHAL_DTYPE_I8,
      XHAL_DTYPE_U16, XHAL_DTYPE_I16, XHAL_DTYPE_U32, XHAL_DTYPE_I32,  XHAL_DTYPE_U64, XHAL_DTYPE_I64};
  fixture_t *fx = *state;
  for (int staged = 0; staged <= 1; ++staged) {
    xhal_communicator_t *comm = make_comm(fx, RANKS, staged);
    for (size_t d = 0; d < sizeof dtypes / sizeof dtypes[0]; ++d) {
      for (int op = XHAL_REDUCE_SUM; op <= XHAL_REDUCE_MAX; ++op) {
        check_all_reduce_dtype(fx, comm, dtypes[d], (xhal_reduce_op_t)op);
      }
    }
    assert_int_equal(xhal_communicator_destroy(comm), XHAL_STATUS_OK);
  }
}

/* One all_reduce of RANKS x n elements given per rank; returns rank 0's
 * result in out (every rank's must match it). */
static void all_reduce_values(fixture_t *fx, xhal_communicator_t *comm, xhal_dtype_t dtype,
                              xhal_reduce_op_t op, const void *values, size_t n, void *out) {
  size_t bytes = n * xhal_dtype_size(dtype);
  xhal_buffer_t *buffers[RANKS];
  for (uint32_t r = 0; r < RANKS; ++r) {
    buffers[r] = make_buffer(fx->devices[r], bytes);
    upload(fx->streams[r], buffers[r], (const uint8_t *)values + r * bytes, bytes);
  }
  /* in place */
  assert_int_equal(xhal_all_reduce(comm, buffers, buffers, NULL, NULL, n, dtype, op, fx->streams),
                   XHAL_STATUS_OK);
  sync_all(fx, XHAL_STATUS_OK);
  uint8_t other[64];
  assert_true(bytes <= sizeof other);
  download(fx->streams[0], buffers[0], out, bytes);
  for (uint32_t r = 0; r < RANKS; ++r) {
    download(fx->streams[r], buffers[r], other, bytes);
    assert_memory_equal(other, out, bytes);
    xhal_buffer_destroy(buffers[r]);
  }
}

/* Integers wrap; f16 accumulates in f32 and rounds once; min/max: NaN wins
 * and -0 < +0, in whatever rank holds them; both paths agree. */
static void test_arithmetic_rules(void **state) {
  fixture_t *fx = *state;
  for (int staged = 0; staged <= 1; ++staged) {
    xhal_communicator_t *comm = make_comm(fx, RANKS, staged);

    const int32_t i32[RANKS] = {INT32_MAX, 1, 0, 0};
    int32_t i32_out;
    all_reduce_values(fx, comm, XHAL_DTYPE_I32, XHAL_REDUCE_SUM, i32, 1, &i32_out);
    assert_int_equal(i32_out, INT32_MIN);

    const uint8_t u8[RANKS] = {200, 100, 0, 0};
    uint8_t u8_out;
    all_reduce_values(fx, comm, XHAL_DTYPE_U8, XHAL_REDUCE_SUM, u8, 1, &u8_out);
    assert_int_equal(u8_out, 44);

    const int64_t i64[RANKS] = {INT64_MIN, -1, 1, 1};
    int64_t i64_out;
    all_reduce_values(fx, comm, XHAL_DTYPE_I64, XHAL_REDUCE_PROD, i64, 1, &i64_out);
    assert_true(i64_out == INT64_MIN); /* -INT64_MIN wraps to itself */
    all_reduce_values(fx, comm, XHAL_DTYPE_I64, XHAL_REDUCE_MIN, i64, 1, &i64_out);
    assert_true(i64_out == INT64_MIN);

    /* 2048 + 1 + 1 in f16 steps would round to 2048 twice; in f32, 2050. */
    const uint16_t f16[RANKS] = {0x6800 /* 2048 */, 0x3c00, 0x3c00, 0x0000};
    uint16_t f16_out;
    all_reduce_values(fx, comm, XHAL_DTYPE_F16, XHAL_REDUCE_SUM, f16, 1, &f16_out);
    assert_int_equal(f16_out, 0x6801);
    /* 2048 + 1 alone is a tie: to even, 2048. */
    const uint16_t f16_tie[RANKS] = {0x6800, 0x3c00, 0x0000, 0x0000};
    all_reduce_values(fx, comm, XHAL_DTYPE_F16, XHAL_REDUCE_SUM, f16_tie, 1, &f16_out);
    assert_int_equal(f16_out, 0x6800);

    const float nan_max[RANKS] = {1.0f, NAN, 3.0f, -INFINITY};
    float f32_out;
    all_reduce_values(fx, comm, XHAL_DTYPE_F32, XHAL_REDUCE_MAX, nan_max, 1, &f32_out);
    assert_true(isnan(f32_out));
    const float zeros[2][RANKS] = {{0.0f, -0.0f, 1.0f, 2.0f}, {-0.0f, 0.0f, 1.0f, 2.0f}};
    for (int order = 0; order < 2; ++order) {
      all_reduce_values(fx, comm, XHAL_DTYPE_F32, XHAL_REDUCE_MIN, zeros[order], 1, &f32_out);
      assert_true(f32_out == 0.0f && signbit(f32_out));
    }
    const float negzeros[RANKS] = {-0.0f, 0.0f, -1.0f, -2.0f};
    all_reduce_values(fx, comm, XHAL_DTYPE_F32, XHAL_REDUCE_MAX, negzeros, 1, &f32_out);
    assert_true(f32_out == 0.0f && !signbit(f32_out));

    assert_int_equal(xhal_communicator_destroy(comm), XHAL_STATUS_OK);
  }
}

/* ---- data movement ------------------------------------------------------------ */

static void test_broadcast_gather_scatter(void **state) {
  enum { N = 777 };
  fixture_t *fx = *state;
  for (int staged = 0; staged <= 1; ++staged) {
    xhal_communicator_t *comm = make_comm(fx, RANKS, staged);
    xhal_buffer_t *send[RANKS], *recv[RANKS], *big[RANKS];
    int32_t host[RANKS * N], out[RANKS * N];
    for (uint32_t r = 0; r < RANKS; ++r) {
      for (uint32_t i = 0; i < RANKS * N; ++i) host[i] = (int32_t)(r * 100000 + i);
      send[r] = make_buffer(fx->devices[r], sizeof host);
      recv[r] = make_buffer(fx->devices[r], sizeof host);
      big[r] = make_buffer(fx->devices[r], sizeof host);
      upload(fx->streams[r], send[r], host, sizeof host);
    }
    /* broadcast from every root; non-root send may be NULL; root in place */
    for (uint32_t root = 0; root < RANKS; ++root) {
      xhal_buffer_t *bsend[RANKS] = {NULL};
      bsend[root] = recv[root];
      assert_int_equal(xhal_copy_buffer(fx->streams[root], recv[root], 0, send[root], 0,
                                        N * sizeof(int32_t)),
                       XHAL_STATUS_OK);
      assert_int_equal(xhal_broadcast(comm, bsend, recv, NULL, NULL, N, XHAL_DTYPE_I32, root,
                                      fx->streams),
                       XHAL_STATUS_OK);
      sync_all(fx, XHAL_STATUS_OK);
      for (uint32_t r = 0; r < RANKS; ++r) {
        download(fx->streams[r], recv[r], out, N * sizeof(int32_t));
        for (uint32_t i = 0; i < N; ++i) assert_int_equal(out[i], (int32_t)(root * 100000 + i));
      }
    }
    /* all_gather of the first N elements, recv at a byte offset of 4 */
    uint64_t recv_offsets[RANKS] = {4, 4, 4, 4};
    assert_int_equal(xhal_all_gather(comm, send, big, NULL, recv_offsets, N - 1, XHAL_DTYPE_I32,
                                     fx->streams),
                     XHAL_STATUS_OK);
    sync_all(fx, XHAL_STATUS_OK);
    for (uint32_t r = 0; r < RANKS; ++r) {
      download(fx->streams[r], big[r], out, sizeof out);
      for (uint32_t s = 0; s < RANKS; ++s) {
        for (uint32_t i = 0; i < N - 1; ++i) {
          assert_int_equal(out[1 + s * (N - 1) + i], (int32_t)(s * 100000 + i));
        }
      }
    }
    /* reduce_scatter: rank r gets the sum of part r */
    assert_int_equal(xhal_reduce_scatter(comm, send, recv, NULL, NULL, N, XHAL_DTYPE_I32,
                                         XHAL_REDUCE_SUM, fx->streams),
                     XHAL_STATUS_OK);
    sync_all(fx, XHAL_STATUS_OK);
    for (uint32_t r = 0; r < RANKS; ++r) {
      download(fx->streams[r], recv[r], out, N * sizeof(int32_t));
      for (uint32_t i = 0; i < N; ++i) {
        assert_int_equal(out[i], (int32_t)(600000 + 4 * (r * N + i)));
      }
    }
    for (uint32_t r = 0; r < RANKS; ++r) {
      xhal_buffer_destroy(send[r]);
      xhal_buffer_destroy(recv[r]);
      xhal_buffer_destroy(big[r]);
    }
    assert_int_equal(xhal_communicator_destroy(comm), XHAL_STATUS_OK);
  }
}

static void test_send_recv(void **state) {
  enum { N = 1000 };
  fixture_t *fx = *state;
  for (int staged = 0; staged <= 1; ++staged) {
    xhal_communicator_t *comm = make_comm(fx, RANKS, staged);
    xhal_buffer_t *buffers[RANKS];
    uint16_t host[N + 8], out[N + 8];
    for (uint32_t r = 0; r < RANKS; ++r) {
      for (uint32_t i = 0; i < N + 8; ++i) host[i] = (uint16_t)(r * 1000 + i);
      buffers[r] = make_buffer(fx->devices[r], sizeof host);
      upload(fx->streams[r], buffers[r], host, sizeof host);
    }
    /* offsets must be multiples of the element size */
    assert_int_equal(xhal_send_recv(comm, 3, buffers[3], 3, 1, buffers[1], 2, N, XHAL_DTYPE_F16,
                                    fx->streams[3], fx->streams[1]),
                     XHAL_STATUS_INVALID_ARGUMENT);
    /* 3 -> 1, from element 3 into element 1 */
    assert_int_equal(xhal_send_recv(comm, 3, buffers[3], 6, 1, buffers[1], 2, N, XHAL_DTYPE_F16,
                                    fx->streams[3], fx->streams[1]),
                     XHAL_STATUS_OK);
    sync_all(fx, XHAL_STATUS_OK);
    download(fx->streams[1], buffers[1], out, sizeof out);
    assert_int_equal(out[0], 1000);
    for (uint32_t i = 0; i < N; ++i) assert_int_equal(out[1 + i], 3000 + 3 + i);
    assert_int_equal(out[N + 1], 1000 + N + 1);
    /* a rank to itself, overlapping ranges, one stream: memmove semantics */
    assert_int_equal(xhal_send_recv(comm, 2, buffers[2], 0, 2, buffers[2], 2, N, XHAL_DTYPE_U16,
                                    fx->streams[2], fx->streams[2]),
                     XHAL_STATUS_OK);
    sync_all(fx, XHAL_STATUS_OK);
    download(fx->streams[2], buffers[2], out, sizeof out);
    for (uint32_t i = 0; i < N; ++i) assert_int_equal(out[1 + i], 2000 + i);
    for (uint32_t r = 0; r < RANKS; ++r) xhal_buffer_destroy(buffers[r]);
    assert_int_equal(xhal_communicator_destroy(comm), XHAL_STATUS_OK);
  }
}

/* ---- validation ---------------------------------------------------------------- */

static void test_validation(void **state) {
  fixture_t *fx = *state;
  xhal_communicator_t *comm = NULL;
  xhal_device_t *twice[2] = {fx->devices[1], fx->devices[1]};
  assert_int_equal(xhal_communicator_create(twice, 2, &comm), XHAL_STATUS_INVALID_ARGUMENT);
  assert_int_equal(xhal_communicator_create(fx->devices, 0, &comm), XHAL_STATUS_INVALID_ARGUMENT);
  assert_int_equal(xhal_communicator_create(NULL, 1, &comm), XHAL_STATUS_INVALID_ARGUMENT);
  setenv("XHAL_COLLECTIVES", "bogus", 1);
  assert_int_equal(xhal_communicator_create(fx->devices, 2, &comm), XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(xhal_last_error(), "XHAL_COLLECTIVES=bogus"));
  setenv("XHAL_COLLECTIVES", "native", 1);
  assert_int_equal(xhal_communicator_create(fx->devices, 2, &comm), XHAL_STATUS_OK);
  unsetenv("XHAL_COLLECTIVES");
  assert_int_equal(xhal_communicator_is_native(comm), 1);
  assert_int_equal(xhal_communicator_destroy(comm), XHAL_STATUS_OK);

  comm = make_comm(fx, RANKS, 0);
  xhal_buffer_t *send[RANKS], *recv[RANKS];
  for (uint32_t r = 0; r < RANKS; ++r) {
    send[r] = make_buffer(fx->devices[r], 64);
    recv[r] = make_buffer(fx->devices[r], 64);
  }
  xhal_stream_t *swapped[RANKS] = {fx->streams[1], fx->streams[0], fx->streams[2], fx->streams[3]};
  assert_int_equal(xhal_all_reduce(comm, send, recv, NULL, NULL, 16, XHAL_DTYPE_F32,
                                   XHAL_REDUCE_SUM, swapped),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(xhal_last_error(), "streams[0]"));
  assert_int_equal(xhal_all_reduce(comm, send, recv, NULL, NULL, 17, XHAL_DTYPE_F32,
                                   XHAL_REDUCE_SUM, fx->streams),
                   XHAL_STATUS_INVALID_ARGUMENT); /* 68 bytes > 64 */
  assert_int_equal(xhal_all_reduce(comm, send, recv, NULL, NULL, 16, XHAL_DTYPE_BOOL,
                                   XHAL_REDUCE_SUM, fx->streams),
                   XHAL_STATUS_UNSUPPORTED);
  assert_int_equal(xhal_all_reduce(comm, send, recv, NULL, NULL, 16, XHAL_DTYPE_F32,
                                   (xhal_reduce_op_t)4, fx->streams),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_int_equal(xhal_broadcast(comm, send, recv, NULL, NULL, 16, XHAL_DTYPE_F32, RANKS,
                                  fx->streams),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_int_equal(xhal_all_gather(comm, send, recv, NULL, NULL, 16, XHAL_DTYPE_F32, fx->streams),
                   XHAL_STATUS_INVALID_ARGUMENT); /* recv needs 4 x 64 bytes */
  xhal_buffer_t *in_place[RANKS] = {send[0], send[1], send[2], send[3]};
  assert_int_equal(xhal_all_gather(comm, send, in_place, NULL, NULL, 4, XHAL_DTYPE_F32,
                                   fx->streams),
                   XHAL_STATUS_INVALID_ARGUMENT); /* only all_reduce/broadcast in place */
  assert_int_equal(xhal_send_recv(comm, 0, send[0], 0, 1, recv[1], 0, 16, XHAL_DTYPE_F32,
                                  fx->streams[0], fx->streams[0]),
                   XHAL_STATUS_INVALID_ARGUMENT);
  /* count 0 is valid and does nothing */
  assert_int_equal(xhal_all_reduce(comm, send, recv, NULL, NULL, 0, XHAL_DTYPE_F32,
                                   XHAL_REDUCE_SUM, fx->streams),
                   XHAL_STATUS_OK);
  /* BOOL moves fine */
  assert_int_equal(xhal_broadcast(comm, send, recv, NULL, NULL, 64, XHAL_DTYPE_BOOL, 2,
                                  fx->streams),
                   XHAL_STATUS_OK);
  sync_all(fx, XHAL_STATUS_OK);

  /* destroyed buffer, destroyed communicator */
  xhal_buffer_t *dead = send[3];
  xhal_buffer_destroy(dead);
  assert_int_equal(xhal_all_reduce(comm, send, recv, NULL, NULL, 16, XHAL_DTYPE_F32,
                                   XHAL_REDUCE_SUM, fx->streams),
                   XHAL_STATUS_INVALID_HANDLE);
  send[3] = make_buffer(fx->devices[3], 64);
  assert_int_equal(xhal_communicator_destroy(comm), XHAL_STATUS_OK);
  assert_int_equal(xhal_all_reduce(comm, send, recv, NULL, NULL, 16, XHAL_DTYPE_F32,
                                   XHAL_REDUCE_SUM, fx->streams),
                   XHAL_STATUS_INVALID_HANDLE);
  assert_int_equal(xhal_communicator_abort(comm), XHAL_STATUS_INVALID_HANDLE);
  assert_int_equal(xhal_communicator_size(comm), 0);
  assert_int_equal(xhal_communicator_destroy(NULL), XHAL_STATUS_OK);
  for (uint32_t r = 0; r < RANKS; ++r) {
    xhal_buffer_destroy(send[r]);
    xhal_buffer_destroy(recv[r]);
  }
}

/* ---- abort ---------------------------------------------------------------------- */

typedef struct gate {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  int entered, open;
} gate_t;

static void gate_wait(void *user_data, xhal_status_t status) {
  (void)status;
  gate_t *gate = user_data;
  pthread_mutex_lock(&gate->mutex);
  gate->entered = 1;
  pthread_cond_broadcast(&gate->cond);
  while (!gate->open) pthread_cond_wait(&gate->cond, &gate->mutex);
  pthread_mutex_unlock(&gate->mutex);
}

static void test_abort_wakes_pending(void **state) {
  fixture_t *fx = *state;
  xhal_communicator_t *comm = make_comm(fx, RANKS, 0);
  xhal_buffer_t *buffers[RANKS];
  float ones[8] = {1, 1, 1, 1, 1, 1, 1, 1}, out[8];
  for (uint32_t r = 0; r < RANKS; ++r) {
    buffers[r] = make_buffer(fx->devices[r], sizeof ones);
    upload(fx->streams[r], buffers[r], ones, sizeof ones);
  }
  gate_t gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
  assert_int_equal(xhal_stream_add_callback(fx->streams[3], gate_wait, &gate), XHAL_STATUS_OK);
  pthread_mutex_lock(&gate.mutex);
  while (!gate.entered) pthread_cond_wait(&gate.cond, &gate.mutex);
  pthread_mutex_unlock(&gate.mutex);

  assert_int_equal(xhal_all_reduce(comm, buffers, buffers, NULL, NULL, 8, XHAL_DTYPE_F32,
                                   XHAL_REDUCE_SUM, fx->streams),
                   XHAL_STATUS_OK);
  /* Let ranks 0..2 reach the rendezvous, so that abort has sleepers to wake. */
  nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
  assert_int_equal(xhal_communicator_abort(comm), XHAL_STATUS_OK);
  for (uint32_t r = 0; r < 3; ++r) {
    assert_int_equal(xhal_stream_synchronize(fx->streams[r]), XHAL_STATUS_ABORTED);
  }
  pthread_mutex_lock(&gate.mutex);
  gate.open = 1;
  pthread_cond_broadcast(&gate.cond);
  pthread_mutex_unlock(&gate.mutex);
  assert_int_equal(xhal_stream_synchronize(fx->streams[3]), XHAL_STATUS_ABORTED);
  for (uint32_t r = 0; r < RANKS; ++r) {
    download(fx->streams[r], buffers[r], out, sizeof out);
    assert_memory_equal(out, ones, sizeof ones); /* untouched */
  }
  assert_int_equal(xhal_all_reduce(comm, buffers, buffers, NULL, NULL, 8, XHAL_DTYPE_F32,
                                   XHAL_REDUCE_SUM, fx->streams),
                   XHAL_STATUS_ABORTED);
  assert_int_equal(xhal_send_recv(comm, 0, buffers[0], 0, 1, buffers[1], 0, 8, XHAL_DTYPE_F32,
                                  fx->streams[0], fx->streams[1]),
                   XHAL_STATUS_ABORTED);
  assert_int_equal(xhal_communicator_destroy(comm), XHAL_STATUS_OK);
  for (uint32_t r = 0; r < RANKS; ++r) xhal_buffer_destroy(buffers[r]);
  pthread_cond_destroy(&gate.cond);
  pthread_mutex_destroy(&gate.mutex);
}

/* abort racing with enqueued work: every operation either completes on all
 * ranks or on none, so all ranks hold the same 4^k after the dust settles. */
static void *abort_later(void *argument) {
  nanosleep(&(struct timespec){0, (long)(rand() % 400) * 1000}, NULL);
  xhal_communicator_abort(argument);
  return NULL;
}

static void test_abort_race(void **state) {
  enum { OPS = 12, ITERATIONS = 40 };
  fixture_t *fx = *state;
  srand(7);
  for (int iteration = 0; iteration < ITERATIONS; ++iteration) {
    xhal_communicator_t *comm = make_comm(fx, RANKS, 0);
    xhal_buffer_t *buffers[RANKS];
    int64_t one = 1, values[RANKS];
    for (uint32_t r = 0; r < RANKS; ++r) {
      buffers[r] = make_buffer(fx->devices[r], sizeof one);
      upload(fx->streams[r], buffers[r], &one, sizeof one);
    }
    pthread_t aborter;
    assert_int_equal(pthread_create(&aborter, NULL, abort_later, comm), 0);
    for (int op = 0; op < OPS; ++op) {
      xhal_status_t status = xhal_all_reduce(comm, buffers, buffers, NULL, NULL, 1,
                                             XHAL_DTYPE_I64, XHAL_REDUCE_SUM, fx->streams);
      assert_true(status == XHAL_STATUS_OK || status == XHAL_STATUS_ABORTED);
    }
    pthread_join(aborter, NULL);
    for (uint32_t r = 0; r < RANKS; ++r) {
      xhal_status_t status = xhal_stream_synchronize(fx->streams[r]);
      assert_true(status == XHAL_STATUS_OK || status == XHAL_STATUS_ABORTED);
      download(fx->streams[r], buffers[r], &values[r], sizeof values[r]);
      xhal_buffer_destroy(buffers[r]);
    }
    for (uint32_t r = 1; r < RANKS; ++r) assert_true(values[r] == values[0]);
    assert_true(values[0] > 0 && (values[0] & (values[0] - 1)) == 0 &&
                __builtin_ctzll((uint64_t)values[0]) % 2 == 0);
    assert_int_equal(xhal_communicator_destroy(comm), XHAL_STATUS_OK);
  }
}

/* Destroying a communicator with enqueued work does not wait for, or break,
 * that work. */
static void test_destroy_with_work_in_flight(void **state) {
  fixture_t *fx = *state;
  xhal_communicator_t *comm = make_comm(fx, RANKS, 0);
  xhal_buffer_t *buffers[RANKS];
  int64_t value = 5, out;
  for (uint32_t r = 0; r < RANKS; ++r) {
    buffers[r] = make_buffer(fx->devices[r], sizeof value);
    upload(fx->streams[r], buffers[r], &value, sizeof value);
  }
  for (int i = 0; i < 3; ++i) {
    assert_int_equal(xhal_all_reduce(comm, buffers, buffers, NULL, NULL, 1, XHAL_DTYPE_I64,
                                     XHAL_REDUCE_SUM, fx->streams),
                     XHAL_STATUS_OK);
  }
  assert_int_equal(xhal_communicator_destroy(comm), XHAL_STATUS_OK);
  sync_all(fx, XHAL_STATUS_OK);
  for (uint32_t r = 0; r < RANKS; ++r) {
    download(fx->streams[r], buffers[r], &out, sizeof out);
    assert_int_equal(out, 5 * 4 * 4 * 4);
    xhal_buffer_destroy(buffers[r]);
  }
}

/* ---- two communicators, two threads ------------------------------------------- */

typedef struct worker {
  fixture_t *fx;
  xhal_communicator_t *comm;
  int32_t seed;
  xhal_status_t status;
  int wrong;
} worker_t;

/* Rank r starts with seed + i + r; an all_reduce max gives seed + i + 3 to
 * all, and broadcasts from rotating roots keep it; all enqueued at once. */
static void *worker_main(void *argument) {
  enum { N = 4099, ROUNDS = 40 };
  worker_t *w = argument;
  xhal_stream_t *streams[RANKS] = {NULL};
  xhal_buffer_t *buffers[RANKS] = {NULL};
  int32_t *host = malloc(N * sizeof *host);
  w->status = host ? XHAL_STATUS_OK : XHAL_STATUS_OUT_OF_MEMORY;
  for (uint32_t r = 0; r < RANKS && w->status == XHAL_STATUS_OK; ++r) {
    w->status = xhal_stream_create(w->fx->devices[r], &streams[r]);
    if (w->status == XHAL_STATUS_OK) {
      w->status = xhal_buffer_create(w->fx->devices[r], N * sizeof *host, &buffers[r]);
    }
    for (uint32_t i = 0; i < N; ++i) host[i] = w->seed + (int32_t)(i + r);
    if (w->status == XHAL_STATUS_OK) {
      w->status = xhal_copy_to_buffer(streams[r], buffers[r], 0, host, N * sizeof *host);
    }
    if (w->status == XHAL_STATUS_OK) w->status = xhal_stream_synchronize(streams[r]);
  }
  for (int round = 0; round < ROUNDS && w->status == XHAL_STATUS_OK; ++round) {
    w->status = xhal_all_reduce(w->comm, buffers, buffers, NULL, NULL, N, XHAL_DTYPE_I32,
                                XHAL_REDUCE_MAX, streams);
    if (w->status == XHAL_STATUS_OK) {
      w->status = xhal_broadcast(w->comm, buffers, buffers, NULL, NULL, N, XHAL_DTYPE_I32,
                                 (uint32_t)round % RANKS, streams);
    }
  }
  for (uint32_t r = 0; r < RANKS && w->status == XHAL_STATUS_OK; ++r) {
    w->status = xhal_copy_from_buffer(streams[r], host, buffers[r], 0, N * sizeof *host);
    if (w->status == XHAL_STATUS_OK) w->status = xhal_stream_synchronize(streams[r]);
    for (uint32_t i = 0; i < N && w->status == XHAL_STATUS_OK; ++i) {
      w->wrong += host[i] != w->seed + (int32_t)(i + RANKS - 1);
    }
  }
  for (uint32_t r = 0; r < RANKS; ++r) {
    xhal_stream_destroy(streams[r]);
    xhal_buffer_destroy(buffers[r]);
  }
  free(host);
  return NULL;
}

/* One native and one host-staged communicator over the same four devices,
 * each driven by its own thread with its own streams. */
static void test_two_threads(void **state) {
  fixture_t *fx = *state;
  worker_t workers[2] = {{fx, make_comm(fx, RANKS, 0), 1000, XHAL_STATUS_OK, 0},
                         {fx, make_comm(fx, RANKS, 1), -5000000, XHAL_STATUS_OK, 0}};
  pthread_t threads[2];
  for (int t = 0; t < 2; ++t) {
    assert_int_equal(pthread_create(&threads[t], NULL, worker_main, &workers[t]), 0);
  }
  for (int t = 0; t < 2; ++t) pthread_join(threads[t], NULL);
  for (int t = 0; t < 2; ++t) {
    assert_int_equal(workers[t].status, XHAL_STATUS_OK);
    assert_int_equal(workers[t].wrong, 0);
    assert_int_equal(xhal_communicator_destroy(workers[t].comm), XHAL_STATUS_OK);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_all_reduce_every_dtype),
      cmocka_unit_test(test_arithmetic_rules),
      cmocka_unit_test(test_broadcast_gather_scatter),
      cmocka_unit_test(test_send_recv),
      cmocka_unit_test(test_validation),
      cmocka_unit_test(test_abort_wakes_pending),
      cmocka_unit_test(test_abort_race),
      cmocka_unit_test(test_destroy_with_work_in_flight),
      cmocka_unit_test(test_two_threads),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
