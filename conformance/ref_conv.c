/*
 * ref_conv.c - reference of Conv, ConvTranspose, MaxPool, AveragePool,
 * GlobalAveragePool and GlobalMaxPool (ONNX opset <= 17, NCHW, any number
 * of spatial dims), written from the spec with direct loops in fp64.
 *
 * xhal's documented decisions (docs/conformance.md, "Convolution and
 * pooling"): padding is zero padding (a padded tap of Conv adds 0 * w);
 * explicit non-zero pads with auto_pad != NOTSET are rejected; ceil_mode
 * drops a last window that would start in the end padding; pools reject
 * pads >= kernel; MaxPool: NaN in a window gives NaN, an empty window -Inf
 * (on u8, which MaxPool also takes, 0: padding never wins);
 * AveragePool with count_include_pad divides by the window clipped to the
 * padded input; ConvTranspose splits a total padding from output_shape or
 * SAME_* as the spec's formula: the odd pixel at the end for SAME_UPPER, at
 * the start otherwise (a negative total extends the output at the end); a spatial
 * input dim of 0 is rejected.
 *
 * Each Conv/ConvTranspose result records sum |terms| (bias included) and
 * K = C/group * prod(kernel); AveragePool records sum |x| / divisor and the
 * largest window.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ref_dtype.h"
#include "ref_ops.h"

enum { REF_NOTSET = 0, REF_SAME_UPPER, REF_SAME_LOWER, REF_VALID };

int ref_conv_is_op(xhal_op_t op) {
  return op == XHAL_OP_CONV || op == XHAL_OP_CONV_TRANSPOSE || op == XHAL_OP_MAX_POOL ||
         op == XHAL_OP_AVERAGE_POOL || op == XHAL_OP_GLOBAL_AVERAGE_POOL ||
         op == XHAL_OP_GLOBAL_MAX_POOL;
}

static void ref_copy_ints(const xhal_attr_t *a, int64_t *dst, uint32_t cap, uint32_t *count) {
  *count = a->count < cap ? a->count : cap;
  for (uint32_t k = 0; k < *count; k++) dst[k] = a->ints[k];
  if (*count == 0) *count = UINT32_MAX; /* present but empty: invalid for every attribute */
}

void ref_conv_attrs_decode(ref_attrs_t *r, const xhal_attr_t *attrs, uint32_t count) {
  ref_conv_attrs_t *c = &r->conv;
  for (uint32_t n = 0; n < count; n++) {
    const xhal_attr_t *a = &attrs[n];
    if (a->type == XHAL_ATTR_STRING && strcmp(a->name, "auto_pad") == 0) {
      static const char *const names[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};
      c->auto_pad = -1;
      for (int k = 0; k < 4; k++)
        if (a->s && strcmp(a->s, names[k]) == 0) c->auto_pad = k;
    } else if (a->type == XHAL_ATTR_INT) {
      if (strcmp(a->name, "group") == 0) c->has_group = 1, c->group = a->i;
      if (strcmp(a->name, "ceil_mode") == 0) c->ceil_mode = a->i;
      if (strcmp(a->name, "count_include_pad") == 0) c->count_include_pad = a->i;
      if (strcmp(a->name, "storage_order") == 0) c->storage_order = a->i;
    } else if (a->type == XHAL_ATTR_INTS) {
      if (strcmp(a->name, "kernel_shape") == 0)
        ref_copy_ints(a, c->kernel_shape, XHAL_MAX_RANK, &c->kernel_shape_count);
      if (strcmp(a->name, "dilations") == 0)
        ref_copy_ints(a, c->dilations, XHAL_MAX_RANK, &c->dilations_count);
      if (strcmp(a->name, "strides") == 0)
        ref_copy_ints(a, c->strides, XHAL_MAX_RANK, &c->strides_count);
      if (strcmp(a->name, "pads") == 0)
        ref_copy_ints(a, c->pads, 2 * XHAL_MAX_RANK, &c->pads_count);
      if (strcmp(a->name, "output_padding") == 0)
        ref_copy_ints(a, c->output_padding, XHAL_MAX_RANK, &c->output_padding_count);
      if (strcmp(a->name, "output_shape") == 0)
        ref_copy_ints(a, c->output_shape, XHAL_MAX_RANK, &c->output_shape_count);
    }
  }
}

