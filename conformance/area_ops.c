/*
 * area_ops.c - the `ops` area: operators against the fp64 reference.
 *
 * Every case runs through ops_case_run:
 *  1. the reference infers the output shape and dtype from the inputs and
 *     attributes (ONNX rules);
 *  2. xhal_op_supported on the call (buffers NULL): UNSUPPORTED is
 *     NOT_SUPPORTED with the backend's reason, any other error is FAIL;
 *  3. buffers are created, inputs filled from the deterministic generator,
 *     outputs filled with a canary; xhal_op_launch on a fresh stream;
 *  4. the output is read back and compared with the reference under the
 *     tolerance table; bytes outside the output view must be untouched.
 * Negative cases check a valid baseline first (NOT_SUPPORTED if the device
 * does not run it), then require INVALID_ARGUMENT from xhal_op_supported and
 * xhal_op_launch for the broken call, an untouched output and a usable
 * stream.
 */
#include "area_ops.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_dtype.h"
#include "ref_ops.h"

#define OPS_MAX_ATTRS 16

typedef struct ops_exec {
  conf_run_t *run;
  const ops_case_t *c;
  xhal_device_t *device;
  xhal_stream_t *stream;
  uint32_t input_count;
  conf_tensor_t in[OPS_MAX_INPUTS];
  conf_tensor_t out;
  xhal_tensor_t in_views[OPS_MAX_INPUTS];
  xhal_attr_t attrs[OPS_MAX_ATTRS];
  uint32_t attr_count;
  ref_attrs_t ref_attrs;
  ref_tensor_t ref_in[OPS_MAX_INPUTS];
  ref_tensor_t ref_out;
  char err[256];
  /* Outputs after the first (Split): output k is more_out[k - 1]. */
  uint32_t output_count;
  conf_tensor_t more_out[OPS_MAX_OUTPUTS - 1];
  ref_tensor_t ref_more_out[OPS_MAX_OUTPUTS - 1];
  xhal_tensor_t out_views[OPS_MAX_OUTPUTS];
} ops_exec_t;

/* Ops whose values are moved as raw bits (any dtype, bit-exact). */
static int ops_is_raw(uint32_t op) {
  return op == XHAL_OP_COPY || ref_shape_is_op((xhal_op_t)op);
}

/* ---- Helpers shared with the family files ---------------------------------- */
ref_shape_t ops_shape(uint32_t rank, ...) {
  ref_shape_t s;
  memset(&s, 0, sizeof s);
  s.rank = rank;
  va_list ap;
  va_start(ap, rank);
  for (uint32_t d = 0; d < rank; d++) s.dims[d] = va_arg(ap, int);
  va_end(ap);
  return s;
}

const char *ops_op_slug(xhal_op_t op) {
  switch (op) {
  case XHAL_OP_COPY: return "copy";
  case XHAL_OP_ADD: return "add";
  case XHAL_OP_SUB: return "sub";
  case XHAL_OP_MUL: return "mul";
  case XHAL_OP_DIV: return "div";
  case XHAL_OP_NEG: return "neg";
  case XHAL_OP_ABS: return "abs";
  case XHAL_OP_EXP: return "exp";
  case XHAL_OP_RELU: return "relu";
  case XHAL_OP_SIGMOID: return "sigmoid";
  case XHAL_OP_TANH: return "tanh";
  case XHAL_OP_MATMUL: return "matmul";
  case XHAL_OP_GEMM: return "gemm";
  case XHAL_OP_SOFTMAX: return "softmax";
  case XHAL_OP_REDUCE_SUM: return "reduce_sum";
  case XHAL_OP_REDUCE_MEAN: return "reduce_mean";
  case XHAL_OP_TRANSPOSE: return "transpose";
  case XHAL_OP_CAST: return "cast";
  case XHAL_OP_RESHAPE: return "reshape";
  case XHAL_OP_FLATTEN: return "flatten";
  case XHAL_OP_SQUEEZE: return "squeeze";
  case XHAL_OP_UNSQUEEZE: return "unsqueeze";
  case XHAL_OP_CONCAT: return "concat";
  case XHAL_OP_SPLIT: return "split";
  case XHAL_OP_SLICE: return "slice";
  case XHAL_OP_EXPAND: return "expand";
  case XHAL_OP_TILE: return "tile";
  case XHAL_OP_CONV: return "conv";
  case XHAL_OP_CONV_TRANSPOSE: return "conv_transpose";
  case XHAL_OP_MAX_POOL: return "max_pool";
  case XHAL_OP_AVERAGE_POOL: return "average_pool";
  case XHAL_OP_GLOBAL_AVERAGE_POOL: return "global_average_pool";
  case XHAL_OP_GLOBAL_MAX_POOL: return "global_max_pool";
  case XHAL_OP_SQRT: return "sqrt";
  case XHAL_OP_RECIPROCAL: return "reciprocal";
  case XHAL_OP_LOG: return "log";
  case XHAL_OP_FLOOR: return "floor";
  case XHAL_OP_CEIL: return "ceil";
  case XHAL_OP_ROUND: return "round";
  case XHAL_OP_SIGN: return "sign";
  case XHAL_OP_ERF: return "erf";
  case XHAL_OP_LEAKY_RELU: return "leaky_relu";
  case XHAL_OP_HARD_SIGMOID: return "hard_sigmoid";
  case XHAL_OP_HARD_SWISH: return "hard_swish";
  case XHAL_OP_ELU: return "elu";
  case XHAL_OP_SOFTPLUS: return "softplus";
  case XHAL_OP_GELU: return "gelu";
  case XHAL_OP_CLIP: return "clip";
  case XHAL_OP_GATHER: return "gather";
  case XHAL_OP_PAD: return "pad";
  case XHAL_OP_RESIZE: return "resize";
  case XHAL_OP_SHAPE: return "shape";
  case XHAL_OP_CONSTANT_OF_SHAPE: return "constant_of_shape";
  case XHAL_OP_RANGE: return "range";
  case XHAL_OP_POW: return "pow";
  case XHAL_OP_MIN: return "min";
  case XHAL_OP_MAX: return "max";
  case XHAL_OP_PRELU: return "prelu";
  case XHAL_OP_EQUAL: return "equal";
  case XHAL_OP_LESS: return "less";
  case XHAL_OP_GREATER: return "greater";
  case XHAL_OP_LESS_OR_EQUAL: return "less_or_equal";
  case XHAL_OP_GREATER_OR_EQUAL: return "greater_or_equal";
  case XHAL_OP_WHERE: return "where";
  case XHAL_OP_NOT: return "not";
  case XHAL_OP_AND: return "and";
  case XHAL_OP_OR: return "or";
  case XHAL_OP_BATCH_NORMALIZATION: return "batch_normalization";
  case XHAL_OP_LAYER_NORMALIZATION: return "layer_normalization";
  case XHAL_OP_INSTANCE_NORMALIZATION: return "instance_normalization";
  case XHAL_OP_LOG_SOFTMAX: return "log_softmax";
  case XHAL_OP_REDUCE_MAX: return "reduce_max";
  case XHAL_OP_REDUCE_MIN: return "reduce_min";
  case XHAL_OP_REDUCE_PROD: return "reduce_prod";
  case XHAL_OP_ARG_MAX: return "arg_max";
  case XHAL_OP_ARG_MIN: return "arg_min";
  default: return "unknown";
  }
}

