/*
 * area_ops.h - shared pieces of the `ops` area: one data-driven case
 * (ops_case_t, copied into the registry) run by one function
 * (ops_case_run), and the helpers the per-family files use to register
 * cases.
 *
 * A case is fully described by its parameters: op, dtype, input shapes,
 * layouts and value generators, attributes, output layout, and for
 * negative cases the mutation that makes the call invalid. The output shape
 * and dtype come from the reference's shape inference at run time.
 */
#ifndef XHAL_CONF_AREA_OPS_H
#define XHAL_CONF_AREA_OPS_H

#include <stdint.h>
#include <xhal/xhal.h>

#include "conf_case.h"
#include "conf_tensor.h"
#include "ref_ops.h"
#include "ref_tensor.h"

/* ---- Input values ---------------------------------------------------------
 * Every value is a pure function of (seed, case name, input index, slot). */
typedef enum ops_gen_kind {
  OPS_GEN_UNIFORM = 0, /* floats: uniform in [lo, hi] rounded to the dtype;
                          integers: uniform in [lo, hi] */
  OPS_GEN_MANTISSA,    /* floats: random sign and significand, exponent in [lo, hi] */
  OPS_GEN_BITS,        /* random bits (integers: wrapped to the dtype; raw for Copy) */
  OPS_GEN_FINITE_BITS, /* float bit patterns that are not NaN/Inf (subnormals included) */
  OPS_GEN_LIST,        /* list[slot % n] of a special-value list */
  OPS_GEN_INTS,        /* integers in [lo, hi] for any dtype (floats too), so that
                          comparisons and Min/Max see equal operands */
} ops_gen_kind_t;

typedef enum ops_list {
  OPS_LIST_SPECIAL = 0, /* NaN, +-Inf, +-0, +-1, 0.5, -2.5, 3, +-max, +-min normal */
  OPS_LIST_SUBNORMAL,   /* +-subnormals of the dtype with a few normals to combine */
  OPS_LIST_LARGE,       /* magnitudes near and past overflow / saturation points */
  OPS_LIST_TINY,        /* small normal magnitudes (tanh(x) ~ x, exp(x) ~ 1 + x) */
  OPS_LIST_INT_EDGE,    /* INT_MIN, INT_MIN+1, -7, -2, -1, 0, 1, 2, 7, INT_MAX-1, INT_MAX */
  OPS_LIST_CAST_TO_INT, /* floats at truncation, rounding and saturation edges */
  OPS_LIST_CAST_TO_F16, /* floats at binary16 rounding ties, underflow and overflow */
  OPS_LIST_INT_TO_FLOAT,/* integers at f32/f16 rounding ties and overflow */
  OPS_LIST_INT_NARROW,  /* i64 values outside the i32 range */
  OPS_LIST_NAN_ROWS,    /* Softmax: mostly ordinary values, a NaN every 7th slot */
  OPS_LIST_NEG_INF_MASK,/* Softmax: ordinary values with -Inf at every 3rd slot */
  OPS_LIST_HALVES,      /* Round/Floor/Ceil: +-k.5 ties, values just below 0.5 and 2^23 */
  OPS_LIST_TIES,        /* ArgMax/ReduceMax: small integers repeating, +-0 among them */
  OPS_LIST_SIGNED_ZEROS,/* -0 and +0 in runs: -0,-0,-0,+0,-0,+0,+0 */
  OPS_LIST_POW_EXPONENTS,/* float exponents of an integer Pow base: NaN, +-Inf, +-0,
                           integral (+-1..3, 31, 63, 64, +-max), non-integral */
  OPS_LIST_POW_EXACT,   /* Pow pairs with exact results: integers = bases, floats =
                           exponents (4^0.5, 9^1.5, 2^-1, (-2)^3, 0^0, 3^33, ...) */
  OPS_LIST_COUNT
} ops_list_t;

typedef struct ops_gen {
  uint8_t kind;    /* ops_gen_kind_t */
  uint8_t list;    /* ops_list_t, for OPS_GEN_LIST */
  uint8_t nonzero; /* integers: a drawn 0 becomes 1 (divisors) */
  double lo;
  double hi;
} ops_gen_t;

