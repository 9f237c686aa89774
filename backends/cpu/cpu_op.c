/* cpu_op.c - operator validation, launch snapshots and kernel dispatch.
 *
 * cpu_op_check() applies every rule of a launch description (counts, views,
 * dtypes, attributes, ONNX shape inference) and fills a cpu_op_call_t with
 * views already rearranged for the kernels: Transpose's input strides are
 * permuted, Gemm's transposes are folded into strides, MatMul's 1-D operands
 * are promoted and batch dims aligned. prepare() copies that into the one
 * heap block of the call; execute() only dispatches. */
#include "cpu_op.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_buffer.h"
#include "cpu_error.h"
#include "cpu_kernel_copy.h"
#include "cpu_kernel_eltwise.h"
#include "cpu_kernel_iter.h"
#include "cpu_kernel_matmul.h"
#include "cpu_kernel_reduce.h"
#include "cpu_kernel_softmax.h"

#define CPU_OP_MAX_INPUTS 3

struct cpu_op_call {
  uint32_t op;
  uint32_t input_count;
  cpu_view_t in[CPU_OP_MAX_INPUTS];
  cpu_view_t out;
  double alpha, beta; /* Gemm */
  int axis;           /* Softmax, normalised */
  uint32_t axes;      /* Reduce*: bit per reduced input dim */
  int keepdims, noop; /* Reduce* */
};

/* ---- Names ------------------------------------------------------------------------ */

static const char *cpu_op_name(uint32_t op) {
  switch (op) {
#define CPU_OP_NAME(name, value, onnx_name)                                                        \
  case XHAL_OP_##name:                                                                             \
    return onnx_name;
    XHAL_OP_LIST(CPU_OP_NAME)
#undef CPU_OP_NAME
    default:
      return NULL;
  }
}

static const char *cpu_dtype_name(uint32_t dtype) {
  switch (dtype) {
#define CPU_DTYPE_NAME(name, value, size, text)                                                    \
  case XHAL_DTYPE_##name:                                                                          \
    return text;
    XHAL_DTYPE_LIST(CPU_DTYPE_NAME)
#undef CPU_DTYPE_NAME
    default:
      return NULL;
  }
}

/* Storage size of any xhal dtype (0 if unknown), so views of dtypes the
 * kernels lack can still be checked and then refused as UNSUPPORTED. */
static uint64_t cpu_dtype_bytes(uint32_t dtype) {
  switch (dtype) {
#define CPU_DTYPE_SIZE(name, value, size, text)                                                    \
  case XHAL_DTYPE_##name:                                                                          \
    return size;
    XHAL_DTYPE_LIST(CPU_DTYPE_SIZE)
#undef CPU_DTYPE_SIZE
    default:
      return 0;
  }
}

/* "(2,3,4)"; "()" for a scalar. */
static const char *cpu_dims_text(char *buf, size_t size, uint32_t rank, const int64_t *dims) {
  size_t used = (size_t)snprintf(buf, size, "(");
  for (uint32_t k = 0; k < rank && used < size; ++k)
    used += (size_t)snprintf(buf + used, size - used, "%s%lld", k ? "," : "", (long long)dims[k]);
  if (used < size) snprintf(buf + used, size - used, ")");
  return buf;
}

#define CPU_DIMS_TEXT_SIZE 200
#define CPU_DIMS(buf, view) cpu_dims_text(buf, sizeof buf, (view)->rank, (view)->dims)

/* ---- Tensor views ------------------------------------------------------------------- */

typedef struct cpu_check {
  xhal_plugin_device_t *device;
  const char *op; /* ONNX name for messages */
  int need_buffers;
} cpu_check_t;

/* Reads a caller's tensor struct by its own struct_size (fields it does not
 * have read as zero). */
static int32_t cpu_tensor_read(const cpu_check_t *c, const char *role, uint32_t index,
                               const xhal_plugin_tensor_t *src, xhal_plugin_tensor_t *dst) {
  if (!src) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u is NULL", c->op, role, index);
  if (src->header.stype != XHAL_STYPE_TENSOR || src->header.struct_size < sizeof src->header) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: %s %u has stype %u and struct_size %u, expected XHAL_STYPE_TENSOR (%u)",
                     c->op, role, index, src->header.stype, src->header.struct_size,
                     (unsigned)XHAL_STYPE_TENSOR);
  }
  size_t size = src->header.struct_size < sizeof *dst ? src->header.struct_size : sizeof *dst;
  memset(dst, 0, sizeof *dst);
  memcpy(dst, src, size);
  return XHAL_STATUS_OK;
}

