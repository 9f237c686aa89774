/* test_onnx_reader.c - the ONNX reader (hal/onnx) on protobufs built here
 * with protobuf-c's own packing: a valid tiny model read into the IR, and
 * every kind of malformed input (truncated, not a protobuf, wrong wire type,
 * raw_data size mismatch, negative dims, overflowing counts, unknown dtype,
 * undefined node inputs, ...) refused with a status and a message naming
 * the value at fault. Every prefix and many byte flips of a valid model are
 * parsed too: none may crash (run under ASan+UBSan in the sanitizer build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "onnx_model.h"
#include "onnx_tensor.h"
#include XHAL_ONNX_PB_HEADER

/* ---- building protobufs ---------------------------------------------------------- */

typedef struct test_bytes {
  uint8_t *data;
  size_t size;
} test_bytes_t;

static test_bytes_t test_pack(const ProtobufCMessage *message) {
  test_bytes_t b;
  b.size = protobuf_c_message_get_packed_size(message);
  b.data = malloc(b.size ? b.size : 1);
  assert_non_null(b.data);
  assert_int_equal(protobuf_c_message_pack(message, b.data), b.size);
  return b;
}

static Onnx__TensorProto test_tensor(int32_t type, size_t rank, int64_t *dims) {
  Onnx__TensorProto t = ONNX__TENSOR_PROTO__INIT;
  t.has_data_type = 1;
  t.data_type = type;
  t.n_dims = rank;
  t.dims = dims;
  return t;
}

static void test_raw(Onnx__TensorProto *t, const void *data, size_t size) {
  t->has_raw_data = 1;
  t->raw_data.data = (uint8_t *)data;
  t->raw_data.len = size;
}

/* Parses a TensorProto message; returns the status and keeps the message. */
static xhal_status_t test_parse_tensor(const Onnx__TensorProto *proto, xhal__onnx_tensor_t *out,
                                       xhal__onnx_error_t *err) {
  test_bytes_t b = test_pack(&proto->base);
  xhal_status_t status = xhal__onnx_tensor_parse(b.data, b.size, "t.pb", out, err);
  free(b.data);
  return status;
}

static void test_expect_tensor_error(const Onnx__TensorProto *proto, xhal_status_t want,
                                     const char *fragment) {
  xhal__onnx_tensor_t t;
  memset(&t, 0x5a, sizeof t); /* must stay untouched on error */
  xhal__onnx_error_t err = {""};
  xhal_status_t status = test_parse_tensor(proto, &t, &err);
  if (status != want || !strstr(err.message, fragment)) {
    print_error("status %d (want %d), message '%s' (want '%s')\n", status, want, err.message,
                fragment);
  }
  assert_int_equal(status, want);
  assert_non_null(strstr(err.message, fragment));
  assert_non_null(strstr(err.message, "t.pb"));
  uint8_t canary[sizeof t];
  memset(canary, 0x5a, sizeof canary);
  assert_memory_equal(&t, canary, sizeof t);
}

/* The valid tiny model, all storage static or in the fixture:
 *   inputs x: FLOAT [N, 3] (N symbolic), initializer w: FLOAT [3] = 1 2 3
 *   node 0 "k" Constant value = INT64 [1] {1}
 *   node 1 "add" Add(x, w) -> y, attributes i=7, f=0.5, ints=(1,-2), floats=(2.5), s="hi"
 *   node 2 ReduceSum(y, k) -> z (keepdims=0); outputs z */
typedef struct test_model {
  int64_t w_dims[1];
  float w_data[3];
  int64_t k_dims[1];
  int64_t k_data[1];
  Onnx__TensorProto w, k;
  Onnx__TensorProto *initializers[1];
  Onnx__TensorShapeProto__Dimension dim_n, dim_3;
  Onnx__TensorShapeProto__Dimension *dims[2];
  Onnx__TensorShapeProto shape;
  Onnx__TypeProto__Tensor x_tensor_type, z_tensor_type;
  Onnx__TypeProto x_type, z_type;
  Onnx__ValueInfoProto x, z;
  Onnx__ValueInfoProto *inputs[1], *outputs[1];
  Onnx__AttributeProto a_value, a_i, a_f, a_ints, a_floats, a_s, a_keepdims;
  Onnx__AttributeProto *const_attrs[1], *add_attrs[5], *reduce_attrs[1];
  int64_t ints[2];
  float floats[1];
  char *const_out[1], *add_in[2], *add_out[1], *reduce_in[2], *reduce_out[1];
  Onnx__NodeProto nodes[3];
  Onnx__NodeProto *node_list[3];
  Onnx__GraphProto graph;
  Onnx__OperatorSetIdProto opset;
  Onnx__OperatorSetIdProto *opsets[1];
  Onnx__ModelProto model;
} test_model_t;

