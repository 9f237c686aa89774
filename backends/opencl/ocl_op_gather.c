/* ocl_op_gather.c - Gather, Pad, Resize, Shape, ConstantOfShape and Range
 * on OpenCL (kernels/gather.cl, kernels/resize.cl). One work-item per
 * output element. Resize's tap tables (index, weight per output coordinate
 * of each dim) are computed on the host by xop_resize_table and go to the
 * device in two read-only buffers created with CL_MEM_COPY_HOST_PTR and
 * released right after the enqueue (OpenCL keeps them until the kernel
 * has run). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xhal_op_layout.h"
#include "ocl_buffer.h"
#include "ocl_device.h"
#include "ocl_error.h"
#include "ocl_op_internal.h"

#define OCL_G_LOCAL 64
#define OCL_G_RANK 8

/* Launch structs, mirrored by kernels/common.cl and kernels/gather.cl,
 * kernels/resize.cl. */
typedef struct ocl_g_nd {
  cl_long dims[OCL_G_RANK];
  cl_long strides[3][OCL_G_RANK];
  cl_long offsets[3];
  cl_long count;
  cl_int rank;
  cl_int pad;
} ocl_g_nd_t;

typedef struct ocl_g_gather {
  ocl_g_nd_t nd;
  cl_long extent, stride;
} ocl_g_gather_t;

typedef struct ocl_g_pad {
  cl_long dims[OCL_G_RANK];
  cl_long ystrides[OCL_G_RANK];
  cl_long xdims[OCL_G_RANK];
  cl_long xstrides[OCL_G_RANK];
  cl_long begin[OCL_G_RANK];
  cl_long offsets[2];
  cl_long count;
  cl_long bits;
  cl_int rank;
  cl_int mode;
} ocl_g_pad_t;

typedef struct ocl_g_shape {
  cl_long values[OCL_G_RANK];
  cl_long offset, stride, count;
} ocl_g_shape_t;

typedef struct ocl_g_range {
  cl_long offsets[3];
  cl_long ystride, count;
} ocl_g_range_t;

typedef struct ocl_g_resize {
  cl_long dims[OCL_G_RANK];
  cl_long ystrides[OCL_G_RANK];
  cl_long xstrides[OCL_G_RANK];
  cl_long table[OCL_G_RANK];
  cl_long taps[OCL_G_RANK];
  cl_long offsets[2];
  cl_long count;
  cl_long bits; /* extrapolation_value as element bits */
  cl_int rank;
  cl_float extrapolation;
} ocl_g_resize_t;

static_assert(sizeof(ocl_g_nd_t) == 37 * 8, "ocl_nd_t layout");
static_assert(sizeof(ocl_g_gather_t) == 39 * 8, "ocl_gather_t layout");
static_assert(sizeof(ocl_g_pad_t) == 44 * 8 + 8, "ocl_pad_t layout");
static_assert(sizeof(ocl_g_shape_t) == 11 * 8, "ocl_shape_t layout");
static_assert(sizeof(ocl_g_range_t) == 5 * 8, "ocl_range_t layout");
static_assert(sizeof(ocl_g_resize_t) == 44 * 8 + 8, "ocl_resize_t layout");

/* Kernel slots of gather.cl. */
enum {
  OCL_G_SLOT_GATHER = 0, /* + 4 * wide + log2(size): 8 */
  OCL_G_SLOT_PAD = 8,    /* + log2(size) */
  OCL_G_SLOT_FILL = 12,  /* + log2(size) */
  OCL_G_SLOT_RANGE = 16, /* f32, i32, i64 */
  OCL_G_SLOT_SHAPE = 19,
};

/* Kernel slots of resize.cl: resize_<dtype> (linear, cubic), then
 * resize_nearest_<bytes> + log2(bytes). */
enum {
  OCL_G_SLOT_RESIZE_F32 = 0,
  OCL_G_SLOT_RESIZE_F16,
  OCL_G_SLOT_RESIZE_I32,
  OCL_G_SLOT_RESIZE_I64,
  OCL_G_SLOT_RESIZE_U8,
  OCL_G_SLOT_RESIZE_NEAREST, /* + log2(element size): 4 */
};