static int32_t cpu_view_dims_check(const cpu_check_t *c, const char *role, uint32_t index,
                                   const xhal_plugin_tensor_t *t, int is_output) {
  if (t->rank > XHAL_MAX_RANK) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u has rank %u, more than %d", c->op,
                     role, index, t->rank, XHAL_MAX_RANK);
  }
  int64_t count = 1;
  for (uint32_t k = 0; k < t->rank; ++k) {
    if (t->dims[k] < 0 || t->strides[k] < 0) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: %s %u dim %u is %lld with stride %lld; both must be >= 0", c->op, role,
                       index, k, (long long)t->dims[k], (long long)t->strides[k]);
    }
    if (__builtin_mul_overflow(count, t->dims[k], &count)) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u element count overflows at dim %u",
                       c->op, role, index, k);
    }
  }
  /* An empty output writes nothing, so its strides cannot make elements collide. */
  for (uint32_t k = 0; is_output && count > 0 && k < t->rank; ++k) {
    if (t->dims[k] > 1 && t->strides[k] == 0) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: output %u dim %u (extent %lld) has stride 0; outputs cannot broadcast",
                       c->op, index, k, (long long)t->dims[k]);
    }
  }
  return XHAL_STATUS_OK;
}

/* Overflow-safe: the last byte the view touches must lie in the buffer. */
static int32_t cpu_view_fit_check(const cpu_check_t *c, const char *role, uint32_t index,
                                  const xhal_plugin_tensor_t *t, uint64_t esize) {
  const xhal_plugin_buffer_t *buffer = t->buffer;
  if (buffer->device != c->device) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: %s %u buffer %p belongs to another device (%p), not %p", c->op, role,
                     index, (const void *)buffer, (const void *)buffer->device, (void *)c->device);
  }
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
  if (overflow || end > buffer->size) {
    return cpu_error(
        XHAL_STATUS_INVALID_ARGUMENT,
        "%s: %s %u view (byte_offset %llu) needs %s%llu bytes but its buffer has %llu", c->op, role,
        index, (unsigned long long)t->byte_offset, overflow ? "more than " : "",
        (unsigned long long)(overflow ? UINT64_MAX : end), (unsigned long long)buffer->size);
  }
  return XHAL_STATUS_OK;
}

static int32_t cpu_view_make(const cpu_check_t *c, const char *role, uint32_t index,
                             const xhal_plugin_tensor_t *src, int is_output, cpu_view_t *view) {
  xhal_plugin_tensor_t t;
  CPU_RETURN_IF_ERROR(cpu_tensor_read(c, role, index, src, &t));
  const uint64_t esize = cpu_dtype_bytes(t.dtype);
  if (!esize) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u has unknown dtype %u", c->op, role,
                     index, t.dtype);
  }
  CPU_RETURN_IF_ERROR(cpu_view_dims_check(c, role, index, &t, is_output));
  if (t.byte_offset % esize) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: %s %u byte_offset %llu is not a multiple of the %s size %llu", c->op,
                     role, index, (unsigned long long)t.byte_offset, cpu_dtype_name(t.dtype),
                     (unsigned long long)esize);
  }
  if (!t.buffer && c->need_buffers)
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %s %u has no buffer", c->op, role, index);
  if (t.buffer) CPU_RETURN_IF_ERROR(cpu_view_fit_check(c, role, index, &t, esize));
  memset(view, 0, sizeof *view);
  view->data = t.buffer ? (char *)t.buffer->data + t.byte_offset : NULL;
  view->dtype = t.dtype;
  view->rank = t.rank;
  memcpy(view->dims, t.dims, sizeof view->dims);
  memcpy(view->strides, t.strides, sizeof view->strides);
  return XHAL_STATUS_OK;
}

/* ---- Attributes --------------------------------------------------------------------- */

typedef struct cpu_attr_spec {
  const char *name;
  uint32_t type;
} cpu_attr_spec_t;

enum { CPU_MAX_ATTRS = 4 };

