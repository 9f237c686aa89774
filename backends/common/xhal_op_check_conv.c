/* xhal_op_check_conv.c - the ONNX (opset <= 17) rules of Conv,
 * ConvTranspose, MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool
 * (see xhal_op_check_conv.h and xop_conv_t in xhal_op_check.h).
 *
 * Decisions beyond the spec's text (docs/conformance.md, "Convolution and
 * pooling"):
 *   - explicit non-zero pads together with an auto_pad other than NOTSET are
 *     rejected (the spec forbids using both);
 *   - ceil_mode drops a last window that would start in the end padding
 *     (PyTorch and onnxruntime do the same), pools reject pads >= kernel;
 *   - ConvTranspose with output_shape or SAME_*: the total padding is split
 *     as the spec's formula says (SAME_UPPER puts the odd pixel at the end,
 *     otherwise at the start); output_shape may be longer than the full
 *     result (the extra positions at the end hold the bias);
 *   - a spatial input dim of 0 is rejected (every window would be padding);
 *   - more than XOP_CONV_MAX_SPATIAL (3) spatial dims are UNSUPPORTED. */
#include "xhal_op_check_conv.h"

#include <string.h>

#define XC_INVALID XHAL_STATUS_INVALID_ARGUMENT

int xop__is_conv_op(uint32_t op) {
  return op == XHAL_OP_CONV || op == XHAL_OP_CONV_TRANSPOSE || op == XHAL_OP_MAX_POOL ||
         op == XHAL_OP_AVERAGE_POOL || op == XHAL_OP_GLOBAL_AVERAGE_POOL ||
         op == XHAL_OP_GLOBAL_MAX_POOL;
}

void xop__conv_arity(uint32_t op, uint32_t *min_in, uint32_t *max_in) {
  if (op == XHAL_OP_CONV || op == XHAL_OP_CONV_TRANSPOSE)
    *min_in = 2, *max_in = 3;
  else
    *min_in = *max_in = 1;
}

/* ---- Attributes -------------------------------------------------------------------------- */

enum {
  XC_AUTO_PAD,
  XC_CEIL_MODE,
  XC_COUNT_INCLUDE_PAD,
  XC_DILATIONS,
  XC_GROUP,
  XC_KERNEL_SHAPE,
  XC_OUTPUT_PADDING,
  XC_OUTPUT_SHAPE,
  XC_PADS,
  XC_STORAGE_ORDER,
  XC_STRIDES,
  XC_ATTR_COUNT
};

static const xop_attr_spec_t xc_attr_specs[XC_ATTR_COUNT] = {
    [XC_AUTO_PAD] = {"auto_pad", XHAL_ATTR_STRING},
    [XC_CEIL_MODE] = {"ceil_mode", XHAL_ATTR_INT},
    [XC_COUNT_INCLUDE_PAD] = {"count_include_pad", XHAL_ATTR_INT},
    [XC_DILATIONS] = {"dilations", XHAL_ATTR_INTS},
    [XC_GROUP] = {"group", XHAL_ATTR_INT},
    [XC_KERNEL_SHAPE] = {"kernel_shape", XHAL_ATTR_INTS},
    [XC_OUTPUT_PADDING] = {"output_padding", XHAL_ATTR_INTS},
    [XC_OUTPUT_SHAPE] = {"output_shape", XHAL_ATTR_INTS},
    [XC_PADS] = {"pads", XHAL_ATTR_INTS},
    [XC_STORAGE_ORDER] = {"storage_order", XHAL_ATTR_INT},
    [XC_STRIDES] = {"strides", XHAL_ATTR_INTS},
};

