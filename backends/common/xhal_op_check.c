/* xhal_op_check.c - the ONNX rules of operator launches, for every backend
 * (see xhal_op_check.h): views, attributes, dtypes and the dispatch to each
 * op's rules; the larger groups' rules are in xhal_op_check_<group>.c
 * (conv, gather, linalg, norm, reduce, shape, unary). */
#include "xhal_op_check.h"

#include "xhal_op_check_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xhal_op_check_shape.h"
#include "xhal_op_check_conv.h"

/* ---- Names and sizes --------------------------------------------------------------------- */

const char *xop_op_name(uint32_t op) {
  switch (op) {
#define XOP_OP_NAME(name, value, onnx_name)                                                        \
  case XHAL_OP_##name:                                                                             \
    return onnx_name;
    XHAL_OP_LIST(XOP_OP_NAME)
#undef XOP_OP_NAME
    default:
      return NULL;
  }
}

const char *xop_dtype_name(uint32_t dtype) {
  switch (dtype) {
#define XOP_DTYPE_NAME(name, value, size, text)                                                    \
  case XHAL_DTYPE_##name:                                                                          \
    return text;
    XHAL_DTYPE_LIST(XOP_DTYPE_NAME)
#undef XOP_DTYPE_NAME
    default:
      return NULL;
  }
}

uint64_t xop_dtype_size(uint32_t dtype) {
  switch (dtype) {
#define XOP_DTYPE_SIZE(name, value, size, text)                                                    \
  case XHAL_DTYPE_##name:                                                                          \
    return size;
    XHAL_DTYPE_LIST(XOP_DTYPE_SIZE)
#undef XOP_DTYPE_SIZE
    default:
      return 0;
  }
}

uint64_t xop_all_dtypes(void) {
  uint64_t set = 0;
#define XOP_DTYPE_BIT(name, value, size, text) set |= XHAL_DTYPE_BIT(XHAL_DTYPE_##name);
  XHAL_DTYPE_LIST(XOP_DTYPE_BIT)
#undef XOP_DTYPE_BIT
  return set;
}

int64_t xop_view_count(const xop_view_t *view) {
  int64_t count = 1;
  for (uint32_t k = 0; k < view->rank; ++k) count *= view->dims[k];
  return count;
}

/* "(2,3,4)"; "()" for a scalar. */
const char *xop_dims_text(char *buf, size_t size, uint32_t rank, const int64_t *dims) {
  size_t used = (size_t)snprintf(buf, size, "(");
  for (uint32_t k = 0; k < rank && used < size; ++k)
    used += (size_t)snprintf(buf + used, size - used, "%s%lld", k ? "," : "", (long long)dims[k]);
  if (used < size) snprintf(buf + used, size - used, ")");
  return buf;
}

/* "f32, f16, i32, i64": floats first, then the others in xhal order. */
static const char *xop_dtype_set_text(char *buf, size_t size, uint64_t set) {
  static const uint32_t floats[] = {XHAL_DTYPE_F32, XHAL_DTYPE_F16, XHAL_DTYPE_BF16,
                                    XHAL_DTYPE_F64};
  uint32_t order[64];
  size_t n = 0, used = 0;
  for (size_t i = 0; i < sizeof floats / sizeof *floats; ++i) order[n++] = floats[i];
#define XOP_DTYPE_ORDER(name, value, size_, text)                                                  \
  if (XHAL_DTYPE_##name != XHAL_DTYPE_F32 && XHAL_DTYPE_##name != XHAL_DTYPE_F16 &&                \
      XHAL_DTYPE_##name != XHAL_DTYPE_BF16 && XHAL_DTYPE_##name != XHAL_DTYPE_F64)                 \
    order[n++] = XHAL_DTYPE_##name;
  XHAL_DTYPE_LIST(XOP_DTYPE_ORDER)
#undef XOP_DTYPE_ORDER
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < size; ++i) {
    if (!(set & XHAL_DTYPE_BIT(order[i]))) continue;
    used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                             xop_dtype_name(order[i]));
  }
  if (!used) snprintf(buf, size, "none");
  return buf;
}

/* ---- Errors ------------------------------------------------------------------------------ */

int32_t xop_fail(const xop_backend_t *backend, int32_t status, const char *format, ...) {
  char message[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  return backend->report(status, message);
}

/* ---- Tensor views ------------------------------------------------------------------------ */

/* Copies a caller's struct of src_size bytes into dst (size bytes), zeroing
 * what the caller's older struct lacks. The common case, a struct of the
 * size this code knows, is one fixed-size copy: validation runs on every op
 * launch, and variable-size memset/memcpy cost more than the rest of it. */
static void xop_struct_read(void *dst, const void *src, uint32_t src_size, size_t size) {
  if (src_size >= size) {
    memcpy(dst, src, size);
    return;
  }
  memset(dst, 0, size);
  memcpy(dst, src, src_size);
}

/* Reads a caller's tensor struct by its own struct_size (fields it does not
 * have read as zero). */
static int32_t xop_tensor_read(const xop_ctx_t *c, const char *role, uint32_t index,
                               const xhal_plugin_tensor_t *src, xhal_plugin_tensor_t *dst) {
  if (!src)
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u is NULL", c->op, role, index);
  if (src->header.stype != XHAL_STYPE_TENSOR || src->header.struct_size < sizeof src->header) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: %s %u has stype %u and struct_size %u, expected XHAL_STYPE_TENSOR (%u)",
                    c->op, role, index, src->header.stype, src->header.struct_size,
                    (unsigned)XHAL_STYPE_TENSOR);
  }
  xop_struct_read(dst, src, src->header.struct_size, sizeof *dst);
  return XHAL_STATUS_OK;
}

