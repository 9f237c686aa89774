/* onnx_tensor.c - ONNX TensorProto -> host tensor, with every length, type
 * and range checked before a byte is copied. */
#include "onnx_tensor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include XHAL_ONNX_PB_HEADER

/* TensorProto.DataType codes the reader knows but does not hold. */
enum { ONNX_TYPE_STRING = 8, ONNX_TYPE_COMPLEX64 = 14, ONNX_TYPE_COMPLEX128 = 15 };

const char *xhal__onnx_dtype_name(int32_t onnx_type) {
  static const char *const names[] = {
      "UNDEFINED", "FLOAT",  "UINT8",  "INT8",   "UINT16",    "INT16",      "INT32",   "INT64",
      "STRING",    "BOOL",   "FLOAT16", "DOUBLE", "UINT32",   "UINT64",     "COMPLEX64",
      "COMPLEX128", "BFLOAT16"};
  return onnx_type >= 0 && (size_t)onnx_type < sizeof names / sizeof names[0] ? names[onnx_type]
                                                                               : "?";
}

size_t xhal__onnx_dtype_size(int32_t onnx_type) {
  switch (onnx_type) {
#define ONNX_DTYPE_SIZE(name, value, size, text)                                                   \
  case value:                                                                                      \
    return size;
    XHAL_DTYPE_LIST(ONNX_DTYPE_SIZE)
#undef ONNX_DTYPE_SIZE
    default:
      return 0;
  }
}

xhal_status_t xhal__onnx_dtype_check(int32_t onnx_type, const char *what,
                                     xhal__onnx_error_t *err) {
  if (xhal__onnx_dtype_size(onnx_type)) return XHAL_STATUS_OK;
  if (onnx_type == ONNX_TYPE_STRING || onnx_type == ONNX_TYPE_COMPLEX64 ||
      onnx_type == ONNX_TYPE_COMPLEX128) {
    return xhal__onnx_error_set(err, XHAL_STATUS_UNSUPPORTED,
                                "%s: data type %s (%d) is not supported (xhal tensors hold "
                                "numbers and bools only)",
                                what, xhal__onnx_dtype_name(onnx_type), (int)onnx_type);
  }
  if (onnx_type == 0) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: data type is UNDEFINED (0) or missing", what);
  }
  return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                              "%s: unknown data type code %d (onnx.proto defines 1..16)", what,
                              (int)onnx_type);
}

void xhal__onnx_tensor_deinit(xhal__onnx_tensor_t *t) {
  if (!t) return;
  free(t->name);
  free(t->dims);
  free(t->data);
  memset(t, 0, sizeof *t);
}

/* ---- shape ------------------------------------------------------------------ */

static void onnx_dims_format(const int64_t *dims, size_t rank, char *out, size_t out_size) {
  size_t used = (size_t)snprintf(out, out_size, "[");
  for (size_t d = 0; d < rank && used < out_size; ++d) {
    used += (size_t)snprintf(out + used, out_size - used, d ? ",%lld" : "%lld",
                             (long long)dims[d]);
  }
  if (used < out_size) snprintf(out + used, out_size - used, "]");
}

/* Element count and byte size of dims, refusing negative dims and overflow.
 * A zero dim makes the count 0 whatever the others are. */
static xhal_status_t onnx_dims_count(const int64_t *dims, size_t rank, size_t element_size,
                                     const char *what, uint64_t *out_count, uint64_t *out_bytes,
                                     xhal__onnx_error_t *err) {
  char shape[256];
  int zero = 0;
  for (size_t d = 0; d < rank; ++d) {
    if (dims[d] < 0) {
      onnx_dims_format(dims, rank, shape, sizeof shape);
      return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: dim %zu is negative (%lld) in dims %s", what, d,
                                  (long long)dims[d], shape);
    }
    zero |= dims[d] == 0;
  }
  uint64_t count = 1;
  for (size_t d = 0; d < rank && !zero; ++d) {
    if ((uint64_t)dims[d] > UINT64_MAX / count) {
      onnx_dims_format(dims, rank, shape, sizeof shape);
      return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: the element count of dims %s overflows 64 bits", what,
                                  shape);
    }
    count *= (uint64_t)dims[d];
  }
  if (zero) count = 0;
  if (count > (uint64_t)SIZE_MAX / element_size || count > UINT64_MAX / element_size) {
    onnx_dims_format(dims, rank, shape, sizeof shape);
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: dims %s hold %llu elements of %zu bytes, more than memory "
                                "can address",
                                what, shape, (unsigned long long)count, element_size);
  }
  *out_count = count;
  *out_bytes = count * element_size;
  return XHAL_STATUS_OK;
}

