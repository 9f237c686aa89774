/* onnx_model.c - ModelProto -> the reader's IR, with the graph validated. */
#include "onnx_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include XHAL_ONNX_PB_HEADER

/* What the conversion functions share: the file name for messages and the
 * error record. */
typedef struct onnx_build {
  const char *what;
  xhal__onnx_error_t *err;
} onnx_build_t;

static xhal_status_t onnx_oom(onnx_build_t *b, const char *doing) {
  return xhal__onnx_error_set(b->err, XHAL_STATUS_OUT_OF_MEMORY, "%s: out of memory while %s",
                              b->what, doing);
}

static char *onnx_strdup(const char *s) { return strdup(s ? s : ""); }

/* "node 3 'conv1' (Conv)" or "node 3 (Conv)" for messages. */
static void onnx_node_label(char *out, size_t out_size, uint32_t index, const char *name,
                            const char *op_type) {
  if (name && *name) {
    snprintf(out, out_size, "node %u '%s' (%s)", index, name, op_type && *op_type ? op_type : "?");
  } else {
    snprintf(out, out_size, "node %u (%s)", index, op_type && *op_type ? op_type : "?");
  }
}

const char *xhal__onnx_attr_type_name(int32_t type) {
  static const char *const names[] = {"UNDEFINED", "FLOAT",   "INT",           "STRING",
                                      "TENSOR",    "GRAPH",   "FLOATS",        "INTS",
                                      "STRINGS",   "TENSORS", "GRAPHS",        "SPARSE_TENSOR",
                                      "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS"};
  return type >= 0 && (size_t)type < sizeof names / sizeof names[0] ? names[type] : "?";
}

/* ---- teardown ---------------------------------------------------------------- */

static void onnx_value_info_deinit(xhal__onnx_value_info_t *v) {
  free(v->name);
  free(v->dims);
}

static void onnx_node_deinit(xhal__onnx_node_t *n) {
  free(n->name);
  free(n->op_type);
  free(n->domain);
  for (uint32_t i = 0; n->inputs && i < n->input_count; ++i) free(n->inputs[i]);
  for (uint32_t i = 0; n->outputs && i < n->output_count; ++i) free(n->outputs[i]);
  free(n->inputs);
  free(n->outputs);
  for (uint32_t i = 0; n->attrs && i < n->attr_count; ++i) {
    free((char *)n->attrs[i].name);
    free((int64_t *)n->attrs[i].ints);
    free((float *)n->attrs[i].floats);
    free((char *)n->attrs[i].s);
  }
  free(n->attrs);
  for (uint32_t i = 0; n->tensor_attrs && i < n->tensor_attr_count; ++i) {
    free(n->tensor_attrs[i].name);
    xhal__onnx_tensor_deinit(&n->tensor_attrs[i].tensor);
  }
  free(n->tensor_attrs);
  for (uint32_t i = 0; n->other_attrs && i < n->other_attr_count; ++i) {
    free(n->other_attrs[i].name);
  }
  free(n->other_attrs);
}

void xhal__onnx_model_destroy(xhal__onnx_model_t *model) {
  if (!model) return;
  free(model->path);
  for (uint32_t i = 0; model->opsets && i < model->opset_count; ++i) {
    free(model->opsets[i].domain);
  }
  free(model->opsets);
  free(model->graph_name);
  for (uint32_t i = 0; model->inputs && i < model->input_count; ++i) {
    onnx_value_info_deinit(&model->inputs[i]);
  }
  free(model->inputs);
  for (uint32_t i = 0; model->outputs && i < model->output_count; ++i) {
    onnx_value_info_deinit(&model->outputs[i]);
  }
  free(model->outputs);
  for (uint32_t i = 0; model->initializers && i < model->initializer_count; ++i) {
    xhal__onnx_tensor_deinit(&model->initializers[i]);
  }
  free(model->initializers);
  for (uint32_t i = 0; model->nodes && i < model->node_count; ++i) {
    onnx_node_deinit(&model->nodes[i]);
  }
  free(model->nodes);
  free(model);
}

/* ---- counts ------------------------------------------------------------------- */