typedef struct ops_tspec {
  ref_shape_t shape;
  uint8_t layout;        /* conf_layout_t */
  uint8_t offset;        /* 1: non-zero byte offset */
  ops_gen_t gen;
  uint32_t dtype;        /* 0: the case's dtype (see ops_input_dtype) */
} ops_tspec_t;

/* ---- Attributes ------------------------------------------------------------ */
enum {
  OPS_ATTR_AXIS = 1u << 0,
  OPS_ATTR_AXES = 1u << 1,
  OPS_ATTR_KEEPDIMS = 1u << 2,
  OPS_ATTR_NOOP = 1u << 3,
  OPS_ATTR_PERM = 1u << 4,
  OPS_ATTR_TRANS_A = 1u << 5,
  OPS_ATTR_TRANS_B = 1u << 6,
  OPS_ATTR_ALPHA = 1u << 7,
  OPS_ATTR_BETA = 1u << 8,
  OPS_ATTR_TO = 1u << 9,
  /* Data-movement ops (area_ops_shape.c). */
  OPS_ATTR_SHAPE = 1u << 10,        /* Reshape/Expand shape, sent to xhal */
  OPS_ATTR_SHAPE_REF_ONLY = 1u << 11, /* shape given to the reference only */
  OPS_ATTR_ALLOWZERO = 1u << 12,
  OPS_ATTR_SPLIT = 1u << 13,
  OPS_ATTR_STARTS = 1u << 14,
  OPS_ATTR_ENDS = 1u << 15,
  OPS_ATTR_STEPS = 1u << 16,
  OPS_ATTR_REPEATS = 1u << 17,
  /* Unary math group (high bits, away from the other groups' additions). */
  OPS_ATTR_CLIP_MIN = 1u << 24, /* "min": FLOAT clip_min, or INT clip_imin with clip_int */
  OPS_ATTR_CLIP_MAX = 1u << 25, /* "max": likewise */
  OPS_ATTR_APPROXIMATE = 1u << 26, /* Gelu "approximate" (STRING) */
  /* Norm group (area_ops_norm.c). */
  OPS_ATTR_EPSILON = 1u << 18,
  OPS_ATTR_SELECT_LAST = 1u << 19,
  OPS_ATTR_TRAINING_MODE = 1u << 20,
  OPS_ATTR_STASH_TYPE = 1u << 21,
};

/* Inputs and outputs of one case (Concat has up to 8 inputs, Split up to 8
 * outputs). */
#define OPS_MAX_INPUTS 8
#define OPS_MAX_OUTPUTS 8
/* Conv-family attributes (area_ops_conv.c), sent after the others in the
 * order given; the reference decodes them by name (ref_conv_attrs_decode). */
#define OPS_CONV_MAX_ATTRS 8
typedef struct ops_conv_attr {
  const char *name; /* static */
  uint32_t type;    /* XHAL_ATTR_INT, _INTS or _STRING */
  int64_t i;
  const char *s; /* static */
  uint32_t count;
  int64_t ints[2 * XHAL_MAX_RANK];
} ops_conv_attr_t;

typedef struct ops_conv_attrs {
  uint32_t count;
  ops_conv_attr_t a[OPS_CONV_MAX_ATTRS];
} ops_conv_attrs_t;