static cl_long ocl_g_offset(const xop_view_t *v) {
  return (cl_long)(v->byte_offset / xop_dtype_size(v->dtype));
}

static uint32_t ocl_g_log2(uint64_t size) {
  return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

static size_t ocl_g_global(int64_t count) {
  return ((size_t)count + OCL_G_LOCAL - 1) / OCL_G_LOCAL * OCL_G_LOCAL;
}

static int32_t ocl_g_enqueue(xhal_plugin_stream_t *stream, uint32_t program, uint32_t slot,
                             const char *name, const ocl_op_arg_t *args, cl_uint n,
                             int64_t count) {
  const size_t local = OCL_G_LOCAL, global = ocl_g_global(count);
  return ocl__op_enqueue(stream, program, slot, name, args, n, 1, &global, &local);
}

/* The plan's output and inputs walked together, simplified. */
static void ocl_g_nd_make(const xop_plan_t *plan, uint32_t inputs, ocl_g_nd_t *s) {
  xop_plan_t p = *plan;
  p.input_count = inputs;
  xop_dims_t d;
  xop_layout_eltwise(&p, &d);
  memset(s, 0, sizeof *s);
  s->rank = d.rank ? (cl_int)d.rank : 1;
  s->dims[0] = 1;
  for (uint32_t k = 0; k < d.rank; ++k) {
    s->dims[k] = d.dims[k];
    for (uint32_t o = 0; o < d.sets && o < 3; ++o) s->strides[o][k] = d.strides[o][k];
  }
  s->offsets[0] = ocl_g_offset(&plan->out);
  for (uint32_t i = 0; i < inputs; ++i) s->offsets[1 + i] = ocl_g_offset(&plan->in[i]);
  s->count = xop_dims_count(&d);
}

static int32_t ocl_g_gather(xhal_plugin_stream_t *stream, const xop_plan_t *plan, uint32_t prog) {
  ocl_g_gather_t s;
  ocl_g_nd_make(plan, 2, &s.nd);
  s.extent = plan->gather.extent;
  s.stride = plan->gather.stride;
  const uint64_t size = xop_dtype_size(plan->out.dtype);
  const int wide = plan->in[1].dtype == XHAL_DTYPE_I64;
  char name[32];
  snprintf(name, sizeof name, "gather_%u_%s", (unsigned)size, wide ? "i64" : "i32");
  const ocl_op_arg_t args[4] = {OCL_OP_MEM(&plan->out), OCL_OP_MEM(&plan->in[0]),
                                OCL_OP_MEM(&plan->in[1]), {sizeof s, &s}};
  return ocl_g_enqueue(stream, prog, OCL_G_SLOT_GATHER + 4 * (uint32_t)wide + ocl_g_log2(size),
                       name, args, 4, s.nd.count);
}

static int32_t ocl_g_pad(xhal_plugin_stream_t *stream, const xop_plan_t *plan, uint32_t prog) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  ocl_g_pad_t s;
  memset(&s, 0, sizeof s);
  s.rank = (cl_int)y->rank;
  s.count = xop_view_count(y);
  for (uint32_t k = 0; k < y->rank; ++k) {
    s.dims[k] = y->dims[k], s.ystrides[k] = y->strides[k];
    s.xdims[k] = x->dims[k], s.xstrides[k] = x->strides[k];
    s.begin[k] = plan->gather.begin[k];
  }
  s.offsets[0] = ocl_g_offset(y);
  s.offsets[1] = ocl_g_offset(x);
  s.mode = (cl_int)plan->gather.pad_mode;
  s.bits = (cl_long)xop_gather_value_bits(y->dtype, plan->gather.value, plan->gather.ivalue);
  const uint64_t size = xop_dtype_size(y->dtype);
  char name[32];
  snprintf(name, sizeof name, "pad_%u", (unsigned)size);
  const ocl_op_arg_t args[3] = {OCL_OP_MEM(y), OCL_OP_MEM(x), {sizeof s, &s}};
  return ocl_g_enqueue(stream, prog, OCL_G_SLOT_PAD + ocl_g_log2(size), name, args, 3, s.count);
}