/* Bit set of the attributes op accepts. */
static uint32_t xc_op_attrs(uint32_t op) {
#define XC_BIT(a) (1u << (a))
  const uint32_t window = XC_BIT(XC_AUTO_PAD) | XC_BIT(XC_KERNEL_SHAPE) | XC_BIT(XC_PADS) |
                          XC_BIT(XC_STRIDES);
  switch (op) {
    case XHAL_OP_CONV:
      return window | XC_BIT(XC_DILATIONS) | XC_BIT(XC_GROUP);
    case XHAL_OP_CONV_TRANSPOSE:
      return window | XC_BIT(XC_DILATIONS) | XC_BIT(XC_GROUP) | XC_BIT(XC_OUTPUT_PADDING) |
             XC_BIT(XC_OUTPUT_SHAPE);
    case XHAL_OP_MAX_POOL:
      return window | XC_BIT(XC_CEIL_MODE) | XC_BIT(XC_DILATIONS) | XC_BIT(XC_STORAGE_ORDER);
    case XHAL_OP_AVERAGE_POOL:
      return window | XC_BIT(XC_CEIL_MODE) | XC_BIT(XC_COUNT_INCLUDE_PAD);
    default:
      return 0;
  }
#undef XC_BIT
}

/* found[XC_*]: the attributes of op's set (xc_op_attrs), through xop_attrs_parse. */
static int32_t xc_attrs_parse(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, uint32_t op,
                              const xhal_attr_t **found) {
  const uint32_t allowed = xc_op_attrs(op);
  xop_attr_spec_t specs[XC_ATTR_COUNT];
  int index[XC_ATTR_COUNT], n = 0;
  for (int s = 0; s < XC_ATTR_COUNT; ++s) {
    found[s] = NULL;
    if (allowed & (1u << s)) index[n] = s, specs[n++] = xc_attr_specs[s];
  }
  const xhal_attr_t *given[XC_ATTR_COUNT];
  XOP_RETURN_IF_ERROR(xop_attrs_parse(c, desc, specs, n, given));
  for (int i = 0; i < n; ++i) found[index[i]] = given[i];
  return XHAL_STATUS_OK;
}

/* An INTS attribute of exactly count entries, each >= min; def when absent. */
static int32_t xc_ints(const xop_ctx_t *c, const xhal_attr_t *a, uint32_t count, int64_t def,
                       int64_t min, int64_t *out) {
  if (!a) {
    for (uint32_t k = 0; k < count; ++k) out[k] = def;
    return XHAL_STATUS_OK;
  }
  if (a->count != count) {
    return XOP_FAIL(c, XC_INVALID, "%s: attribute '%s' has %u entries, expected %u", c->op, a->name,
                    a->count, count);
  }
  for (uint32_t k = 0; k < count; ++k) {
    if (a->ints[k] < min) {
      return XOP_FAIL(c, XC_INVALID, "%s: attribute '%s' entry %u is %lld, must be >= %lld", c->op,
                      a->name, k, (long long)a->ints[k], (long long)min);
    }
    out[k] = a->ints[k];
  }
  return XHAL_STATUS_OK;
}

enum { XC_NOTSET, XC_SAME_UPPER, XC_SAME_LOWER, XC_VALID };

static int32_t xc_auto_pad(const xop_ctx_t *c, const xhal_attr_t *a, const xhal_attr_t *pads,
                           int *out) {
  static const char *const names[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};
  uint32_t k = XC_NOTSET;
  XOP_RETURN_IF_ERROR(xop_attr_enum(c, a, names, 4, XC_NOTSET, &k));
  for (uint32_t i = 0; pads && k != XC_NOTSET && i < pads->count; ++i) {
    if (pads->ints[i] != 0) {
      return XOP_FAIL(c, XC_INVALID, "%s: explicit pads cannot be used with auto_pad %s", c->op,
                      names[k]);
    }
  }
  *out = (int)k;
  return XHAL_STATUS_OK;
}

/* ---- Shapes ------------------------------------------------------------------------------ */