/* Repeated fields become uint32_t counts; refuse anything larger. */
static xhal_status_t onnx_count(onnx_build_t *b, size_t n, const char *what_list,
                                uint32_t *out) {
  if (n > UINT32_MAX / 2) {
    return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT, "%s: %zu %s is too many",
                                b->what, n, what_list);
  }
  *out = (uint32_t)n;
  return XHAL_STATUS_OK;
}

/* ---- opsets and value infos ---------------------------------------------------- */

static xhal_status_t onnx_convert_opsets(onnx_build_t *b, const Onnx__ModelProto *m,
                                         xhal__onnx_model_t *model) {
  xhal_status_t status = onnx_count(b, m->n_opset_import, "opset imports", &model->opset_count);
  if (status != XHAL_STATUS_OK) return status;
  model->opsets = calloc(model->opset_count ? model->opset_count : 1, sizeof *model->opsets);
  if (!model->opsets) return onnx_oom(b, "reading opset imports");
  for (uint32_t i = 0; i < model->opset_count; ++i) {
    const Onnx__OperatorSetIdProto *o = m->opset_import[i];
    model->opsets[i].domain = onnx_strdup(o->domain);
    if (!model->opsets[i].domain) return onnx_oom(b, "reading opset imports");
    model->opsets[i].version = o->has_version ? o->version : 0;
    if (model->opsets[i].version < 0) {
      return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: opset import %u (domain '%s') has negative version %lld",
                                  b->what, i, model->opsets[i].domain,
                                  (long long)model->opsets[i].version);
    }
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t onnx_convert_tensor_type(onnx_build_t *b, const Onnx__TypeProto__Tensor *t,
                                              const char *what, xhal__onnx_value_info_t *v) {
  v->elem_type = t->has_elem_type ? t->elem_type : 0;
  if (v->elem_type != 0 && xhal__onnx_dtype_name(v->elem_type)[0] == '?') {
    return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: %s has unknown element type code %d", b->what, what,
                                (int)v->elem_type);
  }
  if (!t->shape) return XHAL_STATUS_OK;
  xhal_status_t status = onnx_count(b, t->shape->n_dim, "dims", &v->rank);
  if (status != XHAL_STATUS_OK) return status;
  v->has_shape = 1;
  v->dims = v->rank ? malloc(v->rank * sizeof *v->dims) : NULL;
  if (v->rank && !v->dims) return onnx_oom(b, "reading a shape");
  for (uint32_t d = 0; d < v->rank; ++d) {
    const Onnx__TensorShapeProto__Dimension *dim = t->shape->dim[d];
    v->dims[d] = -1;
    if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
      if (dim->dim_value < 0) {
        return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                    "%s: %s has negative dim %u (%lld)", b->what, what, d,
                                    (long long)dim->dim_value);
      }
      v->dims[d] = dim->dim_value;
    }
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t onnx_convert_value_info(onnx_build_t *b, const Onnx__ValueInfoProto *p,
                                             const char *list, uint32_t index,
                                             xhal__onnx_value_info_t *v) {
  char what[256];
  if (!p->name || !*p->name) {
    return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT, "%s: graph %s %u has no name",
                                b->what, list, index);
  }
  snprintf(what, sizeof what, "graph %s %u '%s'", list, index, p->name);
  v->name = onnx_strdup(p->name);
  if (!v->name) return onnx_oom(b, "reading graph inputs and outputs");
  if (!p->type) return XHAL_STATUS_OK;
  switch (p->type->value_case) {
    case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
      v->kind = XHAL__ONNX_VALUE_TENSOR;
      return onnx_convert_tensor_type(b, p->type->tensor_type, what, v);
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE: v->kind = XHAL__ONNX_VALUE_SEQUENCE; break;
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE: v->kind = XHAL__ONNX_VALUE_MAP; break;
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE: v->kind = XHAL__ONNX_VALUE_OPTIONAL; break;
    case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE:
      v->kind = XHAL__ONNX_VALUE_SPARSE_TENSOR;
      break;
    default: break;
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t onnx_convert_value_infos(onnx_build_t *b, Onnx__ValueInfoProto **protos,
                                              size_t n, const char *list, uint32_t *out_count,
                                              xhal__onnx_value_info_t **out) {
  xhal_status_t status = onnx_count(b, n, list, out_count);
  if (status != XHAL_STATUS_OK) return status;
  *out = calloc(n ? n : 1, sizeof **out);
  if (!*out) return onnx_oom(b, "reading graph inputs and outputs");
  for (uint32_t i = 0; i < *out_count; ++i) {
    status = onnx_convert_value_info(b, protos[i], list, i, &(*out)[i]);
    if (status != XHAL_STATUS_OK) return status;
  }
  return XHAL_STATUS_OK;
}

/* ---- attributes ------------------------------------------------------------------ */

/* The AttributeProto.type codes of the value fields that are present. */
static int onnx_attr_present(const Onnx__AttributeProto *a, int32_t *types, int max) {
  int n = 0;
#define ONNX_PRESENT(cond, code)                                                                   \
  if ((cond) && n < max) types[n++] = (code);
  ONNX_PRESENT(a->has_f, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT)
  ONNX_PRESENT(a->has_i, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)
  ONNX_PRESENT(a->has_s, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING)
  ONNX_PRESENT(a->t, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR)
  ONNX_PRESENT(a->g, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH)
  ONNX_PRESENT(a->sparse_tensor, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSOR)
  ONNX_PRESENT(a->tp, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTO)
  ONNX_PRESENT(a->n_floats, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS)
  ONNX_PRESENT(a->n_ints, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS)
  ONNX_PRESENT(a->n_strings, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS)
  ONNX_PRESENT(a->n_tensors, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSORS)
  ONNX_PRESENT(a->n_graphs, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPHS)
  ONNX_PRESENT(a->n_sparse_tensors, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSORS)
  ONNX_PRESENT(a->n_type_protos, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTOS)
#undef ONNX_PRESENT
  return n;
}

/* The attribute's type: the declared one, checked against the value fields
 * present, or (IR version 1, no type field) the one field present. An empty
 * list (FLOATS, INTS, ...) has no field on the wire, so a declared list type
 * with nothing present is an empty list. */
static xhal_status_t onnx_attr_type(onnx_build_t *b, const Onnx__AttributeProto *a,
                                    const char *what, int32_t *out_type) {
  int32_t present[16];
  int n = onnx_attr_present(a, present, 16);
  int32_t declared = a->has_type ? (int32_t)a->type : 0;
  if (declared == 0) {
    if (n != 1) {
      return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: %s has no type and %d value fields (expected exactly one)",
                                  b->what, what, n);
    }
    *out_type = present[0];
    return XHAL_STATUS_OK;
  }
  for (int i = 0; i < n; ++i) {
    if (present[i] != declared) {
      return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: %s declares type %s (%d) but carries a %s value", b->what,
                                  what, xhal__onnx_attr_type_name(declared), (int)declared,
                                  xhal__onnx_attr_type_name(present[i]));
    }
  }
  int is_list = declared >= ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS &&
                declared != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSOR &&
                declared != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTO;
  if (n == 0 && !is_list && declared != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT &&
      declared != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT &&
      declared != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING) {
    return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: %s declares type %s (%d) but carries no value", b->what,
                                what, xhal__onnx_attr_type_name(declared), (int)declared);
  }
  *out_type = declared;
  return XHAL_STATUS_OK;
}