/* ---- Geometry ---------------------------------------------------------------------------- */

typedef struct ref_geom {
  uint32_t n; /* spatial dims */
  int64_t group, k[XHAL_MAX_RANK], s[XHAL_MAX_RANK], d[XHAL_MAX_RANK];
  int64_t pb[XHAL_MAX_RANK], pe[XHAL_MAX_RANK];
  int64_t out[XHAL_MAX_RANK + 2];
} ref_geom_t;

/* Copies an INTS attribute of n entries (def when absent), each >= min. */
static int ref_ints(const char *name, uint32_t count, const int64_t *v, uint32_t n, int64_t def,
                    int64_t min, int64_t *dst, char *err, size_t err_size) {
  if (!count) {
    for (uint32_t k = 0; k < n; k++) dst[k] = def;
    return 0;
  }
  if (count != n) {
    snprintf(err, err_size, "%s has %d entries, expected %u", name, (int)count, n);
    return -1;
  }
  for (uint32_t k = 0; k < n; k++) {
    if (v[k] < min) {
      snprintf(err, err_size, "%s entry %u is %lld < %lld", name, k, (long long)v[k],
               (long long)min);
      return -1;
    }
    dst[k] = v[k];
  }
  return 0;
}

static int ref_geom_window(const ref_conv_attrs_t *a, const ref_shape_t *x, int dilations,
                           ref_geom_t *g, char *err, size_t err_size) {
  const uint32_t n = g->n;
  int64_t pads[2 * XHAL_MAX_RANK];
  if (ref_ints("strides", a->strides_count, a->strides, n, 1, 1, g->s, err, err_size) ||
      ref_ints("dilations", dilations ? a->dilations_count : 0, a->dilations, n, 1, 1, g->d, err,
               err_size) ||
      ref_ints("pads", a->pads_count, a->pads, 2 * n, 0, 0, pads, err, err_size))
    return -1;
  if (a->auto_pad < 0) {
    snprintf(err, err_size, "unknown auto_pad");
    return -1;
  }
  for (uint32_t k = 0; k < 2 * n && a->auto_pad != REF_NOTSET; k++) {
    if (pads[k] != 0) {
      snprintf(err, err_size, "pads with auto_pad");
      return -1;
    }
  }
  for (uint32_t k = 0; k < n; k++) {
    g->pb[k] = pads[k], g->pe[k] = pads[n + k];
    if (x->dims[2 + k] == 0) {
      snprintf(err, err_size, "spatial dim %u is 0", k);
      return -1;
    }
  }
  return 0;
}

/* Conv / pool output extents (window rules). */
static int ref_geom_out(const ref_conv_attrs_t *a, const ref_shape_t *x, int ceil_mode,
                        ref_geom_t *g, char *err, size_t err_size) {
  for (uint32_t k = 0; k < g->n; k++) {
    const int64_t in = x->dims[2 + k], eff = (g->k[k] - 1) * g->d[k] + 1, s = g->s[k];
    if (a->auto_pad == REF_SAME_UPPER || a->auto_pad == REF_SAME_LOWER) {
      const int64_t o = (in + s - 1) / s;
      int64_t total = (o - 1) * s + eff - in;
      if (total < 0) total = 0;
      g->pb[k] = a->auto_pad == REF_SAME_UPPER ? total / 2 : total - total / 2;
      g->pe[k] = total - g->pb[k];
      g->out[2 + k] = o;
      continue;
    }
    if (a->auto_pad == REF_VALID) g->pb[k] = g->pe[k] = 0;
    const int64_t padded = in + g->pb[k] + g->pe[k];
    if (padded < eff) {
      snprintf(err, err_size, "padded input %lld < kernel extent %lld", (long long)padded,
               (long long)eff);
      return -1;
    }
    int64_t o = (int64_t)floor((double)(padded - eff) / (double)s) + 1;
    if (ceil_mode && a->auto_pad == REF_NOTSET) {
      o = (int64_t)ceil((double)(padded - eff) / (double)s) + 1;
      if ((o - 1) * s >= in + g->pb[k]) o--;
    }
    g->out[2 + k] = o;
  }
  return 0;
}