static int32_t xop_view_dims_check(const xop_ctx_t *c, const char *role, uint32_t index,
                                   const xhal_plugin_tensor_t *t, int is_output) {
  if (t->rank > XHAL_MAX_RANK) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u has rank %u, more than %d", c->op,
                    role, index, t->rank, XHAL_MAX_RANK);
  }
  int64_t count = 1;
  for (uint32_t k = 0; k < t->rank; ++k) {
    if (t->dims[k] < 0 || t->strides[k] < 0) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: %s %u dim %u is %lld with stride %lld; both must be >= 0", c->op, role,
                      index, k, (long long)t->dims[k], (long long)t->strides[k]);
    }
    if (__builtin_mul_overflow(count, t->dims[k], &count)) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: %s %u element count overflows at dim %u", c->op, role, index, k);
    }
  }
  /* An empty output writes nothing, so its strides cannot make elements collide. */
  for (uint32_t k = 0; is_output && count > 0 && k < t->rank; ++k) {
    if (t->dims[k] > 1 && t->strides[k] == 0) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: output %u dim %u (extent %lld) has stride 0; outputs cannot broadcast",
                      c->op, index, k, (long long)t->dims[k]);
    }
  }
  return XHAL_STATUS_OK;
}

/* Overflow-safe: the last byte the view touches must lie in the buffer. */
static int32_t xop_view_fit_check(const xop_ctx_t *c, const char *role, uint32_t index,
                                  const xhal_plugin_tensor_t *t, uint64_t esize) {
  const xhal_plugin_buffer_t *buffer = t->buffer;
  xhal_plugin_device_t *owner = c->backend->buffer_device(buffer);
  if (owner != c->device) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: %s %u buffer %p belongs to another device (%p), not %p", c->op, role,
                    index, (const void *)buffer, (void *)owner, (void *)c->device);
  }
  const uint64_t buffer_size = c->backend->buffer_size(buffer);
  uint64_t span = 0, end = 0; /* span: offset of the last element, in elements */
  int overflow = 0, empty = 0;
  for (uint32_t k = 0; k < t->rank; ++k) {
    uint64_t step;
    if (t->dims[k] == 0) empty = 1;
    if (t->dims[k] == 0) continue;
    overflow |= __builtin_mul_overflow((uint64_t)(t->dims[k] - 1), (uint64_t)t->strides[k], &step);
    overflow |= __builtin_add_overflow(span, step, &span);
  }
  if (empty) span = 0;
  overflow |= __builtin_add_overflow(span, (uint64_t)(empty ? 0 : 1), &end);
  overflow |= __builtin_mul_overflow(end, esize, &end);
  overflow |= __builtin_add_overflow(end, t->byte_offset, &end);
  if (overflow || end > buffer_size) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: %s %u view (byte_offset %llu) needs %s%llu bytes but its buffer has %llu",
                    c->op, role, index, (unsigned long long)t->byte_offset,
                    overflow ? "more than " : "", (unsigned long long)(overflow ? UINT64_MAX : end),
                    (unsigned long long)buffer_size);
  }
  return XHAL_STATUS_OK;
}

static int32_t xop_view_make(const xop_ctx_t *c, const char *role, uint32_t index,
                             const xhal_plugin_tensor_t *src, int is_output, xop_view_t *view) {
  xhal_plugin_tensor_t t;
  XOP_RETURN_IF_ERROR(xop_tensor_read(c, role, index, src, &t));
  const uint64_t esize = xop_dtype_size(t.dtype);
  if (!esize) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u has unknown dtype %u", c->op, role,
                    index, t.dtype);
  }
  XOP_RETURN_IF_ERROR(xop_view_dims_check(c, role, index, &t, is_output));
  if (t.byte_offset % esize) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: %s %u byte_offset %llu is not a multiple of the %s size %llu", c->op, role,
                    index, (unsigned long long)t.byte_offset, xop_dtype_name(t.dtype),
                    (unsigned long long)esize);
  }
  if (!t.buffer && c->need_buffers)
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u has no buffer", c->op, role, index);
  if (t.buffer) XOP_RETURN_IF_ERROR(xop_view_fit_check(c, role, index, &t, esize));
  view->buffer = t.buffer;
  view->byte_offset = t.byte_offset;
  view->dtype = t.dtype;
  view->rank = t.rank;
  memcpy(view->dims, t.dims, sizeof view->dims);
  memcpy(view->strides, t.strides, sizeof view->strides);
  return XHAL_STATUS_OK;
}

/* Gives a rank-r view of v with v's dims right-aligned and the leading ones
 * taken from dims with stride 0 (also where v has extent 1). */
void xop_view_expand(xop_view_t *v, uint32_t r, const int64_t *dims) {
  xop_view_t e = *v;
  const uint32_t shift = r - v->rank;
  for (uint32_t k = 0; k < r; ++k) {
    const int64_t d = k < shift ? 1 : v->dims[k - shift];
    e.dims[k] = dims[k];
    e.strides[k] = (d == 1 && dims[k] != 1) || k < shift ? 0 : v->strides[k - shift];
  }
  e.rank = r;
  *v = e;
}

/* Inserts a unit dim (stride 0) at position pos. */
void xop_view_insert_unit(xop_view_t *v, uint32_t pos) {
  for (uint32_t k = v->rank; k > pos; --k) {
    v->dims[k] = v->dims[k - 1];
    v->strides[k] = v->strides[k - 1];
  }
  v->dims[pos] = 1;
  v->strides[pos] = 0;
  v->rank++;
}

/* ---- Attributes -------------------------------------------------------------------------- */

const char *xop_attr_type_name(uint32_t type) {
  switch (type) {
    case XHAL_ATTR_INT:
      return "INT";
    case XHAL_ATTR_FLOAT:
      return "FLOAT";
    case XHAL_ATTR_INTS:
      return "INTS";
    case XHAL_ATTR_FLOATS:
      return "FLOATS";
    case XHAL_ATTR_STRING:
      return "STRING";
    default:
      return "unknown";
  }
}