static int32_t ocl_g_fill(xhal_plugin_stream_t *stream, const xop_plan_t *plan, uint32_t prog) {
  ocl_g_nd_t s;
  ocl_g_nd_make(plan, 0, &s);
  const cl_long bits =
      (cl_long)xop_gather_value_bits(plan->out.dtype, plan->gather.value, plan->gather.ivalue);
  const uint64_t size = xop_dtype_size(plan->out.dtype);
  char name[32];
  snprintf(name, sizeof name, "fill_%u", (unsigned)size);
  const ocl_op_arg_t args[3] = {OCL_OP_MEM(&plan->out), {sizeof s, &s}, {sizeof bits, &bits}};
  return ocl_g_enqueue(stream, prog, OCL_G_SLOT_FILL + ocl_g_log2(size), name, args, 3, s.count);
}

static int32_t ocl_g_shape(xhal_plugin_stream_t *stream, const xop_plan_t *plan, uint32_t prog) {
  ocl_g_shape_t s;
  memset(&s, 0, sizeof s);
  s.count = plan->out.dims[0];
  for (int64_t i = 0; i < s.count; ++i) s.values[i] = plan->in[0].dims[plan->gather.start + i];
  s.offset = ocl_g_offset(&plan->out);
  s.stride = plan->out.strides[0];
  const ocl_op_arg_t args[2] = {OCL_OP_MEM(&plan->out), {sizeof s, &s}};
  return ocl_g_enqueue(stream, prog, OCL_G_SLOT_SHAPE, "shape_i64", args, 2, s.count);
}

static int32_t ocl_g_range(xhal_plugin_stream_t *stream, const xop_plan_t *plan, uint32_t prog) {
  ocl_g_range_t s;
  s.offsets[0] = ocl_g_offset(&plan->out);
  s.offsets[1] = ocl_g_offset(&plan->in[0]);
  s.offsets[2] = ocl_g_offset(&plan->in[2]);
  s.ystride = plan->out.strides[0];
  s.count = plan->out.dims[0];
  const uint32_t dtype = plan->out.dtype;
  const uint32_t d = dtype == XHAL_DTYPE_F32 ? 0 : dtype == XHAL_DTYPE_I32 ? 1 : 2;
  char name[32];
  snprintf(name, sizeof name, "range_%s", xop_dtype_name(dtype));
  const ocl_op_arg_t args[4] = {OCL_OP_MEM(&plan->out), OCL_OP_MEM(&plan->in[0]),
                                OCL_OP_MEM(&plan->in[2]), {sizeof s, &s}};
  return ocl_g_enqueue(stream, prog, OCL_G_SLOT_RANGE + d, name, args, 4, s.count);
}