/* ---- data ------------------------------------------------------------------- */

typedef enum onnx_field {
  ONNX_FIELD_FLOAT = 0,
  ONNX_FIELD_INT32 = 1,
  ONNX_FIELD_INT64 = 2,
  ONNX_FIELD_DOUBLE = 3,
  ONNX_FIELD_UINT64 = 4,
  ONNX_FIELD_STRING = 5,
  ONNX_FIELD_COUNT = 6,
} onnx_field_t;

static const char *const onnx_field_names[ONNX_FIELD_COUNT] = {
    "float_data", "int32_data", "int64_data", "double_data", "uint64_data", "string_data"};

/* The typed field the ONNX spec assigns to each dtype the reader holds. */
static onnx_field_t onnx_field_of(xhal_dtype_t dtype) {
  switch (dtype) {
    case XHAL_DTYPE_F32: return ONNX_FIELD_FLOAT;
    case XHAL_DTYPE_I64: return ONNX_FIELD_INT64;
    case XHAL_DTYPE_F64: return ONNX_FIELD_DOUBLE;
    case XHAL_DTYPE_U32:
    case XHAL_DTYPE_U64: return ONNX_FIELD_UINT64;
    default: return ONNX_FIELD_INT32; /* i32 i16 i8 u16 u8 bool f16 bf16 */
  }
}

static int onnx_host_is_little_endian(void) {
  const uint16_t probe = 1;
  return *(const uint8_t *)&probe == 1;
}

/* Copies little-endian raw_data into host order. */
static void onnx_copy_raw(uint8_t *dst, const uint8_t *src, uint64_t count, size_t size) {
  if (!count) return;
  if (size == 1 || onnx_host_is_little_endian()) {
    memcpy(dst, src, (size_t)(count * size));
    return;
  }
  for (uint64_t i = 0; i < count; ++i) {
    for (size_t b = 0; b < size; ++b) dst[i * size + b] = src[i * size + size - 1 - b];
  }
}

/* Narrows int32_data into 1- or 2-byte elements after a range check. */
static xhal_status_t onnx_copy_int32(void *dst, const int32_t *src, uint64_t count,
                                     xhal_dtype_t dtype, const char *what,
                                     xhal__onnx_error_t *err) {
  int64_t lo = INT32_MIN, hi = INT32_MAX;
  switch (dtype) {
    case XHAL_DTYPE_I8: lo = INT8_MIN; hi = INT8_MAX; break;
    case XHAL_DTYPE_U8: lo = 0; hi = UINT8_MAX; break;
    case XHAL_DTYPE_I16: lo = INT16_MIN; hi = INT16_MAX; break;
    case XHAL_DTYPE_U16: lo = 0; hi = UINT16_MAX; break;
    case XHAL_DTYPE_F16:
    case XHAL_DTYPE_BF16: lo = INT16_MIN; hi = UINT16_MAX; break; /* bit patterns */
    default: break;
  }
  for (uint64_t i = 0; i < count; ++i) {
    int64_t v = src[i];
    if (dtype != XHAL_DTYPE_BOOL && (v < lo || v > hi)) {
      return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: int32_data[%llu] = %lld is out of range for %s", what,
                                  (unsigned long long)i, (long long)v,
                                  xhal__onnx_dtype_name((int32_t)dtype));
    }
    switch (dtype) {
      case XHAL_DTYPE_BOOL: ((uint8_t *)dst)[i] = v != 0; break;
      case XHAL_DTYPE_I8:
      case XHAL_DTYPE_U8: ((uint8_t *)dst)[i] = (uint8_t)(v & 0xff); break;
      case XHAL_DTYPE_I16:
      case XHAL_DTYPE_U16:
      case XHAL_DTYPE_F16:
      case XHAL_DTYPE_BF16: ((uint16_t *)dst)[i] = (uint16_t)(v & 0xffff); break;
      default: ((int32_t *)dst)[i] = (int32_t)v; break;
    }
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t onnx_copy_uint64(void *dst, const uint64_t *src, uint64_t count,
                                      xhal_dtype_t dtype, const char *what,
                                      xhal__onnx_error_t *err) {
  for (uint64_t i = 0; i < count; ++i) {
    if (dtype == XHAL_DTYPE_U32) {
      if (src[i] > UINT32_MAX) {
        return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                    "%s: uint64_data[%llu] = %llu is out of range for UINT32",
                                    what, (unsigned long long)i, (unsigned long long)src[i]);
      }
      ((uint32_t *)dst)[i] = (uint32_t)src[i];
    } else {
      ((uint64_t *)dst)[i] = src[i];
    }
  }
  return XHAL_STATUS_OK;
}

