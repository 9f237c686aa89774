/* conf_tensor.c - device tensors of the operator cases (see conf_tensor.h). */
#include "conf_tensor.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_dtype.h"

/* Mismatches printed in full in a failure message. */
#define CONF_TENSOR_SHOWN_MISMATCHES 5

static int64_t conf_dim1(int64_t d) { return d > 1 ? d : 1; }

void conf_tensor_plan(conf_tensor_t *t, xhal_dtype_t dtype, const ref_shape_t *shape,
                      conf_layout_t layout, int offset) {
  memset(t, 0, sizeof *t);
  xhal_tensor_t *v = &t->view;
  uint32_t r = shape->rank;
  v->dtype = dtype;
  v->rank = r;
  for (uint32_t d = 0; d < r; d++) v->dims[d] = shape->dims[d];
  int64_t s = 1;
  if (layout == CONF_LAYOUT_SWAP_LAST2 && r < 2) layout = CONF_LAYOUT_CONTIGUOUS;
  switch (layout) {
  case CONF_LAYOUT_GAPPED:
    s = 2;
    for (uint32_t d = r; d-- > 0;) {
      v->strides[d] = s;
      s = s * conf_dim1(shape->dims[d]) + 1;
    }
    break;
  case CONF_LAYOUT_REVERSED:
    for (uint32_t d = 0; d < r; d++) {
      v->strides[d] = s;
      s *= conf_dim1(shape->dims[d]);
    }
    break;
  case CONF_LAYOUT_SWAP_LAST2:
    v->strides[r - 2] = 1;
    v->strides[r - 1] = conf_dim1(shape->dims[r - 2]);
    s = conf_dim1(shape->dims[r - 2]) * conf_dim1(shape->dims[r - 1]);
    for (uint32_t d = r - 2; d-- > 0;) {
      v->strides[d] = s;
      s *= conf_dim1(shape->dims[d]);
    }
    break;
  case CONF_LAYOUT_EXPANDED:
  case CONF_LAYOUT_CONTIGUOUS:
  default: {
    int expand = -1;
    if (layout == CONF_LAYOUT_EXPANDED)
      for (uint32_t d = 0; d < r && expand < 0; d++)
        if (shape->dims[d] > 1) expand = (int)d;
    for (uint32_t d = r; d-- > 0;) {
      if ((int)d == expand) {
        v->strides[d] = 0;
        continue;
      }
      v->strides[d] = s;
      s *= conf_dim1(shape->dims[d]);
    }
    break;
  }
  }
  size_t esize = ref_dtype_size(dtype);
  v->byte_offset = offset ? (uint64_t)CONF_TENSOR_OFFSET_ELEMENTS * esize : 0;
  t->bytes = v->byte_offset + conf_tensor_span(v) + CONF_TENSOR_TAIL_BYTES;
}

uint64_t conf_tensor_span(const xhal_tensor_t *view) {
  uint64_t last = 0;
  for (uint32_t d = 0; d < view->rank; d++) {
    if (view->dims[d] == 0) return 0;
    last += (uint64_t)(view->dims[d] - 1) * (uint64_t)view->strides[d];
  }
  return (last + 1) * ref_dtype_size(view->dtype);
}

uint64_t conf_tensor_element_offset(const xhal_tensor_t *view, const int64_t *coords) {
  uint64_t e = 0;
  for (uint32_t d = 0; d < view->rank; d++) e += (uint64_t)coords[d] * (uint64_t)view->strides[d];
  return view->byte_offset + e * ref_dtype_size(view->dtype);
}

xhal_status_t conf_tensor_alloc(conf_tensor_t *t, xhal_device_t *device) {
  t->host = calloc(1, (size_t)t->bytes);
  if (t->host == NULL) return XHAL_STATUS_OUT_OF_MEMORY;
  xhal_buffer_t *buffer = NULL;
  xhal_status_t s = xhal_buffer_create(device, t->bytes, &buffer);
  if (s != XHAL_STATUS_OK) return s;
  t->view.buffer = buffer;
  return XHAL_STATUS_OK;
}