/* Converts one INT, FLOAT, INTS, FLOATS or STRING attribute. proto2 scalars
 * that are absent take their default (0, 0.0, ""). */
static xhal_status_t onnx_convert_plain_attr(onnx_build_t *b, const Onnx__AttributeProto *a,
                                             int32_t type, const char *what, xhal_attr_t *out) {
  out->name = onnx_strdup(a->name);
  if (!out->name) return onnx_oom(b, "reading attributes");
  switch (type) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
      out->type = XHAL_ATTR_INT;
      out->i = a->i;
      return XHAL_STATUS_OK;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
      out->type = XHAL_ATTR_FLOAT;
      out->f = a->f;
      return XHAL_STATUS_OK;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: {
      out->type = XHAL_ATTR_INTS;
      xhal_status_t status = onnx_count(b, a->n_ints, "attribute ints", &out->count);
      if (status != XHAL_STATUS_OK || !out->count) return status;
      int64_t *ints = malloc(out->count * sizeof *ints);
      if (!ints) return onnx_oom(b, "reading attributes");
      memcpy(ints, a->ints, out->count * sizeof *ints);
      out->ints = ints;
      return XHAL_STATUS_OK;
    }
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: {
      out->type = XHAL_ATTR_FLOATS;
      xhal_status_t status = onnx_count(b, a->n_floats, "attribute floats", &out->count);
      if (status != XHAL_STATUS_OK || !out->count) return status;
      float *floats = malloc(out->count * sizeof *floats);
      if (!floats) return onnx_oom(b, "reading attributes");
      memcpy(floats, a->floats, out->count * sizeof *floats);
      out->floats = floats;
      return XHAL_STATUS_OK;
    }
    default: { /* STRING */
      out->type = XHAL_ATTR_STRING;
      size_t length = a->has_s ? a->s.len : 0;
      if (length && memchr(a->s.data, 0, length)) {
        return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                    "%s: %s is a STRING with a NUL byte inside", b->what, what);
      }
      char *s = malloc(length + 1);
      if (!s) return onnx_oom(b, "reading attributes");
      if (length) memcpy(s, a->s.data, length);
      s[length] = '\0';
      out->s = s;
      return XHAL_STATUS_OK;
    }
  }
}

