/* onnx_file.c - reading ONNX files, the reader's error messages, and a
 * schema-guided walk of the protobuf wire format that finds the first defect
 * of a file protobuf-c refuses (and bounds the nesting depth before
 * protobuf-c, which recurses without a limit, ever sees the bytes). */
#include "onnx_file.h"

#include <errno.h>
#include <protobuf-c/protobuf-c.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

xhal_status_t xhal__onnx_error_set(xhal__onnx_error_t *err, xhal_status_t status,
                                   const char *format, ...) {
  if (!err) return status;
  va_list args;
  va_start(args, format);
  vsnprintf(err->message, sizeof err->message, format, args);
  va_end(args);
  return status;
}

xhal_status_t xhal__onnx_file_read(const char *path, uint8_t **out_data, size_t *out_size,
                                   xhal__onnx_error_t *err) {
  if (!path || !out_data || !out_size) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT, "file read: NULL argument");
  }
  FILE *file = fopen(path, "rb");
  if (!file) {
    int code = errno;
    return xhal__onnx_error_set(err, code == ENOENT ? XHAL_STATUS_NOT_FOUND : XHAL_STATUS_IO_ERROR,
                                "%s: cannot open: %s", path, strerror(code));
  }
  struct stat info;
  if (fstat(fileno(file), &info) != 0 || !S_ISREG(info.st_mode)) {
    fclose(file);
    return xhal__onnx_error_set(err, XHAL_STATUS_IO_ERROR, "%s: not a regular file", path);
  }
  if ((uint64_t)info.st_size > XHAL__ONNX_FILE_MAX) {
    fclose(file);
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: %lld bytes is more than the %llu a protobuf may hold", path,
                                (long long)info.st_size, (unsigned long long)XHAL__ONNX_FILE_MAX);
  }
  size_t size = (size_t)info.st_size;
  uint8_t *data = malloc(size ? size : 1);
  if (!data) {
    fclose(file);
    return xhal__onnx_error_set(err, XHAL_STATUS_OUT_OF_MEMORY, "%s: no memory for %zu bytes",
                                path, size);
  }
  size_t got = fread(data, 1, size, file);
  int failed = ferror(file);
  fclose(file);
  if (failed || got != size) {
    free(data);
    return xhal__onnx_error_set(err, XHAL_STATUS_IO_ERROR, "%s: read %zu of %zu bytes", path, got,
                                size);
  }
  *out_data = data;
  *out_size = size;
  return XHAL_STATUS_OK;
}

/* ---- wire-format walk ------------------------------------------------------ */

#define ONNX_WIRE_MAX_DEPTH 100
#define ONNX_WIRE_MAX_COUNTED_FIELDS 64

enum { ONNX_WIRE_VARINT = 0, ONNX_WIRE_FIXED64 = 1, ONNX_WIRE_LENGTH = 2, ONNX_WIRE_FIXED32 = 5 };

typedef struct onnx_wire_walk {
  const uint8_t *base; /* start of the data, for byte offsets */
  char path[512];      /* ModelProto.graph.node[3] */
  char *out;
  size_t out_size;
} onnx_wire_walk_t;