void ops_shape_name(char *out, size_t out_size, const ref_shape_t *shape) {
  ref_shape_format(out, out_size, shape);
}

const char *ops_variant_suffix(ops_variant_t variant) {
  static const char *const names[OPS_VAR_COUNT] = {
      "", ".strided", ".transposed", ".offset", ".expanded", ".mixed", ".out_strided",
  };
  return variant < OPS_VAR_COUNT ? names[variant] : "";
}

void ops_case_init(ops_case_t *c, xhal_op_t op, xhal_dtype_t dtype, uint32_t input_count,
                   const ref_shape_t *shapes) {
  memset(c, 0, sizeof *c);
  c->op = op;
  c->dtype = dtype;
  c->input_count = input_count;
  for (uint32_t k = 0; k < input_count; k++) {
    c->in[k].shape = shapes[k];
    c->in[k].gen = ops_default_gen(op, dtype, k, dtype);
  }
}

void ops_apply_variant(ops_case_t *c, ops_variant_t variant) {
  int linalg = c->op == XHAL_OP_MATMUL || c->op == XHAL_OP_GEMM;
  uint8_t transposed = linalg ? CONF_LAYOUT_SWAP_LAST2 : CONF_LAYOUT_REVERSED;
  for (uint32_t k = 0; k < c->input_count; k++) {
    ops_tspec_t *t = &c->in[k];
    switch (variant) {
    case OPS_VAR_STRIDED: t->layout = CONF_LAYOUT_GAPPED; break;
    case OPS_VAR_TRANSPOSED: t->layout = transposed; break;
    case OPS_VAR_OFFSET: t->offset = 1; break;
    case OPS_VAR_EXPANDED: t->layout = CONF_LAYOUT_EXPANDED; break;
    case OPS_VAR_MIXED: {
      static const uint8_t mix[3] = {CONF_LAYOUT_GAPPED, CONF_LAYOUT_REVERSED,
                                     CONF_LAYOUT_SWAP_LAST2};
      t->layout = mix[k % 3];
      t->offset = (uint8_t)(k != 1);
      break;
    }
    default: break;
    }
  }
  switch (variant) {
  case OPS_VAR_STRIDED:
  case OPS_VAR_OUT_STRIDED: c->out_layout = CONF_LAYOUT_GAPPED; break;
  case OPS_VAR_TRANSPOSED: c->out_layout = transposed; break;
  case OPS_VAR_OFFSET: c->out_offset = 1; break;
  case OPS_VAR_MIXED:
    c->out_layout = linalg ? CONF_LAYOUT_REVERSED : CONF_LAYOUT_SWAP_LAST2;
    c->out_offset = 1;
    break;
  default: break;
  }
}

void ops_register(conf_registry_t *registry, conf_tier_t tier, const ops_case_t *c,
                  const char *format, ...) {
  char tail[160], name[256];
  va_list ap;
  va_start(ap, format);
  vsnprintf(tail, sizeof tail, format, ap);
  va_end(ap);
  snprintf(name, sizeof name, "ops.%s.%s.%s", ops_op_slug((xhal_op_t)c->op),
           ref_dtype_name((xhal_dtype_t)c->dtype), tail);
  conf_register(registry, name, tier, ops_case_run, c, sizeof *c);
}