static const char *cpu_attr_type_name(uint32_t type) {
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
static int32_t cpu_attrs_parse(const cpu_check_t *c, const xhal_plugin_op_desc_t *desc,
                               const cpu_attr_spec_t *specs, int spec_count,
                               const xhal_attr_t **found) {
  for (int s = 0; s < spec_count; ++s) found[s] = NULL;
  if (desc->attr_count && !desc->attrs) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: attr_count is %u but attrs is NULL", c->op,
                     desc->attr_count);
  }
  for (uint32_t i = 0; i < desc->attr_count; ++i) {
    const xhal_attr_t *a = &desc->attrs[i];
    if (!a->name)
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute %u has no name", c->op, i);
    int s = 0;
    while (s < spec_count && strcmp(specs[s].name, a->name) != 0) ++s;
    if (s == spec_count)
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: unknown attribute '%s'", c->op, a->name);
    if (found[s])
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute '%s' given twice", c->op,
                       a->name);
    if (a->type != specs[s].type) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: attribute '%s' has type %s (%u), expected %s", c->op, a->name,
                       cpu_attr_type_name(a->type), a->type, cpu_attr_type_name(specs[s].type));
    }
    if (a->type == XHAL_ATTR_INTS && a->count && !a->ints) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: attribute '%s' has count %u but ints is NULL", c->op, a->name,
                       a->count);
    }
    found[s] = a;
  }
  return XHAL_STATUS_OK;
}

/* A 0/1 flag attribute, default def when absent. */
static int32_t cpu_attr_flag(const cpu_check_t *c, const xhal_attr_t *a, int def, int *out) {
  if (!a) {
    *out = def;
    return XHAL_STATUS_OK;
  }
  if (a->i != 0 && a->i != 1) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute '%s' is %lld, expected 0 or 1",
                     c->op, a->name, (long long)a->i);
  }
  *out = (int)a->i;
  return XHAL_STATUS_OK;
}

/* ---- dtype rules ------------------------------------------------------------------------ */

static int cpu_is_float(uint32_t dtype) {
  return dtype == XHAL_DTYPE_F32 || dtype == XHAL_DTYPE_F16;
}

static int cpu_is_kernel_dtype(uint32_t dtype) {
  return cpu_dtype_size(dtype) != 0;
}

static int32_t cpu_dtype_supported(const cpu_check_t *c, uint32_t op, uint32_t dtype) {
  const int float_only =
      op == XHAL_OP_EXP || op == XHAL_OP_SIGMOID || op == XHAL_OP_TANH || op == XHAL_OP_SOFTMAX;
  if (cpu_is_kernel_dtype(dtype) && (!float_only || cpu_is_float(dtype))) return XHAL_STATUS_OK;
  return cpu_error(XHAL_STATUS_UNSUPPORTED, "%s: dtype %s is not supported (supported: %s)", c->op,
                   cpu_dtype_name(dtype), float_only ? "f32, f16" : "f32, f16, i32, i64");
}

/* Every input and the output share input 0's dtype. */
static int32_t cpu_dtypes_agree(const cpu_check_t *c, const cpu_op_call_t *call) {
  const uint32_t dtype = call->in[0].dtype;
  for (uint32_t i = 1; i < call->input_count; ++i) {
    if (call->in[i].dtype != dtype) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: input %u dtype %s differs from input 0 dtype %s", c->op, i,
                       cpu_dtype_name(call->in[i].dtype), cpu_dtype_name(dtype));
    }
  }
  if (call->out.dtype != dtype && call->op != XHAL_OP_CAST) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: output dtype %s differs from input dtype %s", c->op,
                     cpu_dtype_name(call->out.dtype), cpu_dtype_name(dtype));
  }
  return XHAL_STATUS_OK;
}

/* ---- Shapes -------------------------------------------------------------------------------- */

static int32_t cpu_out_dims_check(const cpu_check_t *c, const cpu_view_t *out, uint32_t rank,
                                  const int64_t *dims) {
  int same = out->rank == rank;
  for (uint32_t k = 0; same && k < rank; ++k) same = out->dims[k] == dims[k];
  if (same) return XHAL_STATUS_OK;
  char got[CPU_DIMS_TEXT_SIZE], want[CPU_DIMS_TEXT_SIZE];
  return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: output dims %s differ from the inferred %s",
                   c->op, CPU_DIMS(got, out), cpu_dims_text(want, sizeof want, rank, dims));
}

