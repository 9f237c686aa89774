/* onnx_runner.c - an ONNX graph executed node by node on one xhal device:
 * the graph's values (onnx_value.c), each node's call with its inputs as
 * attributes where xhal takes them so (onnx_attr_input.c), output shapes
 * (onnx_infer.c), messages (onnx_message.c). */
#include "onnx_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_attr_input.h"
#include "onnx_infer.h"
#include "onnx_message.h"
#include "onnx_value.h"
#include "ref_ops.h"

/* ---- one operator node ------------------------------------------------------------ */

static int onnx_graph_output_index(const xhal__onnx_model_t *model, const char *name) {
  for (uint32_t j = 0; j < model->output_count; ++j) {
    if (strcmp(model->outputs[j].name, name) == 0) return (int)j;
  }
  return -1;
}

/* Chooses each output's dtype and shape: the expected tensor's for a graph
 * output, ONNX shape inference otherwise. */
static conf_result_t onnx_node_output(onnx_exec_t *x, const char *label,
                                      const xhal__onnx_node_t *node, onnx_node_call_t *c) {
  uint32_t outputs = node->output_count;
  while (outputs && !*node->outputs[outputs - 1]) outputs--;
  const uint32_t most = c->call.op == XHAL_OP_SPLIT                 ? ONNX_MAX_OUTPUTS
                        : c->call.op == XHAL_OP_LAYER_NORMALIZATION ? 3
                        : c->call.op == XHAL_OP_MAX_POOL            ? 2 /* Y, Indices */
                                                                    : 1;
  if (outputs < 1 || outputs > most) {
    if (most == 1) {
      return conf_not_applicable(x->run, "%s has %u outputs; this xhal operator has one", label,
                                 outputs);
    }
    return conf_not_applicable(x->run, "%s has %u outputs; this xhal operator has 1 to %u",
                               label, outputs, most);
  }
  for (uint32_t j = 0; j < outputs; ++j) {
    if (!*node->outputs[j]) {
      return conf_not_applicable(x->run, "%s: output %u is omitted; xhal writes every output",
                                 label, j);
    }
  }
  c->call.output_count = outputs;
  c->call.outputs = c->outputs;
  char why[256];
  xhal_tensor_t inferred[ONNX_MAX_OUTPUTS];
  int inferable = ref_shape_is_op(c->call.op)
                      ? onnx_infer_shape_op(&c->call, outputs, inferred, why, sizeof why) == 0
                      : onnx_infer(&c->call, &inferred[0], why, sizeof why) == 0;
  if (inferable && c->call.op == XHAL_OP_MAX_POOL && outputs == 2) {
    inferred[1] = inferred[0]; /* Indices: Y's shape, i64 */
    inferred[1].dtype = XHAL_DTYPE_I64;
  }
  for (uint32_t o = 0; o < outputs; ++o) {
    const char *name = node->outputs[o];
    int j = onnx_graph_output_index(x->model, name);
    if (j < 0) {
      if (!inferable) {
        return conf_not_applicable(x->run,
                                   "%s: cannot infer the shape of intermediate value '%s': %s",
                                   label, name, why);
      }
      c->outputs[o] =
          xhal_tensor_contiguous(NULL, inferred[o].dtype, inferred[o].rank, inferred[o].dims, 0);
      continue;
    }
    const xhal__onnx_tensor_t *e = &x->expected[j];
    if (e->rank > XHAL_MAX_RANK) {
      return conf_not_applicable(x->run, "%s: output '%s' has rank %u; xhal tensors hold at "
                                         "most %d",
                                 label, name, e->rank, XHAL_MAX_RANK);
    }
    c->outputs[o] = xhal_tensor_contiguous(NULL, e->dtype, e->rank, e->dims, 0);
    /* Where ONNX shape inference knows the answer, the expected tensor must
     * agree: otherwise the test data, not the backend, is wrong. */
    const xhal_tensor_t *g = &inferred[o];
    int agree = !inferable || (g->dtype == e->dtype && g->rank == e->rank);
    for (uint32_t d = 0; agree && inferable && d < e->rank; ++d) agree = g->dims[d] == e->dims[d];
    if (!agree) {
      char want[128], got[128];
      onnx_shape_append(want, sizeof want, 0, e->dtype, e->rank, e->dims);
      onnx_shape_append(got, sizeof got, 0, g->dtype, g->rank, g->dims);
      return conf_fail(x->run, "broken test directory (not a backend defect): %s: the expected "
                               "graph output '%s' is %s, but ONNX shape inference gives %s",
                       label, name, want, got);
    }
  }
  return CONF_PASS;
}