/* Output extent and pads of Conv/pool spatial dim i (window rules). */
static int32_t xc_window_dim(const xop_ctx_t *c, int auto_pad, int ceil_mode, uint32_t i,
                             int64_t in, xop_conv_t *g, int64_t *out) {
  const int64_t k = g->kernel[i], s = g->strides[i], d = g->dilations[i];
  const int64_t eff = (k - 1) * d + 1;
  if (auto_pad == XC_SAME_UPPER || auto_pad == XC_SAME_LOWER) {
    const int64_t o = (in + s - 1) / s;
    int64_t total = (o - 1) * s + eff - in;
    if (total < 0) total = 0;
    g->pads[i] = auto_pad == XC_SAME_UPPER ? total / 2 : total - total / 2;
    g->pads_end[i] = total - g->pads[i];
    *out = o;
    return XHAL_STATUS_OK;
  }
  if (auto_pad == XC_VALID) g->pads[i] = g->pads_end[i] = 0;
  const int64_t padded = in + g->pads[i] + g->pads_end[i];
  if (padded < eff) {
    return XOP_FAIL(c, XC_INVALID,
                    "%s: input X spatial dim %u is %lld, with pads %lld+%lld smaller than the "
                    "dilated kernel extent %lld",
                    c->op, i, (long long)in, (long long)g->pads[i], (long long)g->pads_end[i],
                    (long long)eff);
  }
  int64_t o = (padded - eff) / s + 1;
  if (ceil_mode && auto_pad == XC_NOTSET) {
    o = (padded - eff + s - 1) / s + 1;
    if ((o - 1) * s >= in + g->pads[i]) --o; /* the last window starts in the end padding */
  }
  *out = o;
  return XHAL_STATUS_OK;
}

static int32_t xc_spatial_common(const xop_ctx_t *c, const xhal_attr_t **found, const xop_view_t *x,
                                 int has_dilations, xop_conv_t *g) {
  const uint32_t n = g->spatial;
  XOP_RETURN_IF_ERROR(xc_ints(c, found[XC_STRIDES], n, 1, 1, g->strides));
  if (has_dilations)
    XOP_RETURN_IF_ERROR(xc_ints(c, found[XC_DILATIONS], n, 1, 1, g->dilations));
  else
    for (uint32_t k = 0; k < n; ++k) g->dilations[k] = 1;
  int64_t pads[2 * XHAL_MAX_RANK];
  XOP_RETURN_IF_ERROR(xc_ints(c, found[XC_PADS], 2 * n, 0, 0, pads));
  for (uint32_t k = 0; k < n; ++k) g->pads[k] = pads[k], g->pads_end[k] = pads[n + k];
  for (uint32_t k = 0; k < n; ++k) {
    if (x->dims[2 + k] == 0) {
      return XOP_FAIL(c, XC_INVALID, "%s: input X spatial dim %u is 0", c->op, k);
    }
  }
  return XHAL_STATUS_OK;
}

static int32_t xc_rank_check(const xop_ctx_t *c, const char *what, const xop_view_t *v,
                             uint32_t rank) {
  if (v->rank == rank) return XHAL_STATUS_OK;
  char t[XOP_DIMS_TEXT_SIZE];
  return XOP_FAIL(c, XC_INVALID, "%s: input %s dims %s have rank %u, expected %u", c->op, what,
                  xop_dims_text(t, sizeof t, v->rank, v->dims), v->rank, rank);
}

static int32_t xc_bias_check(const xop_ctx_t *c, const xop_plan_t *plan, int64_t m) {
  if (plan->input_count < 3) return XHAL_STATUS_OK;
  const xop_view_t *b = &plan->in[2];
  if (b->rank == 1 && b->dims[0] == m) return XHAL_STATUS_OK;
  char t[XOP_DIMS_TEXT_SIZE];
  return XOP_FAIL(c, XC_INVALID, "%s: input B dims %s, expected (%lld) (output channels)", c->op,
                  xop_dims_text(t, sizeof t, b->rank, b->dims), (long long)m);
}

/* kernel_shape, when given, must equal W's spatial dims. */
static int32_t xc_kernel_from_w(const xop_ctx_t *c, const xhal_attr_t *ks, const xop_view_t *w,
                                xop_conv_t *g) {
  const uint32_t n = g->spatial;
  for (uint32_t k = 0; k < n; ++k) g->kernel[k] = w->dims[2 + k];
  if (!ks) return XHAL_STATUS_OK;
  int same = ks->count == n;
  for (uint32_t k = 0; same && k < n; ++k) same = ks->ints[k] == w->dims[2 + k];
  if (same) return XHAL_STATUS_OK;
  char a[XOP_DIMS_TEXT_SIZE], b[XOP_DIMS_TEXT_SIZE];
  return XOP_FAIL(c, XC_INVALID, "%s: kernel_shape %s differs from the spatial dims of W %s", c->op,
                  xop_dims_text(a, sizeof a, ks->count, ks->ints),
                  xop_dims_text(b, sizeof b, w->rank, w->dims));
}