static int ref_geom(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                    const ref_attrs_t *attrs, ref_geom_t *g, char *err, size_t err_size) {
  const ref_conv_attrs_t *a = &attrs->conv;
  const ref_shape_t *x = &shapes[0];
  memset(g, 0, sizeof *g);
  const int has_w = op == XHAL_OP_CONV || op == XHAL_OP_CONV_TRANSPOSE;
  if ((has_w && input_count != 2 && input_count != 3) || (!has_w && input_count != 1)) {
    snprintf(err, err_size, "%u inputs", input_count);
    return -1;
  }
  if (x->rank < 3) {
    snprintf(err, err_size, "X has rank %u < 3", x->rank);
    return -1;
  }
  g->n = x->rank - 2;
  g->out[0] = x->dims[0];
  g->out[1] = x->dims[1];
  g->group = 1;
  if (op == XHAL_OP_GLOBAL_AVERAGE_POOL || op == XHAL_OP_GLOBAL_MAX_POOL) {
    for (uint32_t k = 0; k < g->n; k++) {
      if (x->dims[2 + k] == 0) {
        snprintf(err, err_size, "spatial dim %u is 0", k);
        return -1;
      }
      g->k[k] = x->dims[2 + k], g->s[k] = g->d[k] = 1, g->out[2 + k] = 1;
    }
    return 0;
  }
  if (!has_w) {
    if (!a->kernel_shape_count) {
      snprintf(err, err_size, "kernel_shape is required");
      return -1;
    }
    if (ref_ints("kernel_shape", a->kernel_shape_count, a->kernel_shape, g->n, 1, 1, g->k, err,
                 err_size) ||
        ref_geom_window(a, x, op == XHAL_OP_MAX_POOL, g, err, err_size))
      return -1;
    if (a->ceil_mode < 0 || a->ceil_mode > 1 || a->count_include_pad < 0 ||
        a->count_include_pad > 1 || a->storage_order < 0 || a->storage_order > 1) {
      snprintf(err, err_size, "a flag attribute is not 0 or 1");
      return -1;
    }
    for (uint32_t k = 0; k < g->n; k++) {
      if (g->pb[k] >= g->k[k] || g->pe[k] >= g->k[k]) {
        snprintf(err, err_size, "pads >= kernel");
        return -1;
      }
    }
    return ref_geom_out(a, x, (int)a->ceil_mode, g, err, err_size);
  }
  const ref_shape_t *w = &shapes[1];
  g->group = a->has_group ? a->group : 1;
  if (w->rank != x->rank || g->group < 1) {
    snprintf(err, err_size, "W rank %u (X rank %u) or group %lld", w->rank, x->rank,
             (long long)g->group);
    return -1;
  }
  for (uint32_t k = 0; k < g->n; k++) g->k[k] = w->dims[2 + k];
  if (a->kernel_shape_count) {
    int same = a->kernel_shape_count == g->n;
    for (uint32_t k = 0; same && k < g->n; k++) same = a->kernel_shape[k] == g->k[k];
    if (!same) {
      snprintf(err, err_size, "kernel_shape differs from W");
      return -1;
    }
  }
  int64_t m;
  if (op == XHAL_OP_CONV) {
    m = w->dims[0];
    if (w->dims[1] * g->group != x->dims[1] || m % g->group) {
      snprintf(err, err_size, "channels: W %lldx%lld, X %lld, group %lld", (long long)w->dims[0],
               (long long)w->dims[1], (long long)x->dims[1], (long long)g->group);
      return -1;
    }
  } else {
    m = w->dims[1] * g->group;
    if (w->dims[0] != x->dims[1] || x->dims[1] % g->group) {
      snprintf(err, err_size, "channels: W dim 0 %lld, X %lld, group %lld",
               (long long)w->dims[0], (long long)x->dims[1], (long long)g->group);
      return -1;
    }
  }
  g->out[1] = m;
  if (input_count == 3 && (shapes[2].rank != 1 || shapes[2].dims[0] != m)) {
    snprintf(err, err_size, "B is not (%lld)", (long long)m);
    return -1;
  }
  if (ref_geom_window(a, x, 1, g, err, err_size)) return -1;
  if (op == XHAL_OP_CONV) return ref_geom_out(a, x, 0, g, err, err_size);
  /* ConvTranspose */
  int64_t adj[XHAL_MAX_RANK];
  if (ref_ints("output_padding", a->output_padding_count, a->output_padding, g->n, 0, 0, adj, err,
               err_size))
    return -1;
  const uint32_t osc = a->output_shape_count;
  if (osc && osc != g->n && osc != g->n + 2) {
    snprintf(err, err_size, "output_shape has %d entries", (int)osc);
    return -1;
  }
  for (uint32_t k = 0; k < g->n; k++) {
    const int64_t s = g->s[k], d = g->d[k], in = x->dims[2 + k];
    if (adj[k] >= s && adj[k] >= d) {
      snprintf(err, err_size, "output_padding >= stride and dilation");
      return -1;
    }
    const int64_t full = (in - 1) * s + adj[k] + (g->k[k] - 1) * d + 1;
    if (osc || a->auto_pad == REF_SAME_UPPER || a->auto_pad == REF_SAME_LOWER) {
      const int64_t o = osc ? a->output_shape[osc - g->n + k] : in * s;
      if (o < 1) {
        snprintf(err, err_size, "output_shape entry < 1");
        return -1;
      }
      const int64_t total = full - o;
      g->pb[k] = total < 0 ? 0 : a->auto_pad == REF_SAME_UPPER ? total / 2 : total - total / 2;
      g->pe[k] = total - g->pb[k];
      g->out[2 + k] = o;
    } else {
      if (a->auto_pad == REF_VALID) g->pb[k] = g->pe[k] = 0;
      g->out[2 + k] = full - g->pb[k] - g->pe[k];
      if (g->out[2 + k] < 1) {
        snprintf(err, err_size, "pads crop the whole output");
        return -1;
      }
    }
  }
  return 0;
}

