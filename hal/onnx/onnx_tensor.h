/*
 * onnx_tensor.h - ONNX TensorProto -> host tensor.
 *
 * A host tensor owns its name, dims and data. Data is dense, row-major, in
 * host byte order, element size xhal__onnx_dtype_size(dtype); BOOL is one
 * byte holding 0 or 1. The data comes from raw_data (little-endian) or from
 * the typed field the ONNX spec assigns to the dtype: float_data (FLOAT),
 * int32_data (INT32, INT16, INT8, UINT16, UINT8, BOOL, and FLOAT16/BFLOAT16
 * as their bit patterns), int64_data (INT64), double_data (DOUBLE),
 * uint64_data (UINT32, UINT64).
 *
 * Errors (status and a message naming the tensor and the value at fault):
 * INVALID_ARGUMENT for malformed tensors (unknown or missing data type,
 * negative dims, element counts that overflow, data whose length does not
 * match dims x element size, data in the wrong typed field), UNSUPPORTED for
 * valid tensors the reader does not hold (STRING, COMPLEX64/128, external
 * data, segments), plus the file errors of xhal__onnx_file_read.
 * Out-parameters are untouched on error. Not thread-safe per tensor.
 */
#ifndef XHAL_ONNX_TENSOR_H
#define XHAL_ONNX_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include <xhal/xhal_types.h>

#include "onnx_file.h"

typedef struct xhal__onnx_tensor {
  char *name;             /* owned, "" when the proto has none */
  xhal_dtype_t dtype;     /* ONNX TensorProto.DataType code == xhal dtype */
  uint32_t rank;
  int64_t *dims;          /* owned [rank]; NULL when rank is 0 */
  uint64_t element_count; /* product of dims (1 for rank 0) */
  uint64_t byte_size;     /* element_count * element size */
  void *data;             /* owned, byte_size bytes (at least one allocated) */
} xhal__onnx_tensor_t;

/* ONNX's name of a data type code ("FLOAT", "STRING", ...), "?" if unknown. */
const char *xhal__onnx_dtype_name(int32_t onnx_type);
/* Bytes per element of a dtype the reader holds; 0 for any other code. */
size_t xhal__onnx_dtype_size(int32_t onnx_type);
/* OK if the reader holds tensors of this code; UNSUPPORTED for STRING and
 * COMPLEX*, INVALID_ARGUMENT for codes ONNX does not define. what names the
 * tensor in the message. */
xhal_status_t xhal__onnx_dtype_check(int32_t onnx_type, const char *what,
                                     xhal__onnx_error_t *err);

struct Onnx__TensorProto;

/* Converts a decoded TensorProto into *out (fully replaced on success).
 * what names the tensor in messages (e.g. "model.onnx: initializer 'W'"). */
xhal_status_t xhal__onnx_tensor_from_proto(const struct Onnx__TensorProto *proto,
                                           const char *what, xhal__onnx_tensor_t *out,
                                           xhal__onnx_error_t *err);

/* Decodes a serialized TensorProto (the input_N.pb / output_N.pb files of
 * the ONNX node tests). what names the bytes in messages. */
xhal_status_t xhal__onnx_tensor_parse(const uint8_t *data, size_t size, const char *what,
                                      xhal__onnx_tensor_t *out, xhal__onnx_error_t *err);
/* Reads and decodes a TensorProto file. */
xhal_status_t xhal__onnx_tensor_load(const char *path, xhal__onnx_tensor_t *out,
                                     xhal__onnx_error_t *err);

/* Frees what t owns and zeroes it; NULL and zeroed tensors are fine. */
void xhal__onnx_tensor_deinit(xhal__onnx_tensor_t *t);

#endif