static xhal_status_t onnx_convert_attr(onnx_build_t *b, const Onnx__AttributeProto *a,
                                       const char *node_label, xhal__onnx_node_t *node) {
  char what[512];
  snprintf(what, sizeof what, "%s attribute '%s'", node_label, a->name);
  int32_t type = -1; /* a reference to a function's attribute carries no value */
  if (!a->ref_attr_name || !*a->ref_attr_name) {
    xhal_status_t status = onnx_attr_type(b, a, what, &type);
    if (status != XHAL_STATUS_OK) return status;
  }
  switch (type) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING:
      return onnx_convert_plain_attr(b, a, type, what, &node->attrs[node->attr_count++]);
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: {
      xhal__onnx_tensor_attr_t *t = &node->tensor_attrs[node->tensor_attr_count++];
      t->name = onnx_strdup(a->name);
      if (!t->name) return onnx_oom(b, "reading attributes");
      char tensor_what[1024];
      snprintf(tensor_what, sizeof tensor_what, "%s: %s", b->what, what);
      return xhal__onnx_tensor_from_proto(a->t, tensor_what, &t->tensor, b->err);
    }
    default: {
      xhal__onnx_other_attr_t *o = &node->other_attrs[node->other_attr_count++];
      o->name = onnx_strdup(a->name);
      o->type = type < 0 ? (a->has_type ? (int32_t)a->type : 0) : type;
      return o->name ? XHAL_STATUS_OK : onnx_oom(b, "reading attributes");
    }
  }
}

/* ---- nodes ----------------------------------------------------------------------- */