/* Finds where the values are: raw_data or exactly the dtype's typed field
 * (or nothing, for an empty tensor). */
static xhal_status_t onnx_locate_data(const Onnx__TensorProto *p, xhal_dtype_t dtype,
                                      uint64_t count, uint64_t bytes, const char *what,
                                      xhal__onnx_error_t *err) {
  const size_t filled[ONNX_FIELD_COUNT] = {p->n_float_data,  p->n_int32_data, p->n_int64_data,
                                           p->n_double_data, p->n_uint64_data,
                                           p->n_string_data};
  onnx_field_t own = onnx_field_of(dtype);
  const char *type_name = xhal__onnx_dtype_name((int32_t)dtype);
  for (int f = 0; f < ONNX_FIELD_COUNT; ++f) {
    if (!filled[f]) continue;
    if (p->has_raw_data) {
      return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: has both raw_data and %s (%zu values); ONNX allows one",
                                  what, onnx_field_names[f], filled[f]);
    }
    if ((onnx_field_t)f != own) {
      return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: holds %zu values in %s, but a %s tensor's values belong "
                                  "in %s or raw_data",
                                  what, filled[f], onnx_field_names[f], type_name,
                                  onnx_field_names[own]);
    }
  }
  if (p->has_raw_data) {
    if ((uint64_t)p->raw_data.len != bytes) {
      return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: raw_data holds %zu bytes, but %llu %s elements need %llu",
                                  what, p->raw_data.len, (unsigned long long)count, type_name,
                                  (unsigned long long)bytes);
    }
    return XHAL_STATUS_OK;
  }
  if ((uint64_t)filled[own] != count) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: %s holds %zu values, but the dims need %llu%s", what,
                                onnx_field_names[own], filled[own], (unsigned long long)count,
                                filled[own] ? "" : " (no raw_data either)");
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t onnx_copy_data(const Onnx__TensorProto *p, xhal__onnx_tensor_t *t,
                                    const char *what, xhal__onnx_error_t *err) {
  size_t size = xhal__onnx_dtype_size((int32_t)t->dtype);
  if (p->has_raw_data) {
    onnx_copy_raw(t->data, p->raw_data.data, t->element_count, size);
    if (t->dtype == XHAL_DTYPE_BOOL) {
      uint8_t *b = t->data;
      for (uint64_t i = 0; i < t->element_count; ++i) b[i] = b[i] != 0;
    }
    return XHAL_STATUS_OK;
  }
  if (!t->element_count) return XHAL_STATUS_OK;
  switch (onnx_field_of(t->dtype)) {
    case ONNX_FIELD_FLOAT: memcpy(t->data, p->float_data, t->byte_size); return XHAL_STATUS_OK;
    case ONNX_FIELD_INT64: memcpy(t->data, p->int64_data, t->byte_size); return XHAL_STATUS_OK;
    case ONNX_FIELD_DOUBLE: memcpy(t->data, p->double_data, t->byte_size); return XHAL_STATUS_OK;
    case ONNX_FIELD_UINT64:
      return onnx_copy_uint64(t->data, p->uint64_data, t->element_count, t->dtype, what, err);
    default:
      return onnx_copy_int32(t->data, p->int32_data, t->element_count, t->dtype, what, err);
  }
}