/* Asks, uploads, launches and waits for one node. */
static conf_result_t onnx_node_launch(onnx_exec_t *x, const char *label,
                                      const xhal__onnx_node_t *node, onnx_node_call_t *c) {
  char call_text[1024];
  onnx_call_format(call_text, sizeof call_text, &c->call);
  xhal_status_t status = xhal_op_supported(x->device, &c->call);
  if (status == XHAL_STATUS_UNSUPPORTED) {
    return conf_not_applicable(x->run, "%s: xhal_op_supported: %s\n    call: %s", label,
                               xhal_last_error(), call_text);
  }
  if (status != XHAL_STATUS_OK) {
    return conf_fail(x->run, "%s: xhal_op_supported returned %s for a valid ONNX node: %s\n"
                             "    call: %s",
                     label, xhal_status_string(status), xhal_last_error(), call_text);
  }
  for (uint32_t i = 0; i < c->call.input_count; ++i) {
    conf_result_t result = onnx_value_upload(x, c->in_values[i]);
    if (result != CONF_PASS) return result;
    c->inputs[i].buffer = c->in_values[i]->buffer;
  }
  for (uint32_t j = 0; j < c->call.output_count; ++j) {
    onnx_value_t *out;
    const xhal_tensor_t *o = &c->outputs[j];
    conf_result_t result = onnx_value_add(x, node->outputs[j], o->dtype, o->rank, o->dims, NULL,
                                          0, &out);
    if (result == CONF_PASS) result = onnx_value_buffer(x, out);
    if (result != CONF_PASS) return result;
    c->outputs[j].buffer = out->buffer;
  }
  status = xhal_op_launch(x->stream, &c->call);
  if (status == XHAL_STATUS_OK) status = xhal_stream_synchronize(x->stream);
  if (status != XHAL_STATUS_OK) {
    return conf_fail(x->run, "%s: xhal_op_launch or the stream returned %s: %s\n    call: %s",
                     label, xhal_status_string(status), xhal_last_error(), call_text);
  }
  return CONF_PASS;
}

/* The xhal operator of a node of the default domain (Identity is Copy). */
static xhal_op_t onnx_node_op(const xhal__onnx_node_t *node) {
  xhal_op_t op = xhal_op_from_name(node->op_type);
  if (op == XHAL_OP_INVALID && strcmp(node->op_type, "Identity") == 0) op = XHAL_OP_COPY;
  return op;
}

static int onnx_is_default_domain(const char *domain) {
  return !*domain || strcmp(domain, "ai.onnx") == 0;
}

/* Ops whose xhal semantics are their ONNX definition since an opset before
 * 7 (no consumed_inputs, no limited broadcasting, same attributes). */
typedef struct onnx_op_since {
  const char *op_type;
  int64_t since;
} onnx_op_since_t;

static const onnx_op_since_t onnx_ops_since[] = {
    {"Constant", 1},    {"Softplus", 1}, {"Elu", 6},   {"HardSigmoid", 6}, {"LeakyRelu", 6},
    {"Sqrt", 6},        {"Reciprocal", 6}, {"Log", 6}, {"Floor", 6},       {"Ceil", 6},
    {"GlobalAveragePool", 1}, {"GlobalMaxPool", 1}, {"Not", 1}, {"InstanceNormalization", 6},
};

/* 1 if every node of m is an op of onnx_ops_since defined so at opset. */
static int onnx_ops_current_at(const xhal__onnx_model_t *m, int64_t opset) {
  for (uint32_t i = 0; i < m->node_count; ++i) {
    size_t k = 0, n = sizeof onnx_ops_since / sizeof onnx_ops_since[0];
    while (k < n && strcmp(onnx_ops_since[k].op_type, m->nodes[i].op_type) != 0) ++k;
    if (k == n || onnx_ops_since[k].since > opset) return 0;
  }
  return 1;
}