static int32_t xc_group(const xop_ctx_t *c, const xhal_attr_t *a, int64_t *group) {
  *group = a ? a->i : 1;
  if (*group >= 1) return XHAL_STATUS_OK;
  return XOP_FAIL(c, XC_INVALID, "%s: group is %lld, must be >= 1", c->op, (long long)*group);
}

static int32_t xc_check_conv(const xop_ctx_t *c, const xhal_attr_t **found, xop_plan_t *plan) {
  const xop_view_t *x = &plan->in[0], *w = &plan->in[1];
  xop_conv_t *g = &plan->conv;
  char tx[XOP_DIMS_TEXT_SIZE], tw[XOP_DIMS_TEXT_SIZE];
  XOP_RETURN_IF_ERROR(xc_rank_check(c, "W", w, x->rank));
  XOP_RETURN_IF_ERROR(xc_group(c, found[XC_GROUP], &g->group));
  const int64_t ch = x->dims[1], m = w->dims[0];
  if (w->dims[1] * g->group != ch) {
    return XOP_FAIL(c, XC_INVALID,
                    "%s: input W dims %s: channels %lld x group %lld != input channels %lld (X %s)",
                    c->op, xop_dims_text(tw, sizeof tw, w->rank, w->dims), (long long)w->dims[1],
                    (long long)g->group, (long long)ch,
                    xop_dims_text(tx, sizeof tx, x->rank, x->dims));
  }
  if (m % g->group != 0) {
    return XOP_FAIL(c, XC_INVALID, "%s: output channels %lld (W dim 0) not divisible by group %lld",
                    c->op, (long long)m, (long long)g->group);
  }
  XOP_RETURN_IF_ERROR(xc_bias_check(c, plan, m));
  XOP_RETURN_IF_ERROR(xc_kernel_from_w(c, found[XC_KERNEL_SHAPE], w, g));
  XOP_RETURN_IF_ERROR(xc_spatial_common(c, found, x, 1, g));
  int auto_pad = 0;
  XOP_RETURN_IF_ERROR(xc_auto_pad(c, found[XC_AUTO_PAD], found[XC_PADS], &auto_pad));
  int64_t want[XHAL_MAX_RANK] = {x->dims[0], m};
  for (uint32_t k = 0; k < g->spatial; ++k)
    XOP_RETURN_IF_ERROR(xc_window_dim(c, auto_pad, 0, k, x->dims[2 + k], g, &want[2 + k]));
  return xop_out_dims_check(c, &plan->out, x->rank, want);
}

/* ConvTranspose: pads from output_shape / auto_pad, split as the spec's
 * text says (SAME_UPPER: the odd pixel at the end; otherwise at the start),
 * which is what the ONNX test data follows. */
static void xc_transpose_split(int auto_pad, int64_t total, int64_t *begin) {
  if (total < 0)
    *begin = 0;
  else
    *begin = auto_pad == XC_SAME_UPPER ? total / 2 : total - total / 2;
}

