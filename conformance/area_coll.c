/* area_coll.c - conformance cases for collectives (docs/collectives.md).
 *
 * Names: coll.<op>.<dtype>.<n>dev.<size>[.<variant>], op one of all_reduce_sum
 * (…_prod, _min, _max), broadcast_root<R>, all_gather, reduce_scatter_sum
 * (…_max), send_recv_r<S>_to_r<D>; size is the per-rank count argument: 1,
 * 1031 (odd, not a multiple of any rank count) or 1mib (1 MiB of elements).
 * Variants: inplace (send == recv), staged (XHAL_COLLECTIVES=staged around
 * creation: libxhal's host-staged path), null_offsets (offset arrays NULL).
 * Plus coll.invalid.* (rejected arguments) and coll.abort.* cases.
 *
 * Inputs are exact in any order of combination (quarter-integers for float
 * sums and min/max, signed powers of two for float products, raw bits for
 * integers, whose sums and products wrap), so results are compared bit for
 * bit against a reference computed here. Every buffer carries guard bytes
 * around its range, and the whole buffer is compared: a write outside the
 * range, or into a buffer that is only read, fails. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf_case.h"

#define COLL_MAX_RANKS 4
#define COLL_GUARD 40 /* bytes around each range; a multiple of every element size */

typedef enum coll_kind {
  COLL_ALL_REDUCE,
  COLL_BROADCAST,
  COLL_ALL_GATHER,
  COLL_REDUCE_SCATTER,
  COLL_SEND_RECV,
} coll_kind_t;

enum {
  COLL_IN_PLACE = 1u << 0,
  COLL_STAGED = 1u << 1,
  COLL_NULL_OFFSETS = 1u << 2,
};

typedef struct coll_params {
  coll_kind_t kind;
  xhal_reduce_op_t op; /* all_reduce, reduce_scatter */
  xhal_dtype_t dtype;
  uint32_t ranks;
  uint64_t count;
  uint32_t root; /* broadcast root, send_recv source */
  uint32_t dst;  /* send_recv destination */
  uint32_t flags;
} coll_params_t;

/* ---- element encoding (independent of every backend) ----------------------- */

static int coll_is_float(xhal_dtype_t dtype) {
  return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F64 || dtype == XHAL_DTYPE_F16;
}

static int coll_is_signed(xhal_dtype_t dtype) {
  return dtype == XHAL_DTYPE_I8 || dtype == XHAL_DTYPE_I16 || dtype == XHAL_DTYPE_I32 ||
         dtype == XHAL_DTYPE_I64;
}

static uint64_t coll_get_bits(const uint8_t *p, size_t size) {
  switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
  }
}

static void coll_put_bits(uint8_t *p, size_t size, uint64_t bits) {
  switch (size) {
    case 1: *p = (uint8_t)bits; break;
    case 2: { uint16_t v = (uint16_t)bits; memcpy(p, &v, 2); break; }
    case 4: { uint32_t v = (uint32_t)bits; memcpy(p, &v, 4); break; }
    default: memcpy(p, &bits, 8); break;
  }
}

static int64_t coll_signed(uint64_t bits, size_t size) {
  if (size == 8) return (int64_t)bits;
  uint64_t sign = UINT64_C(1) << (size * 8 - 1);
  return (int64_t)((bits ^ sign) - sign);
}

/* f16 for values this file generates: finite, exactly representable. */
static double coll_f16_decode(uint16_t h) {
  int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double magnitude = exponent == 0    ? ldexp(mantissa, -24)
                     : exponent == 31 ? (mantissa ? NAN : INFINITY)
                                      : ldexp(1024 + mantissa, exponent - 25);
  return (h & 0x8000) ? -magnitude : magnitude;
}

static uint16_t coll_f16_encode(double value) {
  uint16_t sign = signbit(value) ? 0x8000 : 0;
  double magnitude = fabs(value);
  if (magnitude == 0) return sign;
  int exponent;
  double fraction = frexp(magnitude, &exponent); /* magnitude = fraction * 2^exponent */
  int biased = exponent + 14;
  if (biased <= 0) return (uint16_t)(sign | (uint16_t)ldexp(magnitude, 24));
  return (uint16_t)(sign | (biased << 10) | (uint16_t)((fraction * 2 - 1) * 1024));
}

static double coll_float_get(xhal_dtype_t dtype, const uint8_t *p) {
  if (dtype == XHAL_DTYPE_F16) return coll_f16_decode((uint16_t)coll_get_bits(p, 2));
  if (dtype == XHAL_DTYPE_F32) {
    float v;
    memcpy(&v, p, 4);
    return v;
  }
  double v;
  memcpy(&v, p, 8);
  return v;
}

static void coll_float_put(xhal_dtype_t dtype, uint8_t *p, double value) {
  if (dtype == XHAL_DTYPE_F16) {
    coll_put_bits(p, 2, coll_f16_encode(value));
  } else if (dtype == XHAL_DTYPE_F32) {
    float v = (float)value;
    memcpy(p, &v, 4);
  } else {
    memcpy(p, &value, 8);
  }
}

/* Input element i of rank r. */
static void coll_input(const conf_run_t *run, const coll_params_t *p, uint32_t rank, uint64_t i,
                       uint8_t *out) {
  size_t size = xhal_dtype_size(p->dtype);
  uint64_t bits = conf_random_bits(run, rank, i);
  int reduces = p->kind == COLL_ALL_REDUCE || p->kind == COLL_REDUCE_SCATTER;
  if (!coll_is_float(p->dtype)) {
    coll_put_bits(out, size, bits);
  } else if (!reduces) {
    /* Data movement: any finite bits (subnormals and -0 included); an
     * all-ones exponent (Inf/NaN) loses its top bit. */
    uint64_t exponent = size == 2 ? 0x7c00 : size == 4 ? 0x7f800000 : UINT64_C(0x7ff0000000000000);
    uint64_t top = size == 2 ? 0x4000 : size == 4 ? 0x40000000 : UINT64_C(0x4000000000000000);
    if ((bits & exponent) == exponent) bits &= ~top;
    coll_put_bits(out, size, bits);
  } else if (p->op == XHAL_REDUCE_PROD) {
    /* ±2^k, k in [-3, 3]: a product of four stays exact even in f16. */
    double value = ldexp(1.0, (int)(bits % 7) - 3);
    coll_float_put(p->dtype, out, (bits >> 8) & 1 ? -value : value);
  } else {
    /* k/4, k in [-128, 128], never -0: sums of four are exact even in f16. */
    coll_float_put(p->dtype, out, ((double)(int)(bits % 257) - 128) / 4);
  }
}