static void test_attr(Onnx__AttributeProto *a, const char *name,
                      Onnx__AttributeProto__AttributeType type) {
  Onnx__AttributeProto init = ONNX__ATTRIBUTE_PROTO__INIT;
  *a = init;
  a->name = (char *)name;
  a->has_type = 1;
  a->type = type;
}

static void test_node(Onnx__NodeProto *n, const char *name, const char *op, size_t n_in,
                      char **in, char **out, size_t n_attr, Onnx__AttributeProto **attrs) {
  Onnx__NodeProto init = ONNX__NODE_PROTO__INIT;
  *n = init;
  n->name = (char *)name;
  n->op_type = (char *)op;
  n->n_input = n_in;
  n->input = in;
  n->n_output = 1;
  n->output = out;
  n->n_attribute = n_attr;
  n->attribute = attrs;
}

static void test_value_info(Onnx__ValueInfoProto *v, const char *name, Onnx__TypeProto *type,
                            Onnx__TypeProto__Tensor *tensor_type, int32_t elem_type,
                            Onnx__TensorShapeProto *shape) {
  Onnx__TypeProto__Tensor tt = ONNX__TYPE_PROTO__TENSOR__INIT;
  Onnx__TypeProto t = ONNX__TYPE_PROTO__INIT;
  Onnx__ValueInfoProto vi = ONNX__VALUE_INFO_PROTO__INIT;
  *tensor_type = tt;
  tensor_type->has_elem_type = 1;
  tensor_type->elem_type = elem_type;
  tensor_type->shape = shape;
  *type = t;
  type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type->tensor_type = tensor_type;
  *v = vi;
  v->name = (char *)name;
  v->type = type;
}