static xhal_status_t onnx_convert_names(onnx_build_t *b, char **names, size_t n,
                                        uint32_t *out_count, char ***out) {
  xhal_status_t status = onnx_count(b, n, "node inputs or outputs", out_count);
  if (status != XHAL_STATUS_OK) return status;
  *out = calloc(n ? n : 1, sizeof **out);
  if (!*out) return onnx_oom(b, "reading nodes");
  for (uint32_t i = 0; i < *out_count; ++i) {
    (*out)[i] = onnx_strdup(names[i]);
    if (!(*out)[i]) return onnx_oom(b, "reading nodes");
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t onnx_convert_node(onnx_build_t *b, const Onnx__NodeProto *p, uint32_t index,
                                       xhal__onnx_node_t *node) {
  char label[256];
  onnx_node_label(label, sizeof label, index, p->name, p->op_type);
  if (!p->op_type || !*p->op_type) {
    return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s has no op_type",
                                b->what, label);
  }
  node->name = onnx_strdup(p->name);
  node->op_type = onnx_strdup(p->op_type);
  node->domain = onnx_strdup(p->domain);
  if (!node->name || !node->op_type || !node->domain) return onnx_oom(b, "reading nodes");
  xhal_status_t status = onnx_convert_names(b, p->input, p->n_input, &node->input_count,
                                            &node->inputs);
  if (status == XHAL_STATUS_OK) {
    status = onnx_convert_names(b, p->output, p->n_output, &node->output_count, &node->outputs);
  }
  uint32_t attr_total = 0;
  if (status == XHAL_STATUS_OK) status = onnx_count(b, p->n_attribute, "attributes", &attr_total);
  if (status != XHAL_STATUS_OK) return status;
  size_t slots = attr_total ? attr_total : 1;
  node->attrs = calloc(slots, sizeof *node->attrs);
  node->tensor_attrs = calloc(slots, sizeof *node->tensor_attrs);
  node->other_attrs = calloc(slots, sizeof *node->other_attrs);
  if (!node->attrs || !node->tensor_attrs || !node->other_attrs) {
    return onnx_oom(b, "reading attributes");
  }
  for (uint32_t i = 0; i < attr_total; ++i) {
    const Onnx__AttributeProto *a = p->attribute[i];
    if (!a->name || !*a->name) {
      return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: %s attribute %u has no name", b->what, label, i);
    }
    for (uint32_t j = 0; j < i; ++j) {
      if (strcmp(p->attribute[j]->name, a->name) == 0) {
        return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                    "%s: %s has attribute '%s' twice", b->what, label, a->name);
      }
    }
    status = onnx_convert_attr(b, a, label, node);
    if (status != XHAL_STATUS_OK) return status;
  }
  return XHAL_STATUS_OK;
}

/* ---- graph validation --------------------------------------------------------- */

/* An open-addressing set of names that the model owns. */
typedef struct onnx_name_set {
  const char **slots;
  size_t mask;
} onnx_name_set_t;

static uint64_t onnx_hash(const char *s) {
  uint64_t hash = UINT64_C(0xcbf29ce484222325);
  for (const unsigned char *c = (const unsigned char *)s; *c; ++c) {
    hash ^= *c;
    hash *= UINT64_C(0x100000001b3);
  }
  return hash;
}

/* 1 if name was already present, 0 if added. The set never fills up: its
 * capacity is more than twice the number of names the model can define. */
static int onnx_name_set_add(onnx_name_set_t *set, const char *name) {
  for (size_t slot = (size_t)onnx_hash(name) & set->mask;; slot = (slot + 1) & set->mask) {
    if (!set->slots[slot]) {
      set->slots[slot] = name;
      return 0;
    }
    if (strcmp(set->slots[slot], name) == 0) return 1;
  }
}

static int onnx_name_set_has(const onnx_name_set_t *set, const char *name) {
  for (size_t slot = (size_t)onnx_hash(name) & set->mask;; slot = (slot + 1) & set->mask) {
    if (!set->slots[slot]) return 0;
    if (strcmp(set->slots[slot], name) == 0) return 1;
  }
}