/* out = in[0] op in[1] op ... op in[n-1], computed exactly. */
static void coll_reference_reduce(xhal_dtype_t dtype, xhal_reduce_op_t op,
                                  const uint8_t *const *in, uint32_t n, uint8_t *out) {
  size_t size = xhal_dtype_size(dtype);
  if (coll_is_float(dtype)) {
    double acc = coll_float_get(dtype, in[0]);
    for (uint32_t r = 1; r < n; ++r) {
      double v = coll_float_get(dtype, in[r]);
      acc = op == XHAL_REDUCE_SUM    ? acc + v
            : op == XHAL_REDUCE_PROD ? acc * v
            : op == XHAL_REDUCE_MIN  ? (v < acc ? v : acc)
                                     : (v > acc ? v : acc);
    }
    coll_float_put(dtype, out, acc);
    return;
  }
  uint64_t acc = coll_get_bits(in[0], size);
  for (uint32_t r = 1; r < n; ++r) {
    uint64_t v = coll_get_bits(in[r], size);
    int less = coll_is_signed(dtype) ? coll_signed(v, size) < coll_signed(acc, size) : v < acc;
    int greater = coll_is_signed(dtype) ? coll_signed(v, size) > coll_signed(acc, size) : v > acc;
    acc = op == XHAL_REDUCE_SUM    ? acc + v
          : op == XHAL_REDUCE_PROD ? acc * v
          : op == XHAL_REDUCE_MIN  ? (less ? v : acc)
                                   : (greater ? v : acc);
  }
  coll_put_bits(out, size, acc);
}

static void coll_format(char *text, size_t text_size, xhal_dtype_t dtype, const uint8_t *p) {
  size_t size = xhal_dtype_size(dtype);
  uint64_t bits = coll_get_bits(p, size);
  if (coll_is_float(dtype)) {
    snprintf(text, text_size, "%.17g (0x%0*llx)", coll_float_get(dtype, p), (int)size * 2,
             (unsigned long long)bits);
  } else if (coll_is_signed(dtype)) {
    snprintf(text, text_size, "%lld (0x%0*llx)", (long long)coll_signed(bits, size),
             (int)size * 2, (unsigned long long)bits);
  } else {
    snprintf(text, text_size, "%llu", (unsigned long long)bits);
  }
}

/* ---- fixture ------------------------------------------------------------------ */

typedef struct coll_rank {
  xhal_stream_t *stream;
  xhal_buffer_t *send, *recv; /* recv == send in place */
  uint64_t send_offset, recv_offset;
  uint64_t send_size, recv_size; /* whole buffers */
  uint8_t *send_image, *recv_image; /* what was uploaded */
} coll_rank_t;

typedef struct coll_fixture {
  uint32_t ranks;
  xhal_communicator_t *comm;
  coll_rank_t rank[COLL_MAX_RANKS];
} coll_fixture_t;

static conf_result_t coll_fail_status(conf_run_t *run, const char *what, xhal_status_t status,
                                      xhal_status_t expected) {
  return conf_fail(run, "%s returned %s, expected %s: %s", what, xhal_status_string(status),
                   xhal_status_string(expected), xhal_last_error());
}

/* Creates the communicator over devices 0..ranks-1; staged forces the host
 * path, otherwise XHAL_COLLECTIVES=auto so a user's setting cannot skew the
 * case. The previous value is restored. */
static xhal_status_t coll_comm_create(const conf_run_t *run, uint32_t ranks, int staged,
                                      xhal_communicator_t **out_comm) {
  const char *previous = getenv("XHAL_COLLECTIVES");
  char *saved = previous ? strdup(previous) : NULL;
  setenv("XHAL_COLLECTIVES", staged ? "staged" : "auto", 1);
  xhal_status_t status = xhal_communicator_create(run->env->devices, ranks, out_comm);
  if (saved) {
    setenv("XHAL_COLLECTIVES", saved, 1);
    free(saved);
  } else {
    unsetenv("XHAL_COLLECTIVES");
  }
  return status;
}