/* ---- Attributes -------------------------------------------------------------- */
static void ops_push_attr(ops_exec_t *x, const char *name, uint32_t type, int64_t i, double f,
                          uint32_t count, const int64_t *ints) {
  if (x->attr_count >= OPS_MAX_ATTRS) return;
  xhal_attr_t *a = &x->attrs[x->attr_count++];
  memset(a, 0, sizeof *a);
  a->name = name;
  a->type = type;
  a->i = i;
  a->f = f;
  a->count = count;
  a->ints = ints;
}

/* Builds the xhal attributes and the reference's view of them. wrong_type:
 * send the first attribute with a mismatching type. */
static void ops_build_attrs(ops_exec_t *x, const ops_attrs_t *s, int unknown, int wrong_type) {
  static const int64_t no_ints[1] = {0};
  x->attr_count = 0;
  ref_attrs_init(&x->ref_attrs);
  ref_attrs_t *r = &x->ref_attrs;
  if (s->present & OPS_ATTR_AXIS) {
    ops_push_attr(x, "axis", XHAL_ATTR_INT, s->axis, 0, 0, NULL);
    r->has_axis = 1;
    r->axis = s->axis;
  }
  if (s->present & OPS_ATTR_AXES) {
    ops_push_attr(x, "axes", XHAL_ATTR_INTS, 0, 0, s->axes_count,
                  s->axes_count ? s->axes : no_ints);
    r->has_axes = 1;
    r->axes_count = s->axes_count;
    memcpy(r->axes, s->axes, sizeof r->axes);
  }
  if (s->present & OPS_ATTR_KEEPDIMS) {
    ops_push_attr(x, "keepdims", XHAL_ATTR_INT, s->keepdims, 0, 0, NULL);
    r->keepdims = s->keepdims;
  }
  if (s->present & OPS_ATTR_NOOP) {
    ops_push_attr(x, "noop_with_empty_axes", XHAL_ATTR_INT, s->noop, 0, 0, NULL);
    r->noop_with_empty_axes = s->noop;
  }
  if (s->present & OPS_ATTR_PERM) {
    ops_push_attr(x, "perm", XHAL_ATTR_INTS, 0, 0, s->perm_count,
                  s->perm_count ? s->perm : no_ints);
    r->has_perm = 1;
    r->perm_count = s->perm_count;
    memcpy(r->perm, s->perm, sizeof r->perm);
  }
  if (s->present & OPS_ATTR_TRANS_A) {
    ops_push_attr(x, "transA", XHAL_ATTR_INT, s->trans_a, 0, 0, NULL);
    r->trans_a = s->trans_a;
  }
  if (s->present & OPS_ATTR_TRANS_B) {
    ops_push_attr(x, "transB", XHAL_ATTR_INT, s->trans_b, 0, 0, NULL);
    r->trans_b = s->trans_b;
  }
  if (s->present & OPS_ATTR_ALPHA) {
    ops_push_attr(x, "alpha", XHAL_ATTR_FLOAT, 0, s->alpha, 0, NULL);
    r->alpha = s->alpha;
    r->has_alpha = 1;
  }
  if (s->present & OPS_ATTR_BETA) {
    ops_push_attr(x, "beta", XHAL_ATTR_FLOAT, 0, s->beta, 0, NULL);
    r->beta = s->beta;
    r->has_beta = 1;
  }
  if (s->present & OPS_ATTR_TO) {
    ops_push_attr(x, "to", XHAL_ATTR_INT, s->to, 0, 0, NULL);
    r->has_to = 1;
    r->to = s->to;
  }
  if (s->present & OPS_ATTR_SHAPE) {
    ops_push_attr(x, "shape", XHAL_ATTR_INTS, 0, 0, s->shape_count,
                  s->shape_count ? s->shape : no_ints);
  }
  if (s->present & (OPS_ATTR_SHAPE | OPS_ATTR_SHAPE_REF_ONLY)) {
    r->shape.has = 1;
    r->shape.count = s->shape_count;
    memcpy(r->shape.v, s->shape, sizeof r->shape.v);
  }
  if (s->present & OPS_ATTR_ALLOWZERO) {
    ops_push_attr(x, "allowzero", XHAL_ATTR_INT, s->allowzero, 0, 0, NULL);
    r->allowzero = s->allowzero;
  }
  if (s->present & OPS_ATTR_SPLIT) {
    ops_push_attr(x, "split", XHAL_ATTR_INTS, 0, 0, s->split_count,
                  s->split_count ? s->split : no_ints);
    r->split.has = 1;
    r->split.count = s->split_count;
    memcpy(r->split.v, s->split, sizeof r->split.v);
  }
  const struct {
    uint32_t bit;
    const char *name;
    const int64_t *v;
    ref_ints_t *ref;
  } slice[3] = {{OPS_ATTR_STARTS, "starts", s->starts, &r->starts},
                {OPS_ATTR_ENDS, "ends", s->ends, &r->ends},
                {OPS_ATTR_STEPS, "steps", s->steps, &r->steps}};
  for (int k = 0; k < 3; k++) {
    if (!(s->present & slice[k].bit)) continue;
    ops_push_attr(x, slice[k].name, XHAL_ATTR_INTS, 0, 0, s->slice_count,
                  s->slice_count ? slice[k].v : no_ints);
    slice[k].ref->has = 1;
    slice[k].ref->count = s->slice_count;
    memcpy(slice[k].ref->v, slice[k].v, sizeof slice[k].ref->v);
  }
  if (s->present & OPS_ATTR_REPEATS) {
    ops_push_attr(x, "repeats", XHAL_ATTR_INTS, 0, 0, s->repeats_count,
                  s->repeats_count ? s->repeats : no_ints);
    r->repeats.has = 1;
    r->repeats.count = s->repeats_count;
    memcpy(r->repeats.v, s->repeats, sizeof r->repeats.v);
  }
  r->output_count = x->c ? x->c->output_count : 0;
  const uint32_t conv_first = x->attr_count;
  for (uint32_t k = 0; k < s->conv.count; k++) {
    const ops_conv_attr_t *ca = &s->conv.a[k];
    ops_push_attr(x, ca->name, ca->type, ca->i, 0, ca->count, ca->count ? ca->ints : no_ints);
    x->attrs[x->attr_count - 1].s = ca->s;
  }
  ref_conv_attrs_decode(r, x->attrs + conv_first, x->attr_count - conv_first);
  if (s->present & OPS_ATTR_CLIP_MIN) {
    ops_push_attr(x, "min", s->clip_int ? XHAL_ATTR_INT : XHAL_ATTR_FLOAT, s->clip_imin,
                  s->clip_min, 0, NULL);
    r->has_min = 1;
    r->min_f = s->clip_min;
    r->min_i = s->clip_int ? s->clip_imin : (int64_t)s->clip_min;
  }
  if (s->present & OPS_ATTR_CLIP_MAX) {
    ops_push_attr(x, "max", s->clip_int ? XHAL_ATTR_INT : XHAL_ATTR_FLOAT, s->clip_imax,
                  s->clip_max, 0, NULL);
    r->has_max = 1;
    r->max_f = s->clip_max;
    r->max_i = s->clip_int ? s->clip_imax : (int64_t)s->clip_max;
  }
  if (s->present & OPS_ATTR_APPROXIMATE) {
    ops_push_attr(x, "approximate", XHAL_ATTR_STRING, 0, 0, 0, NULL);
    x->attrs[x->attr_count - 1].s = s->approximate;
    r->gelu_tanh = s->approximate && strcmp(s->approximate, "tanh") == 0;
  }
  x->attr_count += ops_gather_attrs(x->c->op, s, &x->attrs[x->attr_count],
                                    OPS_MAX_ATTRS - x->attr_count);
  r->g = s->g;
  if (s->present & OPS_ATTR_EPSILON) {
    ops_push_attr(x, "epsilon", XHAL_ATTR_FLOAT, 0, s->epsilon, 0, NULL);
    r->epsilon = s->epsilon;
  }
  if (s->present & OPS_ATTR_SELECT_LAST) {
    ops_push_attr(x, "select_last_index", XHAL_ATTR_INT, s->select_last, 0, 0, NULL);
    r->select_last_index = s->select_last;
  }
  if (s->present & OPS_ATTR_TRAINING_MODE) {
    ops_push_attr(x, "training_mode", XHAL_ATTR_INT, s->training_mode, 0, 0, NULL);
    r->training_mode = s->training_mode;
  }
  if (s->present & OPS_ATTR_STASH_TYPE)
    ops_push_attr(x, "stash_type", XHAL_ATTR_INT, s->stash_type, 0, 0, NULL);
  if (unknown) ops_push_attr(x, "xhal_conformance_unknown", XHAL_ATTR_INT, 1, 0, 0, NULL);
  if (wrong_type && x->attr_count > 0) {
    xhal_attr_t *a = &x->attrs[0];
    if (a->type == XHAL_ATTR_FLOAT) {
      a->type = XHAL_ATTR_STRING;
      a->s = "1";
    } else {
      a->f = (double)a->i;
      a->type = XHAL_ATTR_FLOAT;
    }
  }
}