/* Before any device work: every node must be a Constant or have an xhal
 * operator. Names all the operators that are missing. */
static conf_result_t onnx_check_ops(onnx_exec_t *x) {
  const xhal__onnx_model_t *m = x->model;
  char missing[1024] = "";
  size_t used = 0;
  uint32_t count = 0;
  int64_t opset = xhal__onnx_model_opset(m, "");
  if (m->node_count && opset < 7 && !onnx_ops_current_at(m, opset)) {
    return conf_not_applicable(x->run, "the model imports opset %lld of the default domain; xhal "
                                       "implements the operators of opset 7 and later (limited "
                                       "broadcasting and consumed_inputs before)",
                               (long long)opset);
  }
  for (uint32_t i = 0; i < m->node_count; ++i) {
    const xhal__onnx_node_t *node = &m->nodes[i];
    if (!onnx_is_default_domain(node->domain)) {
      char label[256];
      onnx_node_label(label, sizeof label, i, node);
      return conf_not_applicable(x->run, "%s is in domain '%s'; xhal has the default ONNX "
                                         "domain's operators only",
                                 label, node->domain);
    }
    if (strcmp(node->op_type, "Constant") == 0 || onnx_node_op(node) != XHAL_OP_INVALID) continue;
    int seen = 0;
    for (uint32_t k = 0; k < i && !seen; ++k) {
      seen = strcmp(m->nodes[k].op_type, node->op_type) == 0;
    }
    if (seen) continue;
    used = onnx_append(missing, sizeof missing, used, "%s%s", count++ ? ", " : "",
                       node->op_type);
  }
  if (!count) return CONF_PASS;
  return conf_not_applicable(x->run, "ONNX operator%s without an xhal operator: %s",
                             count > 1 ? "s" : "", missing);
}

static conf_result_t onnx_node_run(onnx_exec_t *x, uint32_t index,
                                   const xhal__onnx_node_t *node) {
  char label[256];
  onnx_node_label(label, sizeof label, index, node);
  if (strcmp(node->op_type, "Constant") == 0) return onnx_node_constant(x, index, node);
  xhal_op_t op = onnx_node_op(node);
  int64_t opset = xhal__onnx_model_opset(x->model, node->domain);
  if ((op == XHAL_OP_SOFTMAX || op == XHAL_OP_LOG_SOFTMAX) && opset < 13) {
    return conf_not_applicable(x->run, "%s: %s of opset %lld flattens the input to 2-D; xhal "
                                       "implements the opset-13 semantics (one axis)",
                               label, node->op_type, (long long)opset);
  }
  onnx_node_call_t c;
  memset(&c, 0, sizeof c);
  c.call.op = op;
  conf_result_t result = onnx_node_inputs(x, label, node, &c);
  if (result == CONF_PASS && op == XHAL_OP_CLIP && opset < 11) onnx_clip6_defaults(&c);
  if (result == CONF_PASS) result = onnx_node_output(x, label, node, &c);
  if (result == CONF_PASS) result = onnx_node_launch(x, label, node, &c);
  onnx_node_call_free(&c);
  return result;
}

/* ---- the graph --------------------------------------------------------------------- */

static conf_result_t onnx_exec_init(onnx_exec_t *x) {
  const xhal__onnx_model_t *m = x->model;
  uint64_t capacity = (uint64_t)m->input_count + m->initializer_count;
  for (uint32_t i = 0; i < m->node_count; ++i) capacity += m->nodes[i].output_count;
  size_t slots = 16;
  while (slots < capacity * 2 + 1) slots *= 2;
  x->value_capacity = (uint32_t)capacity;
  x->values = calloc(capacity + 1, sizeof *x->values);
  x->slots = calloc(slots, sizeof *x->slots);
  x->slot_mask = slots - 1;
  x->owned = calloc(m->node_count + 1, sizeof *x->owned);
  if (!x->values || !x->slots || !x->owned) return conf_fail(x->run, "out of host memory");
  xhal_status_t status = xhal_stream_create(x->device, &x->stream);
  if (status != XHAL_STATUS_OK) return conf_fail_status(x->run, "xhal_stream_create", status);
  return CONF_PASS;
}

