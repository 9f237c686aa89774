/*
 * onnx_file.h - the bytes of ONNX files and the errors of the ONNX reader.
 *
 * The reader (onnx_model.h, onnx_tensor.h) is a static library shared by the
 * conformance tool and libxhal's graph importer, so it reports errors into a
 * caller-owned xhal__onnx_error_t instead of libxhal's thread-local message.
 * Messages say what failed and with which value (file, node, tensor).
 */
#ifndef XHAL_ONNX_FILE_H
#define XHAL_ONNX_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <xhal/xhal_types.h>

typedef struct xhal__onnx_error {
  char message[1024]; /* NUL-terminated; "" until an error is recorded */
} xhal__onnx_error_t;

/* Formats message into err (err may be NULL) and returns status. */
xhal_status_t xhal__onnx_error_set(xhal__onnx_error_t *err, xhal_status_t status,
                                   const char *format, ...) __attribute__((format(printf, 3, 4)));

/* Largest file the reader accepts (protobuf itself is limited to 2 GiB). */
#define XHAL__ONNX_FILE_MAX (UINT64_C(2) << 30)

/* Reads the whole file into *out_data (malloc'd, caller frees; at least one
 * byte is allocated so an empty file gives a valid pointer) and *out_size.
 * Errors: NOT_FOUND (no such file), IO_ERROR (unreadable, a directory),
 * INVALID_ARGUMENT (larger than XHAL__ONNX_FILE_MAX), OUT_OF_MEMORY. */
xhal_status_t xhal__onnx_file_read(const char *path, uint8_t **out_data, size_t *out_size,
                                   xhal__onnx_error_t *err);

struct ProtobufCMessageDescriptor;

/* Walks data as a message of type desc, guided by the schema, nested
 * messages included, with the depth bounded (protobuf-c itself recurses
 * without a limit, so this runs before it). Returns 0 when the wire format
 * is intact, or -1 and describes the first defect in out with its byte
 * offset and field path, e.g. "at byte 33 in GraphProto.node[2]: field 1:
 * length 120 runs past the end of the enclosing data (5 bytes left;
 * truncated file?)". out may be NULL. */
int xhal__onnx_wire_check(const struct ProtobufCMessageDescriptor *desc, const uint8_t *data,
                          size_t size, char *out, size_t out_size);

#endif