/* ---- Describing calls and inputs for messages --------------------------------- */
static void ops_describe_call(ops_exec_t *x, const xhal_op_call_t *call) {
  char view[256];
  conf_note(x->run, "\n  call: %s(", xhal_op_name(call->op));
  for (uint32_t k = 0; k < call->input_count; k++) {
    conf_tensor_format(view, sizeof view, &call->inputs[k]);
    conf_note(x->run, "%s%s", k ? "; " : "", view);
  }
  conf_note(x->run, ") -> ");
  for (uint32_t k = 0; k < call->output_count; k++) {
    conf_tensor_format(view, sizeof view, &call->outputs[k]);
    conf_note(x->run, "%s%s", k ? ", " : "", view);
  }
  for (uint32_t k = 0; k < call->attr_count; k++) {
    const xhal_attr_t *a = &call->attrs[k];
    conf_note(x->run, "%s%s=", k ? ", " : "; attrs ", a->name);
    if (a->type == XHAL_ATTR_INTS) {
      conf_note(x->run, "[");
      for (uint32_t n = 0; n < a->count; n++)
        conf_note(x->run, "%s%lld", n ? "," : "", (long long)a->ints[n]);
      conf_note(x->run, "]");
    } else if (a->type == XHAL_ATTR_FLOAT) {
      conf_note(x->run, "%g", a->f);
    } else if (a->type == XHAL_ATTR_STRING) {
      conf_note(x->run, "\"%s\"", a->s ? a->s : "");
    } else {
      conf_note(x->run, "%lld", (long long)a->i);
    }
  }
}