xhal_status_t xhal__onnx_tensor_from_proto(const struct Onnx__TensorProto *proto,
                                           const char *what, xhal__onnx_tensor_t *out,
                                           xhal__onnx_error_t *err) {
  if (!proto || !out) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT, "%s: NULL argument",
                                what ? what : "tensor");
  }
  const Onnx__TensorProto *p = proto;
  xhal_status_t status =
      xhal__onnx_dtype_check(p->has_data_type ? p->data_type : 0, what, err);
  if (status != XHAL_STATUS_OK) return status;
  if (p->has_data_location && p->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
    return xhal__onnx_error_set(err, XHAL_STATUS_UNSUPPORTED,
                                "%s: data is stored in an external file, which the reader does "
                                "not load",
                                what);
  }
  if (p->segment) {
    return xhal__onnx_error_set(err, XHAL_STATUS_UNSUPPORTED,
                                "%s: is one segment of a larger tensor, which the reader does "
                                "not assemble",
                                what);
  }
  if (p->n_dims > UINT32_MAX) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT, "%s: rank %zu is absurd", what,
                                p->n_dims);
  }
  xhal__onnx_tensor_t t = {.dtype = (xhal_dtype_t)p->data_type, .rank = (uint32_t)p->n_dims};
  status = onnx_dims_count(p->dims, p->n_dims, xhal__onnx_dtype_size(p->data_type), what,
                           &t.element_count, &t.byte_size, err);
  if (status == XHAL_STATUS_OK) {
    status = onnx_locate_data(p, t.dtype, t.element_count, t.byte_size, what, err);
  }
  if (status != XHAL_STATUS_OK) return status;
  t.name = strdup(p->name ? p->name : "");
  t.dims = t.rank ? malloc(t.rank * sizeof *t.dims) : NULL;
  t.data = malloc(t.byte_size ? (size_t)t.byte_size : 1);
  if (!t.name || (t.rank && !t.dims) || !t.data) {
    xhal__onnx_tensor_deinit(&t);
    return xhal__onnx_error_set(err, XHAL_STATUS_OUT_OF_MEMORY, "%s: no memory for %llu bytes",
                                what, (unsigned long long)t.byte_size);
  }
  if (t.rank) memcpy(t.dims, p->dims, t.rank * sizeof *t.dims);
  status = onnx_copy_data(p, &t, what, err);
  if (status != XHAL_STATUS_OK) {
    xhal__onnx_tensor_deinit(&t);
    return status;
  }
  *out = t;
  return XHAL_STATUS_OK;
}

xhal_status_t xhal__onnx_tensor_parse(const uint8_t *data, size_t size, const char *what,
                                      xhal__onnx_tensor_t *out, xhal__onnx_error_t *err) {
  char defect[512];
  if (!data && size) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT, "%s: NULL data", what);
  }
  if (xhal__onnx_wire_check(&onnx__tensor_proto__descriptor, data, size, defect,
                            sizeof defect) != 0) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: not a valid TensorProto (%zu bytes): %s", what, size,
                                defect);
  }
  Onnx__TensorProto *proto = onnx__tensor_proto__unpack(NULL, size, data);
  if (!proto) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: not a valid TensorProto (%zu bytes): protobuf-c refused a "
                                "value although the wire format is intact",
                                what, size);
  }
  xhal_status_t status = xhal__onnx_tensor_from_proto(proto, what, out, err);
  onnx__tensor_proto__free_unpacked(proto, NULL);
  return status;
}

xhal_status_t xhal__onnx_tensor_load(const char *path, xhal__onnx_tensor_t *out,
                                     xhal__onnx_error_t *err) {
  uint8_t *data = NULL;
  size_t size = 0;
  xhal_status_t status = xhal__onnx_file_read(path, &data, &size, err);
  if (status != XHAL_STATUS_OK) return status;
  status = xhal__onnx_tensor_parse(data, size, path, out, err);
  free(data);
  return status;
}
