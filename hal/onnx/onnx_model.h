/*
 * onnx_model.h - an ONNX ModelProto read into a small backend-neutral IR.
 *
 * The IR keeps what an executor or importer needs: the opset imports, the
 * graph's inputs and outputs with their types and shapes where given, the
 * initializers as host tensors, and the nodes in file order (ONNX requires
 * topological order) with their attributes converted to xhal_attr_t arrays
 * (INT, FLOAT, INTS, FLOATS, STRING) and their TENSOR attributes (Constant's
 * `value`) as host tensors. Attributes of other kinds (GRAPH, STRINGS,
 * TENSORS, SPARSE_TENSOR, TYPE_PROTO, ...) are listed by name and kind so a
 * consumer can refuse the node with a precise reason. Everything is owned by
 * the model and freed by xhal__onnx_model_destroy.
 *
 * Loading validates the graph: every node input names a graph input, an
 * initializer or the output of an earlier node; no value is produced twice;
 * node op types and attribute names are present and unique per node.
 * Errors name the file, the node (index, name, op type) or tensor at fault
 * and the offending value. Statuses: see onnx_tensor.h; a valid model that
 * holds tensors the reader does not (STRING initializers) gives UNSUPPORTED.
 */
#ifndef XHAL_ONNX_MODEL_H
#define XHAL_ONNX_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <xhal/xhal_types.h>

#include "onnx_file.h"
#include "onnx_tensor.h"

typedef struct xhal__onnx_opset {
  char *domain; /* "" for the default domain (also written "ai.onnx") */
  int64_t version;
} xhal__onnx_opset_t;

typedef enum xhal__onnx_value_kind {
  XHAL__ONNX_VALUE_UNKNOWN = 0, /* no type given */
  XHAL__ONNX_VALUE_TENSOR = 1,
  XHAL__ONNX_VALUE_SEQUENCE = 2,
  XHAL__ONNX_VALUE_MAP = 3,
  XHAL__ONNX_VALUE_OPTIONAL = 4,
  XHAL__ONNX_VALUE_SPARSE_TENSOR = 5,
} xhal__onnx_value_kind_t;

/* A graph input or output. */
typedef struct xhal__onnx_value_info {
  char *name;
  xhal__onnx_value_kind_t kind;
  int32_t elem_type; /* TENSOR: ONNX data type code (== xhal dtype), 0 if not given */
  int has_shape;     /* TENSOR: 1 if a shape is given (rank and dims valid) */
  uint32_t rank;
  int64_t *dims;     /* [rank]; -1 for a symbolic or unknown dim */
} xhal__onnx_value_info_t;

typedef struct xhal__onnx_tensor_attr {
  char *name;
  xhal__onnx_tensor_t tensor;
} xhal__onnx_tensor_attr_t;

/* An attribute the IR does not convert; type is AttributeProto.type. */
typedef struct xhal__onnx_other_attr {
  char *name;
  int32_t type;
} xhal__onnx_other_attr_t;

typedef struct xhal__onnx_node {
  char *name;    /* "" when the node has none */
  char *op_type;
  char *domain;  /* "" for the default domain */
  uint32_t input_count;
  char **inputs; /* "" marks an omitted optional input */
  uint32_t output_count;
  char **outputs; /* "" marks an omitted optional output */
  uint32_t attr_count;
  xhal_attr_t *attrs; /* names and arrays owned by the model */
  uint32_t tensor_attr_count;
  xhal__onnx_tensor_attr_t *tensor_attrs;
  uint32_t other_attr_count;
  xhal__onnx_other_attr_t *other_attrs;
} xhal__onnx_node_t;

typedef struct xhal__onnx_model {
  char *path; /* file it came from, or the `what` given to parse */
  int64_t ir_version;
  uint32_t opset_count;
  xhal__onnx_opset_t *opsets;
  char *graph_name;
  uint32_t input_count;
  xhal__onnx_value_info_t *inputs;
  uint32_t output_count;
  xhal__onnx_value_info_t *outputs;
  uint32_t initializer_count;
  xhal__onnx_tensor_t *initializers;
  uint32_t node_count;
  xhal__onnx_node_t *nodes;
} xhal__onnx_model_t;

/* Reads and decodes the ModelProto file at path. *out_model is set on
 * success only; destroy it with xhal__onnx_model_destroy. */
xhal_status_t xhal__onnx_model_load(const char *path, xhal__onnx_model_t **out_model,
                                    xhal__onnx_error_t *err);
/* The same from bytes; what names them in messages and becomes model->path. */
xhal_status_t xhal__onnx_model_parse(const uint8_t *data, size_t size, const char *what,
                                     xhal__onnx_model_t **out_model, xhal__onnx_error_t *err);
void xhal__onnx_model_destroy(xhal__onnx_model_t *model); /* NULL is a no-op */

/* The imported opset version of domain ("" and "ai.onnx" are the same
 * domain); 0 when the model does not import it. */
int64_t xhal__onnx_model_opset(const xhal__onnx_model_t *model, const char *domain);

/* The node's attribute of that name, or NULL. */
const xhal_attr_t *xhal__onnx_node_attr(const xhal__onnx_node_t *node, const char *name);
const xhal__onnx_tensor_t *xhal__onnx_node_tensor_attr(const xhal__onnx_node_t *node,
                                                       const char *name);

/* "GRAPH", "STRINGS", ... for AttributeProto.type codes; "?" if unknown. */
const char *xhal__onnx_attr_type_name(int32_t type);

#endif