/* numpy broadcasting of a and b into dims[*rank]. */
static int32_t cpu_broadcast(const cpu_check_t *c, const cpu_view_t *a, const cpu_view_t *b,
                             int64_t *dims, uint32_t *rank) {
  const uint32_t r = a->rank > b->rank ? a->rank : b->rank;
  for (uint32_t k = 0; k < r; ++k) {
    const int ka = (int)k - (int)(r - a->rank), kb = (int)k - (int)(r - b->rank);
    const int64_t da = ka < 0 ? 1 : a->dims[ka], db = kb < 0 ? 1 : b->dims[kb];
    if (da != db && da != 1 && db != 1) {
      char ta[CPU_DIMS_TEXT_SIZE], tb[CPU_DIMS_TEXT_SIZE];
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: input dims %s and %s do not broadcast: %lld vs %lld at output dim %u",
                       c->op, CPU_DIMS(ta, a), CPU_DIMS(tb, b), (long long)da, (long long)db, k);
    }
    dims[k] = da == 1 ? db : da;
  }
  *rank = r;
  return XHAL_STATUS_OK;
}

static int32_t cpu_same_dims(const cpu_check_t *c, const cpu_view_t *in, const cpu_view_t *out) {
  return cpu_out_dims_check(c, out, in->rank, in->dims);
}

/* ---- Per-op checks ------------------------------------------------------------------------------
 */

static int32_t cpu_check_binary(const cpu_check_t *c, cpu_op_call_t *call) {
  int64_t dims[XHAL_MAX_RANK];
  uint32_t rank = 0;
  CPU_RETURN_IF_ERROR(cpu_broadcast(c, &call->in[0], &call->in[1], dims, &rank));
  return cpu_out_dims_check(c, &call->out, rank, dims);
}

/* Gives a rank-r view of v with v's dims right-aligned and the leading ones
 * taken from dims with stride 0 (also where v has extent 1). */
static void cpu_view_expand(cpu_view_t *v, uint32_t r, const int64_t *dims) {
  cpu_view_t e = *v;
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
static void cpu_view_insert_unit(cpu_view_t *v, uint32_t pos) {
  for (uint32_t k = v->rank; k > pos; --k) {
    v->dims[k] = v->dims[k - 1];
    v->strides[k] = v->strides[k - 1];
  }
  v->dims[pos] = 1;
  v->strides[pos] = 0;
  v->rank++;
}

static int32_t cpu_check_matmul(const cpu_check_t *c, cpu_op_call_t *call) {
  cpu_view_t a = call->in[0], b = call->in[1], y = call->out;
  if (a.rank == 0 || b.rank == 0) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: input %d is a scalar (rank 0)", c->op,
                     a.rank == 0 ? 0 : 1);
  }
  const uint32_t ra = a.rank, rb = b.rank;
  if (ra == 1) cpu_view_insert_unit(&a, 0); /* (K) -> (1, K) */
  if (rb == 1) cpu_view_insert_unit(&b, 1); /* (K) -> (K, 1) */
  if (a.dims[a.rank - 1] != b.dims[b.rank - 2]) {
    char ta[CPU_DIMS_TEXT_SIZE], tb[CPU_DIMS_TEXT_SIZE];
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: input A dims %s and B dims %s: inner dimensions %lld and %lld differ",
                     c->op, CPU_DIMS(ta, &call->in[0]), CPU_DIMS(tb, &call->in[1]),
                     (long long)a.dims[a.rank - 1], (long long)b.dims[b.rank - 2]);
  }
  cpu_view_t ba = a, bb = b; /* batch parts */
  ba.rank -= 2;
  bb.rank -= 2;
  int64_t dims[XHAL_MAX_RANK];
  uint32_t nb = 0;
  CPU_RETURN_IF_ERROR(cpu_broadcast(c, &ba, &bb, dims, &nb));
  const int64_t m = a.dims[a.rank - 2], n = b.dims[b.rank - 1], k = a.dims[a.rank - 1];
  int64_t want[XHAL_MAX_RANK + 2];
  uint32_t rank = nb;
  memcpy(want, dims, nb * sizeof *dims);
  if (ra > 1) want[rank++] = m;
  if (rb > 1) want[rank++] = n;
  if (rank > XHAL_MAX_RANK) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: output rank %u exceeds %d", c->op, rank,
                     XHAL_MAX_RANK);
  }
  CPU_RETURN_IF_ERROR(cpu_out_dims_check(c, &y, rank, want));
  if (ra == 1) cpu_view_insert_unit(&y, nb);
  if (rb == 1) cpu_view_insert_unit(&y, nb + 1);
  dims[nb] = m, dims[nb + 1] = k;
  cpu_view_expand(&a, nb + 2, dims);
  dims[nb] = k, dims[nb + 1] = n;
  cpu_view_expand(&b, nb + 2, dims);
  call->in[0] = a, call->in[1] = b, call->out = y;
  return XHAL_STATUS_OK;
}