void conf_tensor_free(conf_tensor_t *t) {
  if (t->view.buffer != NULL) xhal_buffer_destroy(t->view.buffer);
  t->view.buffer = NULL;
  free(t->host);
  free(t->canary);
  t->host = NULL;
  t->canary = NULL;
}

void conf_tensor_fill(conf_tensor_t *t, int raw, conf_tensor_gen_fn gen, void *ctx) {
  xhal_dtype_t dtype = t->view.dtype;
  size_t esize = ref_dtype_size(dtype);
  memset(t->host, CONF_TENSOR_CANARY, (size_t)t->bytes);
  uint64_t slots = (t->bytes - t->view.byte_offset) / esize;
  int is_float = !raw && ref_dtype_is_float(dtype);
  int is_int = !raw && ref_dtype_is_int(dtype);
  for (uint64_t s = 0; s < slots; s++) {
    double f = 0.0;
    int64_t i = 0;
    gen(ctx, s, &f, &i);
    uint8_t *p = t->host + t->view.byte_offset + s * esize;
    if (is_float)
      ref_store_float(dtype, p, f);
    else if (is_int)
      ref_store_int(dtype, p, i);
    else
      ref_store_bits(esize, p, (uint64_t)i);
  }
}

int conf_tensor_fill_canary(conf_tensor_t *t) {
  memset(t->host, CONF_TENSOR_CANARY, (size_t)t->bytes);
  free(t->canary);
  t->canary = malloc((size_t)t->bytes);
  if (t->canary == NULL) return -1;
  memcpy(t->canary, t->host, (size_t)t->bytes);
  return 0;
}

xhal_status_t conf_tensor_upload(xhal_stream_t *stream, const conf_tensor_t *t) {
  return xhal_copy_to_buffer(stream, t->view.buffer, 0, t->host, t->bytes);
}

xhal_status_t conf_tensor_download(xhal_stream_t *stream, conf_tensor_t *t) {
  return xhal_copy_from_buffer(stream, t->host, t->view.buffer, 0, t->bytes);
}

int conf_tensor_gather(const conf_tensor_t *t, int raw, ref_tensor_t *r) {
  ref_shape_t shape;
  shape.rank = t->view.rank;
  for (uint32_t d = 0; d < shape.rank; d++) shape.dims[d] = t->view.dims[d];
  xhal_dtype_t dtype = t->view.dtype;
  if (ref_tensor_init(r, dtype, &shape, raw, 0) != 0) return -1;
  size_t esize = ref_dtype_size(dtype);
  int64_t coords[XHAL_MAX_RANK] = {0};
  for (uint64_t n = 0; n < r->count; n++) {
    const uint8_t *p = t->host + conf_tensor_element_offset(&t->view, coords);
    if (ref_tensor_is_float(r))
      r->f[n] = ref_load_float(dtype, p);
    else if (!raw && ref_dtype_is_int(dtype))
      r->i[n] = ref_load_int(dtype, p);
    else
      r->i[n] = (int64_t)ref_load_bits(esize, p);
    ref_next_coords(coords, &shape);
  }
  return 0;
}

void conf_tensor_format(char *out, size_t out_size, const xhal_tensor_t *view) {
  ref_shape_t shape;
  shape.rank = view->rank;
  for (uint32_t d = 0; d < view->rank; d++) shape.dims[d] = view->dims[d];
  char dims[128], strides[128];
  ref_shape_format(dims, sizeof dims, &shape);
  ref_coords_format(strides, sizeof strides, view->strides, view->rank);
  snprintf(out, out_size, "%s %s strides %s byte_offset %llu", ref_dtype_name(view->dtype), dims,
           strides, (unsigned long long)view->byte_offset);
}