/* Matches desc's attributes against the op's specs: found[i] is the
 * attribute named specs[i].name or NULL (default). */
int32_t xop_attrs_parse(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                        const xop_attr_spec_t *specs, int spec_count,
                        const xhal_attr_t **found) {
  for (int s = 0; s < spec_count; ++s) found[s] = NULL;
  if (desc->attr_count && !desc->attrs) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: attr_count is %u but attrs is NULL",
                    c->op, desc->attr_count);
  }
  for (uint32_t i = 0; i < desc->attr_count; ++i) {
    const xhal_attr_t *a = &desc->attrs[i];
    if (!a->name)
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute %u has no name", c->op, i);
    int s = 0;
    while (s < spec_count && strcmp(specs[s].name, a->name) != 0) ++s;
    if (s == spec_count)
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: unknown attribute '%s'", c->op,
                      a->name);
    if (found[s]) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute '%s' given twice", c->op,
                      a->name);
    }
    const int number = specs[s].type == XOP_ATTR_NUMBER;
    if (number ? a->type != XHAL_ATTR_FLOAT && a->type != XHAL_ATTR_INT
               : a->type != specs[s].type) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: attribute '%s' has type %s (%u), expected %s", c->op, a->name,
                      xop_attr_type_name(a->type), a->type,
                      number ? "FLOAT or INT" : xop_attr_type_name(specs[s].type));
    }
    if ((a->type == XHAL_ATTR_INTS && a->count && !a->ints) ||
        (a->type == XHAL_ATTR_FLOATS && a->count && !a->floats)) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: attribute '%s' has count %u but %s is NULL", c->op, a->name, a->count,
                      a->type == XHAL_ATTR_INTS ? "ints" : "floats");
    }
    if (a->type == XHAL_ATTR_STRING && !a->s) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute '%s' has no string", c->op,
                      a->name);
    }
    found[s] = a;
  }
  return XHAL_STATUS_OK;
}

/* A 0/1 flag attribute, default def when absent. */
int32_t xop_attr_flag(const xop_ctx_t *c, const xhal_attr_t *a, int def, int *out) {
  if (!a) {
    *out = def;
    return XHAL_STATUS_OK;
  }
  if (a->i != 0 && a->i != 1) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute '%s' is %lld, expected 0 or 1",
                    c->op, a->name, (long long)a->i);
  }
  *out = (int)a->i;
  return XHAL_STATUS_OK;
}

/* A STRING attribute among names (default index def when absent). */
int32_t xop_attr_enum(const xop_ctx_t *c, const xhal_attr_t *a, const char *const *names, int n,
                      uint32_t def, uint32_t *out) {
  if (!a) {
    *out = def;
    return XHAL_STATUS_OK;
  }
  for (int i = 0; i < n; ++i) {
    if (strcmp(a->s, names[i]) == 0) {
      *out = (uint32_t)i;
      return XHAL_STATUS_OK;
    }
  }
  char list[256];
  size_t used = 0;
  list[0] = '\0';
  for (int i = 0; i < n && used < sizeof list; ++i)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
  return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s '%s' is not one of %s", c->op, a->name,
                  a->s, list);
}

/* Normalises axis into [0, rank). */
int32_t xop_axis(const xop_ctx_t *c, const char *what, int64_t axis, uint32_t rank,
                 uint32_t *out) {
  if (axis < -(int64_t)rank || axis >= (int64_t)rank) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: %s %lld is out of range [%d, %d] for rank %u", c->op, what,
                    (long long)axis, -(int)rank, (int)rank - 1, rank);
  }
  *out = (uint32_t)(axis < 0 ? axis + rank : axis);
  return XHAL_STATUS_OK;
}

/* Normalises an axes attribute's entries, each once. */
int32_t xop_axes_parse(const xop_ctx_t *c, const xhal_attr_t *axes, uint32_t rank, uint32_t *mask,
                       uint32_t *axis) {
  *mask = 0;
  for (uint32_t i = 0; axes && i < axes->count; ++i) {
    uint32_t k = 0;
    XOP_RETURN_IF_ERROR(xop_axis(c, "axes entry", axes->ints[i], rank, &k));
    if (*mask & (1u << k)) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: axes entry %lld repeats dim %u", c->op,
                      (long long)axes->ints[i], k);
    }
    *mask |= 1u << k;
    if (axis) axis[i] = k;
  }
  return XHAL_STATUS_OK;
}

/* ---- dtype rules ------------------------------------------------------------------------- */

int xop_is_float(uint32_t dtype) {
  return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16 || dtype == XHAL_DTYPE_BF16 ||
         dtype == XHAL_DTYPE_F64;
}

/* Why a dtype ONNX allows is left out on purpose ("" if not; docs/conformance.md). */
static const char *xop_dtype_reason(uint32_t op, uint32_t dtype) {
  const int integer = dtype == XHAL_DTYPE_I32 || dtype == XHAL_DTYPE_I64 ||
                      dtype == XHAL_DTYPE_U8 || dtype == XHAL_DTYPE_I8 ||
                      dtype == XHAL_DTYPE_I16 || dtype == XHAL_DTYPE_U16 ||
                      dtype == XHAL_DTYPE_U32 || dtype == XHAL_DTYPE_U64;
  if (op == XHAL_OP_ERF && integer)
    return ": integer Erf has no portable result (erf(x) truncated is 0 for every x, |erf| < 1, "
           "while float erf rounds to +-1 for |x| >= 4 in f32, >= 6 in f64)";
  return "";
}

int32_t xop_dtype_supported(const xop_ctx_t *c, uint32_t op, uint32_t dtype, const char *what) {
  const uint64_t set = c->backend->op_dtypes(c->device, op);
  if (set & XHAL_DTYPE_BIT(dtype)) return XHAL_STATUS_OK;
  char list[256];
  return XOP_FAIL(c, XHAL_STATUS_UNSUPPORTED, "%s: %s %s is not supported (supported: %s)%s",
                  c->op, what, xop_dtype_name(dtype), xop_dtype_set_text(list, sizeof list, set),
                  xop_dtype_reason(op, dtype));
}