static void cpu_view_swap2(cpu_view_t *v) {
  int64_t d = v->dims[0], s = v->strides[0];
  v->dims[0] = v->dims[1], v->strides[0] = v->strides[1];
  v->dims[1] = d, v->strides[1] = s;
}

/* alpha/beta of an integer Gemm must be integers (the product is computed
 * exactly in wrapping integer arithmetic). */
static int32_t cpu_gemm_int_scalar(const cpu_check_t *c, const char *name, double v,
                                   uint32_t dtype) {
  if (v == trunc(v) && fabs(v) < 9223372036854775808.0) return XHAL_STATUS_OK;
  return cpu_error(XHAL_STATUS_UNSUPPORTED,
                   "%s: %s = %g with dtype %s: integer Gemm needs an integral %s", c->op, name, v,
                   cpu_dtype_name(dtype), name);
}

static int32_t cpu_check_gemm_c(const cpu_check_t *c, cpu_op_call_t *call, int64_t m, int64_t n) {
  cpu_view_t *cv = &call->in[2];
  const int64_t want[2] = {m, n};
  int ok = cv->rank <= 2;
  for (uint32_t k = 0; ok && k < cv->rank; ++k) {
    const int64_t d = cv->dims[k], w = want[2 - cv->rank + k];
    ok = d == w || d == 1;
  }
  if (!ok) {
    char tc[CPU_DIMS_TEXT_SIZE];
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: input C dims %s do not broadcast to (%lld,%lld)", c->op, CPU_DIMS(tc, cv),
                     (long long)m, (long long)n);
  }
  cpu_view_expand(cv, 2, want);
  return XHAL_STATUS_OK;
}

static int32_t cpu_check_gemm(const cpu_check_t *c, const xhal_plugin_op_desc_t *desc,
                              cpu_op_call_t *call) {
  static const cpu_attr_spec_t specs[] = {{"alpha", XHAL_ATTR_FLOAT},
                                          {"beta", XHAL_ATTR_FLOAT},
                                          {"transA", XHAL_ATTR_INT},
                                          {"transB", XHAL_ATTR_INT}};
  const xhal_attr_t *found[4];
  int trans_a = 0, trans_b = 0;
  CPU_RETURN_IF_ERROR(cpu_attrs_parse(c, desc, specs, 4, found));
  CPU_RETURN_IF_ERROR(cpu_attr_flag(c, found[2], 0, &trans_a));
  CPU_RETURN_IF_ERROR(cpu_attr_flag(c, found[3], 0, &trans_b));
  call->alpha = found[0] ? found[0]->f : 1.0;
  call->beta = found[1] ? found[1]->f : 1.0;
  for (int i = 0; i < 2; ++i) {
    if (call->in[i].rank != 2) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: input %c has rank %u, expected 2", c->op,
                       "AB"[i], call -> in[i].rank);
    }
  }
  if (trans_a) cpu_view_swap2(&call->in[0]);
  if (trans_b) cpu_view_swap2(&call->in[1]);
  const cpu_view_t *a = &call->in[0], *b = &call->in[1];
  if (a->dims[1] != b->dims[0]) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: op(A) is (%lld,%lld) and op(B) is (%lld,%lld) (transA %d, transB %d): "
                     "inner dimensions %lld and %lld differ",
                     c->op, (long long)a->dims[0], (long long)a->dims[1], (long long)b->dims[0],
                     (long long)b->dims[1], trans_a, trans_b, (long long)a->dims[1],
                     (long long)b->dims[0]);
  }
  const int64_t want[2] = {a->dims[0], b->dims[1]};
  if (call->input_count == 3) CPU_RETURN_IF_ERROR(cpu_check_gemm_c(c, call, want[0], want[1]));
  if (!cpu_is_float(a->dtype)) {
    CPU_RETURN_IF_ERROR(cpu_gemm_int_scalar(c, "alpha", call->alpha, a->dtype));
    CPU_RETURN_IF_ERROR(cpu_gemm_int_scalar(c, "beta", call->beta, a->dtype));
  }
  return cpu_out_dims_check(c, &call->out, 2, want);
}