conf_result_t conf_tensor_check_untouched(conf_run_t *run, const char *what,
                                          const conf_tensor_t *t, int whole_buffer) {
  if (t->canary == NULL) return CONF_PASS;
  uint8_t *covered = calloc(1, (size_t)t->bytes);
  if (covered == NULL) return conf_fail(run, "out of host memory checking %s", what);
  size_t esize = ref_dtype_size(t->view.dtype);
  if (!whole_buffer) {
    ref_shape_t shape;
    shape.rank = t->view.rank;
    for (uint32_t d = 0; d < shape.rank; d++) shape.dims[d] = t->view.dims[d];
    uint64_t count = ref_shape_count(&shape);
    int64_t coords[XHAL_MAX_RANK] = {0};
    for (uint64_t n = 0; n < count; n++) {
      memset(covered + conf_tensor_element_offset(&t->view, coords), 1, esize);
      ref_next_coords(coords, &shape);
    }
  }
  uint64_t changed = 0, first = 0;
  for (uint64_t b = 0; b < t->bytes; b++) {
    if (!covered[b] && t->host[b] != t->canary[b]) {
      if (changed++ == 0) first = b;
    }
  }
  free(covered);
  if (changed == 0) return CONF_PASS;
  char desc[256];
  conf_tensor_format(desc, sizeof desc, &t->view);
  return conf_fail(run,
                   "%s: %llu byte(s) outside the view were modified (first at buffer byte %llu: "
                   "0x%02x, was 0x%02x); view %s, buffer %llu bytes",
                   what, (unsigned long long)changed, (unsigned long long)first,
                   t->host[first], t->canary[first], desc, (unsigned long long)t->bytes);
}

/* One element's verdict. */
typedef struct conf_elem_check {
  int ok;
  double error; /* in the tolerance's unit */
  double bound;
  double abs_error; /* |actual - expected| for run->max_error */
} conf_elem_check_t;

static conf_elem_check_t conf_check_element(const conf_tolerance_t *tol,
                                            const ref_tensor_t *act, const ref_tensor_t *exp,
                                            uint64_t n) {
  conf_elem_check_t c = {1, 0.0, 0.0, 0.0};
  if (act->f == NULL) { /* integers and raw bits: exact (but see int_abs) */
    c.ok = act->i[n] == exp->i[n];
    c.error = fabs((double)act->i[n] - (double)exp->i[n]);
    if (!c.ok && !act->raw && exp->scale && tol->int_abs > 0) {
      c.bound = tol->int_abs;
      c.ok = c.error <= tol->int_abs;
    }
    if (act->raw && !c.ok) c.error = 1.0;
    c.abs_error = c.error;
    return c;
  }
  double a = act->f[n];
  double r = exp->f[n];
  double scale = exp->scale ? exp->scale[n] : 0.0;
  /* A REDUCTION-class op whose reference has no terms for this call
   * (Resize nearest: the result is one input element) is exact. */
  const conf_tolerance_t exact = {CONF_TOL_EXACT, 0, 0, 0, 0};
  if (tol->cls == CONF_TOL_REDUCTION && !exp->scale) tol = &exact;
  c.ok = conf_tolerance_check(tol, act->dtype, a, r, scale, exp->reduction_length, &c.error,
                              &c.bound);
  double rr = ref_round(act->dtype, r);
  if (isnan(a) && isnan(rr))
    c.abs_error = 0.0;
  else if (a == rr)
    c.abs_error = 0.0;
  else
    c.abs_error = isfinite(a) && isfinite(rr) ? fabs(a - rr) : INFINITY;
  return c;
}