static void ops_describe_inputs(void *ctx, const int64_t *coords, char *out, size_t out_size) {
  ops_exec_t *x = ctx;
  if (!ref_op_is_elementwise((xhal_op_t)x->c->op)) return;
  size_t used = 0;
  for (uint32_t k = 0; k < x->input_count && used < out_size; k++) {
    const ref_tensor_t *t = &x->ref_in[k];
    uint64_t at = ref_broadcast_source(&t->shape, coords, x->ref_out.shape.rank);
    char where[96], value[96];
    int64_t ic[XHAL_MAX_RANK] = {0};
    ref_unravel(at, &t->shape, ic);
    ref_coords_format(where, sizeof where, ic, t->shape.rank);
    ref_format_value(value, sizeof value, t->dtype, t->f ? t->f[at] : 0.0, t->i ? t->i[at] : 0,
                     t->raw);
    int n = snprintf(out + used, out_size - used, "%sx%u%s = %s", k ? ", " : "", k, where, value);
    if (n < 0) break;
    used += (size_t)n;
  }
}

/* ---- Running a case ------------------------------------------------------------ */
typedef struct ops_gen_ctx {
  const conf_run_t *run;
  uint32_t index;
  const ops_gen_t *gen;
  xhal_dtype_t dtype;
} ops_gen_ctx_t;

static void ops_gen_slot(void *ctx, uint64_t slot, double *f, int64_t *i) {
  const ops_gen_ctx_t *g = ctx;
  ops_gen_value(g->run, g->index, slot, g->gen, g->dtype, f, i);
}

static void ops_exec_free(ops_exec_t *x) {
  /* The stream first: destroying it waits for work that uses the buffers. */
  if (x->stream != NULL) xhal_stream_destroy(x->stream);
  x->stream = NULL;
  for (uint32_t k = 0; k < OPS_MAX_INPUTS; k++) {
    conf_tensor_free(&x->in[k]);
    ref_tensor_deinit(&x->ref_in[k]);
  }
  conf_tensor_free(&x->out);
  ref_tensor_deinit(&x->ref_out);
  for (uint32_t k = 0; k + 1 < OPS_MAX_OUTPUTS; k++) {
    conf_tensor_free(&x->more_out[k]);
    ref_tensor_deinit(&x->ref_more_out[k]);
  }
}

/* Plans the views of the call (no buffers) and infers the output.
 * Returns 0, or -1 with x->err set when the reference rejects the call. */
static int ops_plan(ops_exec_t *x, const ops_case_t *c) {
  ref_shape_t shapes[OPS_MAX_INPUTS];
  xhal_dtype_t dtypes[OPS_MAX_INPUTS];
  uint32_t input_count = c->input_count;
  x->input_count = input_count;
  for (uint32_t k = 0; k < input_count; k++) {
    shapes[k] = c->in[k].shape;
    dtypes[k] = ops_input_dtype(c, k);
    conf_tensor_plan(&x->in[k], dtypes[k], &shapes[k], (conf_layout_t)c->in[k].layout,
                     c->in[k].offset);
  }
  /* Every output's shape and dtype (Split's parts, LayerNormalization's
   * f32 Mean and InvStdDev). */
  ref_shape_t outs[REF_MAX_OUTPUTS];
  xhal_dtype_t out_dtypes[REF_MAX_OUTPUTS];
  x->output_count = c->output_count > 1 ? c->output_count : 1;
  if (ref_op_infer_outputs((xhal_op_t)c->op, input_count, shapes, dtypes, &x->ref_attrs,
                           x->output_count, outs, out_dtypes, x->err, sizeof x->err) != 0)
    return -1;
  conf_tensor_plan(&x->out, out_dtypes[0], &outs[0], (conf_layout_t)c->out_layout, c->out_offset);
  for (uint32_t k = 1; k < x->output_count; k++)
    conf_tensor_plan(&x->more_out[k - 1], out_dtypes[k], &outs[k], (conf_layout_t)c->out_layout,
                     c->out_offset);
  return 0;
}

static xhal_op_call_t ops_call(ops_exec_t *x) {
  for (uint32_t k = 0; k < x->input_count; k++) x->in_views[k] = x->in[k].view;
  x->out_views[0] = x->out.view;
  for (uint32_t k = 1; k < x->output_count; k++) x->out_views[k] = x->more_out[k - 1].view;
  xhal_op_call_t call = {(xhal_op_t)x->c->op, x->attr_count, x->attrs, x->input_count,
                         x->in_views, x->output_count, x->out_views};
  return call;
}