static xhal_status_t onnx_validate_nodes(onnx_build_t *b, const xhal__onnx_model_t *model,
                                         onnx_name_set_t *defined) {
  char label[256];
  for (uint32_t i = 0; i < model->node_count; ++i) {
    const xhal__onnx_node_t *node = &model->nodes[i];
    onnx_node_label(label, sizeof label, i, node->name, node->op_type);
    for (uint32_t k = 0; k < node->input_count; ++k) {
      const char *name = node->inputs[k];
      if (*name && !onnx_name_set_has(defined, name)) {
        return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                    "%s: %s input %u '%s' is not a graph input, an initializer "
                                    "or an output of an earlier node",
                                    b->what, label, k, name);
      }
    }
    for (uint32_t k = 0; k < node->output_count; ++k) {
      const char *name = node->outputs[k];
      if (*name && onnx_name_set_add(defined, name)) {
        return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                    "%s: %s output %u '%s' is already defined earlier in the "
                                    "graph",
                                    b->what, label, k, name);
      }
    }
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t onnx_validate(onnx_build_t *b, const xhal__onnx_model_t *model) {
  size_t names = (size_t)model->input_count + model->initializer_count;
  for (uint32_t i = 0; i < model->node_count; ++i) names += model->nodes[i].output_count;
  size_t capacity = 16;
  while (capacity < names * 2 + 1) capacity *= 2;
  onnx_name_set_t defined = {calloc(capacity, sizeof(const char *)), capacity - 1};
  if (!defined.slots) return onnx_oom(b, "checking the graph");
  xhal_status_t status = XHAL_STATUS_OK;
  for (uint32_t i = 0; i < model->input_count && status == XHAL_STATUS_OK; ++i) {
    if (onnx_name_set_add(&defined, model->inputs[i].name)) {
      status = xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                    "%s: graph input %u '%s' is listed twice", b->what, i,
                                    model->inputs[i].name);
    }
  }
  /* An initializer may share its name with a graph input (IR < 4: a default
   * for the input), so only a second initializer of a name is an error. */
  onnx_name_set_t initializers = {calloc(capacity, sizeof(const char *)), capacity - 1};
  if (!initializers.slots && status == XHAL_STATUS_OK) status = onnx_oom(b, "checking the graph");
  for (uint32_t i = 0; i < model->initializer_count && status == XHAL_STATUS_OK; ++i) {
    const char *name = model->initializers[i].name;
    if (onnx_name_set_add(&initializers, name)) {
      status = xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                    "%s: initializer %u '%s' is defined twice", b->what, i, name);
    }
    onnx_name_set_add(&defined, name);
  }
  if (status == XHAL_STATUS_OK) status = onnx_validate_nodes(b, model, &defined);
  for (uint32_t i = 0; i < model->output_count && status == XHAL_STATUS_OK; ++i) {
    if (!onnx_name_set_has(&defined, model->outputs[i].name)) {
      status = xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                    "%s: graph output %u '%s' is not produced by any node, input "
                                    "or initializer",
                                    b->what, i, model->outputs[i].name);
    }
  }
  free(initializers.slots);
  free(defined.slots);
  return status;
}

/* ---- model --------------------------------------------------------------------- */