static void test_model_init(test_model_t *m) {
  memset(m, 0, sizeof *m);
  m->w_dims[0] = 3;
  m->w_data[0] = 1, m->w_data[1] = 2, m->w_data[2] = 3;
  m->w = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 1, m->w_dims);
  m->w.name = "w";
  m->w.n_float_data = 3;
  m->w.float_data = m->w_data;
  m->initializers[0] = &m->w;
  m->k_dims[0] = 1;
  m->k_data[0] = 1;
  m->k = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 1, m->k_dims);
  test_raw(&m->k, m->k_data, sizeof m->k_data);

  Onnx__TensorShapeProto__Dimension dim = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
  Onnx__TensorShapeProto shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
  m->dim_n = dim;
  m->dim_n.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
  m->dim_n.dim_param = "N";
  m->dim_3 = dim;
  m->dim_3.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
  m->dim_3.dim_value = 3;
  m->dims[0] = &m->dim_n;
  m->dims[1] = &m->dim_3;
  m->shape = shape;
  m->shape.n_dim = 2;
  m->shape.dim = m->dims;
  test_value_info(&m->x, "x", &m->x_type, &m->x_tensor_type, 1, &m->shape);
  test_value_info(&m->z, "z", &m->z_type, &m->z_tensor_type, 1, NULL);
  m->inputs[0] = &m->x;
  m->outputs[0] = &m->z;

  test_attr(&m->a_value, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
  m->a_value.t = &m->k;
  m->const_attrs[0] = &m->a_value;
  test_attr(&m->a_i, "i", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
  m->a_i.has_i = 1;
  m->a_i.i = 7;
  test_attr(&m->a_f, "f", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
  m->a_f.has_f = 1;
  m->a_f.f = 0.5f;
  m->ints[0] = 1;
  m->ints[1] = -2;
  test_attr(&m->a_ints, "ints", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
  m->a_ints.n_ints = 2;
  m->a_ints.ints = m->ints;
  m->floats[0] = 2.5f;
  test_attr(&m->a_floats, "floats", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
  m->a_floats.n_floats = 1;
  m->a_floats.floats = m->floats;
  test_attr(&m->a_s, "s", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
  m->a_s.has_s = 1;
  m->a_s.s.data = (uint8_t *)"hi";
  m->a_s.s.len = 2;
  m->add_attrs[0] = &m->a_i;
  m->add_attrs[1] = &m->a_f;
  m->add_attrs[2] = &m->a_ints;
  m->add_attrs[3] = &m->a_floats;
  m->add_attrs[4] = &m->a_s;
  test_attr(&m->a_keepdims, "keepdims", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
  m->a_keepdims.has_i = 1;
  m->a_keepdims.i = 0;
  m->reduce_attrs[0] = &m->a_keepdims;

  m->const_out[0] = "k";
  m->add_in[0] = "x";
  m->add_in[1] = "w";
  m->add_out[0] = "y";
  m->reduce_in[0] = "y";
  m->reduce_in[1] = "k";
  m->reduce_out[0] = "z";
  test_node(&m->nodes[0], "k", "Constant", 0, NULL, m->const_out, 1, m->const_attrs);
  test_node(&m->nodes[1], "add", "Add", 2, m->add_in, m->add_out, 5, m->add_attrs);
  test_node(&m->nodes[2], "", "ReduceSum", 2, m->reduce_in, m->reduce_out, 1, m->reduce_attrs);
  for (int i = 0; i < 3; ++i) m->node_list[i] = &m->nodes[i];

  Onnx__GraphProto graph = ONNX__GRAPH_PROTO__INIT;
  m->graph = graph;
  m->graph.name = "tiny";
  m->graph.n_node = 3;
  m->graph.node = m->node_list;
  m->graph.n_initializer = 1;
  m->graph.initializer = m->initializers;
  m->graph.n_input = 1;
  m->graph.input = m->inputs;
  m->graph.n_output = 1;
  m->graph.output = m->outputs;
  Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT;
  m->opset = opset;
  m->opset.domain = "";
  m->opset.has_version = 1;
  m->opset.version = 13;
  m->opsets[0] = &m->opset;
  Onnx__ModelProto model = ONNX__MODEL_PROTO__INIT;
  m->model = model;
  m->model.has_ir_version = 1;
  m->model.ir_version = 8;
  m->model.n_opset_import = 1;
  m->model.opset_import = m->opsets;
  m->model.graph = &m->graph;
}

static xhal_status_t test_parse_model(const test_model_t *m, xhal__onnx_model_t **out,
                                      xhal__onnx_error_t *err) {
  test_bytes_t b = test_pack(&m->model.base);
  xhal_status_t status = xhal__onnx_model_parse(b.data, b.size, "tiny.onnx", out, err);
  free(b.data);
  return status;
}

static void test_expect_model_error(const test_model_t *m, xhal_status_t want,
                                    const char *fragment) {
  xhal__onnx_model_t *model = (xhal__onnx_model_t *)(uintptr_t)0x1234;
  xhal__onnx_error_t err = {""};
  xhal_status_t status = test_parse_model(m, &model, &err);
  if (status != want || !strstr(err.message, fragment)) {
    print_error("status %d (want %d), message '%s' (want '%s')\n", status, want, err.message,
                fragment);
  }
  assert_int_equal(status, want);
  assert_non_null(strstr(err.message, fragment));
  assert_non_null(strstr(err.message, "tiny.onnx"));
  assert_ptr_equal(model, (xhal__onnx_model_t *)(uintptr_t)0x1234); /* untouched */
}

/* ---- the valid model -------------------------------------------------------------- */

static void test_valid_model(void **state) {
  (void)state;
  test_model_t m;
  test_model_init(&m);
  xhal__onnx_model_t *model = NULL;
  xhal__onnx_error_t err = {""};
  assert_int_equal(test_parse_model(&m, &model, &err), XHAL_STATUS_OK);
  assert_string_equal(model->path, "tiny.onnx");
  assert_int_equal(model->ir_version, 8);
  assert_int_equal(xhal__onnx_model_opset(model, ""), 13);
  assert_int_equal(xhal__onnx_model_opset(model, "ai.onnx"), 13);
  assert_int_equal(xhal__onnx_model_opset(model, "com.microsoft"), 0);
  assert_string_equal(model->graph_name, "tiny");

  assert_int_equal(model->input_count, 1);
  const xhal__onnx_value_info_t *x = &model->inputs[0];
  assert_string_equal(x->name, "x");
  assert_int_equal(x->kind, XHAL__ONNX_VALUE_TENSOR);
  assert_int_equal(x->elem_type, XHAL_DTYPE_F32);
  assert_true(x->has_shape);
  assert_int_equal(x->rank, 2);
  assert_int_equal(x->dims[0], -1); /* symbolic N */
  assert_int_equal(x->dims[1], 3);
  assert_int_equal(model->output_count, 1);
  assert_false(model->outputs[0].has_shape);

  assert_int_equal(model->initializer_count, 1);
  const xhal__onnx_tensor_t *w = &model->initializers[0];
  assert_string_equal(w->name, "w");
  assert_int_equal(w->dtype, XHAL_DTYPE_F32);
  assert_int_equal(w->rank, 1);
  assert_int_equal(w->element_count, 3);
  assert_int_equal(w->byte_size, 12);
  assert_memory_equal(w->data, m.w_data, sizeof m.w_data);

  assert_int_equal(model->node_count, 3);
  const xhal__onnx_node_t *k = &model->nodes[0];
  assert_string_equal(k->op_type, "Constant");
  assert_int_equal(k->tensor_attr_count, 1);
  const xhal__onnx_tensor_t *value = xhal__onnx_node_tensor_attr(k, "value");
  assert_non_null(value);
  assert_int_equal(value->dtype, XHAL_DTYPE_I64);
  assert_int_equal(((const int64_t *)value->data)[0], 1);

  const xhal__onnx_node_t *add = &model->nodes[1];
  assert_string_equal(add->name, "add");
  assert_string_equal(add->domain, "");
  assert_int_equal(add->input_count, 2);
  assert_string_equal(add->inputs[1], "w");
  assert_string_equal(add->outputs[0], "y");
  assert_int_equal(add->attr_count, 5);
  const xhal_attr_t *a = xhal__onnx_node_attr(add, "i");
  assert_int_equal(a->type, XHAL_ATTR_INT);
  assert_int_equal(a->i, 7);
  a = xhal__onnx_node_attr(add, "f");
  assert_int_equal(a->type, XHAL_ATTR_FLOAT);
  assert_true(a->f == 0.5);
  a = xhal__onnx_node_attr(add, "ints");
  assert_int_equal(a->type, XHAL_ATTR_INTS);
  assert_int_equal(a->count, 2);
  assert_int_equal(a->ints[1], -2);
  a = xhal__onnx_node_attr(add, "floats");
  assert_int_equal(a->type, XHAL_ATTR_FLOATS);
  assert_true(a->floats[0] == 2.5f);
  a = xhal__onnx_node_attr(add, "s");
  assert_int_equal(a->type, XHAL_ATTR_STRING);
  assert_string_equal(a->s, "hi");
  assert_null(xhal__onnx_node_attr(add, "nope"));
  assert_string_equal(model->nodes[2].name, "");
  xhal__onnx_model_destroy(model);
  xhal__onnx_model_destroy(NULL);

  /* The same bytes through a file. */
  char path[] = "/tmp/xhal-onnx-test-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  test_bytes_t b = test_pack(&m.model.base);
  assert_int_equal(write(fd, b.data, b.size), (ssize_t)b.size);
  close(fd);
  assert_int_equal(xhal__onnx_model_load(path, &model, &err), XHAL_STATUS_OK);
  assert_int_equal(model->node_count, 3);
  xhal__onnx_model_destroy(model);
  /* A truncated file: the message names the file and the byte. */
  assert_int_equal(truncate(path, (off_t)(b.size - 3)), 0);
  model = NULL;
  assert_int_equal(xhal__onnx_model_load(path, &model, &err), XHAL_STATUS_INVALID_ARGUMENT);
  assert_null(model);
  assert_non_null(strstr(err.message, path));
  assert_non_null(strstr(err.message, "at byte"));
  unlink(path);
  free(b.data);
  assert_int_equal(xhal__onnx_model_load(path, &model, &err), XHAL_STATUS_NOT_FOUND);
  assert_non_null(strstr(err.message, path));
  assert_int_equal(xhal__onnx_model_load("/tmp", &model, &err), XHAL_STATUS_IO_ERROR);
  assert_null(model);
}

/* ---- malformed bytes ------------------------------------------------------------- */

static void test_truncated(void **state) {
  (void)state;
  test_model_t m;
  test_model_init(&m);
  test_bytes_t b = test_pack(&m.model.base);
  xhal__onnx_error_t err = {""};
  xhal__onnx_model_t *model = NULL;
  /* Cut inside the last field: a length that runs past the end. */
  assert_int_equal(xhal__onnx_model_parse(b.data, b.size - 1, "tiny.onnx", &model, &err),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_null(model);
  assert_non_null(strstr(err.message, "tiny.onnx"));
  assert_true(strstr(err.message, "runs past the end") || strstr(err.message, "ends inside"));
  /* Every prefix: a clean error or (cut at a field boundary) a model. */
  for (size_t size = 0; size < b.size; ++size) {
    model = NULL;
    xhal_status_t status = xhal__onnx_model_parse(b.data, size, "tiny.onnx", &model, &err);
    assert_true(status == XHAL_STATUS_OK || status == XHAL_STATUS_INVALID_ARGUMENT);
    assert_true((status == XHAL_STATUS_OK) == (model != NULL));
    if (status != XHAL_STATUS_OK) assert_true(err.message[0] != '\0');
    xhal__onnx_model_destroy(model);
  }
  /* The same for a TensorProto. */
  int64_t dims[2] = {2, 3};
  float data[6] = {0};
  Onnx__TensorProto t = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, dims);
  test_raw(&t, data, sizeof data);
  test_bytes_t tb = test_pack(&t.base);
  xhal__onnx_tensor_t out;
  assert_int_equal(xhal__onnx_tensor_parse(tb.data, tb.size - 5, "t.pb", &out, &err),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "t.pb"));
  assert_non_null(strstr(err.message, "runs past the end"));
  free(tb.data);
  free(b.data);
}

static void test_byte_flips(void **state) {
  (void)state;
  test_model_t m;
  test_model_init(&m);
  test_bytes_t b = test_pack(&m.model.base);
  static const uint8_t patterns[] = {0x00, 0xff, 0x80, 0x7f, 0x01};
  size_t accepted = 0, refused = 0;
  for (size_t i = 0; i < b.size; ++i) {
    uint8_t saved = b.data[i];
    for (size_t p = 0; p < sizeof patterns; ++p) {
      b.data[i] = (uint8_t)(saved ^ patterns[p]);
      xhal__onnx_model_t *model = NULL;
      xhal__onnx_error_t err = {""};
      xhal_status_t status = xhal__onnx_model_parse(b.data, b.size, "flip", &model, &err);
      if (status == XHAL_STATUS_OK) {
        accepted++;
        xhal__onnx_model_destroy(model);
      } else {
        refused++;
        assert_true(err.message[0] != '\0');
        assert_null(model);
      }
    }
    b.data[i] = saved;
  }
  assert_true(refused > 0);
  assert_true(accepted + refused == b.size * sizeof patterns);
  free(b.data);
}

static void test_not_a_protobuf(void **state) {
  (void)state;
  static const char text[] = "hello, this is not a protobuf at all\n";
  xhal__onnx_error_t err = {""};
  xhal__onnx_model_t *model = NULL;
  assert_int_equal(
      xhal__onnx_model_parse((const uint8_t *)text, sizeof text - 1, "text.onnx", &model, &err),
      XHAL_STATUS_INVALID_ARGUMENT);
  assert_null(model);
  assert_non_null(strstr(err.message, "text.onnx: not a valid ONNX model"));
  /* An empty file decodes as an empty ModelProto: no graph. */
  assert_int_equal(xhal__onnx_model_parse((const uint8_t *)"", 0, "empty.onnx", &model, &err),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "no graph"));
  /* ... and an empty TensorProto has no data type. */
  xhal__onnx_tensor_t t;
  assert_int_equal(xhal__onnx_tensor_parse((const uint8_t *)"", 0, "empty.pb", &t, &err),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "UNDEFINED"));
  /* TensorProto.dims (field 1) sent as a 32-bit value: the wrong wire type. */
  static const uint8_t wrong_wire[] = {0x0d, 1, 0, 0, 0};
  assert_int_equal(xhal__onnx_tensor_parse(wrong_wire, sizeof wrong_wire, "wire.pb", &t, &err),
                   XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(err.message, "'dims' is encoded as 32-bit"));
}

/* Prepends a length-delimited field (tag, then the varint length of
 * everything after start) in front of buffer[start..end). */
static size_t test_wrap(uint8_t *buffer, size_t start, size_t end, uint8_t tag) {
  uint8_t varint[10];
  size_t n = 0;
  for (size_t v = end - start;; v >>= 7) {
    varint[n++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
    if (v < 0x80) break;
  }
  start -= n;
  memcpy(buffer + start, varint, n);
  buffer[--start] = tag;
  return start;
}

static void test_deep_nesting(void **state) {
  (void)state;
  /* ModelProto.graph { GraphProto.node { NodeProto.attribute {
   * AttributeProto.g { GraphProto.node ... } } } } with correct lengths,
   * so that only the depth is wrong. */
  enum { LEVELS = 3000 };
  static const uint8_t tags[3] = {0x0a, 0x2a, 0x32}; /* node, attribute, g */
  size_t end = LEVELS * 8 + 16, start = end;
  uint8_t *buffer = malloc(end);
  assert_non_null(buffer);
  for (int level = LEVELS - 1; level >= 0; --level) {
    start = test_wrap(buffer, start, end, tags[level % 3]);
  }
  start = test_wrap(buffer, start, end, 0x3a); /* ModelProto.graph */
  xhal__onnx_model_t *model = NULL;
  xhal__onnx_error_t err = {""};
  assert_int_equal(
      xhal__onnx_model_parse(buffer + start, end - start, "deep.onnx", &model, &err),
      XHAL_STATUS_INVALID_ARGUMENT);
  assert_null(model);
  if (!strstr(err.message, "nested more than 100 deep")) print_error("%s\n", err.message);
  assert_non_null(strstr(err.message, "nested more than 100 deep"));
  assert_non_null(strstr(err.message, "in ModelProto.graph.node[0].attribute[0].g.node[0]"));
  free(buffer);
}

/* ---- malformed tensors ------------------------------------------------------------- */

static void test_raw_size_mismatch(void **state) {
  (void)state;
  int64_t dims[2] = {2, 3};
  float data[5] = {0};
  Onnx__TensorProto t = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, dims);
  test_raw(&t, data, sizeof data);
  test_expect_tensor_error(&t, XHAL_STATUS_INVALID_ARGUMENT,
                           "raw_data holds 20 bytes, but 6 FLOAT elements need 24");
  /* typed field with the wrong count */
  Onnx__TensorProto typed = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, dims);
  typed.n_float_data = 5;
  typed.float_data = data;
  test_expect_tensor_error(&typed, XHAL_STATUS_INVALID_ARGUMENT,
                           "float_data holds 5 values, but the dims need 6");
  /* values in a field that does not belong to the dtype */
  int64_t longs[6] = {0};
  Onnx__TensorProto wrong = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, dims);
  wrong.n_int64_data = 6;
  wrong.int64_data = longs;
  test_expect_tensor_error(&wrong, XHAL_STATUS_INVALID_ARGUMENT, "holds 6 values in int64_data");
  /* both raw_data and a typed field */
  Onnx__TensorProto both = typed;
  both.n_float_data = 6;
  float six[6] = {0};
  both.float_data = six;
  test_raw(&both, six, sizeof six);
  test_expect_tensor_error(&both, XHAL_STATUS_INVALID_ARGUMENT, "both raw_data and float_data");
  /* no data at all */
  Onnx__TensorProto none = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, dims);
  test_expect_tensor_error(&none, XHAL_STATUS_INVALID_ARGUMENT, "no raw_data either");
  /* a narrow type out of range in int32_data */
  int32_t bytes[6] = {1, 2, 300, 4, 5, 6};
  Onnx__TensorProto u8 = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__UINT8, 2, dims);
  u8.n_int32_data = 6;
  u8.int32_data = bytes;
  test_expect_tensor_error(&u8, XHAL_STATUS_INVALID_ARGUMENT, "int32_data[2] = 300");
}