/* The dtype an op's declared dtype set refers to: input 0's, but Where's X
 * (input 1; its condition is always bool). */
static uint32_t xop_main_dtype(const xop_plan_t *plan) {
  return plan->op == XHAL_OP_WHERE ? plan->in[1].dtype : plan->in[0].dtype;
}

/* Ops whose inputs or output do not all share one dtype (binary group, below). */
static int32_t xop_dtypes_agree_mixed(const xop_ctx_t *c, const xop_plan_t *plan);

/* Every input and the output share input 0's dtype (except Cast's output
 * and the mixed-dtype ops: Pow's exponent, comparisons' bool output,
 * Where's bool condition). */
static int32_t xop_dtypes_agree(const xop_ctx_t *c, const xop_plan_t *plan) {
  const uint32_t dtype = plan->in[0].dtype;
  switch (plan->op) {
    case XHAL_OP_POW:
    case XHAL_OP_EQUAL:
    case XHAL_OP_LESS:
    case XHAL_OP_GREATER:
    case XHAL_OP_LESS_OR_EQUAL:
    case XHAL_OP_GREATER_OR_EQUAL:
    case XHAL_OP_WHERE:
      return xop_dtypes_agree_mixed(c, plan);
    default:
      break;
  }
  /* BatchNormalization-15 types X, scale/B and mean/var separately (its check). */
  const uint32_t inputs = plan->op == XHAL_OP_BATCH_NORMALIZATION ? 1 : plan->input_count;
  for (uint32_t i = 1; i < inputs; ++i) {
    if (plan->in[i].dtype != dtype) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: input %u dtype %s differs from input 0 dtype %s", c->op, i,
                      xop_dtype_name(plan->in[i].dtype), xop_dtype_name(dtype));
    }
  }
  /* Cast's target is 'to'; ArgMax/ArgMin give i64 (checked by the op). */
  const int own_out = plan->op == XHAL_OP_CAST || plan->op == XHAL_OP_ARG_MAX ||
                      plan->op == XHAL_OP_ARG_MIN;
  if (plan->out.dtype != dtype && !own_out) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: output dtype %s differs from input dtype %s", c->op,
                    xop_dtype_name(plan->out.dtype), xop_dtype_name(dtype));
  }
  /* LayerNormalization's Mean and InvStdDev are stash_type (its check). */
  const uint32_t outputs = plan->op == XHAL_OP_LAYER_NORMALIZATION ? 1 : plan->output_count;
  for (uint32_t i = 1; i < outputs; ++i) {
    if (plan->op == XHAL_OP_MAX_POOL && plan->outs[i].dtype != XHAL_DTYPE_I64) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: output %u (Indices) dtype %s, "
                      "expected i64", c->op, i, xop_dtype_name(plan->outs[i].dtype));
    }
    if (plan->op != XHAL_OP_MAX_POOL && plan->outs[i].dtype != dtype) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: output %u dtype %s differs from input dtype %s", c->op, i,
                      xop_dtype_name(plan->outs[i].dtype), xop_dtype_name(dtype));
    }
  }
  return XHAL_STATUS_OK;
}

/* ---- Shapes ------------------------------------------------------------------------------ */

static int xop_dims_equal(const xop_view_t *v, uint32_t rank, const int64_t *dims) {
  int same = v->rank == rank;
  for (uint32_t k = 0; same && k < rank; ++k) same = v->dims[k] == dims[k];
  return same;
}

/* INVALID_ARGUMENT: tensor's dims (out's) are not the inferred rank, dims. */
static int32_t xop_dims_differ(const xop_ctx_t *c, const char *tensor, const xop_view_t *out,
                               uint32_t rank, const int64_t *dims) {
  char got[XOP_DIMS_TEXT_SIZE], want[XOP_DIMS_TEXT_SIZE];
  return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s dims %s differ from the inferred %s",
                  c->op, tensor, XOP_DIMS(got, out), xop_dims_text(want, sizeof want, rank, dims));
}

int32_t xop_out_dims_check(const xop_ctx_t *c, const xop_view_t *out, uint32_t rank,
                           const int64_t *dims) {
  if (xop_dims_equal(out, rank, dims)) return XHAL_STATUS_OK;
  return xop_dims_differ(c, "output", out, rank, dims);
}

int32_t xop_out_index_dims_check(const xop_ctx_t *c, uint32_t index, const xop_view_t *out,
                                 uint32_t rank, const int64_t *dims) {
  if (xop_dims_equal(out, rank, dims)) return XHAL_STATUS_OK;
  char tensor[32];
  snprintf(tensor, sizeof tensor, "output %u", index);
  return xop_dims_differ(c, tensor, out, rank, dims);
}

/* numpy broadcasting of a and b into dims[*rank]. */
int32_t xop_broadcast(const xop_ctx_t *c, const xop_view_t *a, const xop_view_t *b, int64_t *dims,
                      uint32_t *rank) {
  const uint32_t r = a->rank > b->rank ? a->rank : b->rank;
  for (uint32_t k = 0; k < r; ++k) {
    const int ka = (int)k - (int)(r - a->rank), kb = (int)k - (int)(r - b->rank);
    const int64_t da = ka < 0 ? 1 : a->dims[ka], db = kb < 0 ? 1 : b->dims[kb];
    if (da != db && da != 1 && db != 1) {
      char ta[XOP_DIMS_TEXT_SIZE], tb[XOP_DIMS_TEXT_SIZE];
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: input dims %s and %s do not broadcast: %lld vs %lld at output dim %u",
                      c->op, XOP_DIMS(ta, a), XOP_DIMS(tb, b), (long long)da, (long long)db, k);
    }
    dims[k] = da == 1 ? db : da;
  }
  *rank = r;
  return XHAL_STATUS_OK;
}