int ref_conv_infer(xhal_op_t op, uint32_t input_count, const ref_shape_t *shapes,
                   const ref_attrs_t *attrs, ref_shape_t *out, char *err, size_t err_size) {
  ref_geom_t g;
  if (ref_geom(op, input_count, shapes, attrs, &g, err, err_size) != 0) return -1;
  out->rank = shapes[0].rank;
  for (uint32_t k = 0; k < out->rank; k++) out->dims[k] = g.out[k];
  return 0;
}

/* ---- Compute ------------------------------------------------------------------------------ */

/* Row-major element strides of shape. */
static void ref_strides(const ref_shape_t *s, int64_t *st) {
  int64_t acc = 1;
  for (int k = (int)s->rank - 1; k >= 0; k--) {
    st[k] = acc;
    acc *= s->dims[k];
  }
}

/* Advances idx over extents dims[n]; returns 0 after the last. */
static int ref_odometer(int64_t *idx, const int64_t *dims, uint32_t n) {
  for (int k = (int)n - 1; k >= 0; k--) {
    if (++idx[k] < dims[k]) return 1;
    idx[k] = 0;
  }
  return 0;
}

static double ref_conv_one(xhal_op_t op, uint32_t input_count, const ref_tensor_t *in,
                           const ref_geom_t *g, const int64_t *oc, double *scale) {
  const ref_tensor_t *x = &in[0], *w = &in[1];
  int64_t xs[XHAL_MAX_RANK], ws[XHAL_MAX_RANK];
  ref_strides(&x->shape, xs);
  ref_strides(&w->shape, ws);
  const int64_t m = oc[1], cg = x->shape.dims[1] / g->group;
  const int64_t mg = op == XHAL_OP_CONV ? w->shape.dims[0] / g->group : w->shape.dims[1];
  const int64_t grp = m / mg;
  double sum = input_count == 3 ? in[2].f[m] : 0.0;
  *scale = fabs(sum);
  for (int64_t c = 0; c < cg; c++) {
    const int64_t xc = grp * cg + c;
    int64_t t[XHAL_MAX_RANK] = {0};
    do {
      int inside = 1;
      int64_t xo = oc[0] * xs[0] + xc * xs[1], wo;
      for (uint32_t k = 0; k < g->n; k++) {
        int64_t pos;
        if (op == XHAL_OP_CONV) {
          pos = oc[2 + k] * g->s[k] - g->pb[k] + t[k] * g->d[k];
        } else {
          const int64_t q = oc[2 + k] + g->pb[k] - t[k] * g->d[k];
          if (q < 0 || q % g->s[k] != 0) {
            inside = -1; /* no input position maps here: no term */
            break;
          }
          pos = q / g->s[k];
        }
        if (pos < 0 || pos >= x->shape.dims[2 + k]) inside = op == XHAL_OP_CONV ? 0 : -1;
        if (inside < 0) break;
        xo += pos * xs[2 + k];
      }
      if (inside < 0) continue;
      if (op == XHAL_OP_CONV)
        wo = m * ws[0] + c * ws[1];
      else
        wo = xc * ws[0] + (m % mg) * ws[1];
      for (uint32_t k = 0; k < g->n; k++) wo += t[k] * ws[2 + k];
      const double term = (inside ? x->f[xo] : 0.0) * w->f[wo]; /* zero padding: 0 * w */
      sum += term;
      *scale += fabs(term);
    } while (ref_odometer(t, g->k, g->n));
  }
  return sum;
}