static void conf_format_mismatch(char *out, size_t out_size, const conf_tolerance_t *tol,
                                 const ref_tensor_t *act, const ref_tensor_t *exp, uint64_t n,
                                 const conf_elem_check_t *c, conf_describe_fn describe,
                                 void *describe_ctx) {
  int64_t coords[XHAL_MAX_RANK] = {0};
  ref_unravel(n, &exp->shape, coords);
  char where[160], want[96], got[96], inputs[512] = "";
  ref_coords_format(where, sizeof where, coords, exp->shape.rank);
  double rr = exp->f ? ref_round(exp->dtype, exp->f[n]) : 0.0;
  ref_format_value(want, sizeof want, exp->dtype, rr, exp->i ? exp->i[n] : 0, exp->raw);
  ref_format_value(got, sizeof got, act->dtype, act->f ? act->f[n] : 0.0, act->i ? act->i[n] : 0,
                   act->raw);
  if (describe != NULL) describe(describe_ctx, coords, inputs, sizeof inputs);
  char err[192];
  if (act->f == NULL)
    snprintf(err, sizeof err, "error %.6g, bound %g%s", c->error, c->bound,
             c->bound > 0 ? "" : " (exact)");
  else if (tol->cls == CONF_TOL_ULP)
    snprintf(err, sizeof err, "error %.4g ulp (exact fp64 result %.17g), bound %g ulp", c->error,
             exp->f[n], c->bound);
  else if (tol->cls == CONF_TOL_REDUCTION)
    snprintf(err, sizeof err, "error %.6g, bound %.6g (K=%.0f, sum|terms|=%.6g, fp64 %.17g)",
             c->error, c->bound, exp->reduction_length, exp->scale ? exp->scale[n] : 0.0,
             exp->f[n]);
  else
    snprintf(err, sizeof err, "error %.6g, bound 0 (exact)", c->error);
  snprintf(out, out_size, "\n  flat %llu at %s: expected %s, actual %s, %s%s%s",
           (unsigned long long)n, where, want, got, err, inputs[0] ? "; inputs " : "", inputs);
}

conf_result_t conf_tensor_compare(conf_run_t *run, xhal_op_t op, const conf_tensor_t *t,
                                  const ref_tensor_t *expected, conf_describe_fn describe,
                                  void *describe_ctx) {
  conf_tolerance_t tol = conf_tolerance_for(op, t->view.dtype);
  ref_tensor_t actual;
  if (conf_tensor_gather(t, tol.cls == CONF_TOL_BITS, &actual) != 0) {
    ref_tensor_deinit(&actual);
    return conf_fail(run, "out of host memory reading the output");
  }
  uint64_t mismatches = 0;
  char lines[CONF_TENSOR_SHOWN_MISMATCHES][1024];
  for (uint64_t n = 0; n < expected->count; n++) {
    conf_elem_check_t c = conf_check_element(&tol, &actual, expected, n);
    if (c.abs_error > run->max_error || isnan(c.abs_error)) run->max_error = c.abs_error;
    if (c.ok) continue;
    if (mismatches < CONF_TENSOR_SHOWN_MISMATCHES)
      conf_format_mismatch(lines[mismatches], sizeof lines[0], &tol, &actual, expected, n, &c,
                           describe, describe_ctx);
    mismatches++;
  }
  ref_tensor_deinit(&actual);
  if (mismatches) {
    char tol_text[160], view[256];
    conf_tolerance_describe(&tol, tol_text, sizeof tol_text);
    conf_tensor_format(view, sizeof view, &t->view);
    conf_fail(run, "%llu of %llu output elements outside the bound [%s]; output view %s",
              (unsigned long long)mismatches, (unsigned long long)expected->count, tol_text,
              view);
    uint64_t shown = mismatches < CONF_TENSOR_SHOWN_MISMATCHES ? mismatches
                                                                : CONF_TENSOR_SHOWN_MISMATCHES;
    for (uint64_t k = 0; k < shown; k++) conf_note(run, "%s", lines[k]);
    if (mismatches > shown)
      conf_note(run, "\n  ... %llu more", (unsigned long long)(mismatches - shown));
    return CONF_FAIL;
  }
  return conf_tensor_check_untouched(run, "output", t, 0);
}