int32_t xop_same_dims(const xop_ctx_t *c, const xop_view_t *in, const xop_view_t *out) {
  return xop_out_dims_check(c, out, in->rank, in->dims);
}

/* ---- Per-op checks ----------------------------------------------------------------------- */

static int32_t xop_check_binary(const xop_ctx_t *c, xop_plan_t *plan) {
  int64_t dims[XHAL_MAX_RANK];
  uint32_t rank = 0;
  XOP_RETURN_IF_ERROR(xop_broadcast(c, &plan->in[0], &plan->in[1], dims, &rank));
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, rank, dims));
  xop_view_expand(&plan->in[0], rank, dims);
  xop_view_expand(&plan->in[1], rank, dims);
  return XHAL_STATUS_OK;
}

/* ---- Binary group: Pow, Min/Max, PRelu, comparisons, Where, logic ------------------------ */

static int xop_is_int(uint32_t dtype) {
  return dtype == XHAL_DTYPE_I32 || dtype == XHAL_DTYPE_I64;
}

/* Pow's dtypes: every base (f32, f16, i32, i64) takes an f32, f16, i32, i64
 * or u8 exponent (an integer base with a float exponent: the float64 power
 * truncated, docs/conformance.md). ONNX allows more exponent dtypes (i8,
 * i16, u16, u32, u64, f64, bf16): UNSUPPORTED; a bool exponent, and a u8 or
 * bool base (not ONNX Pow types): INVALID_ARGUMENT. */
static int32_t xop_check_pow_exponent(const xop_ctx_t *c, uint32_t base, uint32_t exponent) {
  if (base == XHAL_DTYPE_U8 || base == XHAL_DTYPE_BOOL)
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: base dtype %s is not an ONNX Pow base "
                    "type", c->op, xop_dtype_name(base));
  if (xop_is_int(exponent) || exponent == XHAL_DTYPE_U8 || exponent == XHAL_DTYPE_F32 ||
      exponent == XHAL_DTYPE_F16)
    return XHAL_STATUS_OK;
  const int onnx_numeric = exponent != XHAL_DTYPE_BOOL;
  return XOP_FAIL(c, onnx_numeric ? XHAL_STATUS_UNSUPPORTED : XHAL_STATUS_INVALID_ARGUMENT,
                  "%s: exponent dtype %s with base dtype %s is %s (exponents: f32, f16, i32, "
                  "i64, u8)", c->op, xop_dtype_name(exponent), xop_dtype_name(base),
                  onnx_numeric ? "not supported" : "not an ONNX Pow exponent type");
}

/* Pow: output = base dtype; comparisons: inputs agree, output bool; Where:
 * bool condition, X, Y and the output agree. */
static int32_t xop_dtypes_agree_mixed(const xop_ctx_t *c, const xop_plan_t *plan) {
  const xop_view_t *in = plan->in;
  uint32_t first = 0, want_out = in[0].dtype;
  if (plan->op == XHAL_OP_POW) {
    XOP_RETURN_IF_ERROR(xop_check_pow_exponent(c, in[0].dtype, in[1].dtype));
    first = 1; /* no other input to agree with */
  } else if (plan->op == XHAL_OP_WHERE) {
    if (in[0].dtype != XHAL_DTYPE_BOOL) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: input 0 (condition) has dtype %s, "
                      "expected bool", c->op, xop_dtype_name(in[0].dtype));
    }
    first = 1;
    want_out = in[1].dtype;
  } else {
    want_out = XHAL_DTYPE_BOOL;
  }
  for (uint32_t i = first + 1; i < plan->input_count; ++i) {
    if (in[i].dtype != in[first].dtype) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: input %u dtype %s differs from input %u dtype %s", c->op, i,
                      xop_dtype_name(in[i].dtype), first, xop_dtype_name(in[first].dtype));
    }
  }
  if (plan->out.dtype != want_out) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: output dtype %s, expected %s", c->op,
                    xop_dtype_name(plan->out.dtype), xop_dtype_name(want_out));
  }
  return XHAL_STATUS_OK;
}

/* Multidirectional (numpy) broadcasting of every input; inputs expanded to
 * the output's dims. */
static int32_t xop_check_broadcast_all(const xop_ctx_t *c, xop_plan_t *plan) {
  xop_view_t acc = plan->in[0];
  for (uint32_t i = 1; i < plan->input_count; ++i) {
    int64_t dims[XHAL_MAX_RANK];
    uint32_t rank = 0;
    XOP_RETURN_IF_ERROR(xop_broadcast(c, &acc, &plan->in[i], dims, &rank));
    acc.rank = rank;
    memcpy(acc.dims, dims, sizeof dims);
  }
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, acc.rank, acc.dims));
  for (uint32_t i = 0; i < plan->input_count; ++i)
    xop_view_expand(&plan->in[i], acc.rank, acc.dims);
  return XHAL_STATUS_OK;
}

/* PRelu: slope broadcasts unidirectionally to X (its dims, right-aligned,
 * are X's or 1); the output has X's dims. */
static int32_t xop_check_prelu(const xop_ctx_t *c, xop_plan_t *plan) {
  const xop_view_t *x = &plan->in[0];
  xop_view_t *slope = &plan->in[1];
  int ok = slope->rank <= x->rank;
  for (uint32_t k = 0; ok && k < slope->rank; ++k) {
    const int64_t d = slope->dims[k], want = x->dims[x->rank - slope->rank + k];
    ok = d == want || d == 1;
  }
  if (!ok) {
    char tx[XOP_DIMS_TEXT_SIZE], ts[XOP_DIMS_TEXT_SIZE];
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: slope dims %s do not broadcast to input X dims %s", c->op,
                    XOP_DIMS(ts, slope), XOP_DIMS(tx, x));
  }
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, x->rank, x->dims));
  xop_view_expand(slope, x->rank, x->dims);
  return XHAL_STATUS_OK;
}