/* Element i of X as a double (MaxPool also takes u8, held in i). */
static double ref_pool_value(const ref_tensor_t *x, int64_t i) {
  return x->f ? x->f[i] : (double)x->i[i];
}

static double ref_pool_one(xhal_op_t op, const ref_tensor_t *x, const ref_geom_t *g,
                           int64_t count_include_pad, const int64_t *oc, double *scale) {
  int64_t xs[XHAL_MAX_RANK];
  ref_strides(&x->shape, xs);
  const int is_max = op == XHAL_OP_MAX_POOL || op == XHAL_OP_GLOBAL_MAX_POOL;
  double acc = is_max ? -INFINITY : 0.0, abs_sum = 0.0;
  int64_t count = 0;
  int nan = 0;
  int64_t t[XHAL_MAX_RANK] = {0};
  do {
    int64_t xo = oc[0] * xs[0] + oc[1] * xs[1];
    int inside = 1;
    for (uint32_t k = 0; k < g->n && inside; k++) {
      const int64_t pos = oc[2 + k] * g->s[k] - g->pb[k] + t[k] * g->d[k];
      inside = pos >= 0 && pos < x->shape.dims[2 + k];
      xo += pos * xs[2 + k];
    }
    if (!inside) continue;
    const double v = ref_pool_value(x, xo);
    count++;
    if (is_max) {
      if (isnan(v)) nan = 1;
      if (v > acc) acc = v;
    } else {
      acc += v;
      abs_sum += fabs(v);
    }
  } while (ref_odometer(t, g->k, g->n));
  if (is_max) {
    *scale = 0.0;
    return nan ? NAN : acc;
  }
  int64_t divisor = count;
  if (count_include_pad) {
    divisor = 1;
    for (uint32_t k = 0; k < g->n; k++) {
      const int64_t start = oc[2 + k] * g->s[k] - g->pb[k];
      int64_t end = start + g->k[k];
      if (end > x->shape.dims[2 + k] + g->pe[k]) end = x->shape.dims[2 + k] + g->pe[k];
      divisor *= end - start;
    }
  }
  *scale = abs_sum / (double)divisor;
  return acc / (double)divisor;
}

int ref_conv_compute(xhal_op_t op, uint32_t input_count, const ref_tensor_t *inputs,
                     const ref_attrs_t *attrs, ref_tensor_t *out) {
  ref_shape_t shapes[3];
  char err[128];
  for (uint32_t k = 0; k < input_count && k < 3; k++) shapes[k] = inputs[k].shape;
  ref_geom_t g;
  if (ref_geom(op, input_count, shapes, attrs, &g, err, sizeof err) != 0) return -1;
  const int has_w = op == XHAL_OP_CONV || op == XHAL_OP_CONV_TRANSPOSE;
  int64_t window = 1;
  for (uint32_t k = 0; k < g.n; k++) window *= g.k[k];
  out->reduction_length = (double)(has_w ? inputs[0].shape.dims[1] / g.group * window : window);
  if (out->reduction_length < 1) out->reduction_length = 1;
  if (out->count == 0) return 0;
  int64_t oc[XHAL_MAX_RANK] = {0};
  uint64_t flat = 0;
  do {
    double scale = 0.0;
    double v = has_w ? ref_conv_one(op, input_count, inputs, &g, oc, &scale)
                     : ref_pool_one(op, &inputs[0], &g, attrs->conv.count_include_pad, oc, &scale);
    if (out->f)
      out->f[flat] = v;
    else /* u8 MaxPool: padding never wins, an empty window gives u8's lowest, 0 */
      out->i[flat] = v > 0.0 ? (int64_t)v : 0;
    if (out->scale) out->scale[flat] = scale;
    flat++;
  } while (ref_next_coords(oc, &out->shape));
  return 0;
}