/* Normalises axis into [0, rank). */
static int32_t cpu_axis(const cpu_check_t *c, const char *what, int64_t axis, uint32_t rank,
                        int *out) {
  if (axis < -(int64_t)rank || axis >= (int64_t)rank) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: %s %lld is out of range [%d, %d] for rank %u", c->op, what,
                     (long long)axis, -(int)rank, (int)rank - 1, rank);
  }
  *out = (int)(axis < 0 ? axis + rank : axis);
  return XHAL_STATUS_OK;
}

static int32_t cpu_check_softmax(const cpu_check_t *c, const xhal_plugin_op_desc_t *desc,
                                 cpu_op_call_t *call) {
  static const cpu_attr_spec_t specs[] = {{"axis", XHAL_ATTR_INT}};
  const xhal_attr_t *found[1];
  CPU_RETURN_IF_ERROR(cpu_attrs_parse(c, desc, specs, 1, found));
  CPU_RETURN_IF_ERROR(
      cpu_axis(c, "axis", found[0] ? found[0]->i : -1, call->in[0].rank, &call->axis));
  return cpu_same_dims(c, &call->in[0], &call->out);
}

static int32_t cpu_reduce_axes(const cpu_check_t *c, const xhal_attr_t *axes, uint32_t rank,
                               uint32_t *mask) {
  *mask = 0;
  for (uint32_t i = 0; axes && i < axes->count; ++i) {
    int k = 0;
    CPU_RETURN_IF_ERROR(cpu_axis(c, "axes entry", axes->ints[i], rank, &k));
    if (*mask & (1u << k)) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: axes entry %lld repeats dim %d", c->op,
                       (long long)axes->ints[i], k);
    }
    *mask |= 1u << k;
  }
  return XHAL_STATUS_OK;
}

static int32_t cpu_check_reduce(const cpu_check_t *c, const xhal_plugin_op_desc_t *desc,
                                cpu_op_call_t *call) {
  static const cpu_attr_spec_t specs[] = {{"axes", XHAL_ATTR_INTS},
                                          {"keepdims", XHAL_ATTR_INT},
                                          {"noop_with_empty_axes", XHAL_ATTR_INT}};
  const xhal_attr_t *found[3];
  const cpu_view_t *x = &call->in[0];
  CPU_RETURN_IF_ERROR(cpu_attrs_parse(c, desc, specs, 3, found));
  CPU_RETURN_IF_ERROR(cpu_attr_flag(c, found[1], 1, &call->keepdims));
  CPU_RETURN_IF_ERROR(cpu_attr_flag(c, found[2], 0, &call->noop));
  CPU_RETURN_IF_ERROR(cpu_reduce_axes(c, found[0], x->rank, &call->axes));
  if (!call->axes) {
    if (call->noop) return cpu_same_dims(c, x, &call->out);
    call->axes = x->rank ? (uint32_t)((1ull << x->rank) - 1) : 0;
  }
  call->noop = 0;
  int64_t want[XHAL_MAX_RANK];
  uint32_t rank = 0;
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (!(call->axes & (1u << k)))
      want[rank++] = x->dims[k];
    else if (call->keepdims)
      want[rank++] = 1;
  }
  return cpu_out_dims_check(c, &call->out, rank, want);
}

static int32_t cpu_check_transpose(const cpu_check_t *c, const xhal_plugin_op_desc_t *desc,
                                   cpu_op_call_t *call) {
  static const cpu_attr_spec_t specs[] = {{"perm", XHAL_ATTR_INTS}};
  const xhal_attr_t *found[1];
  cpu_view_t *x = &call->in[0];
  CPU_RETURN_IF_ERROR(cpu_attrs_parse(c, desc, specs, 1, found));
  const xhal_attr_t *perm = found[0];
  if (perm && perm->count != x->rank) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: perm has %u entries for an input of rank %u", c->op, perm->count,
                     x->rank);
  }
  cpu_view_t permuted = *x;
  uint32_t seen = 0;
  for (uint32_t i = 0; i < x->rank; ++i) {
    const int64_t p = perm ? perm->ints[i] : (int64_t)(x->rank - 1 - i);
    if (p < 0 || p >= (int64_t)x->rank || (seen & (1u << p))) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: perm entry %u is %lld; perm must be a permutation of 0..%u", c->op, i,
                       (long long)p, x->rank - 1);
    }
    seen |= 1u << p;
    permuted.dims[i] = x->dims[p];
    permuted.strides[i] = x->strides[p];
  }
  CPU_RETURN_IF_ERROR(cpu_same_dims(c, &permuted, &call->out));
  *x = permuted;
  return XHAL_STATUS_OK;
}