/* The feature bits device declares. */
static conf_result_t coll_features(conf_run_t *run, uint32_t device, uint32_t *out_features) {
  xhal_device_properties_t properties;
  memset(&properties, 0, sizeof properties);
  properties.header.stype = XHAL_STYPE_DEVICE_PROPERTIES;
  properties.header.struct_size = sizeof properties;
  xhal_status_t status = xhal_device_properties(run->env->devices[device], &properties);
  if (status != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_device_properties", status);
  *out_features = properties.features;
  return CONF_PASS;
}

/* The communicator reports the path the backend declared: native when device
 * 0 declares XHAL_FEATURE_COLLECTIVES, staged when forced. */
static conf_result_t coll_check_path(conf_run_t *run, const xhal_communicator_t *comm,
                                     int staged) {
  uint32_t features = 0;
  conf_result_t result = coll_features(run, 0, &features);
  if (result != CONF_PASS) return result;
  uint32_t declared = (features & XHAL_FEATURE_COLLECTIVES) != 0;
  uint32_t expected = !staged && declared;
  uint32_t actual = xhal_communicator_is_native(comm);
  if (actual != expected) {
    return conf_fail(run,
                     "xhal_communicator_is_native() = %u, expected %u (device declares "
                     "COLLECTIVES: %s; XHAL_COLLECTIVES=%s)",
                     actual, expected, declared ? "yes" : "no", staged ? "staged" : "auto");
  }
  return CONF_PASS;
}

static uint64_t coll_send_count(const coll_params_t *p) {
  return p->kind == COLL_REDUCE_SCATTER ? p->count * p->ranks : p->count;
}

static uint64_t coll_recv_count(const coll_params_t *p) {
  return p->kind == COLL_ALL_GATHER ? p->count * p->ranks : p->count;
}

/* Deterministic filler bytes, eight per random draw. */
static void coll_fill_random(const conf_run_t *run, uint32_t tensor, uint8_t *dst, uint64_t size) {
  for (uint64_t b = 0; b < size; b += 8) {
    uint64_t bits = conf_random_bits(run, tensor, b / 8);
    memcpy(dst + b, &bits, size - b < 8 ? (size_t)(size - b) : 8);
  }
}

static conf_result_t coll_upload(conf_run_t *run, xhal_stream_t *stream, xhal_buffer_t *buffer,
                                 const uint8_t *image, uint64_t size) {
  xhal_status_t status = xhal_copy_to_buffer(stream, buffer, 0, image, size);
  if (status == XHAL_STATUS_OK) status = xhal_stream_synchronize(stream);
  return status == XHAL_STATUS_OK ? CONF_PASS : conf_fail_status(run, "upload", status);
}

static conf_result_t coll_setup_rank(conf_run_t *run, const coll_params_t *p, uint32_t r,
                                     coll_rank_t *rank) {
  size_t size = xhal_dtype_size(p->dtype);
  uint64_t guard = p->flags & COLL_NULL_OFFSETS ? 0 : COLL_GUARD;
  int in_place = (p->flags & COLL_IN_PLACE) &&
                 (p->kind == COLL_ALL_REDUCE || (p->kind == COLL_BROADCAST && r == p->root));
  int has_send = !(p->flags & COLL_IN_PLACE) || in_place;
  xhal_device_t *device = run->env->devices[r];
  xhal_status_t status = xhal_stream_create(device, &rank->stream);
  if (status != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_stream_create", status);

  rank->send_offset = guard;
  rank->send_size = guard + coll_send_count(p) * size + guard;
  rank->recv_offset = in_place ? guard : 2 * guard;
  rank->recv_size = in_place ? rank->send_size : 2 * guard + coll_recv_count(p) * size + guard;
  if (has_send) {
    status = xhal_buffer_create(device, rank->send_size, &rank->send);
    if (status != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_buffer_create", status);
    rank->send_image = malloc(rank->send_size);
    if (!rank->send_image) return conf_fail(run, "out of host memory");
    coll_fill_random(run, 100 + r, rank->send_image, rank->send_size);
    for (uint64_t i = 0; i < coll_send_count(p); ++i) {
      coll_input(run, p, r, i, rank->send_image + rank->send_offset + i * size);
    }
    conf_result_t result = coll_upload(run, rank->stream, rank->send, rank->send_image,
                                       rank->send_size);
    if (result != CONF_PASS) return result;
  }
  if (in_place) {
    rank->recv = rank->send;
    return CONF_PASS;
  }
  status = xhal_buffer_create(device, rank->recv_size, &rank->recv);
  if (status != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_buffer_create", status);
  rank->recv_image = malloc(rank->recv_size);
  if (!rank->recv_image) return conf_fail(run, "out of host memory");
  coll_fill_random(run, 200 + r, rank->recv_image, rank->recv_size);
  return coll_upload(run, rank->stream, rank->recv, rank->recv_image, rank->recv_size);
}

static void coll_teardown(coll_fixture_t *fx) {
  for (uint32_t r = 0; r < fx->ranks; ++r) {
    coll_rank_t *rank = &fx->rank[r];
    if (rank->stream) xhal_stream_synchronize(rank->stream);
    if (rank->recv != rank->send) xhal_buffer_destroy(rank->recv);
    xhal_buffer_destroy(rank->send);
    xhal_stream_destroy(rank->stream);
    free(rank->send_image);
    free(rank->recv_image);
  }
  xhal_communicator_destroy(fx->comm);
  memset(fx, 0, sizeof *fx);
}

static conf_result_t coll_setup(conf_run_t *run, const coll_params_t *p, coll_fixture_t *fx) {
  memset(fx, 0, sizeof *fx);
  fx->ranks = p->ranks;
  int staged = (p->flags & COLL_STAGED) != 0;
  xhal_status_t status = coll_comm_create(run, p->ranks, staged, &fx->comm);
  if (status != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_communicator_create", status);
  if (xhal_communicator_size(fx->comm) != p->ranks) {
    return conf_fail(run, "xhal_communicator_size() = %u, expected %u",
                     xhal_communicator_size(fx->comm), p->ranks);
  }
  conf_result_t result = coll_check_path(run, fx->comm, staged);
  for (uint32_t r = 0; r < p->ranks && result == CONF_PASS; ++r) {
    result = coll_setup_rank(run, p, r, &fx->rank[r]);
  }
  return result;
}

/* ---- running and checking ------------------------------------------------------ */

static xhal_status_t coll_issue(const coll_params_t *p, coll_fixture_t *fx) {
  xhal_buffer_t *send[COLL_MAX_RANKS], *recv[COLL_MAX_RANKS];
  xhal_stream_t *streams[COLL_MAX_RANKS];
  uint64_t send_offsets[COLL_MAX_RANKS], recv_offsets[COLL_MAX_RANKS];
  for (uint32_t r = 0; r < p->ranks; ++r) {
    send[r] = fx->rank[r].send;
    recv[r] = fx->rank[r].recv;
    streams[r] = fx->rank[r].stream;
    send_offsets[r] = fx->rank[r].send_offset;
    recv_offsets[r] = fx->rank[r].recv_offset;
  }
  const uint64_t *so = p->flags & COLL_NULL_OFFSETS ? NULL : send_offsets;
  const uint64_t *ro = p->flags & COLL_NULL_OFFSETS ? NULL : recv_offsets;
  switch (p->kind) {
    case COLL_ALL_REDUCE:
      return xhal_all_reduce(fx->comm, send, recv, so, ro, p->count, p->dtype, p->op, streams);
    case COLL_BROADCAST:
      return xhal_broadcast(fx->comm, send, recv, so, ro, p->count, p->dtype, p->root, streams);
    case COLL_ALL_GATHER:
      return xhal_all_gather(fx->comm, send, recv, so, ro, p->count, p->dtype, streams);
    case COLL_REDUCE_SCATTER:
      return xhal_reduce_scatter(fx->comm, send, recv, so, ro, p->count, p->dtype, p->op, streams);
    case COLL_SEND_RECV: {
      coll_rank_t *src = &fx->rank[p->root], *dst = &fx->rank[p->dst];
      return xhal_send_recv(fx->comm, p->root, src->send, src->send_offset, p->dst, dst->recv,
                            dst->recv_offset, p->count, p->dtype, src->stream, dst->stream);
    }
  }
  return XHAL_STATUS_INVALID_ARGUMENT;
}

/* Writes the expected element i of rank r's result. */
static void coll_expected(const coll_params_t *p, const coll_fixture_t *fx, uint32_t r,
                          uint64_t i, uint8_t *out) {
  size_t size = xhal_dtype_size(p->dtype);
  const uint8_t *in[COLL_MAX_RANKS] = {NULL};
  switch (p->kind) {
    case COLL_ALL_REDUCE:
    case COLL_REDUCE_SCATTER: {
      uint64_t at = p->kind == COLL_REDUCE_SCATTER ? r * p->count + i : i;
      for (uint32_t s = 0; s < p->ranks; ++s) {
        in[s] = fx->rank[s].send_image + fx->rank[s].send_offset + at * size;
      }
      coll_reference_reduce(p->dtype, p->op, in, p->ranks, out);
      return;
    }
    case COLL_BROADCAST:
    case COLL_SEND_RECV: {
      const coll_rank_t *src = &fx->rank[p->root];
      memcpy(out, src->send_image + src->send_offset + i * size, size);
      return;
    }
    case COLL_ALL_GATHER: {
      const coll_rank_t *src = &fx->rank[i / p->count];
      memcpy(out, src->send_image + src->send_offset + (i % p->count) * size, size);
      return;
    }
  }
}

/* Downloads buffer and compares it byte for byte with expected; names the
 * first difference as an element of [data_offset, +data_bytes) or a guard. */
static conf_result_t coll_compare(conf_run_t *run, const coll_params_t *p, const char *what,
                                  uint32_t r, xhal_stream_t *stream, xhal_buffer_t *buffer,
                                  const uint8_t *expected, uint64_t size, uint64_t data_offset,
                                  uint64_t data_bytes) {
  uint8_t *actual = malloc(size ? size : 1);
  if (!actual) return conf_fail(run, "out of host memory");
  xhal_status_t status = xhal_copy_from_buffer(stream, actual, buffer, 0, size);
  if (status == XHAL_STATUS_OK) status = xhal_stream_synchronize(stream);
  if (status != XHAL_STATUS_OK) {
    free(actual);
    return conf_fail_status(run, "download", status);
  }
  conf_result_t result = CONF_PASS;
  size_t elem = xhal_dtype_size(p->dtype);
  uint64_t wrong = 0;
  for (uint64_t b = 0; b < size; ++b) {
    if (actual[b] == expected[b]) continue;
    if (wrong++) continue;
    if (b >= data_offset && b < data_offset + data_bytes) {
      uint64_t index = (b - data_offset) / elem;
      uint64_t at = data_offset + index * elem;
      char e[64], a[64];
      coll_format(e, sizeof e, p->dtype, expected + at);
      coll_format(a, sizeof a, p->dtype, actual + at);
      result = conf_fail(run, "rank %u %s index %llu: expected %s, actual %s (bit-exact)", r,
                         what, (unsigned long long)index, e, a);
    } else {
      result = conf_fail(run,
                         "rank %u %s: byte %llu outside the range [%llu, +%llu) changed from "
                         "0x%02x to 0x%02x",
                         r, what, (unsigned long long)b, (unsigned long long)data_offset,
                         (unsigned long long)data_bytes, expected[b], actual[b]);
    }
  }
  if (wrong > 1) conf_note(run, " (%llu bytes differ in all)", (unsigned long long)wrong);
  free(actual);
  return result;
}

static conf_result_t coll_check_rank(conf_run_t *run, const coll_params_t *p,
                                     const coll_fixture_t *fx, uint32_t r) {
  const coll_rank_t *rank = &fx->rank[r];
  size_t size = xhal_dtype_size(p->dtype);
  int receives = p->kind != COLL_SEND_RECV || r == p->dst;
  const uint8_t *recv_initial = rank->recv == rank->send ? rank->send_image : rank->recv_image;
  uint8_t *expected = malloc(rank->recv_size);
  if (!expected) return conf_fail(run, "out of host memory");
  memcpy(expected, recv_initial, rank->recv_size);
  uint64_t recv_bytes = coll_recv_count(p) * size;
  if (receives) {
    for (uint64_t i = 0; i < coll_recv_count(p); ++i) {
      coll_expected(p, fx, r, i, expected + rank->recv_offset + i * size);
    }
  }
  conf_result_t result = coll_compare(run, p, "recv", r, rank->stream, rank->recv, expected,
                                      rank->recv_size, rank->recv_offset, recv_bytes);
  free(expected);
  if (result == CONF_PASS && rank->send && rank->send != rank->recv) {
    result = coll_compare(run, p, "send (read only)", r, rank->stream, rank->send,
                          rank->send_image, rank->send_size, rank->send_offset,
                          coll_send_count(p) * size);
  }
  return result;
}

static conf_result_t coll_case(conf_run_t *run, const void *params) {
  const coll_params_t *p = params;
  if (run->env->device_count < p->ranks) {
    return conf_not_supported(run, "needs %u devices, backend has %u", p->ranks,
                              run->env->device_count);
  }
  coll_fixture_t fx;
  conf_result_t result = coll_setup(run, p, &fx);
  if (result == CONF_PASS) {
    xhal_status_t status = coll_issue(p, &fx);
    if (status != XHAL_STATUS_OK) result = coll_fail_status(run, "the collective", status, 0);
  }
  for (uint32_t r = 0; r < p->ranks && result == CONF_PASS; ++r) {
    xhal_status_t status = xhal_stream_synchronize(fx.rank[r].stream);
    if (status != XHAL_STATUS_OK) result = coll_fail_status(run, "xhal_stream_synchronize", status, 0);
  }
  for (uint32_t r = 0; r < p->ranks && result == CONF_PASS; ++r) {
    result = coll_check_rank(run, p, &fx, r);
  }
  coll_teardown(&fx);
  return result;
}

/* ---- invalid arguments and abort ---------------------------------------------- */

/* A plain f32 all_reduce fixture of `count` elements, zero offsets. */
static conf_result_t coll_small(conf_run_t *run, uint32_t ranks, int staged, coll_params_t *p,
                                coll_fixture_t *fx) {
  *p = (coll_params_t){.kind = COLL_ALL_REDUCE, .op = XHAL_REDUCE_SUM, .dtype = XHAL_DTYPE_F32,
                       .ranks = ranks, .count = 64,
                       .flags = COLL_NULL_OFFSETS | (staged ? COLL_STAGED : 0)};
  if (run->env->device_count < ranks) {
    memset(fx, 0, sizeof *fx);
    return conf_not_supported(run, "needs %u devices, backend has %u", ranks,
                              run->env->device_count);
  }
  return coll_setup(run, p, fx);
}

static conf_result_t coll_expect(conf_run_t *run, const char *what, xhal_status_t status,
                                 xhal_status_t expected) {
  return status == expected ? CONF_PASS : coll_fail_status(run, what, status, expected);
}

/* A rejected call must leave every buffer as it was, and the communicator
 * must still work afterwards. */
static conf_result_t coll_still_works(conf_run_t *run, const coll_params_t *p,
                                      coll_fixture_t *fx) {
  for (uint32_t r = 0; r < p->ranks; ++r) {
    const coll_rank_t *rank = &fx->rank[r];
    conf_result_t result = coll_compare(run, p, "recv after a rejected call", r, rank->stream,
                                        rank->recv, rank->recv_image, rank->recv_size, 0, 0);
    if (result != CONF_PASS) return result;
  }
  xhal_status_t status = coll_issue(p, fx);
  if (status != XHAL_STATUS_OK) return coll_fail_status(run, "a valid all_reduce", status, 0);
  for (uint32_t r = 0; r < p->ranks; ++r) {
    status = xhal_stream_synchronize(fx->rank[r].stream);
    if (status != XHAL_STATUS_OK) return coll_fail_status(run, "xhal_stream_synchronize", status, 0);
  }
  for (uint32_t r = 0; r < p->ranks; ++r) {
    conf_result_t result = coll_check_rank(run, p, fx, r);
    if (result != CONF_PASS) return result;
  }
  return CONF_PASS;
}

typedef enum coll_invalid {
  COLL_BAD_STREAM_DEVICE,
  COLL_BAD_STREAM_TWICE,
  COLL_BAD_BUFFER_DEVICE,
  COLL_BAD_ROOT,
  COLL_BAD_RANGE,
  COLL_BAD_OFFSET_OVERFLOW,
  COLL_BAD_MISALIGNED,
  COLL_BAD_COUNT_OVERFLOW,
  COLL_BAD_DTYPE,
  COLL_BAD_REDUCE_OP,
  COLL_BAD_OVERLAP,
  COLL_BAD_SEND_RECV_RANK,
  COLL_BAD_NULL_ARRAY,
} coll_invalid_t;

typedef struct coll_invalid_params {
  coll_invalid_t what;
  uint32_t ranks;
  int staged;
} coll_invalid_params_t;

/* Issues the bad call of q on fx; every one must give INVALID_ARGUMENT. */
static xhal_status_t coll_issue_invalid(const coll_invalid_params_t *q, coll_fixture_t *fx,
                                        uint64_t count) {
  xhal_buffer_t *send[COLL_MAX_RANKS], *recv[COLL_MAX_RANKS];
  xhal_stream_t *streams[COLL_MAX_RANKS];
  uint64_t offsets[COLL_MAX_RANKS] = {0};
  for (uint32_t r = 0; r < fx->ranks; ++r) {
    send[r] = fx->rank[r].send;
    recv[r] = fx->rank[r].recv;
    streams[r] = fx->rank[r].stream;
  }
  xhal_communicator_t *comm = fx->comm;
  switch (q->what) {
    case COLL_BAD_STREAM_DEVICE: /* ranks 0 and 1 swap streams */
      streams[0] = fx->rank[1].stream;
      streams[1] = fx->rank[0].stream;
      break;
    case COLL_BAD_STREAM_TWICE:
      streams[1] = streams[0];
      break;
    case COLL_BAD_BUFFER_DEVICE:
      recv[1] = fx->rank[0].recv;
      break;
    case COLL_BAD_ROOT:
      return xhal_broadcast(comm, send, recv, NULL, NULL, count, XHAL_DTYPE_F32, fx->ranks,
                            streams);
    case COLL_BAD_RANGE:
      offsets[fx->ranks - 1] = 4; /* one element past the end */
      return xhal_all_reduce(comm, send, recv, NULL, offsets, count, XHAL_DTYPE_F32,
                             XHAL_REDUCE_SUM, streams);
    case COLL_BAD_OFFSET_OVERFLOW:
      offsets[0] = UINT64_MAX - 3;
      return xhal_all_reduce(comm, send, recv, offsets, NULL, count, XHAL_DTYPE_F32,
                             XHAL_REDUCE_SUM, streams);
    case COLL_BAD_MISALIGNED: /* offsets are multiples of the element size */
      offsets[0] = 2;
      return xhal_all_reduce(comm, send, recv, offsets, NULL, count - 1, XHAL_DTYPE_F32,
                             XHAL_REDUCE_SUM, streams);
    case COLL_BAD_COUNT_OVERFLOW:
      return xhal_all_reduce(comm, send, recv, NULL, NULL, UINT64_MAX / 2, XHAL_DTYPE_F32,
                             XHAL_REDUCE_SUM, streams);
    case COLL_BAD_DTYPE:
      return xhal_all_reduce(comm, send, recv, NULL, NULL, count, (xhal_dtype_t)77,
                             XHAL_REDUCE_SUM, streams);
    case COLL_BAD_REDUCE_OP:
      return xhal_all_reduce(comm, send, recv, NULL, NULL, count, XHAL_DTYPE_F32,
                             (xhal_reduce_op_t)9, streams);
    case COLL_BAD_OVERLAP: /* in place, but shifted by one element */
      offsets[0] = 4;
      recv[0] = send[0];
      return xhal_all_reduce(comm, send, recv, NULL, offsets, count - 1, XHAL_DTYPE_F32,
                             XHAL_REDUCE_SUM, streams);
    case COLL_BAD_SEND_RECV_RANK:
      return xhal_send_recv(comm, 0, send[0], 0, fx->ranks, recv[0], 0, count, XHAL_DTYPE_F32,
                            streams[0], streams[0]);
    case COLL_BAD_NULL_ARRAY:
      return xhal_all_reduce(comm, send, NULL, NULL, NULL, count, XHAL_DTYPE_F32,
                             XHAL_REDUCE_SUM, streams);
  }
  return xhal_all_reduce(comm, send, recv, NULL, NULL, count, XHAL_DTYPE_F32, XHAL_REDUCE_SUM,
                         streams);
}

static conf_result_t coll_invalid_case(conf_run_t *run, const void *params) {
  const coll_invalid_params_t *q = params;
  coll_params_t p;
  coll_fixture_t fx;
  conf_result_t result = coll_small(run, q->ranks, q->staged, &p, &fx);
  if (result == CONF_PASS) {
    result = coll_expect(run, "the invalid call", coll_issue_invalid(q, &fx, p.count),
                         XHAL_STATUS_INVALID_ARGUMENT);
  }
  if (result == CONF_PASS) result = coll_still_works(run, &p, &fx);
  coll_teardown(&fx);
  return result;
}

static conf_result_t coll_create_invalid_case(conf_run_t *run, const void *params) {
  (void)params;
  xhal_communicator_t *comm = NULL;
  xhal_device_t *twice[2] = {run->env->devices[0], run->env->devices[0]};
  conf_result_t result = coll_expect(run, "create with a device twice",
                                     xhal_communicator_create(twice, 2, &comm),
                                     XHAL_STATUS_INVALID_ARGUMENT);
  if (result == CONF_PASS) {
    result = coll_expect(run, "create with count 0",
                         xhal_communicator_create(run->env->devices, 0, &comm),
                         XHAL_STATUS_INVALID_ARGUMENT);
  }
  if (result == CONF_PASS) {
    result = coll_expect(run, "create with out_comm NULL",
                         xhal_communicator_create(run->env->devices, 1, NULL),
                         XHAL_STATUS_INVALID_ARGUMENT);
  }
  xhal_device_t *stale[1] = {(xhal_device_t *)&comm};
  if (result == CONF_PASS) {
    result = coll_expect(run, "create with a pointer that is no device",
                         xhal_communicator_create(stale, 1, &comm), XHAL_STATUS_INVALID_HANDLE);
  }
  if (result == CONF_PASS && comm) result = conf_fail(run, "a refused create wrote out_comm");
  return result;
}

static conf_result_t coll_destroyed_case(conf_run_t *run, const void *params) {
  const int *staged = params;
  coll_params_t p;
  coll_fixture_t fx;
  conf_result_t result = coll_small(run, 1, *staged, &p, &fx);
  if (result == CONF_PASS) {
    xhal_communicator_t *comm = fx.comm;
    xhal_status_t status = xhal_communicator_destroy(comm);
    fx.comm = NULL;
    if (status != XHAL_STATUS_OK) result = coll_fail_status(run, "destroy", status, 0);
    if (result == CONF_PASS) {
      result = coll_expect(run, "xhal_all_reduce on a destroyed communicator",
                           coll_issue(&p, &(coll_fixture_t){.ranks = 1, .comm = comm,
                                                             .rank = {fx.rank[0]}}),
                           XHAL_STATUS_INVALID_HANDLE);
    }
    if (result == CONF_PASS) {
      result = coll_expect(run, "xhal_communicator_abort on a destroyed communicator",
                           xhal_communicator_abort(comm), XHAL_STATUS_INVALID_HANDLE);
    }
    if (result == CONF_PASS) {
      result = coll_expect(run, "xhal_communicator_destroy twice",
                           xhal_communicator_destroy(comm), XHAL_STATUS_INVALID_HANDLE);
    }
    if (result == CONF_PASS && xhal_communicator_size(comm) != 0) {
      result = conf_fail(run, "xhal_communicator_size of a destroyed communicator is %u, not 0",
                         xhal_communicator_size(comm));
    }
  }
  coll_teardown(&fx);
  return result;
}

static conf_result_t coll_abort_later_case(conf_run_t *run, const void *params) {
  const int *staged = params;
  coll_params_t p;
  coll_fixture_t fx;
  conf_result_t result = coll_small(run, 1, *staged, &p, &fx);
  if (result == CONF_PASS) {
    result = coll_expect(run, "xhal_communicator_abort", xhal_communicator_abort(fx.comm),
                         XHAL_STATUS_OK);
  }
  if (result == CONF_PASS) {
    result = coll_expect(run, "xhal_all_reduce after abort", coll_issue(&p, &fx),
                         XHAL_STATUS_ABORTED);
  }
  if (result == CONF_PASS) {
    coll_fixture_t one = fx;
    result = coll_expect(run, "xhal_send_recv after abort",
                         coll_issue(&(coll_params_t){.kind = COLL_SEND_RECV,
                                                     .dtype = XHAL_DTYPE_F32, .ranks = 1,
                                                     .count = 1},
                                    &one),
                         XHAL_STATUS_ABORTED);
  }
  if (result == CONF_PASS) {
    result = coll_expect(run, "a second xhal_communicator_abort",
                         xhal_communicator_abort(fx.comm), XHAL_STATUS_OK);
  }
  if (result == CONF_PASS) {
    result = coll_compare(run, &p, "recv after abort", 0, fx.rank[0].stream, fx.rank[0].recv,
                          fx.rank[0].recv_image, fx.rank[0].recv_size, 0, 0);
  }
  coll_teardown(&fx);
  return result;
}

/* Holds a stream in a host callback until released (or 10 s pass). */
typedef struct coll_gate {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  int entered, open;
} coll_gate_t;

static void coll_gate_wait(void *user_data, xhal_status_t status) {
  (void)status;
  coll_gate_t *gate = user_data;
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  pthread_mutex_lock(&gate->mutex);
  gate->entered = 1;
  pthread_cond_broadcast(&gate->cond);
  while (!gate->open) {
    if (pthread_cond_timedwait(&gate->cond, &gate->mutex, &deadline) != 0) break;
  }
  pthread_mutex_unlock(&gate->mutex);
}

static void coll_gate_open(coll_gate_t *gate) {
  pthread_mutex_lock(&gate->mutex);
  gate->open = 1;
  pthread_cond_broadcast(&gate->cond);
  pthread_mutex_unlock(&gate->mutex);
}

/* Rank 1's stream is held while rank 0 waits in the all_reduce; abort must
 * wake rank 0 with ABORTED, rank 1 must report ABORTED once released, and no
 * recv buffer may change. */
static conf_result_t coll_abort_pending_run(conf_run_t *run, const coll_params_t *p,
                                            coll_fixture_t *fx, coll_gate_t *gate) {
  xhal_status_t status = xhal_stream_add_callback(fx->rank[1].stream, coll_gate_wait, gate);
  if (status != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_stream_add_callback", status);
  pthread_mutex_lock(&gate->mutex);
  while (!gate->entered) pthread_cond_wait(&gate->cond, &gate->mutex);
  pthread_mutex_unlock(&gate->mutex);
  conf_result_t result = coll_expect(run, "xhal_all_reduce", coll_issue(p, fx), XHAL_STATUS_OK);
  if (result == CONF_PASS) {
    result = coll_expect(run, "xhal_communicator_abort", xhal_communicator_abort(fx->comm),
                         XHAL_STATUS_OK);
  }
  if (result == CONF_PASS) {
    result = coll_expect(run, "rank 0's xhal_stream_synchronize after abort",
                         xhal_stream_synchronize(fx->rank[0].stream), XHAL_STATUS_ABORTED);
  }
  coll_gate_open(gate);
  if (result == CONF_PASS) {
    result = coll_expect(run, "rank 1's xhal_stream_synchronize after abort",
                         xhal_stream_synchronize(fx->rank[1].stream), XHAL_STATUS_ABORTED);
  }
  for (uint32_t r = 0; r < p->ranks && result == CONF_PASS; ++r) {
    result = coll_compare(run, p, "recv of an aborted all_reduce", r, fx->rank[r].stream,
                          fx->rank[r].recv, fx->rank[r].recv_image, fx->rank[r].recv_size, 0, 0);
  }
  if (result == CONF_PASS) {
    result = coll_expect(run, "xhal_all_reduce after abort", coll_issue(p, fx),
                         XHAL_STATUS_ABORTED);
  }
  return result;
}

static conf_result_t coll_abort_pending_case(conf_run_t *run, const void *params) {
  (void)params;
  coll_params_t p;
  coll_fixture_t fx;
  conf_result_t result = coll_small(run, 2, 0, &p, &fx);
  if (result == CONF_PASS && !xhal_communicator_is_native(fx.comm)) {
    result = conf_not_supported(run, "host-staged collectives complete inside the call");
  }
  uint32_t features = 0;
  if (result == CONF_PASS) result = coll_features(run, 1, &features);
  if (result == CONF_PASS && !(features & XHAL_FEATURE_HOST_CALLBACK)) {
    result = conf_not_supported(run, "needs HOST_CALLBACK to hold a stream");
  }
  if (result == CONF_PASS) {
    coll_gate_t gate = {.entered = 0, .open = 0};
    pthread_mutex_init(&gate.mutex, NULL);
    pthread_cond_init(&gate.cond, NULL);
    result = coll_abort_pending_run(run, &p, &fx, &gate);
    coll_gate_open(&gate);
    for (uint32_t r = 0; r < p.ranks; ++r) xhal_stream_synchronize(fx.rank[r].stream);
    pthread_cond_destroy(&gate.cond);
    pthread_mutex_destroy(&gate.mutex);
  }
  coll_teardown(&fx);
  return result;
}

/* ---- registration -------------------------------------------------------------- */

static const char *const coll_op_names[] = {"sum", "prod", "min", "max"};

static void coll_add(conf_registry_t *registry, conf_tier_t tier, coll_params_t p,
                     const char *size_name) {
  static const char *const kind_names[] = {"all_reduce", "broadcast", "all_gather",
                                           "reduce_scatter", "send_recv"};
  char op[48], name[128];
  switch (p.kind) {
    case COLL_ALL_REDUCE:
    case COLL_REDUCE_SCATTER:
      snprintf(op, sizeof op, "%s_%s", kind_names[p.kind], coll_op_names[p.op]);
      break;
    case COLL_BROADCAST:
      snprintf(op, sizeof op, "broadcast_root%u", p.root);
      break;
    case COLL_SEND_RECV:
      snprintf(op, sizeof op, "send_recv_r%u_to_r%u", p.root, p.dst);
      break;
    case COLL_ALL_GATHER:
      snprintf(op, sizeof op, "all_gather");
      break;
  }
  snprintf(name, sizeof name, "coll.%s.%s.%udev.%s%s%s%s", op, xhal_dtype_name(p.dtype), p.ranks,
           size_name, p.flags & COLL_IN_PLACE ? ".inplace" : "",
           p.flags & COLL_STAGED ? ".staged" : "", p.flags & COLL_NULL_OFFSETS ? ".null_offsets" : "");
  if (strcmp(size_name, "1mib") == 0) p.count = (UINT64_C(1) << 20) / xhal_dtype_size(p.dtype);
  else p.count = strtoull(size_name, NULL, 10);
  conf_register(registry, name, tier, coll_case, &p, sizeof p);
}

/* Adds the size classes: 1 and 1031 in the quick tier, 1 MiB in full. */
static void coll_add_sizes(conf_registry_t *registry, coll_params_t p) {
  coll_add(registry, CONF_TIER_QUICK, p, "1");
  coll_add(registry, CONF_TIER_QUICK, p, "1031");
  coll_add(registry, CONF_TIER_FULL, p, "1mib");
}

static void coll_register_reductions(conf_registry_t *registry) {
  static const xhal_dtype_t dtypes[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                        XHAL_DTYPE_I64};
  for (uint32_t n = 2; n <= COLL_MAX_RANKS; ++n) {
    for (uint32_t d = 0; d < sizeof dtypes / sizeof dtypes[0]; ++d) {
      for (uint32_t op = XHAL_REDUCE_SUM; op <= XHAL_REDUCE_MAX; ++op) {
        coll_add_sizes(registry, (coll_params_t){COLL_ALL_REDUCE, op, dtypes[d], n, 0, 0, 0, 0});
      }
      coll_add_sizes(registry, (coll_params_t){COLL_REDUCE_SCATTER, XHAL_REDUCE_SUM, dtypes[d], n,
                                               0, 0, 0, 0});
      coll_add_sizes(registry, (coll_params_t){COLL_REDUCE_SCATTER, XHAL_REDUCE_MAX, dtypes[d], n,
                                               0, 0, 0, 0});
    }
    coll_add_sizes(registry,
                   (coll_params_t){COLL_ALL_REDUCE, XHAL_REDUCE_SUM, XHAL_DTYPE_F64, n, 0, 0, 0, 0});
    coll_add(registry, CONF_TIER_QUICK,
             (coll_params_t){COLL_ALL_REDUCE, XHAL_REDUCE_SUM, XHAL_DTYPE_F32, n, 0, 0, 0,
                             COLL_IN_PLACE},
             "1031");
    coll_add(registry, CONF_TIER_QUICK,
             (coll_params_t){COLL_ALL_REDUCE, XHAL_REDUCE_MAX, XHAL_DTYPE_I64, n, 0, 0, 0,
                             COLL_IN_PLACE},
             "1031");
    coll_add(registry, CONF_TIER_QUICK,
             (coll_params_t){COLL_ALL_REDUCE, XHAL_REDUCE_SUM, XHAL_DTYPE_F32, n, 0, 0, 0,
                             COLL_NULL_OFFSETS},
             "1031");
    static const xhal_dtype_t staged[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I64};
    for (uint32_t d = 0; d < 3; ++d) {
      coll_add(registry, CONF_TIER_QUICK,
               (coll_params_t){COLL_ALL_REDUCE, XHAL_REDUCE_SUM, staged[d], n, 0, 0, 0,
                               COLL_STAGED},
               "1031");
    }
    coll_add(registry, CONF_TIER_QUICK,
             (coll_params_t){COLL_ALL_REDUCE, XHAL_REDUCE_PROD, XHAL_DTYPE_F16, n, 0, 0, 0,
                             COLL_STAGED | COLL_IN_PLACE},
             "1031");
    coll_add(registry, CONF_TIER_QUICK,
             (coll_params_t){COLL_REDUCE_SCATTER, XHAL_REDUCE_MAX, XHAL_DTYPE_I32, n, 0, 0, 0,
                             COLL_STAGED},
             "1031");
  }
}

static void coll_register_movement(conf_registry_t *registry) {
  static const xhal_dtype_t dtypes[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_I32,
                                        XHAL_DTYPE_I64};
  for (uint32_t n = 2; n <= COLL_MAX_RANKS; ++n) {
    for (uint32_t d = 0; d < sizeof dtypes / sizeof dtypes[0]; ++d) {
      coll_add_sizes(registry, (coll_params_t){COLL_ALL_GATHER, 0, dtypes[d], n, 0, 0, 0, 0});
      /* every root in f32; the last root for the other dtypes */
      for (uint32_t root = d == 0 ? 0 : n - 1; root < n; ++root) {
        coll_add_sizes(registry, (coll_params_t){COLL_BROADCAST, 0, dtypes[d], n, 0, root, 0, 0});
      }
      coll_add(registry, CONF_TIER_QUICK,
               (coll_params_t){COLL_SEND_RECV, 0, dtypes[d], n, 0, 0, n - 1, 0}, "1031");
    }
    for (uint32_t root = 0; root < n; ++root) {
      coll_add(registry, CONF_TIER_QUICK,
               (coll_params_t){COLL_BROADCAST, 0, XHAL_DTYPE_F32, n, 0, root, 0, COLL_IN_PLACE},
               "1031");
    }
    /* every ordered pair, and a rank to itself on one stream */
    for (uint32_t src = 0; src < n; ++src) {
      for (uint32_t dst = 0; dst < n; ++dst) {
        if (src == dst && n != 2) continue;
        coll_params_t p = {COLL_SEND_RECV, 0, XHAL_DTYPE_I64, n, 0, src, dst, 0};
        coll_add(registry, CONF_TIER_QUICK, p, "1");
        coll_add(registry, CONF_TIER_FULL, p, "1mib");
      }
    }
    coll_add(registry, CONF_TIER_QUICK,
             (coll_params_t){COLL_BROADCAST, 0, XHAL_DTYPE_F16, n, 0, n - 1, 0, COLL_STAGED},
             "1031");
    coll_add(registry, CONF_TIER_QUICK,
             (coll_params_t){COLL_ALL_GATHER, 0, XHAL_DTYPE_F32, n, 0, 0, 0, COLL_STAGED}, "1031");
    coll_add(registry, CONF_TIER_QUICK,
             (coll_params_t){COLL_SEND_RECV, 0, XHAL_DTYPE_F32, n, 0, n - 1, 0, COLL_STAGED},
             "1031");
  }
}

static void coll_register_errors(conf_registry_t *registry) {
  static const struct {
    const char *name;
    coll_invalid_t what;
    uint32_t ranks;
  } invalid[] = {
      {"stream_wrong_device", COLL_BAD_STREAM_DEVICE, 2},
      {"stream_twice", COLL_BAD_STREAM_TWICE, 2},
      {"buffer_wrong_device", COLL_BAD_BUFFER_DEVICE, 2},
      {"root_out_of_range", COLL_BAD_ROOT, 1},
      {"range_past_end", COLL_BAD_RANGE, 1},
      {"offset_overflow", COLL_BAD_OFFSET_OVERFLOW, 1},
      {"misaligned_offset", COLL_BAD_MISALIGNED, 1},
      {"count_overflow", COLL_BAD_COUNT_OVERFLOW, 1},
      {"dtype", COLL_BAD_DTYPE, 1},
      {"reduce_op", COLL_BAD_REDUCE_OP, 1},
      {"overlap", COLL_BAD_OVERLAP, 1},
      {"send_recv_rank", COLL_BAD_SEND_RECV_RANK, 1},
      {"null_array", COLL_BAD_NULL_ARRAY, 1},
  };
  char name[96];
  for (uint32_t i = 0; i < sizeof invalid / sizeof invalid[0]; ++i) {
    for (int staged = 0; staged <= 1; ++staged) {
      coll_invalid_params_t q = {invalid[i].what, invalid[i].ranks, staged};
      snprintf(name, sizeof name, "coll.invalid.%s%s", invalid[i].name, staged ? ".staged" : "");
      conf_register(registry, name, CONF_TIER_QUICK, coll_invalid_case, &q, sizeof q);
    }
  }
  conf_register(registry, "coll.invalid.create", CONF_TIER_QUICK, coll_create_invalid_case, NULL,
                0);
  for (int staged = 0; staged <= 1; ++staged) {
    snprintf(name, sizeof name, "coll.invalid.destroyed_communicator%s", staged ? ".staged" : "");
    conf_register(registry, name, CONF_TIER_QUICK, coll_destroyed_case, &staged, sizeof staged);
    snprintf(name, sizeof name, "coll.abort.later_calls%s", staged ? ".staged" : "");
    conf_register(registry, name, CONF_TIER_QUICK, coll_abort_later_case, &staged, sizeof staged);
  }
  conf_register(registry, "coll.abort.pending", CONF_TIER_QUICK, coll_abort_pending_case, NULL, 0);
}

void conf_area_coll_register(conf_registry_t *registry) {
  coll_register_reductions(registry);
  coll_register_movement(registry);
  coll_register_errors(registry);
}