/* ---- MaxPool's Indices ---------------------------------------------------------------------- */

int ref_max_pool_indices(const ref_tensor_t *x, const ref_attrs_t *attrs, ref_tensor_t *out,
                         char *err, size_t err_size) {
  memset(out, 0, sizeof *out);
  ref_geom_t g;
  if (ref_geom(XHAL_OP_MAX_POOL, 1, &x->shape, attrs, &g, err, err_size) != 0) return -1;
  ref_shape_t shape = x->shape;
  for (uint32_t k = 0; k < shape.rank; k++) shape.dims[k] = g.out[k];
  if (ref_tensor_init(out, XHAL_DTYPE_I64, &shape, 0, 0) != 0) {
    snprintf(err, err_size, "out of host memory for the reference");
    return -1;
  }
  if (out->count == 0) return 0;
  int64_t xs[XHAL_MAX_RANK];
  ref_strides(&x->shape, xs);
  int64_t plane = 1;
  for (uint32_t k = 0; k < g.n; k++) plane *= x->shape.dims[2 + k];
  int64_t oc[XHAL_MAX_RANK] = {0};
  uint64_t flat = 0;
  do {
    /* Y's value: the window's maximum, NaN if the window holds one. */
    double best = -INFINITY;
    int nan = 0;
    int64_t t[XHAL_MAX_RANK] = {0};
    do {
      int64_t xo = oc[0] * xs[0] + oc[1] * xs[1];
      int inside = 1;
      for (uint32_t k = 0; k < g.n && inside; k++) {
        const int64_t pos = oc[2 + k] * g.s[k] - g.pb[k] + t[k] * g.d[k];
        inside = pos >= 0 && pos < x->shape.dims[2 + k];
        xo += pos * xs[2 + k];
      }
      if (!inside) continue;
      const double v = ref_pool_value(x, xo);
      if (isnan(v)) nan = 1;
      if (v > best) best = v;
    } while (ref_odometer(t, g.k, g.n));
    /* The first tap in window order (last spatial dim fastest) that holds
     * it; -1 when no tap lies inside X. */
    int64_t index = -1;
    memset(t, 0, sizeof t);
    do {
      int64_t xo = oc[0] * xs[0] + oc[1] * xs[1], pos[XHAL_MAX_RANK];
      int inside = 1;
      for (uint32_t k = 0; k < g.n && inside; k++) {
        pos[k] = oc[2 + k] * g.s[k] - g.pb[k] + t[k] * g.d[k];
        inside = pos[k] >= 0 && pos[k] < x->shape.dims[2 + k];
        xo += pos[k] * xs[2 + k];
      }
      if (!inside) continue;
      const double v = ref_pool_value(x, xo);
      if (nan ? !isnan(v) : v != best) continue;
      /* storage_order 0: spatial position row-major; 1: column-major. */
      int64_t sp = 0;
      if (attrs->conv.storage_order) {
        for (int k = (int)g.n - 1; k >= 0; k--) sp = sp * x->shape.dims[2 + k] + pos[k];
      } else {
        for (uint32_t k = 0; k < g.n; k++) sp = sp * x->shape.dims[2 + k] + pos[k];
      }
      index = (oc[0] * x->shape.dims[1] + oc[1]) * plane + sp;
      break;
    } while (ref_odometer(t, g.k, g.n));
    out->i[flat++] = index;
  } while (ref_next_coords(oc, &out->shape));
  return 0;
}