static void test_negative_and_overflowing_dims(void **state) {
  (void)state;
  int64_t negative[2] = {2, -3};
  float data[6] = {0};
  Onnx__TensorProto t = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 2, negative);
  test_raw(&t, data, sizeof data);
  test_expect_tensor_error(&t, XHAL_STATUS_INVALID_ARGUMENT, "dim 1 is negative (-3)");
  int64_t huge[3] = {INT64_C(1) << 40, INT64_C(1) << 40, 2};
  Onnx__TensorProto big = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 3, huge);
  test_raw(&big, data, sizeof data);
  test_expect_tensor_error(&big, XHAL_STATUS_INVALID_ARGUMENT, "overflows 64 bits");
  int64_t bytes_overflow[1] = {INT64_C(1) << 62};
  Onnx__TensorProto wide = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE, 1, bytes_overflow);
  test_raw(&wide, data, sizeof data);
  test_expect_tensor_error(&wide, XHAL_STATUS_INVALID_ARGUMENT, "more than memory can address");
  /* a zero dim makes the tensor empty whatever the others are */
  int64_t empty_dims[3] = {INT64_C(1) << 40, 0, INT64_C(1) << 40};
  Onnx__TensorProto empty = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 3, empty_dims);
  xhal__onnx_tensor_t out;
  xhal__onnx_error_t err = {""};
  assert_int_equal(test_parse_tensor(&empty, &out, &err), XHAL_STATUS_OK);
  assert_int_equal(out.element_count, 0);
  xhal__onnx_tensor_deinit(&out);
  /* and in a graph input's declared shape */
  test_model_t m;
  test_model_init(&m);
  m.dim_3.dim_value = -4;
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT, "graph input 0 'x' has negative dim 1");
}