static int32_t cpu_check_cast(const cpu_check_t *c, const xhal_plugin_op_desc_t *desc,
                              cpu_op_call_t *call) {
  static const cpu_attr_spec_t specs[] = {{"to", XHAL_ATTR_INT}};
  const xhal_attr_t *found[1];
  CPU_RETURN_IF_ERROR(cpu_attrs_parse(c, desc, specs, 1, found));
  if (!found[0])
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute 'to' is required", c->op);
  const int64_t to = found[0]->i;
  if (to <= 0 || to > UINT32_MAX || !cpu_dtype_name((uint32_t)to)) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: attribute 'to' = %lld is not a dtype",
                     c->op, (long long)to);
  }
  if (!cpu_is_kernel_dtype((uint32_t)to)) {
    return cpu_error(XHAL_STATUS_UNSUPPORTED,
                     "%s: target dtype %s is not supported (supported: f32, f16, i32, i64)", c->op,
                     cpu_dtype_name((uint32_t)to));
  }
  if (call->out.dtype != (uint32_t)to) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: output dtype %s differs from 'to' = %s",
                     c->op, cpu_dtype_name(call->out.dtype), cpu_dtype_name((uint32_t)to));
  }
  return cpu_same_dims(c, &call->in[0], &call->out);
}

/* ---- The whole check ---------------------------------------------------------------------- */

static void cpu_op_arity(uint32_t op, uint32_t *min_in, uint32_t *max_in) {
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
    default:
      *min_in = *max_in = 1;
      break;
  }
}

static int32_t cpu_op_check_attrs_none(const cpu_check_t *c, const xhal_plugin_op_desc_t *desc) {
  return cpu_attrs_parse(c, desc, NULL, 0, NULL);
}

static int32_t cpu_op_check_op(const cpu_check_t *c, const xhal_plugin_op_desc_t *desc,
                               cpu_op_call_t *call) {
  switch (call->op) {
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
      CPU_RETURN_IF_ERROR(cpu_op_check_attrs_none(c, desc));
      return cpu_check_binary(c, call);
    case XHAL_OP_MATMUL:
      CPU_RETURN_IF_ERROR(cpu_op_check_attrs_none(c, desc));
      return cpu_check_matmul(c, call);
    case XHAL_OP_GEMM:
      return cpu_check_gemm(c, desc, call);
    case XHAL_OP_SOFTMAX:
      return cpu_check_softmax(c, desc, call);
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN:
      return cpu_check_reduce(c, desc, call);
    case XHAL_OP_TRANSPOSE:
      return cpu_check_transpose(c, desc, call);
    case XHAL_OP_CAST:
      return cpu_check_cast(c, desc, call);
    default: /* Copy and the unary ops */
      CPU_RETURN_IF_ERROR(cpu_op_check_attrs_none(c, desc));
      return cpu_same_dims(c, &call->in[0], &call->out);
  }
}

static int32_t cpu_op_read_desc(const xhal_plugin_op_desc_t *src, xhal_plugin_op_desc_t *dst) {
  if (!src) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "op: descriptor is NULL");
  if (src->header.stype != XHAL_STYPE_OP_DESC || src->header.struct_size < sizeof src->header) {
    return cpu_error(
        XHAL_STATUS_INVALID_ARGUMENT,
        "op: descriptor has stype %u and struct_size %u, expected XHAL_STYPE_OP_DESC (%u)",
        src->header.stype, src->header.struct_size, (unsigned)XHAL_STYPE_OP_DESC);
  }
  size_t size = src->header.struct_size < sizeof *dst ? src->header.struct_size : sizeof *dst;
  memset(dst, 0, sizeof *dst);
  memcpy(dst, src, size);
  return XHAL_STATUS_OK;
}