static int32_t xc_check_conv_transpose(const xop_ctx_t *c, const xhal_attr_t **found,
                                       xop_plan_t *plan) {
  const xop_view_t *x = &plan->in[0], *w = &plan->in[1];
  xop_conv_t *g = &plan->conv;
  char tx[XOP_DIMS_TEXT_SIZE], tw[XOP_DIMS_TEXT_SIZE];
  XOP_RETURN_IF_ERROR(xc_rank_check(c, "W", w, x->rank));
  XOP_RETURN_IF_ERROR(xc_group(c, found[XC_GROUP], &g->group));
  const int64_t ch = x->dims[1], m = w->dims[1] * g->group;
  if (w->dims[0] != ch || ch % g->group != 0) {
    return XOP_FAIL(c, XC_INVALID,
                    "%s: input W dims %s: dim 0 must equal the input channels %lld (X %s), "
                    "divisible by group %lld",
                    c->op, xop_dims_text(tw, sizeof tw, w->rank, w->dims), (long long)ch,
                    xop_dims_text(tx, sizeof tx, x->rank, x->dims), (long long)g->group);
  }
  XOP_RETURN_IF_ERROR(xc_bias_check(c, plan, m));
  XOP_RETURN_IF_ERROR(xc_kernel_from_w(c, found[XC_KERNEL_SHAPE], w, g));
  XOP_RETURN_IF_ERROR(xc_spatial_common(c, found, x, 1, g));
  const uint32_t n = g->spatial;
  int auto_pad = 0;
  XOP_RETURN_IF_ERROR(xc_auto_pad(c, found[XC_AUTO_PAD], found[XC_PADS], &auto_pad));
  int64_t adj[XHAL_MAX_RANK], shape[XHAL_MAX_RANK + 2];
  XOP_RETURN_IF_ERROR(xc_ints(c, found[XC_OUTPUT_PADDING], n, 0, 0, adj));
  const xhal_attr_t *os = found[XC_OUTPUT_SHAPE];
  if (os && os->count != n && os->count != n + 2) {
    return XOP_FAIL(c, XC_INVALID, "%s: output_shape has %u entries, expected %u or %u", c->op,
                    os->count, n, n + 2);
  }
  if (os) XOP_RETURN_IF_ERROR(xc_ints(c, os, os->count, 0, 1, shape));
  int64_t want[XHAL_MAX_RANK] = {x->dims[0], m};
  for (uint32_t k = 0; k < n; ++k) {
    const int64_t s = g->strides[k], d = g->dilations[k];
    if (adj[k] >= s && adj[k] >= d) {
      return XOP_FAIL(c, XC_INVALID,
                      "%s: output_padding entry %u is %lld, must be less than stride %lld or "
                      "dilation %lld",
                      c->op, k, (long long)adj[k], (long long)s, (long long)d);
    }
    const int64_t full = (x->dims[2 + k] - 1) * s + adj[k] + (g->kernel[k] - 1) * d + 1;
    int64_t o;
    if (os || auto_pad == XC_SAME_UPPER || auto_pad == XC_SAME_LOWER) {
      o = os ? shape[os->count - n + k] : x->dims[2 + k] * s;
      xc_transpose_split(auto_pad, full - o, &g->pads[k]);
      g->pads_end[k] = full - o - g->pads[k];
    } else {
      if (auto_pad == XC_VALID) g->pads[k] = g->pads_end[k] = 0;
      o = full - g->pads[k] - g->pads_end[k];
      if (o < 1) {
        return XOP_FAIL(c, XC_INVALID,
                        "%s: spatial dim %u: pads %lld+%lld crop the whole result of %lld", c->op,
                        k, (long long)g->pads[k], (long long)g->pads_end[k], (long long)full);
      }
    }
    want[2 + k] = o;
  }
  return xop_out_dims_check(c, &plan->out, x->rank, want);
}