static int32_t ocl_g_resize(xhal_plugin_stream_t *stream, const xop_plan_t *plan, uint32_t prog) {
  const xop_view_t *x = &plan->in[0], *y = &plan->out;
  ocl_g_resize_t s;
  memset(&s, 0, sizeof s);
  s.rank = (cl_int)y->rank;
  s.count = xop_view_count(y);
  s.offsets[0] = ocl_g_offset(y);
  s.offsets[1] = ocl_g_offset(x);
  s.extrapolation = (cl_float)plan->gather.extrapolation;
  s.bits = (cl_long)xop_resize_extrapolation_bits(y->dtype, plan->gather.extrapolation);
  size_t room = 1;
  for (uint32_t k = 0; k < y->rank; ++k) room += 4 * (size_t)y->dims[k];
  cl_long *index = malloc(room * sizeof *index);
  int64_t *table_index = malloc(4 * XHAL_MAX_RANK * sizeof *table_index + room * sizeof(int64_t));
  float *weight = malloc(room * sizeof *weight);
  if (!index || !weight || !table_index) {
    free(index), free(weight), free(table_index);
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "Resize: tap tables of %zu entries", room);
  }
  size_t used = 0;
  for (uint32_t k = 0; k < y->rank; ++k) {
    s.dims[k] = y->dims[k], s.ystrides[k] = y->strides[k], s.xstrides[k] = x->strides[k];
    s.table[k] = (cl_long)used;
    s.taps[k] = xop_resize_table(&plan->gather, y->rank, k, x->dims[k], y->dims[k], table_index,
                                 weight + used);
    for (int64_t i = 0; i < y->dims[k] * s.taps[k]; ++i) index[used + (size_t)i] = table_index[i];
    used += (size_t)(y->dims[k] * s.taps[k]);
  }
  if (!used) index[0] = 0, weight[0] = 0.0f, used = 1;
  cl_context context = stream->device->context;
  cl_int err = CL_SUCCESS;
  cl_mem mems[2] = {NULL, NULL};
  mems[0] = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, used * sizeof *index,
                           index, &err);
  int32_t status = ocl_check(err, "clCreateBuffer(%zu bytes, Resize taps)", used * sizeof *index);
  if (status == XHAL_STATUS_OK) {
    mems[1] = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                             used * sizeof *weight, weight, &err);
    status = ocl_check(err, "clCreateBuffer(%zu bytes, Resize weights)", used * sizeof *weight);
  }
  free(index), free(weight), free(table_index);
  if (status == XHAL_STATUS_OK && plan->gather.resize_mode == XOP_RESIZE_NEAREST) {
    const uint64_t size = xop_dtype_size(y->dtype);
    char name[32];
    snprintf(name, sizeof name, "resize_nearest_%llu", (unsigned long long)size);
    const ocl_op_arg_t args[4] = {
        OCL_OP_MEM(y), OCL_OP_MEM(x), {sizeof(cl_mem), &mems[0]}, {sizeof s, &s}};
    status = ocl_g_enqueue(stream, prog, OCL_G_SLOT_RESIZE_NEAREST + ocl_g_log2(size), name,
                           args, 4, s.count);
  } else if (status == XHAL_STATUS_OK) {
    const uint32_t slot = y->dtype == XHAL_DTYPE_F16   ? OCL_G_SLOT_RESIZE_F16
                          : y->dtype == XHAL_DTYPE_I32 ? OCL_G_SLOT_RESIZE_I32
                          : y->dtype == XHAL_DTYPE_I64 ? OCL_G_SLOT_RESIZE_I64
                          : y->dtype == XHAL_DTYPE_U8  ? OCL_G_SLOT_RESIZE_U8
                                                       : OCL_G_SLOT_RESIZE_F32;
    char name[32];
    snprintf(name, sizeof name, "resize_%s", xop_dtype_name(y->dtype));
    const ocl_op_arg_t args[5] = {OCL_OP_MEM(y),
                                  OCL_OP_MEM(x),
                                  {sizeof(cl_mem), &mems[0]},
                                  {sizeof(cl_mem), &mems[1]},
                                  {sizeof s, &s}};
    status = ocl_g_enqueue(stream, prog, slot, name, args, 5, s.count);
  }
  for (int i = 0; i < 2; ++i)
    if (mems[i]) clReleaseMemObject(mems[i]);
  return status;
}

int32_t ocl__op_run_gather_group(xhal_plugin_stream_t *stream, const xop_plan_t *plan,
                                 uint32_t gather_program, uint32_t resize_program) {
  switch (plan->op) {
    case XHAL_OP_GATHER:
      return ocl_g_gather(stream, plan, gather_program);
    case XHAL_OP_PAD:
      return ocl_g_pad(stream, plan, gather_program);
    case XHAL_OP_RESIZE:
      return ocl_g_resize(stream, plan, resize_program);
    case XHAL_OP_SHAPE:
      return ocl_g_shape(stream, plan, gather_program);
    case XHAL_OP_CONSTANT_OF_SHAPE:
      return ocl_g_fill(stream, plan, gather_program);
    default:
      return ocl_g_range(stream, plan, gather_program);
  }
}