static int32_t xop_check_transpose(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                   xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"perm", XHAL_ATTR_INTS}};
  const xhal_attr_t *found[1];
  xop_view_t *x = &plan->in[0];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  const xhal_attr_t *perm = found[0];
  if (perm && perm->count != x->rank) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                    "%s: perm has %u entries for an input of rank %u", c->op, perm->count, x->rank);
  }
  xop_view_t permuted = *x;
  uint32_t seen = 0;
  for (uint32_t i = 0; i < x->rank; ++i) {
    const int64_t p = perm ? perm->ints[i] : (int64_t)(x->rank - 1 - i);
    if (p < 0 || p >= (int64_t)x->rank || (seen & (1u << p))) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT,
                      "%s: perm entry %u is %lld; perm must be a permutation of 0..%u", c->op, i,
                      (long long)p, x->rank - 1);
    }
    seen |= 1u << p;
    permuted.dims[i] = x->dims[p];
    permuted.strides[i] = x->strides[p];
    plan->perm[i] = (uint32_t)p;
  }
  XOP_RETURN_IF_ERROR(xop_same_dims(c, &permuted, &plan->out));
  *x = permuted;
  return XHAL_STATUS_OK;
}

static int32_t xop_check_cast(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                              xop_plan_t *plan) {
  static const xop_attr_spec_t specs[] = {{"to", XHAL_ATTR_INT}};
  const xhal_attr_t *found[1];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, 1, found));
  if (!found[0])
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute 'to' is required", c->op);
  const int64_t to = found[0]->i;
  if (to <= 0 || to > UINT32_MAX || !xop_dtype_name((uint32_t)to)) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute 'to' = %lld is not a dtype",
                    c->op, (long long)to);
  }
  XOP_RETURN_IF_ERROR(xop_dtype_supported(c, XHAL_OP_CAST, (uint32_t)to, "target dtype"));
  if (plan->out.dtype != (uint32_t)to) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: output dtype %s differs from 'to' = %s",
                    c->op, xop_dtype_name(plan->out.dtype), xop_dtype_name((uint32_t)to));
  }
  plan->to = (uint32_t)to;
  return xop_same_dims(c, &plan->in[0], &plan->out);
}

/* ---- The whole check --------------------------------------------------------------------- */

static void xop_arity(uint32_t op, uint32_t *min_in, uint32_t *max_in) {
  switch (op) {
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
    case XHAL_OP_MATMUL:
      *min_in = *max_in = 2;
      break;
    case XHAL_OP_GEMM:
      *min_in = 2, *max_in = 3;
      break;
    case XHAL_OP_CONCAT:
      *min_in = 1, *max_in = XOP_MAX_INPUTS;
      break;
    XOP_CASE_GATHER_OPS:
      xop_gather_arity(op, min_in, max_in);
      break;
    case XHAL_OP_POW:
    case XHAL_OP_PRELU:
    case XHAL_OP_EQUAL:
    case XHAL_OP_LESS:
    case XHAL_OP_GREATER:
    case XHAL_OP_LESS_OR_EQUAL:
    case XHAL_OP_GREATER_OR_EQUAL:
    case XHAL_OP_AND:
    case XHAL_OP_OR:
      *min_in = *max_in = 2;
      break;
    case XHAL_OP_WHERE:
      *min_in = *max_in = 3;
      break;
    case XHAL_OP_MIN:
    case XHAL_OP_MAX:
      *min_in = 1, *max_in = XOP_MAX_INPUTS;
      break;
    case XHAL_OP_BATCH_NORMALIZATION:
      *min_in = *max_in = 5;
      break;
    case XHAL_OP_LAYER_NORMALIZATION:
      *min_in = 2, *max_in = 3;
      break;
    case XHAL_OP_INSTANCE_NORMALIZATION:
      *min_in = *max_in = 3;
      break;
    default:
      if (xop__is_conv_op(op)) {
        xop__conv_arity(op, min_in, max_in);
        break;
      }
      *min_in = *max_in = 1;
      break;
  }
}

static int32_t xop_check_attrs_none(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc) {
  return xop_attrs_parse(c, desc, NULL, 0, NULL);
}

static int32_t xop_check_op(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                            xop_plan_t *plan) {
  switch (plan->op) {
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
      XOP_RETURN_IF_ERROR(xop_check_attrs_none(c, desc));
      return xop_check_binary(c, plan);
    case XHAL_OP_MATMUL:
      XOP_RETURN_IF_ERROR(xop_check_attrs_none(c, desc));
      return xop_check_matmul(c, plan);
    case XHAL_OP_GEMM:
      return xop_check_gemm(c, desc, plan);
    case XHAL_OP_SOFTMAX:
      return xop_check_softmax(c, desc, plan);
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN:
    case XHAL_OP_REDUCE_MAX:
    case XHAL_OP_REDUCE_MIN:
    case XHAL_OP_REDUCE_PROD:
      return xop_check_reduce(c, desc, plan);
    case XHAL_OP_BATCH_NORMALIZATION:
    case XHAL_OP_LAYER_NORMALIZATION:
    case XHAL_OP_INSTANCE_NORMALIZATION:
    case XHAL_OP_LOG_SOFTMAX:
    case XHAL_OP_ARG_MAX:
    case XHAL_OP_ARG_MIN:
      return xop_check_norm_op(c, desc, plan);
    case XHAL_OP_TRANSPOSE:
      return xop_check_transpose(c, desc, plan);
    case XHAL_OP_CAST:
      return xop_check_cast(c, desc, plan);
    XOP_CASE_SHAPE_OPS:
      return xop_check_shape(c, desc, plan);
    XOP_CASE_CONV_OPS:
      return xop__check_conv(c, desc, plan);
    case XHAL_OP_LEAKY_RELU:
    case XHAL_OP_HARD_SIGMOID:
    case XHAL_OP_ELU:
      return xop_check_activation(c, desc, plan);
    case XHAL_OP_CLIP:
      return xop_check_clip(c, desc, plan);
    case XHAL_OP_GELU:
      return xop_check_gelu(c, desc, plan);
    case XHAL_OP_POW:
    case XHAL_OP_MIN:
    case XHAL_OP_MAX:
    case XHAL_OP_EQUAL:
    case XHAL_OP_LESS:
    case XHAL_OP_GREATER:
    case XHAL_OP_LESS_OR_EQUAL:
    case XHAL_OP_GREATER_OR_EQUAL:
    case XHAL_OP_WHERE:
    case XHAL_OP_AND:
    case XHAL_OP_OR:
      XOP_RETURN_IF_ERROR(xop_check_attrs_none(c, desc));
      return xop_check_broadcast_all(c, plan);
    case XHAL_OP_PRELU:
      XOP_RETURN_IF_ERROR(xop_check_attrs_none(c, desc));
      return xop_check_prelu(c, plan);
    default: /* Copy and the unary ops */
      XOP_RETURN_IF_ERROR(xop_check_attrs_none(c, desc));
      return xop_same_dims(c, &plan->in[0], &plan->out);
  }
}

