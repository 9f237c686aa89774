/* xhal_op_check_gather.h - the rules of Gather, Pad, Resize, Shape,
 * ConstantOfShape and Range (xhal_op_check_gather.c), part of xop_check.
 *
 * What each op's plan holds (xop_plan_t.gather and the views):
 *   - Gather: in[0] is the data seen with the output's rank, stride 0 on the
 *     dims that come from the indices, the gathered axis left out; in[1]
 *     the indices seen with the output's rank, stride 0 on the other dims.
 *     Output element c reads index v = indices[c] (+ extent when negative)
 *     and then data at in[0][c] + v * stride. An index outside
 *     [-extent, extent) gives an output element of zero bits (the launch
 *     cannot read device data to reject it); the op still succeeds.
 *   - Pad: in[0] is the input already cropped by the negative pads (dims
 *     and byte offset adjusted), begin[k] >= 0 the padding before dim k;
 *     output element c reads in[0] at c - begin, mapped into the dim by
 *     mode (constant: value instead; reflect: mirrored without repeating
 *     the edge; edge: clamped).
 *   - Resize: in[0] and out as given; xop_resize_table gives per output
 *     coordinate of each dim the input taps and their weights.
 *   - Shape: out[i] = in[0].dims[start + i].
 *   - ConstantOfShape: in[0] (i64, one entry per output dim) is not read;
 *     every output element is value (floats) or ivalue (integers).
 *   - Range: in[0] start, in[1] limit, in[2] delta, rank 0; out[i] =
 *     start + i * delta for the caller's output length (the launch cannot
 *     read start/limit/delta to check it against ONNX's
 *     max(ceil((limit - start) / delta), 0)). */
#ifndef XHAL_OP_CHECK_GATHER_H
#define XHAL_OP_CHECK_GATHER_H

#include <stdint.h>

#include <xhal/xhal_plugin.h>

typedef enum xop_pad_mode { XOP_PAD_CONSTANT = 0, XOP_PAD_REFLECT, XOP_PAD_EDGE } xop_pad_mode_t;

typedef enum xop_resize_mode {
  XOP_RESIZE_NEAREST = 0,
  XOP_RESIZE_LINEAR,
  XOP_RESIZE_CUBIC
} xop_resize_mode_t;

typedef enum xop_resize_coord {
  XOP_COORD_HALF_PIXEL = 0,
  XOP_COORD_PYTORCH_HALF_PIXEL,
  XOP_COORD_ALIGN_CORNERS,
  XOP_COORD_ASYMMETRIC,
  XOP_COORD_TF_HALF_PIXEL_FOR_NN,
  XOP_COORD_TF_CROP_AND_RESIZE
} xop_resize_coord_t;

typedef enum xop_nearest_mode {
  XOP_NEAREST_ROUND_PREFER_FLOOR = 0,
  XOP_NEAREST_ROUND_PREFER_CEIL,
  XOP_NEAREST_FLOOR,
  XOP_NEAREST_CEIL
} xop_nearest_mode_t;

typedef struct xop_gather_params {
  /* Gather: extent and element stride of the gathered data axis. */
  int64_t extent;
  int64_t stride;
  /* Pad: xop_pad_mode_t and the padding before each output dim. */
  uint32_t pad_mode;
  int64_t begin[XHAL_MAX_RANK];
  /* Pad (constant) and ConstantOfShape: the value, for float outputs in
   * value, for integer outputs in ivalue. */
  double value;
  int64_t ivalue;
  /* Resize: modes, the per-dim scale (output length / input length as
   * ONNX's coordinate transforms use it, given or derived from sizes), the
   * region of interest (starts then ends) of tf_crop_and_resize. */
  uint32_t resize_mode;  /* xop_resize_mode_t */
  uint32_t coord_mode;   /* xop_resize_coord_t */
  uint32_t nearest_mode; /* xop_nearest_mode_t */
  int exclude_outside;
  double cubic_a;
  double extrapolation;
  double scales[XHAL_MAX_RANK];
  double roi[2 * XHAL_MAX_RANK];
  /* Resize: ONNX's resized length of each dim as a real number (scale x
   * input length, x the roi's span for tf_crop_and_resize with scales;
   * the output length as computed from sizes), which align_corners,
   * pytorch_half_pixel and tf_crop_and_resize divide by. */
  double lengths[XHAL_MAX_RANK];
  /* Shape: first input dim reported. */
  int64_t start;
} xop_gather_params_t;

/* 1 for the ops of this file. */
int xop_gather_owns(uint32_t op);

/* Input count range of the ops of this file. */
void xop_gather_arity(uint32_t op, uint32_t *min_in, uint32_t *max_in);

/* The dtypes the CPU and OpenCL backends run the ops of this file with:
 * Gather and Shape any dtype (moved by element size; Shape reads none),
 * Pad and ConstantOfShape f32, f16, i32, i64, u8, bool, Resize f32, f16,
 * i32, i64, u8 and bool (bool: nearest only), Range f32, i32, i64. 0 for
 * other ops. */
uint64_t xop_gather_op_dtypes(uint32_t op);

/* The bits of one element of dtype (f32, f16, i32 or i64, low bytes of
 * the result) holding value (float dtypes, rounded once to nearest even)
 * or ivalue (integer dtypes): fill values of Pad, ConstantOfShape and
 * Resize's extrapolation_value. */
uint64_t xop_gather_value_bits(uint32_t dtype, double value, int64_t ivalue);

/* ---- Resize tables ----------------------------------------------------------
 * For dim k of a rank-rank Resize (n input, out output elements), fills index[i * taps + t] (input coordinate, already
 * clamped into the dim) and weight[i * taps + t] for every output
 * coordinate i and returns taps: 1 when the dim is an identity copy (every
 * coordinate one tap of weight 1) or the mode is nearest, 2 linear, 4
 * cubic. index and weight have room for 4 * out entries. A
 * coordinate outside the input (tf_crop_and_resize) has index[i * taps] =
 * -1: the output element is extrapolation. Weights are computed in double
 * from ONNX's formulas and rounded once to float. */
uint32_t xop_resize_table(const xop_gather_params_t *g, uint32_t rank, uint32_t k, int64_t n,
                          int64_t out, int64_t *index, float *weight);

/* Resize's value v (a linear/cubic result or extrapolation_value) on an
 * integer dtype: rounded to nearest, ties to even, and saturated to the
 * range of i32, i64 or u8 (NaN gives 0); bool: v != 0. ONNX leaves the
 * rounding open (docs/conformance.md). */
int64_t xop_resize_int_value(uint32_t dtype, double v);

/* Bits of Resize's extrapolation_value as an element of dtype (any dtype
 * Resize takes): xop_gather_value_bits, after xop_resize_int_value for the
 * integer dtypes and bool. */
uint64_t xop_resize_extrapolation_bits(uint32_t dtype, double v);

#endif