typedef struct ops_attrs {
  uint32_t present; /* OPS_ATTR_* */
  int64_t axis;
  uint32_t axes_count;
  int64_t axes[XHAL_MAX_RANK];
  int64_t keepdims;
  int64_t noop;
  uint32_t perm_count;
  int64_t perm[XHAL_MAX_RANK];
  int64_t trans_a;
  int64_t trans_b;
  double alpha;
  double beta;
  int64_t to;
  uint32_t shape_count; /* Reshape, Expand */
  int64_t shape[XHAL_MAX_RANK];
  int64_t allowzero;
  uint32_t split_count; /* Split */
  int64_t split[XHAL_MAX_RANK];
  uint32_t slice_count; /* Slice: entries of starts, ends and steps */
  int64_t starts[XHAL_MAX_RANK];
  int64_t ends[XHAL_MAX_RANK];
  int64_t steps[XHAL_MAX_RANK];
  uint32_t repeats_count; /* Tile */
  int64_t repeats[XHAL_MAX_RANK];
  ops_conv_attrs_t conv;
  double clip_min, clip_max;   /* OPS_ATTR_CLIP_MIN/MAX as FLOAT */
  int64_t clip_imin, clip_imax; /* ... as INT when clip_int */
  int clip_int;
  const char *approximate; /* static string */
  /* Gather..Range (area_ops_gather.c): values, and which of the mode-like
   * attributes are sent (OPS_GATHER_SEND_* bits; the others are sent when
   * their has_ flag or count is set). */
  ref_gather_attrs_t g;
  uint32_t g_send;
  double epsilon;            /* norms */
  int64_t select_last;       /* ArgMax/ArgMin: select_last_index */
  int64_t training_mode;     /* BatchNormalization */
  int64_t stash_type;        /* LayerNormalization */
} ops_attrs_t;

/* ---- Negative cases ------------------------------------------------------- */
typedef enum ops_invalid {
  OPS_VALID = 0,
  OPS_INVALID_OUTPUT_SHAPE,   /* output bad_output one element longer in its last dim */
  OPS_INVALID_OUTPUT_DTYPE,   /* output bad_output's dtype differs from what the op produces */
  OPS_INVALID_INPUT_DTYPE,    /* input 1 of another dtype than input 0 */
  OPS_INVALID_OUT_OF_BUFFER,  /* input 0's view ends one element past its buffer */
  OPS_INVALID_UNKNOWN_ATTR,   /* an attribute the op does not have */
  OPS_INVALID_INPUT_COUNT,    /* one input too few */
  OPS_INVALID_ATTR,           /* attributes replaced by bad_attrs */
  OPS_INVALID_ATTR_TYPE,      /* the op's first attribute sent with the wrong type */
  OPS_INVALID_INPUT_SHAPE,    /* input bad_input's shape replaced by bad_shape */
} ops_invalid_t;


typedef struct ops_case {
  uint32_t op;    /* xhal_op_t */
  uint32_t dtype; /* dtype of the inputs (but see in[k].dtype) */
  uint32_t input_count;
  ops_tspec_t in[OPS_MAX_INPUTS];
  uint8_t out_layout; /* conf_layout_t */
  uint8_t out_offset;
  ops_attrs_t attrs;
  uint32_t invalid; /* ops_invalid_t */
  ops_attrs_t bad_attrs;
  uint32_t bad_input; /* OPS_INVALID_INPUT_SHAPE: which input gets bad_shape */
  ref_shape_t bad_shape;
  uint32_t output_count; /* Split, LayerNormalization: outputs (0 means 1) */
  uint32_t bad_output;   /* OPS_INVALID_OUTPUT_SHAPE/DTYPE: which output is mutated */
  uint32_t bad_dtype;    /* OPS_INVALID_INPUT_DTYPE: non-zero gives input bad_input this
                            dtype (instead of input 1 another dtype than input 0's) */
} ops_case_t;

/* The dtype of input k of c: in[k].dtype, or the case's (Pow's exponent,
 * Where's bool condition, Gather's indices differ). */
static inline xhal_dtype_t ops_input_dtype(const ops_case_t *c, uint32_t k) {
  return (xhal_dtype_t)(c->in[k].dtype ? c->in[k].dtype : c->dtype);
}

/* Layout variants applied to every tensor of a case (name suffixes). */
typedef enum ops_variant {
  OPS_VAR_NONE = 0,       /* "" all contiguous */
  OPS_VAR_STRIDED,        /* ".strided": gapped inputs and output */
  OPS_VAR_TRANSPOSED,     /* ".transposed": reversed (column-major) inputs and output;
                             MatMul/Gemm: transposed matrices (last two dims swapped) */
  OPS_VAR_OFFSET,         /* ".offset": every view at a byte offset */
  OPS_VAR_EXPANDED,       /* ".expanded": inputs with a zero stride */
  OPS_VAR_MIXED,          /* ".mixed": a different layout per tensor, with offsets */
  OPS_VAR_OUT_STRIDED,    /* ".out_strided": contiguous inputs, gapped output */
  OPS_VAR_COUNT
} ops_variant_t;

