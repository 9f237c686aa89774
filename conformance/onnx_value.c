/* onnx_value.c - the values of a graph being executed and its Constant
 * nodes (see onnx_value.h). */
#include "onnx_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx_message.h"

/* ---- values -------------------------------------------------------------------- */

static uint64_t onnx_hash(const char *s) {
  uint64_t hash = UINT64_C(0xcbf29ce484222325);
  for (const unsigned char *c = (const unsigned char *)s; *c; ++c) {
    hash ^= *c;
    hash *= UINT64_C(0x100000001b3);
  }
  return hash;
}

onnx_value_t *onnx_value_find(const onnx_exec_t *x, const char *name) {
  for (size_t slot = (size_t)onnx_hash(name) & x->slot_mask;; slot = (slot + 1) & x->slot_mask) {
    uint32_t index = x->slots[slot];
    if (!index) return NULL;
    if (strcmp(x->values[index - 1].name, name) == 0) return &x->values[index - 1];
  }
}

conf_result_t onnx_value_add(onnx_exec_t *x, const char *name, xhal_dtype_t dtype,
                                    uint32_t rank, const int64_t *dims,
                                    const xhal__onnx_tensor_t *host, int constant,
                                    onnx_value_t **out) {
  if (rank > XHAL_MAX_RANK) {
    return conf_not_applicable(x->run, "value '%s' has rank %u; xhal tensors hold at most %d",
                               name, rank, XHAL_MAX_RANK);
  }
  size_t element_size = xhal_dtype_size(dtype);
  if (!element_size) {
    return conf_not_applicable(x->run, "value '%s' has data type %d, which is not an xhal dtype",
                               name, (int)dtype);
  }
  onnx_value_t *v = onnx_value_find(x, name);
  if (!v) {
    if (x->value_count == x->value_capacity) {
      return conf_fail(x->run, "suite error: more values than the graph defines ('%s')", name);
    }
    v = &x->values[x->value_count++];
    size_t slot = (size_t)onnx_hash(name) & x->slot_mask;
    while (x->slots[slot]) slot = (slot + 1) & x->slot_mask;
    x->slots[slot] = x->value_count;
  }
  memset(v, 0, sizeof *v);
  v->name = name;
  v->dtype = dtype;
  v->rank = rank;
  v->bytes = element_size;
  for (uint32_t d = 0; d < rank; ++d) {
    v->dims[d] = dims[d];
    v->bytes *= (uint64_t)dims[d];
  }
  v->host = host;
  v->constant = constant;
  *out = v;
  return CONF_PASS;
}

conf_result_t onnx_value_add_tensor(onnx_exec_t *x, const char *name,
                                           const xhal__onnx_tensor_t *t, int constant) {
  onnx_value_t *v;
  return onnx_value_add(x, name, t->dtype, t->rank, t->dims, t, constant, &v);
}

conf_result_t onnx_value_buffer(onnx_exec_t *x, onnx_value_t *v) {
  if (v->buffer) return CONF_PASS;
  xhal_status_t status = xhal_buffer_create(x->device, v->bytes ? v->bytes : 1, &v->buffer);
  if (status != XHAL_STATUS_OK) {
    char what[512];
    snprintf(what, sizeof what, "xhal_buffer_create(%llu bytes) for '%s'",
             (unsigned long long)v->bytes, v->name);
    return conf_fail_status(x->run, what, status);
  }
  return CONF_PASS;
}

conf_result_t onnx_value_upload(onnx_exec_t *x, onnx_value_t *v) {
  if (v->buffer) return CONF_PASS;
  conf_result_t result = onnx_value_buffer(x, v);
  if (result != CONF_PASS || !v->bytes) return result;
  if (!v->host) return conf_fail(x->run, "suite error: value '%s' has no data", v->name);
  xhal_status_t status = xhal_copy_to_buffer(x->stream, v->buffer, 0, v->host->data, v->bytes);
  if (status != XHAL_STATUS_OK) {
    char what[512];
    snprintf(what, sizeof what, "xhal_copy_to_buffer(%llu bytes) of '%s'",
             (unsigned long long)v->bytes, v->name);
    return conf_fail_status(x->run, what, status);
  }
  return CONF_PASS;
}

/* ---- Constant nodes ------------------------------------------------------------- */

/* A host tensor of dtype with rank 0 (count 0 means scalar) or 1. */
static conf_result_t onnx_owned_tensor(onnx_exec_t *x, xhal_dtype_t dtype, int is_list,
                                       uint32_t count, const void *values,
                                       const xhal__onnx_tensor_t **out) {
  xhal__onnx_tensor_t *t = &x->owned[x->owned_count];
  size_t size = xhal_dtype_size(dtype);
  uint64_t elements = is_list ? count : 1;
  t->name = strdup("");
  t->dtype = dtype;
  t->rank = is_list ? 1 : 0;
  t->dims = is_list ? malloc(sizeof *t->dims) : NULL;
  t->element_count = elements;
  t->byte_size = elements * size;
  t->data = malloc(t->byte_size ? t->byte_size : 1);
  x->owned_count++;
  if (!t->name || (is_list && !t->dims) || !t->data) {
    return conf_fail(x->run, "out of host memory for a Constant");
  }
  if (is_list) t->dims[0] = count;
  if (t->byte_size) memcpy(t->data, values, t->byte_size);
  *out = t;
  return CONF_PASS;
}

conf_result_t onnx_node_constant(onnx_exec_t *x, uint32_t index,
                                        const xhal__onnx_node_t *node) {
  char label[256];
  onnx_node_label(label, sizeof label, index, node);
  const xhal__onnx_tensor_t *t = xhal__onnx_node_tensor_attr(node, "value");
  const xhal_attr_t *a = NULL;
  conf_result_t result = CONF_PASS;
  if (t) {
    /* the tensor attribute itself */
  } else if ((a = xhal__onnx_node_attr(node, "value_float")) && a->type == XHAL_ATTR_FLOAT) {
    float f = (float)a->f;
    result = onnx_owned_tensor(x, XHAL_DTYPE_F32, 0, 0, &f, &t);
  } else if ((a = xhal__onnx_node_attr(node, "value_floats")) && a->type == XHAL_ATTR_FLOATS) {
    result = onnx_owned_tensor(x, XHAL_DTYPE_F32, 1, a->count, a->floats, &t);
  } else if ((a = xhal__onnx_node_attr(node, "value_int")) && a->type == XHAL_ATTR_INT) {
    result = onnx_owned_tensor(x, XHAL_DTYPE_I64, 0, 0, &a->i, &t);
  } else if ((a = xhal__onnx_node_attr(node, "value_ints")) && a->type == XHAL_ATTR_INTS) {
    result = onnx_owned_tensor(x, XHAL_DTYPE_I64, 1, a->count, a->ints, &t);
  } else {
    const char *what = node->other_attr_count ? node->other_attrs[0].name
                       : node->attr_count     ? node->attrs[0].name
                                              : "(none)";
    return conf_not_applicable(x->run,
                               "%s: a Constant given by attribute '%s' holds no numeric tensor "
                               "(string and sparse constants have no xhal equivalent)",
                               label, what);
  }
  if (result != CONF_PASS) return result;
  if (node->output_count != 1 || !*node->outputs[0]) {
    return conf_fail(x->run, "broken test directory (not a backend defect): %s has %u outputs, "
                             "a Constant has exactly one",
                     label, node->output_count);
  }
  return onnx_value_add_tensor(x, node->outputs[0], t, 1);
}