static void test_unknown_dtype(void **state) {
  (void)state;
  int64_t dims[1] = {2};
  uint8_t data[8] = {0};
  Onnx__TensorProto t = test_tensor(42, 1, dims);
  test_raw(&t, data, sizeof data);
  test_expect_tensor_error(&t, XHAL_STATUS_INVALID_ARGUMENT, "unknown data type code 42");
  Onnx__TensorProto undefined = test_tensor(0, 1, dims);
  test_expect_tensor_error(&undefined, XHAL_STATUS_INVALID_ARGUMENT, "UNDEFINED");
  ProtobufCBinaryData strings[2] = {{1, (uint8_t *)"a"}, {1, (uint8_t *)"b"}};
  Onnx__TensorProto s = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__STRING, 1, dims);
  s.n_string_data = 2;
  s.string_data = strings;
  test_expect_tensor_error(&s, XHAL_STATUS_UNSUPPORTED, "data type STRING (8) is not supported");
  Onnx__TensorProto external = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, 1, dims);
  external.has_data_location = 1;
  external.data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  test_expect_tensor_error(&external, XHAL_STATUS_UNSUPPORTED, "external file");
  /* in a model: an initializer of unknown type names the initializer */
  test_model_t m;
  test_model_init(&m);
  m.w.data_type = 99;
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT,
                          "initializer 0 'w': unknown data type code 99");
  test_model_init(&m);
  m.x_tensor_type.elem_type = 77;
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT, "unknown element type code 77");
}