static int onnx_wire_defect(onnx_wire_walk_t *w, const uint8_t *at, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static int onnx_wire_defect(onnx_wire_walk_t *w, const uint8_t *at, const char *format, ...) {
  char what[256];
  va_list args;
  va_start(args, format);
  vsnprintf(what, sizeof what, format, args);
  va_end(args);
  /* Deep paths keep their start and their end. */
  size_t length = strlen(w->path);
  if (length > 160) {
    snprintf(w->out, w->out_size, "at byte %zu in %.60s ... %s: %s", (size_t)(at - w->base),
             w->path, w->path + length - 90, what);
  } else {
    snprintf(w->out, w->out_size, "at byte %zu in %s: %s", (size_t)(at - w->base), w->path,
             what);
  }
  return -1;
}

/* 0 and the value, 1 if the data ends inside it, 2 if longer than 10 bytes. */
static int onnx_wire_varint(const uint8_t **p, const uint8_t *end, uint64_t *value) {
  uint64_t result = 0;
  for (unsigned i = 0; i < 10; ++i) {
    if (*p + i >= end) return 1;
    uint8_t byte = (*p)[i];
    result |= (uint64_t)(byte & 0x7f) << (7 * i);
    if (!(byte & 0x80)) {
      *p += i + 1;
      *value = result;
      return 0;
    }
  }
  return 2;
}

static int onnx_wire_type_of(ProtobufCType type) {
  switch (type) {
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_FIXED64:
    case PROTOBUF_C_TYPE_DOUBLE: return ONNX_WIRE_FIXED64;
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT: return ONNX_WIRE_FIXED32;
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_BYTES:
    case PROTOBUF_C_TYPE_MESSAGE: return ONNX_WIRE_LENGTH;
    default: return ONNX_WIRE_VARINT;
  }
}

static const char *onnx_wire_type_name(int wire_type) {
  switch (wire_type) {
    case ONNX_WIRE_VARINT: return "varint";
    case ONNX_WIRE_FIXED64: return "64-bit";
    case ONNX_WIRE_LENGTH: return "length-delimited";
    case 3: return "group start";
    case 4: return "group end";
    case ONNX_WIRE_FIXED32: return "32-bit";
    default: return "invalid";
  }
}

/* Checks the payload of a packed repeated scalar field. */
static int onnx_wire_packed(onnx_wire_walk_t *w, const ProtobufCFieldDescriptor *field,
                            const uint8_t *p, const uint8_t *end) {
  int wire_type = onnx_wire_type_of(field->type);
  size_t size = (size_t)(end - p);
  if (wire_type == ONNX_WIRE_FIXED32 || wire_type == ONNX_WIRE_FIXED64) {
    size_t element = wire_type == ONNX_WIRE_FIXED32 ? 4 : 8;
    if (size % element) {
      return onnx_wire_defect(w, p, "packed field %u '%s' holds %zu bytes, not a multiple of %zu",
                              field->id, field->name, size, element);
    }
    return 0;
  }
  while (p < end) {
    uint64_t value;
    const uint8_t *at = p;
    if (onnx_wire_varint(&p, end, &value) != 0) {
      return onnx_wire_defect(w, at, "packed field %u '%s' ends inside a varint", field->id,
                              field->name);
    }
  }
  return 0;
}

static int onnx_wire_message(onnx_wire_walk_t *w, const ProtobufCMessageDescriptor *desc,
                             const uint8_t *p, const uint8_t *end, unsigned depth);

/* Checks one field whose value spans [value, value_end) against the schema;
 * recurses into messages. */
static int onnx_wire_field(onnx_wire_walk_t *w, const ProtobufCMessageDescriptor *desc,
                           uint32_t number, int wire_type, const uint8_t *key,
                           const uint8_t *value, const uint8_t *value_end, unsigned *counts,
                           unsigned depth) {
  const ProtobufCFieldDescriptor *field = protobuf_c_message_descriptor_get_field(desc, number);
  if (!field) return 0; /* unknown fields are kept aside by protobuf-c */
  int repeated = field->label == PROTOBUF_C_LABEL_REPEATED;
  int expected = onnx_wire_type_of(field->type);
  if (wire_type != expected) {
    if (repeated && wire_type == ONNX_WIRE_LENGTH && expected != ONNX_WIRE_LENGTH) {
      return onnx_wire_packed(w, field, value, value_end);
    }
    return onnx_wire_defect(w, key, "field %u '%s' is encoded as %s, but the schema expects %s",
                            number, field->name, onnx_wire_type_name(wire_type),
                            onnx_wire_type_name(expected));
  }
  if (field->type != PROTOBUF_C_TYPE_MESSAGE) return 0;
  size_t index = (size_t)(field - desc->fields);
  size_t path_length = strlen(w->path);
  if (repeated) {
    unsigned count = index < ONNX_WIRE_MAX_COUNTED_FIELDS ? counts[index]++ : 0;
    snprintf(w->path + path_length, sizeof w->path - path_length, ".%s[%u]", field->name, count);
  } else {
    snprintf(w->path + path_length, sizeof w->path - path_length, ".%s", field->name);
  }
  int result = onnx_wire_message(w, field->descriptor, value, value_end, depth + 1);
  if (result == 0) w->path[path_length] = '\0';
  return result;
}

static int onnx_wire_message(onnx_wire_walk_t *w, const ProtobufCMessageDescriptor *desc,
                             const uint8_t *p, const uint8_t *end, unsigned depth) {
  if (depth > ONNX_WIRE_MAX_DEPTH) {
    return onnx_wire_defect(w, p, "messages nested more than %d deep", ONNX_WIRE_MAX_DEPTH);
  }
  unsigned counts[ONNX_WIRE_MAX_COUNTED_FIELDS] = {0};
  while (p < end) {
    const uint8_t *key = p;
    uint64_t tag, length = 0;
    int status = onnx_wire_varint(&p, end, &tag);
    if (status) {
      return onnx_wire_defect(w, key, "%s", status == 1 ? "the data ends inside a field key"
                                                        : "a field key longer than 10 bytes");
    }
    uint64_t number = tag >> 3;
    int wire_type = (int)(tag & 7);
    if (number == 0 || number > 536870911u) {
      return onnx_wire_defect(w, key, "field number %llu is outside 1..2^29-1 (not a protobuf?)",
                              (unsigned long long)number);
    }
    const uint8_t *value = p;
    switch (wire_type) {
      case ONNX_WIRE_VARINT:
        status = onnx_wire_varint(&p, end, &length);
        if (status) {
          return onnx_wire_defect(w, value, "field %llu: %s", (unsigned long long)number,
                                  status == 1 ? "the data ends inside a varint"
                                              : "a varint longer than 10 bytes");
        }
        break;
      case ONNX_WIRE_FIXED64:
      case ONNX_WIRE_FIXED32: {
        size_t size = wire_type == ONNX_WIRE_FIXED64 ? 8 : 4;
        if ((size_t)(end - p) < size) {
          return onnx_wire_defect(w, value, "field %llu: the data ends inside a %zu-byte value",
                                  (unsigned long long)number, size);
        }
        p += size;
        break;
      }
      case ONNX_WIRE_LENGTH:
        status = onnx_wire_varint(&p, end, &length);
        if (status) {
          return onnx_wire_defect(w, value, "field %llu: the data ends inside a length",
                                  (unsigned long long)number);
        }
        if (length > (uint64_t)(end - p)) {
          return onnx_wire_defect(w, value,
                                  "field %llu: length %llu runs past the end of the enclosing "
                                  "data (%zu bytes left; truncated file?)",
                                  (unsigned long long)number, (unsigned long long)length,
                                  (size_t)(end - p));
        }
        value = p;
        p += length;
        break;
      default:
        return onnx_wire_defect(w, key, "field %llu has wire type %d (%s), which protobuf-c "
                                        "does not accept (not a protobuf?)",
                                (unsigned long long)number, wire_type,
                                onnx_wire_type_name(wire_type));
    }
    if (onnx_wire_field(w, desc, (uint32_t)number, wire_type, key, value, p, counts, depth)) {
      return -1;
    }
  }
  return 0;
}

int xhal__onnx_wire_check(const struct ProtobufCMessageDescriptor *desc, const uint8_t *data,
                          size_t size, char *out, size_t out_size) {
  char scratch[1];
  onnx_wire_walk_t w = {.base = data, .out = out && out_size ? out : scratch,
                        .out_size = out && out_size ? out_size : sizeof scratch};
  snprintf(w.path, sizeof w.path, "%s", desc->short_name);
  w.out[0] = '\0';
  if (!size) return 0; /* an empty message is valid: every field absent */
  return onnx_wire_message(&w, desc, data, data + size, 0);
}