static int32_t xop_read_desc(const xop_backend_t *backend, const xhal_plugin_op_desc_t *src,
                             xhal_plugin_op_desc_t *dst) {
  if (!src) return xop_fail(backend, XHAL_STATUS_INVALID_ARGUMENT, "op: descriptor is NULL");
  if (src->header.stype != XHAL_STYPE_OP_DESC || src->header.struct_size < sizeof src->header) {
    return xop_fail(
        backend, XHAL_STATUS_INVALID_ARGUMENT,
        "op: descriptor has stype %u and struct_size %u, expected XHAL_STYPE_OP_DESC (%u)",
        src->header.stype, src->header.struct_size, (unsigned)XHAL_STYPE_OP_DESC);
  }
  xop_struct_read(dst, src, src->header.struct_size, sizeof *dst);
  return XHAL_STATUS_OK;
}

static int32_t xop_check_counts(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc,
                                uint32_t op) {
  uint32_t min_in = 1, max_in = 1;
  xop_arity(op, &min_in, &max_in);
  if (desc->input_count < min_in || desc->input_count > max_in) {
    if (min_in == max_in) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %u inputs given, expected %u", c->op,
                      desc->input_count, min_in);
    }
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %u inputs given, expected %u to %u",
                    c->op, desc->input_count, min_in, max_in);
  }
  /* BatchNormalization (training outputs) and LayerNormalization (Mean,
   * InvStdDev) have optional outputs; their checks say what they accept.
   * MaxPool's optional second output is Indices (i64). */
  const uint32_t max_out = op == XHAL_OP_SPLIT                   ? XOP_MAX_OUTPUTS
                           : op == XHAL_OP_MAX_POOL              ? 2
                           : op == XHAL_OP_BATCH_NORMALIZATION ||
                                   op == XHAL_OP_LAYER_NORMALIZATION
                               ? 3
                               : 1;
  if (desc->output_count < 1 || desc->output_count > max_out) {
    if (max_out == 1) {
      return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %u outputs given, expected 1", c->op,
                      desc->output_count);
    }
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %u outputs given, expected 1 to %u",
                    c->op, desc->output_count, max_out);
  }
  if (!desc->inputs || !desc->outputs) {
    return XOP_FAIL(c, XHAL_STATUS_INVALID_ARGUMENT, "%s: %s array is NULL", c->op,
                    desc->inputs ? "outputs" : "inputs");
  }
  return XHAL_STATUS_OK;
}

int32_t xop_check(const xop_backend_t *backend, xhal_plugin_device_t *device,
                  const xhal_plugin_op_desc_t *src, int need_buffers, xop_plan_t *plan) {
  xhal_plugin_op_desc_t desc;
  XOP_RETURN_IF_ERROR(xop_read_desc(backend, src, &desc));
  const char *name = xop_op_name(desc.op);
  if (!name) {
    return xop_fail(backend, XHAL_STATUS_UNSUPPORTED, "op %u is not supported by the %s backend",
                    desc.op, backend->name);
  }
  const xop_ctx_t c = {backend, device, name, need_buffers};
  if (!device) return XOP_FAIL(&c, XHAL_STATUS_INVALID_ARGUMENT, "%s: device is NULL", name);
  /* An op the backend has no kernel for is unsupported whatever the call
   * looks like: its rules (arity, attributes) are not checked. */
  if (!backend->op_dtypes(device, desc.op)) {
    return XOP_FAIL(&c, XHAL_STATUS_UNSUPPORTED, "%s is not supported by the %s backend", name,
                    backend->name);
  }
  XOP_RETURN_IF_ERROR(xop_check_counts(&c, &desc, desc.op));
  /* Filled in place (see the header): the trailing view arrays are
   * written up to their counts, not cleared. */
  xop_plan_t *p = plan;
  memset(p, 0, offsetof(xop_plan_t, in));
  p->op = desc.op;
  p->name = name;
  p->input_count = desc.input_count;
  for (uint32_t i = 0; i < desc.input_count; ++i)
    XOP_RETURN_IF_ERROR(xop_view_make(&c, "input", i, desc.inputs[i], 0, &p->in[i]));
  p->output_count = desc.output_count;
  for (uint32_t i = 0; i < desc.output_count; ++i)
    XOP_RETURN_IF_ERROR(xop_view_make(&c, "output", i, desc.outputs[i], 1, &p->outs[i]));
  p->out = p->outs[0];
  /* Dtype rules of their own (Gather's indices, Shape's i64). */
  if (xop_gather_owns(p->op)) return xop_gather_check(&c, &desc, p);
  XOP_RETURN_IF_ERROR(xop_dtypes_agree(&c, p));
  XOP_RETURN_IF_ERROR(xop_dtype_supported(&c, p->op, xop_main_dtype(p), "dtype"));
  return xop_check_op(&c, &desc, p);
}