static void test_typed_fields(void **state) {
  (void)state;
  xhal__onnx_tensor_t out;
  xhal__onnx_error_t err = {""};
  int64_t dims[1] = {3};
  /* FLOAT16 as bit patterns in int32_data */
  int32_t halves[3] = {0x3c00, 0xc000, 0x7e00}; /* 1, -2, NaN */
  Onnx__TensorProto h = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16, 1, dims);
  h.n_int32_data = 3;
  h.int32_data = halves;
  assert_int_equal(test_parse_tensor(&h, &out, &err), XHAL_STATUS_OK);
  assert_int_equal(out.byte_size, 6);
  assert_int_equal(((uint16_t *)out.data)[1], 0xc000);
  xhal__onnx_tensor_deinit(&out);
  /* BOOL normalised to 0/1, INT8 sign kept */
  int32_t bools[3] = {0, 1, 5};
  Onnx__TensorProto b = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__BOOL, 1, dims);
  b.n_int32_data = 3;
  b.int32_data = bools;
  assert_int_equal(test_parse_tensor(&b, &out, &err), XHAL_STATUS_OK);
  assert_int_equal(((uint8_t *)out.data)[2], 1);
  xhal__onnx_tensor_deinit(&out);
  int32_t small[3] = {-128, 0, 127};
  Onnx__TensorProto i8 = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__INT8, 1, dims);
  i8.n_int32_data = 3;
  i8.int32_data = small;
  assert_int_equal(test_parse_tensor(&i8, &out, &err), XHAL_STATUS_OK);
  assert_int_equal(((int8_t *)out.data)[0], -128);
  xhal__onnx_tensor_deinit(&out);
  /* UINT32 in uint64_data, range-checked */
  uint64_t words[3] = {1, 2, UINT64_C(1) << 33};
  Onnx__TensorProto u32 = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__UINT32, 1, dims);
  u32.n_uint64_data = 3;
  u32.uint64_data = words;
  test_expect_tensor_error(&u32, XHAL_STATUS_INVALID_ARGUMENT, "uint64_data[2]");
  words[2] = 3;
  assert_int_equal(test_parse_tensor(&u32, &out, &err), XHAL_STATUS_OK);
  assert_int_equal(((uint32_t *)out.data)[2], 3);
  xhal__onnx_tensor_deinit(&out);
  /* DOUBLE in double_data; a scalar (rank 0) has one element */
  double one = 1.25;
  Onnx__TensorProto d = test_tensor(ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE, 0, NULL);
  d.n_double_data = 1;
  d.double_data = &one;
  d.name = "scalar";
  assert_int_equal(test_parse_tensor(&d, &out, &err), XHAL_STATUS_OK);
  assert_int_equal(out.rank, 0);
  assert_null(out.dims);
  assert_int_equal(out.element_count, 1);
  assert_string_equal(out.name, "scalar");
  assert_true(*(double *)out.data == 1.25);
  xhal__onnx_tensor_deinit(&out);
  xhal__onnx_tensor_deinit(NULL);
}

