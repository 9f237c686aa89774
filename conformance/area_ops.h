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
  OPS_LIST_TIES,        /* ArgMax/ReduceMax: small integers repeating, +-0 among them */
  OPS_LIST_SIGNED_ZEROS,/* -0 and +0 in runs: -0,-0,-0,+0,-0,+0,+0 */
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
  OPS_ATTR_EPSILON = 1u << 10,
  OPS_ATTR_SELECT_LAST = 1u << 11,
  OPS_ATTR_TRAINING_MODE = 1u << 12,
  OPS_ATTR_STASH_TYPE = 1u << 13,
};

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
  double epsilon;            /* norms */
  int64_t select_last;       /* ArgMax/ArgMin: select_last_index */
  int64_t training_mode;     /* BatchNormalization */
  int64_t stash_type;        /* LayerNormalization */
} ops_attrs_t;

/* ---- Negative cases ------------------------------------------------------- */
typedef enum ops_invalid {
  OPS_VALID = 0,
  OPS_INVALID_OUTPUT_SHAPE,   /* output view one element longer in its last dim */
  OPS_INVALID_OUTPUT_DTYPE,   /* output dtype differs from what the op produces */
  OPS_INVALID_INPUT_DTYPE,    /* input 1 of another dtype than input 0 */
  OPS_INVALID_OUT_OF_BUFFER,  /* input 0's view ends one element past its buffer */
  OPS_INVALID_UNKNOWN_ATTR,   /* an attribute the op does not have */
  OPS_INVALID_INPUT_COUNT,    /* one input too few */
  OPS_INVALID_ATTR,           /* attributes replaced by bad_attrs */
  OPS_INVALID_ATTR_TYPE,      /* the op's first attribute sent with the wrong type */
  OPS_INVALID_INPUT_SHAPE,    /* input bad_input's shape replaced by bad_shape */
} ops_invalid_t;

/* Most inputs of one case (BatchNormalization has 5). */
#define OPS_MAX_INPUTS 8

typedef struct ops_case {
  uint32_t op;    /* xhal_op_t */
  uint32_t dtype; /* dtype of the inputs */
  uint32_t input_count;
  ops_tspec_t in[OPS_MAX_INPUTS];
  uint8_t out_layout; /* conf_layout_t */
  uint8_t out_offset;
  ops_attrs_t attrs;
  uint32_t invalid; /* ops_invalid_t */
  ops_attrs_t bad_attrs;
  uint32_t bad_input; /* OPS_INVALID_INPUT_SHAPE: which input gets bad_shape */
  ref_shape_t bad_shape;
} ops_case_t;

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

/* Value generator (area_ops_values.c). */
uint32_t ops_list_size(ops_list_t list, xhal_dtype_t dtype);
void ops_gen_value(const conf_run_t *run, uint32_t tensor_index, uint64_t slot,
                   const ops_gen_t *gen, xhal_dtype_t dtype, double *f, int64_t *i);

#endif