static int32_t xc_check_pool(const xop_ctx_t *c, const xhal_attr_t **found, xop_plan_t *plan) {
  const xop_view_t *x = &plan->in[0];
  xop_conv_t *g = &plan->conv;
  const uint32_t n = g->spatial;
  const int is_max = plan->op == XHAL_OP_MAX_POOL;
  g->group = 1;
  if (!found[XC_KERNEL_SHAPE])
    return XOP_FAIL(c, XC_INVALID, "%s: attribute 'kernel_shape' is required", c->op);
  XOP_RETURN_IF_ERROR(xc_ints(c, found[XC_KERNEL_SHAPE], n, 1, 1, g->kernel));
  XOP_RETURN_IF_ERROR(xc_spatial_common(c, found, x, is_max, g));
  int ceil_mode = 0, storage_order = 0;
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[XC_CEIL_MODE], 0, &ceil_mode));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[XC_STORAGE_ORDER], 0, &storage_order));
  XOP_RETURN_IF_ERROR(xop_attr_flag(c, found[XC_COUNT_INCLUDE_PAD], 0, &g->count_include_pad));
  int auto_pad = 0;
  XOP_RETURN_IF_ERROR(xc_auto_pad(c, found[XC_AUTO_PAD], found[XC_PADS], &auto_pad));
  for (uint32_t k = 0; k < n; ++k) {
    if (g->pads[k] >= g->kernel[k] || g->pads_end[k] >= g->kernel[k]) {
      return XOP_FAIL(c, XC_INVALID, "%s: pads %lld+%lld of spatial dim %u must be < kernel %lld",
                      c->op, (long long)g->pads[k], (long long)g->pads_end[k], k,
                      (long long)g->kernel[k]);
    }
  }
  int64_t want[XHAL_MAX_RANK] = {x->dims[0], x->dims[1]};
  for (uint32_t k = 0; k < n; ++k)
    XOP_RETURN_IF_ERROR(xc_window_dim(c, auto_pad, ceil_mode, k, x->dims[2 + k], g, &want[2 + k]));
  XOP_RETURN_IF_ERROR(xop_out_dims_check(c, &plan->out, x->rank, want));
  g->storage_order = storage_order;
  if (is_max && plan->output_count == 2) {
    const xop_view_t *ind = &plan->outs[1];
    int same = ind->rank == x->rank;
    for (uint32_t k = 0; same && k < x->rank; ++k) same = ind->dims[k] == want[k];
    if (!same) {
      char got[XOP_DIMS_TEXT_SIZE], dims[XOP_DIMS_TEXT_SIZE];
      return XOP_FAIL(c, XC_INVALID, "%s: output Indices dims %s differ from Y's %s", c->op,
                      xop_dims_text(got, sizeof got, ind->rank, ind->dims),
                      xop_dims_text(dims, sizeof dims, x->rank, want));
    }
  }
  return XHAL_STATUS_OK;
}

static int32_t xc_check_global(const xop_ctx_t *c, xop_plan_t *plan) {
  const xop_view_t *x = &plan->in[0];
  xop_conv_t *g = &plan->conv;
  int64_t want[XHAL_MAX_RANK] = {x->dims[0], x->dims[1]};
  g->group = 1;
  for (uint32_t k = 0; k < g->spatial; ++k) {
    if (x->dims[2 + k] == 0)
      return XOP_FAIL(c, XC_INVALID, "%s: input X spatial dim %u is 0", c->op, k);
    g->kernel[k] = x->dims[2 + k];
    g->strides[k] = g->dilations[k] = 1;
    want[2 + k] = 1;
  }
  return xop_out_dims_check(c, &plan->out, x->rank, want);
}

int32_t xop__check_conv(const xop_ctx_t *c, const xhal_plugin_op_desc_t *desc, xop_plan_t *plan) {
  const xhal_attr_t *found[XC_ATTR_COUNT];
  XOP_RETURN_IF_ERROR(xc_attrs_parse(c, desc, plan->op, found));
  const xop_view_t *x = &plan->in[0];
  if (x->rank < 3) {
    char t[XOP_DIMS_TEXT_SIZE];
    return XOP_FAIL(c, XC_INVALID,
                    "%s: input X dims %s have rank %u; expected (N, C, D1, ...) with at least one "
                    "spatial dim",
                    c->op, xop_dims_text(t, sizeof t, x->rank, x->dims), x->rank);
  }
  if (x->rank > 2 + XOP_CONV_MAX_SPATIAL) {
    return XOP_FAIL(c, XHAL_STATUS_UNSUPPORTED,
                    "%s: input X has %u spatial dims; the kernels handle 1 to %d", c->op,
                    x->rank - 2, XOP_CONV_MAX_SPATIAL);
  }
  memset(&plan->conv, 0, sizeof plan->conv);
  plan->conv.spatial = x->rank - 2;
  switch (plan->op) {
    case XHAL_OP_CONV:
      return xc_check_conv(c, found, plan);
    case XHAL_OP_CONV_TRANSPOSE:
      return xc_check_conv_transpose(c, found, plan);
    case XHAL_OP_MAX_POOL:
    case XHAL_OP_AVERAGE_POOL:
      return xc_check_pool(c, found, plan);
    default:
      return xc_check_global(c, plan);
  }
}