static conf_result_t ops_alloc_and_fill(ops_exec_t *x) {
  conf_run_t *run = x->run;
  for (uint32_t k = 0; k < x->input_count; k++) {
    xhal_status_t s = conf_tensor_alloc(&x->in[k], x->device);
    if (s != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_buffer_create (input)", s);
    ops_gen_ctx_t g = {run, k, &x->c->in[k].gen, x->in[k].view.dtype};
    conf_tensor_fill(&x->in[k], ops_is_raw(x->c->op), ops_gen_slot, &g);
  }
  xhal_status_t s = conf_tensor_alloc(&x->out, x->device);
  if (s != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_buffer_create (output)", s);
  if (conf_tensor_fill_canary(&x->out) != 0) return conf_fail(run, "out of host memory");
  for (uint32_t k = 1; k < x->output_count; k++) {
    s = conf_tensor_alloc(&x->more_out[k - 1], x->device);
    if (s != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_buffer_create (output)", s);
    if (conf_tensor_fill_canary(&x->more_out[k - 1]) != 0)
      return conf_fail(run, "out of host memory");
  }
  s = xhal_stream_create(x->device, &x->stream);
  if (s != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_stream_create", s);
  for (uint32_t k = 0; k < x->input_count; k++) {
    s = conf_tensor_upload(x->stream, &x->in[k]);
    if (s != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_copy_to_buffer (input)", s);
  }
  s = conf_tensor_upload(x->stream, &x->out);
  if (s != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_copy_to_buffer (output)", s);
  for (uint32_t k = 1; k < x->output_count; k++) {
    s = conf_tensor_upload(x->stream, &x->more_out[k - 1]);
    if (s != XHAL_STATUS_OK) return conf_fail_status(run, "xhal_copy_to_buffer (output)", s);
  }
  return CONF_PASS;
}

/* Downloads the output (and the inputs, into their canary copies) after
 * the op and synchronizes. */
static conf_result_t ops_read_back(ops_exec_t *x, const char *after) {
  xhal_status_t s = xhal_stream_synchronize(x->stream);
  if (s != XHAL_STATUS_OK) return conf_fail_status(x->run, after, s);
  s = conf_tensor_download(x->stream, &x->out);
  if (s != XHAL_STATUS_OK) return conf_fail_status(x->run, "xhal_copy_from_buffer", s);
  for (uint32_t k = 1; k < x->output_count; k++) {
    s = conf_tensor_download(x->stream, &x->more_out[k - 1]);
    if (s != XHAL_STATUS_OK) return conf_fail_status(x->run, "xhal_copy_from_buffer", s);
  }
  for (uint32_t k = 0; k < x->input_count; k++) {
    conf_tensor_t *t = &x->in[k];
    t->canary = malloc((size_t)t->bytes);
    if (t->canary == NULL) return conf_fail(x->run, "out of host memory");
    s = xhal_copy_from_buffer(x->stream, t->canary, t->view.buffer, 0, t->bytes);
    if (s != XHAL_STATUS_OK) return conf_fail_status(x->run, "xhal_copy_from_buffer", s);
  }
  s = xhal_stream_synchronize(x->stream);
  if (s != XHAL_STATUS_OK) return conf_fail_status(x->run, "xhal_stream_synchronize", s);
  return CONF_PASS;
}

/* Inputs are read-only: each buffer must read back as uploaded. */
static conf_result_t ops_check_inputs(ops_exec_t *x) {
  for (uint32_t k = 0; k < x->input_count; k++) {
    const conf_tensor_t *t = &x->in[k];
    if (t->canary == NULL || memcmp(t->canary, t->host, (size_t)t->bytes) == 0) continue;
    uint64_t first = 0, changed = 0;
    for (uint64_t b = 0; b < t->bytes; b++)
      if (t->canary[b] != t->host[b] && changed++ == 0) first = b;
    char view[256];
    conf_tensor_format(view, sizeof view, &t->view);
    return conf_fail(x->run,
                     "input %u was modified: %llu byte(s) differ, first at buffer byte %llu "
                     "(0x%02x, uploaded 0x%02x); view %s",
                     k, (unsigned long long)changed, (unsigned long long)first, t->canary[first],
                     t->host[first], view);
  }
  return CONF_PASS;
}

static conf_result_t ops_run_valid(ops_exec_t *x) {
  conf_run_t *run = x->run;
  const ops_case_t *c = x->c;
  if (ops_plan(x, c) != 0)
    return conf_fail(run, "suite error: the reference rejects this case: %s", x->err);
  xhal_op_call_t call = ops_call(x);
  xhal_status_t s = xhal_op_supported(x->device, &call);
  if (s == XHAL_STATUS_UNSUPPORTED)
    return conf_not_supported(run, "xhal_op_supported: %s", xhal_last_error());
  if (s != XHAL_STATUS_OK) {
    conf_fail_status(run, "xhal_op_supported", s);
    ops_describe_call(x, &call);
    return CONF_FAIL;
  }
  conf_result_t r = ops_alloc_and_fill(x);
  if (r != CONF_PASS) return r;
  call = ops_call(x);
  s = xhal_op_launch(x->stream, &call);
  if (s != XHAL_STATUS_OK) {
    conf_fail_status(run, "xhal_op_launch", s);
    ops_describe_call(x, &call);
    return CONF_FAIL;
  }
  r = ops_read_back(x, "xhal_stream_synchronize after xhal_op_launch");
  if (r != CONF_PASS) return r;
  r = ops_check_inputs(x);
  if (r != CONF_PASS) {
    ops_describe_call(x, &call);
    return r;
  }
  for (uint32_t k = 0; k < x->input_count; k++)
    if (conf_tensor_gather(&x->in[k], ops_is_raw(c->op), &x->ref_in[k]) != 0)
      return conf_fail(run, "out of host memory for the reference");
  ref_tensor_t outs[REF_MAX_OUTPUTS];
  const int failed = ref_op_compute_outputs((xhal_op_t)c->op, x->input_count, x->ref_in,
                                            &x->ref_attrs, x->output_count, outs, x->err,
                                            sizeof x->err) != 0;
  x->ref_out = outs[0]; /* freed with x, also on failure */
  for (uint32_t k = 1; k < x->output_count; k++) x->ref_more_out[k - 1] = outs[k];
  if (failed) return conf_fail(run, "suite error: reference failed: %s", x->err);
  r = conf_tensor_compare(run, (xhal_op_t)c->op, &x->out, &x->ref_out, ops_describe_inputs, x);
  for (uint32_t k = 1; k < x->output_count && r == CONF_PASS; k++) {
    r = conf_tensor_compare(run, (xhal_op_t)c->op, &x->more_out[k - 1], &x->ref_more_out[k - 1],
                            NULL, NULL);
    if (r != CONF_PASS) conf_note(run, "\n  (output %u of the call)", k);
  }
  if (r != CONF_PASS) ops_describe_call(x, &call);
  return r;
}

/* Turns the planned valid call into the invalid one. Returns 0, or -1 if
 * the mutation does not apply (a suite error). */
static int ops_mutate(ops_exec_t *x) {
  const ops_case_t *c = x->c;
  if (c->bad_output >= x->output_count) return -1;
  conf_tensor_t *out = c->bad_output ? &x->more_out[c->bad_output - 1] : &x->out;
  switch ((ops_invalid_t)c->invalid) {
  case OPS_INVALID_OUTPUT_SHAPE: {
    ref_shape_t shape;
    shape.rank = out->view.rank;
    for (uint32_t d = 0; d < shape.rank; d++) shape.dims[d] = out->view.dims[d];
    if (shape.rank == 0) {
      shape.rank = 1;
      shape.dims[0] = 2;
    } else {
      shape.dims[shape.rank - 1] += 1;
    }
    conf_tensor_plan(out, out->view.dtype, &shape, (conf_layout_t)c->out_layout, c->out_offset);
    return 0;
  }
  case OPS_INVALID_OUTPUT_DTYPE: {
    xhal_dtype_t d = out->view.dtype;
    out->view.dtype = d == XHAL_DTYPE_F32   ? XHAL_DTYPE_F16
                      : d == XHAL_DTYPE_F16 ? XHAL_DTYPE_F32
                      : d == XHAL_DTYPE_I32 ? XHAL_DTYPE_I64
                                            : XHAL_DTYPE_I32;
    ref_shape_t shape;
    shape.rank = out->view.rank;
    for (uint32_t d2 = 0; d2 < shape.rank; d2++) shape.dims[d2] = out->view.dims[d2];
    conf_tensor_plan(out, out->view.dtype, &shape, (conf_layout_t)c->out_layout, c->out_offset);
    return 0;
  }
  case OPS_INVALID_INPUT_DTYPE: {
    if (c->bad_dtype) { /* a dtype the op does not take (Pow's bool exponent, u8 base) */
      uint32_t k = c->bad_input;
      if (k >= x->input_count) return -1;
      conf_tensor_plan(&x->in[k], (xhal_dtype_t)c->bad_dtype, &c->in[k].shape,
                       (conf_layout_t)c->in[k].layout, c->in[k].offset);
      return 0;
    }
    if (x->input_count < 2) return -1;
    xhal_dtype_t d = x->in[1].view.dtype;
    xhal_dtype_t nd = d == XHAL_DTYPE_F32   ? XHAL_DTYPE_F16
                      : d == XHAL_DTYPE_F16 ? XHAL_DTYPE_F32
                      : d == XHAL_DTYPE_I32 ? XHAL_DTYPE_I64
                                            : XHAL_DTYPE_I32;
    conf_tensor_plan(&x->in[1], nd, &c->in[1].shape, (conf_layout_t)c->in[1].layout,
                     c->in[1].offset);
    return 0;
  }
  case OPS_INVALID_OUT_OF_BUFFER:
    if (conf_tensor_span(&x->in[0].view) == 0) return -1;
    /* The last element of the view lies past the end of the buffer. */
    x->in[0].bytes = x->in[0].view.byte_offset + conf_tensor_span(&x->in[0].view) -
                     ref_dtype_size(x->in[0].view.dtype);
    return 0;
  case OPS_INVALID_INPUT_COUNT:
    if (x->input_count < 1) return -1;
    /* Gemm's C is optional: drop B too. */
    x->input_count = c->op == XHAL_OP_GEMM ? 1 : x->input_count - 1;
    return 0;
  default: return 0; /* attribute and shape mutations happen in ops_run_invalid */
  }
}

static const char *ops_invalid_what(ops_invalid_t k) {
  switch (k) {
  case OPS_INVALID_OUTPUT_SHAPE: return "an output shape that differs from the op's result";
  case OPS_INVALID_OUTPUT_DTYPE: return "an output dtype that differs from the op's result";
  case OPS_INVALID_INPUT_DTYPE: return "inputs of different dtypes";
  case OPS_INVALID_OUT_OF_BUFFER: return "an input view that ends past its buffer";
  case OPS_INVALID_UNKNOWN_ATTR: return "an unknown attribute";
  case OPS_INVALID_INPUT_COUNT: return "a missing input";
  case OPS_INVALID_ATTR: return "an attribute value the op does not allow";
  case OPS_INVALID_ATTR_TYPE: return "an attribute of the wrong type";
  case OPS_INVALID_INPUT_SHAPE: return "input shapes the op does not allow";
  default: return "?";
  }
}

static conf_result_t ops_run_invalid(ops_exec_t *x) {
  conf_run_t *run = x->run;
  const ops_case_t *c = x->c;
  ops_invalid_t kind = (ops_invalid_t)c->invalid;
  /* The valid baseline decides NOT_SUPPORTED. */
  if (ops_plan(x, c) != 0)
    return conf_fail(run, "suite error: the baseline is invalid: %s", x->err);
  xhal_op_call_t call = ops_call(x);
  xhal_status_t s = xhal_op_supported(x->device, &call);
  if (s == XHAL_STATUS_UNSUPPORTED)
    return conf_not_supported(run, "baseline: xhal_op_supported: %s", xhal_last_error());
  if (s != XHAL_STATUS_OK) {
    conf_fail(run, "the valid baseline of this negative case is rejected: ");
    conf_fail_status(run, "xhal_op_supported", s);
    ops_describe_call(x, &call);
    return CONF_FAIL;
  }
  /* The broken call. */
  if (kind == OPS_INVALID_ATTR || kind == OPS_INVALID_ATTR_TYPE ||
      kind == OPS_INVALID_UNKNOWN_ATTR) {
    ops_build_attrs(x, kind == OPS_INVALID_ATTR ? &c->bad_attrs : &c->attrs,
                    kind == OPS_INVALID_UNKNOWN_ATTR, kind == OPS_INVALID_ATTR_TYPE);
  } else if (kind == OPS_INVALID_INPUT_SHAPE) {
    uint32_t k = c->bad_input < c->input_count ? c->bad_input : 0;
    conf_tensor_plan(&x->in[k], ops_input_dtype(c, k), &c->bad_shape,
                     (conf_layout_t)c->in[k].layout, c->in[k].offset);
  }
  if (ops_mutate(x) != 0) return conf_fail(run, "suite error: mutation does not apply");
  call = ops_call(x);
  if (kind != OPS_INVALID_OUT_OF_BUFFER) {
    s = xhal_op_supported(x->device, &call);
    if (s != XHAL_STATUS_INVALID_ARGUMENT) {
      conf_fail(run, "xhal_op_supported on a call with %s returned %s (%s), expected "
                "INVALID_ARGUMENT", ops_invalid_what(kind), xhal_status_string(s),
                s == XHAL_STATUS_OK ? "accepted" : xhal_last_error());
      ops_describe_call(x, &call);
      return CONF_FAIL;
    }
  }
  conf_result_t r = ops_alloc_and_fill(x);
  if (r != CONF_PASS) return r;
  call = ops_call(x);
  s = xhal_op_launch(x->stream, &call);
  if (s != XHAL_STATUS_INVALID_ARGUMENT) {
    conf_fail(run, "xhal_op_launch with %s returned %s (%s), expected INVALID_ARGUMENT",
              ops_invalid_what(kind), xhal_status_string(s),
              s == XHAL_STATUS_OK ? "accepted" : xhal_last_error());
    ops_describe_call(x, &call);
    if (s == XHAL_STATUS_OK) (void)xhal_stream_synchronize(x->stream);
    return CONF_FAIL;
  }
  r = ops_read_back(x, "xhal_stream_synchronize after a rejected xhal_op_launch");
  if (r != CONF_PASS) return r;
  r = ops_check_inputs(x);
  if (r != CONF_PASS) return r;
  r = conf_tensor_check_untouched(run, "output of the rejected call", &x->out, 1);
  for (uint32_t k = 1; k < x->output_count && r == CONF_PASS; k++)
    r = conf_tensor_check_untouched(run, "output of the rejected call", &x->more_out[k - 1], 1);
  return r;
}

conf_result_t ops_case_run(conf_run_t *run, const void *params) {
  const ops_case_t *c = params;
  if (run->env->device_count == 0) return conf_not_supported(run, "the backend has no device");
  ops_exec_t *x = calloc(1, sizeof *x);
  if (x == NULL) return conf_fail(run, "out of host memory");
  x->run = run;
  x->c = c;
  x->device = run->env->devices[0];
  ops_build_attrs(x, &c->attrs, 0, 0);
  conf_result_t r = c->invalid == OPS_VALID ? ops_run_valid(x) : ops_run_invalid(x);
  ops_exec_free(x);
  free(x);
  return r;
}

void conf_area_ops_register(conf_registry_t *registry) {
  ops_register_elementwise(registry);
  ops_register_special(registry);
  ops_register_linalg(registry);
  ops_register_reduce(registry);
  ops_register_norm(registry);
  ops_register_layout(registry);
  ops_register_invalid(registry);
  ops_register_shape(registry);
  ops_register_conv(registry);
  ops_register_unary_math(registry);
  ops_register_gather(registry);
  ops_register_binary_group(registry);
}