/* ---- malformed graphs ---------------------------------------------------------- */

static void test_missing_input_reference(void **state) {
  (void)state;
  test_model_t m;
  test_model_init(&m);
  m.add_in[1] = "nope";
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT,
                          "node 1 'add' (Add) input 1 'nope' is not a graph input, an "
                          "initializer or an output of an earlier node");
  /* a use before the definition is the same error (ONNX is topologically sorted) */
  test_model_init(&m);
  m.node_list[0] = &m.nodes[2];
  m.node_list[2] = &m.nodes[0];
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT, "node 0 (ReduceSum) input 0 'y'");
  /* a value produced twice */
  test_model_init(&m);
  m.reduce_out[0] = "y";
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT, "output 0 'y' is already defined");
  /* a graph output nobody produces */
  test_model_init(&m);
  m.z.name = "zz";
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT,
                          "graph output 0 'zz' is not produced by any node");
}

static void test_bad_nodes_and_attributes(void **state) {
  (void)state;
  test_model_t m;
  test_model_init(&m);
  m.nodes[1].op_type = "";
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT, "node 1 'add' (?) has no op_type");
  test_model_init(&m);
  m.a_f.name = "i";
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT, "has attribute 'i' twice");
  test_model_init(&m);
  m.a_ints.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT,
                          "attribute 'ints' declares type FLOATS (6) but carries a INTS value");
  test_model_init(&m);
  m.a_value.t = NULL;
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT,
                          "node 0 'k' (Constant) attribute 'value' declares type TENSOR (4) but "
                          "carries no value");
  test_model_init(&m);
  m.k_dims[0] = 2; /* Constant's tensor now lacks data */
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT,
                          "node 0 'k' (Constant) attribute 'value': raw_data holds 8 bytes");
  /* IR version 1: no type field, the value field decides */
  test_model_init(&m);
  m.a_i.has_type = 0;
  xhal__onnx_model_t *model = NULL;
  xhal__onnx_error_t err = {""};
  assert_int_equal(test_parse_model(&m, &model, &err), XHAL_STATUS_OK);
  assert_int_equal(xhal__onnx_node_attr(&model->nodes[1], "i")->type, XHAL_ATTR_INT);
  xhal__onnx_model_destroy(model);
  /* a GRAPH attribute is listed, not converted */
  test_model_init(&m);
  Onnx__GraphProto body = ONNX__GRAPH_PROTO__INIT;
  m.a_s.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
  m.a_s.has_s = 0;
  m.a_s.g = &body;
  assert_int_equal(test_parse_model(&m, &model, &err), XHAL_STATUS_OK);
  assert_int_equal(model->nodes[1].attr_count, 4);
  assert_int_equal(model->nodes[1].other_attr_count, 1);
  assert_string_equal(model->nodes[1].other_attrs[0].name, "s");
  assert_string_equal(xhal__onnx_attr_type_name(model->nodes[1].other_attrs[0].type), "GRAPH");
  xhal__onnx_model_destroy(model);
  /* no graph at all */
  test_model_init(&m);
  m.model.graph = NULL;
  test_expect_model_error(&m, XHAL_STATUS_INVALID_ARGUMENT, "the model has no graph");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_model),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_byte_flips),
      cmocka_unit_test(test_not_a_protobuf),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_raw_size_mismatch),
      cmocka_unit_test(test_negative_and_overflowing_dims),
      cmocka_unit_test(test_unknown_dtype),
      cmocka_unit_test(test_typed_fields),
      cmocka_unit_test(test_missing_input_reference),
      cmocka_unit_test(test_bad_nodes_and_attributes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
