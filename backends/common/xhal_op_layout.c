/* xhal_op_layout.c - simplified iteration spaces of validated launches. */
#include "xhal_op_layout.h"

#include <string.h>

static void xop_dims_swap(xop_dims_t *d, uint32_t i, uint32_t j) {
  int64_t t = d->dims[i];
  d->dims[i] = d->dims[j];
  d->dims[j] = t;
  for (uint32_t s = 0; s < d->sets; ++s) {
    t = d->strides[s][i];
    d->strides[s][i] = d->strides[s][j];
    d->strides[s][j] = t;
  }
}

void xop_dims_simplify(xop_dims_t *d) {
  uint32_t n = 0;
  for (uint32_t k = 0; k < d->rank; ++k) {
    if (d->dims[k] == 1) continue;
    d->dims[n] = d->dims[k];
    for (uint32_t s = 0; s < d->sets; ++s) d->strides[s][n] = d->strides[s][k];
    ++n;
  }
  /* Stable insertion sort by decreasing stride of set 0. */
  for (uint32_t k = 1; k < n; ++k)
    for (uint32_t j = k; j > 0 && d->strides[0][j - 1] < d->strides[0][j]; --j)
      xop_dims_swap(d, j, j - 1);
  uint32_t m = 0;
  for (uint32_t k = 1; k < n; ++k) {
    int mergeable = 1;
    for (uint32_t s = 0; s < d->sets; ++s)
      if (d->strides[s][m] != d->strides[s][k] * d->dims[k]) mergeable = 0;
    if (mergeable) {
      d->dims[m] *= d->dims[k];
      for (uint32_t s = 0; s < d->sets; ++s) d->strides[s][m] = d->strides[s][k];
    } else {
      ++m;
      d->dims[m] = d->dims[k];
      for (uint32_t s = 0; s < d->sets; ++s) d->strides[s][m] = d->strides[s][k];
    }
  }
  d->rank = n ? m + 1 : 0;
}

int64_t xop_dims_count(const xop_dims_t *d) {
  int64_t count = 1;
  for (uint32_t k = 0; k < d->rank; ++k) count *= d->dims[k];
  return count;
}

void xop_layout_eltwise(const xop_plan_t *plan, xop_dims_t *d) {
  memset(d, 0, sizeof *d);
  d->rank = plan->out.rank;
  d->sets = 1 + plan->input_count;
  for (uint32_t k = 0; k < d->rank; ++k) {
    d->dims[k] = plan->out.dims[k];
    d->strides[0][k] = plan->out.strides[k];
    for (uint32_t i = 0; i < plan->input_count; ++i) d->strides[1 + i][k] = plan->in[i].strides[k];
  }
  xop_dims_simplify(d);
}

void xop_layout_reduce(const xop_plan_t *plan, xop_dims_t *kept, xop_dims_t *reduced) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  memset(kept, 0, sizeof *kept);
  memset(reduced, 0, sizeof *reduced);
  kept->sets = 2;
  reduced->sets = 1;
  uint32_t yk = 0; /* output dim of input dim k */
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (plan->axes & (1u << k)) {
      reduced->dims[reduced->rank] = x->dims[k];
      reduced->strides[0][reduced->rank++] = x->strides[k];
      if (plan->keepdims) ++yk;
      continue;
    }
    kept->dims[kept->rank] = x->dims[k];
    kept->strides[0][kept->rank] = y->strides[yk++];
    kept->strides[1][kept->rank++] = x->strides[k];
  }
  xop_dims_simplify(kept);
  xop_dims_simplify(reduced);
}

void xop_layout_softmax(const xop_plan_t *plan, xop_dims_t *outer) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  memset(outer, 0, sizeof *outer);
  outer->sets = 2;
  for (uint32_t k = 0; k < x->rank; ++k) {
    if (k == plan->axis) continue;
    outer->dims[outer->rank] = x->dims[k];
    outer->strides[0][outer->rank] = y->strides[k];
    outer->strides[1][outer->rank++] = x->strides[k];
  }
  xop_dims_simplify(outer);
}

void xop_layout_batch(const xop_plan_t *plan, xop_dims_t *batch) {
  memset(batch, 0, sizeof *batch);
  batch->sets = 3;
  batch->rank = plan->batch_rank;
  for (uint32_t k = 0; k < plan->batch_rank; ++k) {
    batch->dims[k] = plan->out.dims[k];
    batch->strides[0][k] = plan->out.strides[k];
    batch->strides[1][k] = plan->in[0].strides[k];
    batch->strides[2][k] = plan->in[1].strides[k];
  }
  xop_dims_simplify(batch);
}