static int32_t cpu_op_check_counts(const cpu_check_t *c, const xhal_plugin_op_desc_t *desc,
                                   uint32_t op) {
  uint32_t min_in = 1, max_in = 1;
  cpu_op_arity(op, &min_in, &max_in);
  if (desc->input_count < min_in || desc->input_count > max_in) {
    if (min_in == max_in) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %u inputs given, expected %u", c->op,
                       desc->input_count, min_in);
    }
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %u inputs given, expected %u to %u", c->op,
                     desc->input_count, min_in, max_in);
  }
  if (desc->output_count != 1) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %u outputs given, expected 1", c->op,
                     desc->output_count);
  }
  if (!desc->inputs || !desc->outputs) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %s array is NULL", c->op,
                     desc->inputs ? "outputs" : "inputs");
  }
  return XHAL_STATUS_OK;
}

static int32_t cpu_op_check(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *src,
                            int need_buffers, cpu_op_call_t *call) {
  xhal_plugin_op_desc_t desc;
  CPU_RETURN_IF_ERROR(cpu_op_read_desc(src, &desc));
  const char *name = cpu_op_name(desc.op);
  if (!name)
    return cpu_error(XHAL_STATUS_UNSUPPORTED, "op %u is not supported by the CPU backend", desc.op);
  const cpu_check_t c = {device, name, need_buffers};
  if (!device) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: device is NULL", name);
  CPU_RETURN_IF_ERROR(cpu_op_check_counts(&c, &desc, desc.op));
  memset(call, 0, sizeof *call);
  call->op = desc.op;
  call->input_count = desc.input_count;
  for (uint32_t i = 0; i < desc.input_count; ++i)
    CPU_RETURN_IF_ERROR(cpu_view_make(&c, "input", i, desc.inputs[i], 0, &call->in[i]));
  CPU_RETURN_IF_ERROR(cpu_view_make(&c, "output", 0, desc.outputs[0], 1, &call->out));
  CPU_RETURN_IF_ERROR(cpu_dtypes_agree(&c, call));
  CPU_RETURN_IF_ERROR(cpu_dtype_supported(&c, call->op, call->in[0].dtype));
  return cpu_op_check_op(&c, &desc, call);
}

/* ---- Entry points --------------------------------------------------------------------------- */

int32_t cpu_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc) {
  cpu_op_call_t call;
  return cpu_op_check(device, desc, 0, &call);
}

int32_t cpu_op_prepare(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc,
                       cpu_op_call_t **out_call) {
  if (!out_call) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "op: out_call is NULL");
  cpu_op_call_t check;
  CPU_RETURN_IF_ERROR(cpu_op_check(device, desc, 1, &check));
  cpu_op_call_t *call = malloc(sizeof *call);
  if (!call)
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "%s: out of memory", cpu_op_name(check.op));
  *call = check;
  *out_call = call;
  return XHAL_STATUS_OK;
}

int32_t cpu_op_execute(cpu_op_call_t *call) {
  if (!call) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "op: call is NULL");
  const cpu_view_t *in = call->in, *out = &call->out;
  switch (call->op) {
    case XHAL_OP_COPY:
    case XHAL_OP_TRANSPOSE:
      return cpu_kernel_copy(out, &in[0]);
    case XHAL_OP_CAST:
      return cpu_kernel_cast(out, &in[0]);
    case XHAL_OP_ADD:
    case XHAL_OP_SUB:
    case XHAL_OP_MUL:
    case XHAL_OP_DIV:
      return cpu_kernel_binary(call->op, out, &in[0], &in[1]);
    case XHAL_OP_MATMUL:
      return cpu_kernel_matmul(out, &in[0], &in[1]);
    case XHAL_OP_GEMM:
      return cpu_kernel_gemm(out, &in[0], &in[1], call->input_count == 3 ? &in[2] : NULL,
                             call->alpha, call->beta);
    case XHAL_OP_SOFTMAX:
      return cpu_kernel_softmax(out, &in[0], call->axis);
    case XHAL_OP_REDUCE_SUM:
    case XHAL_OP_REDUCE_MEAN:
      if (!call->axes) return cpu_kernel_copy(out, &in[0]); /* noop_with_empty_axes or rank 0 */
      return cpu_kernel_reduce(out, &in[0], call->axes, call->keepdims,
                               call->op == XHAL_OP_REDUCE_MEAN);
    default:
      return cpu_kernel_unary(call->op, out, &in[0]);
  }
}

void cpu_op_call_free(cpu_op_call_t *call) {
  free(call);
}