uint64_t xop_standard_op_dtypes(xhal_plugin_device_t *device, uint32_t op) {
  (void)device;
  const uint64_t floats = XHAL_DTYPE_BIT(XHAL_DTYPE_F32) | XHAL_DTYPE_BIT(XHAL_DTYPE_F16);
  const uint64_t ints = XHAL_DTYPE_BIT(XHAL_DTYPE_I32) | XHAL_DTYPE_BIT(XHAL_DTYPE_I64);
  switch (op) {
    case XHAL_OP_COPY:
      return xop_all_dtypes(); /* by element size */
    case XHAL_OP_EXP:
    case XHAL_OP_SIGMOID:
    case XHAL_OP_TANH:
    case XHAL_OP_SOFTMAX:
      return floats;
    default:
      return op <= XHAL_OP_CAST ? floats | ints : 0;
  }
}

void xop_copy_plan(const xop_plan_t *plan, uint32_t i, xop_plan_t *copy) {
  memset(copy, 0, offsetof(xop_plan_t, in)); /* the arrays are valid up to their counts */
  copy->op = XHAL_OP_COPY;
  copy->input_count = 1;
  copy->in[0] = plan->copy_in[i];
  copy->out = plan->copy_out[i];
}

static int xop_is_small(uint32_t dtype) {
  return dtype == XHAL_DTYPE_U8 || dtype == XHAL_DTYPE_BOOL;
}

int xop_binary_group_owns(uint32_t op, uint32_t in_dtype, uint32_t out_dtype) {
  switch (op) {
    XOP_CASE_BINARY_GROUP_OPS:
      return 1;
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
    case XHAL_OP_ABS:
      return in_dtype == XHAL_DTYPE_U8;
    case XHAL_OP_CAST:
      return in_dtype != out_dtype && (xop_is_small(in_dtype) || xop_is_small(out_dtype));
    default:
      return 0;
  }
}

uint64_t xop_model_op_dtypes(xhal_plugin_device_t *device, uint32_t op) {
  const uint64_t floats = XHAL_DTYPE_BIT(XHAL_DTYPE_F32) | XHAL_DTYPE_BIT(XHAL_DTYPE_F16);
  const uint64_t ints = XHAL_DTYPE_BIT(XHAL_DTYPE_I32) | XHAL_DTYPE_BIT(XHAL_DTYPE_I64);
  const uint64_t u8 = XHAL_DTYPE_BIT(XHAL_DTYPE_U8), bool_ = XHAL_DTYPE_BIT(XHAL_DTYPE_BOOL);
  const uint64_t numeric = floats | ints;
  switch (op) {
    XOP_CASE_SHAPE_OPS:
    case XHAL_OP_TRANSPOSE: /* a strided copy of a permuted view */
      return xop_all_dtypes(); /* data movement, by element size */
    case XHAL_OP_MAX_POOL: /* u8: padding never wins (docs/conformance.md) */
      return floats | u8;
    case XHAL_OP_CONV: /* the rest of XOP_CASE_CONV_OPS: float only, as ONNX */
    case XHAL_OP_CONV_TRANSPOSE:
    case XHAL_OP_AVERAGE_POOL:
    case XHAL_OP_GLOBAL_AVERAGE_POOL:
    case XHAL_OP_GLOBAL_MAX_POOL:
      return floats;
    case XHAL_OP_SQRT:
    case XHAL_OP_RECIPROCAL:
    case XHAL_OP_LOG:
    case XHAL_OP_FLOOR:
    case XHAL_OP_CEIL:
    case XHAL_OP_ROUND:
    case XHAL_OP_ERF:
    case XHAL_OP_LEAKY_RELU:
    case XHAL_OP_HARD_SIGMOID:
    case XHAL_OP_HARD_SWISH:
    case XHAL_OP_ELU:
    case XHAL_OP_SOFTPLUS:
    case XHAL_OP_GELU:
      return floats;
    case XHAL_OP_SIGN: /* u8: 0 or 1 */
    case XHAL_OP_CLIP: /* u8: bounds as INT (or integral FLOAT), saturated to 0..255 */
      return floats | ints | u8;
    XOP_CASE_GATHER_OPS:
      return xop_gather_op_dtypes(op);
    /* u8 and bool (binary group, docs/conformance.md) */
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
    case XHAL_OP_ABS:
    case XHAL_OP_MIN:
    case XHAL_OP_MAX:
    case XHAL_OP_LESS:
    case XHAL_OP_GREATER:
    case XHAL_OP_LESS_OR_EQUAL:
    case XHAL_OP_GREATER_OR_EQUAL:
      return numeric | u8;
    case XHAL_OP_CAST:
    case XHAL_OP_EQUAL:
    case XHAL_OP_WHERE:
      return numeric | u8 | bool_;
    case XHAL_OP_POW: /* the base; exponents: xop_check_pow_exponent */
    case XHAL_OP_PRELU:
      return numeric;
    case XHAL_OP_NOT:
    case XHAL_OP_AND:
    case XHAL_OP_OR:
      return bool_;
    case XHAL_OP_BATCH_NORMALIZATION:
    case XHAL_OP_LAYER_NORMALIZATION:
    case XHAL_OP_INSTANCE_NORMALIZATION:
    case XHAL_OP_LOG_SOFTMAX:
      return floats;
    case XHAL_OP_REDUCE_MAX:
    case XHAL_OP_REDUCE_MIN:
    case XHAL_OP_ARG_MAX:
    case XHAL_OP_ARG_MIN:
      return floats | ints | u8;
    case XHAL_OP_REDUCE_PROD:
      return floats | ints;
    default:
      return xop_standard_op_dtypes(device, op);
  }
}