static xhal_status_t onnx_convert_graph(onnx_build_t *b, const Onnx__GraphProto *g,
                                        xhal__onnx_model_t *model) {
  model->graph_name = onnx_strdup(g->name);
  if (!model->graph_name) return onnx_oom(b, "reading the graph");
  if (g->n_sparse_initializer) {
    return xhal__onnx_error_set(b->err, XHAL_STATUS_UNSUPPORTED,
                                "%s: the graph has %zu sparse initializers, which the reader "
                                "does not hold",
                                b->what, g->n_sparse_initializer);
  }
  xhal_status_t status = onnx_convert_value_infos(b, g->input, g->n_input, "input",
                                                  &model->input_count, &model->inputs);
  if (status == XHAL_STATUS_OK) {
    status = onnx_convert_value_infos(b, g->output, g->n_output, "output", &model->output_count,
                                      &model->outputs);
  }
  uint32_t initializers = 0, nodes = 0;
  if (status == XHAL_STATUS_OK) {
    status = onnx_count(b, g->n_initializer, "initializers", &initializers);
  }
  if (status == XHAL_STATUS_OK) status = onnx_count(b, g->n_node, "nodes", &nodes);
  if (status != XHAL_STATUS_OK) return status;
  model->initializers = calloc(initializers ? initializers : 1, sizeof *model->initializers);
  model->nodes = calloc(nodes ? nodes : 1, sizeof *model->nodes);
  if (!model->initializers || !model->nodes) return onnx_oom(b, "reading the graph");
  for (uint32_t i = 0; i < initializers; ++i) {
    const Onnx__TensorProto *t = g->initializer[i];
    char what[512];
    if (!t->name || !*t->name) {
      return xhal__onnx_error_set(b->err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: initializer %u has no name", b->what, i);
    }
    snprintf(what, sizeof what, "%s: initializer %u '%s'", b->what, i, t->name);
    status = xhal__onnx_tensor_from_proto(t, what, &model->initializers[i], b->err);
    if (status != XHAL_STATUS_OK) return status;
    model->initializer_count++;
  }
  for (uint32_t i = 0; i < nodes; ++i) {
    model->node_count++; /* counted first so that a half-built node is freed */
    status = onnx_convert_node(b, g->node[i], i, &model->nodes[i]);
    if (status != XHAL_STATUS_OK) return status;
  }
  return onnx_validate(b, model);
}

xhal_status_t xhal__onnx_model_parse(const uint8_t *data, size_t size, const char *what,
                                     xhal__onnx_model_t **out_model, xhal__onnx_error_t *err) {
  onnx_build_t b = {what ? what : "model", err};
  if ((!data && size) || !out_model) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT, "%s: NULL argument", b.what);
  }
  char defect[512];
  if (xhal__onnx_wire_check(&onnx__model_proto__descriptor, data, size, defect,
                            sizeof defect) != 0) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: not a valid ONNX model (%zu bytes): %s", b.what, size,
                                defect);
  }
  Onnx__ModelProto *proto = onnx__model_proto__unpack(NULL, size, data);
  if (!proto) {
    return xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                "%s: not a valid ONNX model (%zu bytes): protobuf-c refused a "
                                "value although the wire format is intact",
                                b.what, size);
  }
  xhal_status_t status = XHAL_STATUS_OK;
  xhal__onnx_model_t *model = calloc(1, sizeof *model);
  if (!model || !(model->path = onnx_strdup(b.what))) status = onnx_oom(&b, "reading the model");
  if (status == XHAL_STATUS_OK && !proto->graph) {
    status = xhal__onnx_error_set(err, XHAL_STATUS_INVALID_ARGUMENT,
                                  "%s: the model has no graph (%zu bytes; is this an ONNX "
                                  "model?)",
                                  b.what, size);
  }
  if (status == XHAL_STATUS_OK) {
    model->ir_version = proto->has_ir_version ? proto->ir_version : 0;
    status = onnx_convert_opsets(&b, proto, model);
  }
  if (status == XHAL_STATUS_OK) status = onnx_convert_graph(&b, proto->graph, model);
  onnx__model_proto__free_unpacked(proto, NULL);
  if (status != XHAL_STATUS_OK) {
    xhal__onnx_model_destroy(model);
    return status;
  }
  *out_model = model;
  return XHAL_STATUS_OK;
}

xhal_status_t xhal__onnx_model_load(const char *path, xhal__onnx_model_t **out_model,
                                    xhal__onnx_error_t *err) {
  uint8_t *data = NULL;
  size_t size = 0;
  xhal_status_t status = xhal__onnx_file_read(path, &data, &size, err);
  if (status != XHAL_STATUS_OK) return status;
  status = xhal__onnx_model_parse(data, size, path, out_model, err);
  free(data);
  return status;
}

/* ---- queries --------------------------------------------------------------------- */

static int onnx_is_default_domain(const char *domain) {
  return !domain || !*domain || strcmp(domain, "ai.onnx") == 0;
}

int64_t xhal__onnx_model_opset(const xhal__onnx_model_t *model, const char *domain) {
  int64_t version = 0;
  for (uint32_t i = 0; model && i < model->opset_count; ++i) {
    const char *d = model->opsets[i].domain;
    int same = onnx_is_default_domain(domain) ? onnx_is_default_domain(d)
                                              : strcmp(d, domain) == 0;
    if (same && model->opsets[i].version > version) version = model->opsets[i].version;
  }
  return version;
}

const xhal_attr_t *xhal__onnx_node_attr(const xhal__onnx_node_t *node, const char *name) {
  for (uint32_t i = 0; node && i < node->attr_count; ++i) {
    if (strcmp(node->attrs[i].name, name) == 0) return &node->attrs[i];
  }
  return NULL;
}

const xhal__onnx_tensor_t *xhal__onnx_node_tensor_attr(const xhal__onnx_node_t *node,
                                                       const char *name) {
  for (uint32_t i = 0; node && i < node->tensor_attr_count; ++i) {
    if (strcmp(node->tensor_attrs[i].name, name) == 0) return &node->tensor_attrs[i].tensor;
  }
  return NULL;
}