/* Runs one case (the registered function of every ops case). */
conf_result_t ops_case_run(conf_run_t *run, const void *params);

/* ---- Registration helpers ---------------------------------------------------- */
/* rank followed by rank dims: ops_shape(3, 4, 1, 3). */
ref_shape_t ops_shape(uint32_t rank, ...);
/* Case-name slug of an op ("add", "reduce_sum"). */
const char *ops_op_slug(xhal_op_t op);
/* "4x1x3", "scalar". */
void ops_shape_name(char *out, size_t out_size, const ref_shape_t *shape);
const char *ops_variant_suffix(ops_variant_t variant);

/* A valid case with default attributes; inputs get the op's default
 * generator for dtype. */
void ops_case_init(ops_case_t *c, xhal_op_t op, xhal_dtype_t dtype, uint32_t input_count,
                   const ref_shape_t *shapes);
/* The op's default value generator for input k. */
ops_gen_t ops_default_gen(xhal_op_t op, xhal_dtype_t dtype, uint32_t k, xhal_dtype_t cast_to);
ops_gen_t ops_gen_list(ops_list_t list);
ops_gen_t ops_gen_uniform(double lo, double hi);
void ops_apply_variant(ops_case_t *c, ops_variant_t variant);

/* Registers c as "ops.<op>.<dtype>.<printf text>". */
void ops_register(conf_registry_t *registry, conf_tier_t tier, const ops_case_t *c,
                  const char *format, ...) __attribute__((format(printf, 4, 5)));

/* Per-family registration, called by conf_area_ops_register in this order. */
void ops_register_elementwise(conf_registry_t *registry);
void ops_register_special(conf_registry_t *registry);
void ops_register_linalg(conf_registry_t *registry);
void ops_register_reduce(conf_registry_t *registry);
void ops_register_norm(conf_registry_t *registry);
void ops_register_layout(conf_registry_t *registry);
void ops_register_invalid(conf_registry_t *registry);
/* Must-reject variants of a valid case base, registered (quick tier) as
 * "<base name>.invalid_<name>" (area_ops_invalid.c): the mutation kind; bad
 * attributes; input `input` given shape; and the kinds every op has
 * (output shape, output dtype, out of buffer, unknown attribute, input
 * count). */
void ops_invalid_case(conf_registry_t *registry, const ops_case_t *base, ops_invalid_t kind,
                      const char *name);
void ops_invalid_attrs_case(conf_registry_t *registry, const ops_case_t *base,
                            const ops_attrs_t *bad, const char *name);
void ops_invalid_shape_case(conf_registry_t *registry, const ops_case_t *base, uint32_t input,
                            ref_shape_t shape, const char *name);
void ops_invalid_common_cases(conf_registry_t *registry, const ops_case_t *base);

void ops_register_shape(conf_registry_t *registry);
void ops_register_conv(conf_registry_t *registry);
void ops_register_unary_math(conf_registry_t *registry);
void ops_register_gather(conf_registry_t *registry);

/* Appends the xhal attributes of s->g for op (area_ops_gather.c) to out
 * (room entries); returns how many. They point into s. */
uint32_t ops_gather_attrs(uint32_t op, const ops_attrs_t *s, xhal_attr_t *out, uint32_t room);
void ops_register_binary_group(conf_registry_t *registry); /* area_ops_binary.c */

/* Value generator (area_ops_values.c). */
uint32_t ops_list_size(ops_list_t list, xhal_dtype_t dtype);
void ops_gen_value(const conf_run_t *run, uint32_t tensor_index, uint64_t slot,
                   const ops_gen_t *gen, xhal_dtype_t dtype, double *f, int64_t *i);

#endif