static void onnx_exec_deinit(onnx_exec_t *x) {
  if (x->stream) {
    xhal_stream_synchronize(x->stream);
    xhal_stream_destroy(x->stream);
  }
  for (uint32_t i = 0; x->values && i < x->value_count; ++i) {
    xhal_buffer_destroy(x->values[i].buffer);
  }
  for (uint32_t i = 0; x->owned && i < x->owned_count; ++i) {
    xhal__onnx_tensor_deinit(&x->owned[i]);
  }
  free(x->values);
  free(x->slots);
  free(x->owned);
}

/* Reads every graph output back into actual[]. */
static conf_result_t onnx_exec_outputs(onnx_exec_t *x, xhal__onnx_tensor_t *actual) {
  for (uint32_t j = 0; j < x->model->output_count; ++j) {
    onnx_value_t *v = onnx_value_find(x, x->model->outputs[j].name);
    if (!v) return conf_fail(x->run, "suite error: graph output '%s' has no value",
                             x->model->outputs[j].name);
    conf_result_t result = onnx_value_upload(x, v);
    if (result != CONF_PASS) return result;
    xhal__onnx_tensor_t *t = &actual[j];
    t->name = strdup("");
    t->dtype = v->dtype;
    t->rank = v->rank;
    t->dims = malloc((v->rank ? v->rank : 1) * sizeof *t->dims);
    t->element_count = v->bytes / xhal_dtype_size(v->dtype);
    t->byte_size = v->bytes;
    t->data = malloc(v->bytes ? v->bytes : 1);
    if (!t->name || !t->dims || !t->data) return conf_fail(x->run, "out of host memory");
    memcpy(t->dims, v->dims, v->rank * sizeof *t->dims);
    if (!v->bytes) continue;
    xhal_status_t status = xhal_copy_from_buffer(x->stream, t->data, v->buffer, 0, v->bytes);
    if (status != XHAL_STATUS_OK) return conf_fail_status(x->run, "xhal_copy_from_buffer", status);
  }
  xhal_status_t status = xhal_stream_synchronize(x->stream);
  if (status != XHAL_STATUS_OK) {
    return conf_fail_status(x->run, "xhal_stream_synchronize after reading the outputs", status);
  }
  return CONF_PASS;
}

conf_result_t onnx_runner_execute(conf_run_t *run, xhal_device_t *device,
                                  const xhal__onnx_model_t *model, uint32_t feed_count,
                                  const char *const *feed_names,
                                  const xhal__onnx_tensor_t *feeds,
                                  const xhal__onnx_tensor_t *expected,
                                  xhal__onnx_tensor_t *actual) {
  onnx_exec_t x;
  memset(&x, 0, sizeof x);
  x.run = run;
  x.model = model;
  x.device = device;
  x.expected = expected;
  memset(actual, 0, model->output_count * sizeof *actual);
  conf_result_t result = onnx_check_ops(&x);
  if (result == CONF_PASS) result = onnx_exec_init(&x);
  for (uint32_t i = 0; i < model->initializer_count && result == CONF_PASS; ++i) {
    result = onnx_value_add_tensor(&x, model->initializers[i].name, &model->initializers[i], 1);
  }
  for (uint32_t i = 0; i < feed_count && result == CONF_PASS; ++i) {
    result = onnx_value_add_tensor(&x, feed_names[i], &feeds[i], 0);
  }
  for (uint32_t i = 0; i < model->node_count && result == CONF_PASS; ++i) {
    result = onnx_node_run(&x, i, &model->nodes[i]);
  }
  if (result == CONF_PASS) result = onnx_exec_outputs(&x, actual);
  onnx_exec_deinit(&x);
  if (result != CONF_PASS) {
    for (uint32_t j = 0; j < model->output_count; ++j) xhal__onnx_tensor_deinit(&actual[j]);
  }
  return result;
}
