/*
 * xhal_types.h - types shared by the framework API (xhal.h) and the vendor
 * plugin ABI (xhal_plugin.h).
 *
 * Everything in this header crosses the plugin boundary, so the rules of
 * docs/abi.md apply: fixed-width integers only, every enum has a FORCE_U32
 * member, every extensible struct starts with xhal_struct_header_t, and the
 * layout of every struct is frozen by tests/test_abi_layout.c.
 */
#ifndef XHAL_TYPES_H
#define XHAL_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes --------------------------------------------------------
 * One table generates the enum and the strings (xhal_status_string). Values
 * are part of the ABI: never renumber, only append. */
#define XHAL_STATUS_LIST(X)                                                   \
  X(OK, 0, "ok")                                                              \
  X(INVALID_ARGUMENT, 1, "invalid argument")                                  \
  X(INVALID_HANDLE, 2, "invalid handle")                                      \
  X(OUT_OF_MEMORY, 3, "out of memory")                                        \
  X(UNIMPLEMENTED, 4, "unimplemented")                                        \
  X(UNSUPPORTED, 5, "unsupported")                                            \
  X(DEVICE_LOST, 6, "device lost")                                            \
  X(INCOMPATIBLE, 7, "incompatible")                                          \
  X(INTERNAL, 8, "internal error")                                            \
  X(NOT_READY, 9, "not ready")                                                \
  X(NO_DEVICE, 10, "no device")                                               \
  X(NOT_FOUND, 11, "not found")                                               \
  X(ABORTED, 12, "aborted")                                                   \
  X(IO_ERROR, 13, "input/output error")

typedef enum xhal_status {
#define XHAL__STATUS_ENUM(name, value, text) XHAL_STATUS_##name = value,
  XHAL_STATUS_LIST(XHAL__STATUS_ENUM)
#undef XHAL__STATUS_ENUM
  XHAL_STATUS_FORCE_U32 = 0x7fffffff
} xhal_status_t;

/* ---- Element types -------------------------------------------------------
 * Values match ONNX TensorProto.DataType so graphs import without a table. */
#define XHAL_DTYPE_LIST(X)                                                    \
  X(F32, 1, 4, "f32")                                                         \
  X(U8, 2, 1, "u8")                                                           \
  X(I8, 3, 1, "i8")                                                           \
  X(U16, 4, 2, "u16")                                                         \
  X(I16, 5, 2, "i16")                                                         \
  X(I32, 6, 4, "i32")                                                         \
  X(I64, 7, 8, "i64")                                                         \
  X(BOOL, 9, 1, "bool")                                                       \
  X(F16, 10, 2, "f16")                                                        \
  X(F64, 11, 8, "f64")                                                        \
  X(U32, 12, 4, "u32")                                                        \
  X(U64, 13, 8, "u64")                                                        \
  X(BF16, 16, 2, "bf16")

typedef enum xhal_dtype {
  XHAL_DTYPE_INVALID = 0,
#define XHAL__DTYPE_ENUM(name, value, size, text) XHAL_DTYPE_##name = value,
  XHAL_DTYPE_LIST(XHAL__DTYPE_ENUM)
#undef XHAL__DTYPE_ENUM
  XHAL_DTYPE_FORCE_U32 = 0x7fffffff
} xhal_dtype_t;

/* Bit for dtype d in a dtype bitset (xhal_device_properties_t.dtypes). */
#define XHAL_DTYPE_BIT(d) (UINT64_C(1) << (uint32_t)(d))

/* ---- Operators -----------------------------------------------------------
 * Semantics are ONNX's (latest opset that Debian's onnx ships, <= 17):
 * broadcasting, attribute names and defaults, dtype rules. The numeric value
 * is the ABI identity of an operator: append only. COPY is xhal's own strided
 * copy (output = input, any strides, same dtype). */
#define XHAL_OP_LIST(X)                                                       \
  X(COPY, 1, "Copy")                                                          \
  X(ADD, 2, "Add")                                                            \
  X(SUB, 3, "Sub")                                                            \
  X(MUL, 4, "Mul")                                                            \
  X(DIV, 5, "Div")                                                            \
  X(NEG, 6, "Neg")                                                            \
  X(ABS, 7, "Abs")                                                            \
  X(EXP, 8, "Exp")                                                            \
  X(RELU, 9, "Relu")                                                          \
  X(SIGMOID, 10, "Sigmoid")                                                   \
  X(TANH, 11, "Tanh")                                                         \
  X(MATMUL, 12, "MatMul")                                                     \
  X(GEMM, 13, "Gemm")                                                         \
  X(SOFTMAX, 14, "Softmax")                                                   \
  X(REDUCE_SUM, 15, "ReduceSum")                                              \
  X(REDUCE_MEAN, 16, "ReduceMean")                                            \
  X(TRANSPOSE, 17, "Transpose")                                               \
  X(CAST, 18, "Cast")                                                         \
  X(POW, 19, "Pow")                                                            \
  X(SQRT, 20, "Sqrt")                                                          \
  X(RECIPROCAL, 21, "Reciprocal")                                              \
  X(LOG, 22, "Log")                                                            \
  X(FLOOR, 23, "Floor")                                                        \
  X(CEIL, 24, "Ceil")                                                          \
  X(ROUND, 25, "Round")                                                        \
  X(SIGN, 26, "Sign")                                                          \
  X(MIN, 27, "Min")                                                            \
  X(MAX, 28, "Max")                                                            \
  X(ERF, 29, "Erf")                                                            \
  X(EQUAL, 30, "Equal")                                                        \
  X(LESS, 31, "Less")                                                          \
  X(GREATER, 32, "Greater")                                                    \
  X(LESS_OR_EQUAL, 33, "LessOrEqual")                                          \
  X(GREATER_OR_EQUAL, 34, "GreaterOrEqual")                                    \
  X(WHERE, 35, "Where")                                                        \
  X(NOT, 36, "Not")                                                            \
  X(AND, 37, "And")                                                            \
  X(OR, 38, "Or")                                                              \
  X(LEAKY_RELU, 39, "LeakyRelu")                                               \
  X(PRELU, 40, "PRelu")                                                        \
  X(HARD_SIGMOID, 41, "HardSigmoid")                                           \
  X(HARD_SWISH, 42, "HardSwish")                                               \
  X(CLIP, 43, "Clip")                                                          \
  X(GELU, 44, "Gelu")                                                          \
  X(SOFTPLUS, 45, "Softplus")                                                  \
  X(ELU, 46, "Elu")                                                            \
  X(CONV, 47, "Conv")                                                          \
  X(CONV_TRANSPOSE, 48, "ConvTranspose")                                       \
  X(MAX_POOL, 49, "MaxPool")                                                   \
  X(AVERAGE_POOL, 50, "AveragePool")                                           \
  X(GLOBAL_AVERAGE_POOL, 51, "GlobalAveragePool")                              \
  X(GLOBAL_MAX_POOL, 52, "GlobalMaxPool")                                      \
  X(BATCH_NORMALIZATION, 53, "BatchNormalization")                             \
  X(LAYER_NORMALIZATION, 54, "LayerNormalization")                             \
  X(INSTANCE_NORMALIZATION, 55, "InstanceNormalization")                       \
  X(LOG_SOFTMAX, 56, "LogSoftmax")                                             \
  X(REDUCE_MAX, 57, "ReduceMax")                                               \
  X(REDUCE_MIN, 58, "ReduceMin")                                               \
  X(REDUCE_PROD, 59, "ReduceProd")                                             \
  X(ARG_MAX, 60, "ArgMax")                                                     \
  X(ARG_MIN, 61, "ArgMin")                                                     \
  X(RESHAPE, 62, "Reshape")                                                    \
  X(FLATTEN, 63, "Flatten")                                                    \
  X(SQUEEZE, 64, "Squeeze")                                                    \
  X(UNSQUEEZE, 65, "Unsqueeze")                                                \
  X(CONCAT, 66, "Concat")                                                      \
  X(SPLIT, 67, "Split")                                                        \
  X(SLICE, 68, "Slice")                                                        \
  X(GATHER, 69, "Gather")                                                      \
  X(EXPAND, 70, "Expand")                                                      \
  X(TILE, 71, "Tile")                                                          \
  X(PAD, 72, "Pad")                                                            \
  X(RESIZE, 73, "Resize")                                                      \
  X(SHAPE, 74, "Shape")                                                        \
  X(CONSTANT_OF_SHAPE, 75, "ConstantOfShape")                                  \
  X(RANGE, 76, "Range")

typedef enum xhal_op {
  XHAL_OP_INVALID = 0,
#define XHAL__OP_ENUM(name, value, onnx_name) XHAL_OP_##name = value,
  XHAL_OP_LIST(XHAL__OP_ENUM)
#undef XHAL__OP_ENUM
  XHAL_OP_FORCE_U32 = 0x7fffffff
} xhal_op_t;

/* ---- Structure types (the stype of xhal_struct_header_t) ----------------- */
typedef enum xhal_stype {
  XHAL_STYPE_INVALID = 0,
  XHAL_STYPE_HOST_API = 1,
  XHAL_STYPE_PLUGIN_API = 2,
  XHAL_STYPE_INSTANCE_INFO = 3,
  XHAL_STYPE_DEVICE_PROPERTIES = 4,
  XHAL_STYPE_DEVICE_LINK = 5,
  XHAL_STYPE_TENSOR = 6,
  XHAL_STYPE_OP_DESC = 7,
  XHAL_STYPE_KERNEL_LAUNCH = 8,
  XHAL_STYPE_COLLECTIVES_API = 9,
  XHAL_STYPE_COMMUNICATOR_INFO = 10,
  XHAL_STYPE_FORCE_U32 = 0x7fffffff
} xhal_stype_t;

/* Every extensible struct starts with this header. struct_size is the size
 * the writer compiled against; a reader uses min(struct_size, sizeof known)
 * and treats fields beyond it as zero. next is a chain of further structs,
 * each starting with this header; readers skip stypes they do not know. */
typedef struct xhal_struct_header {
  uint32_t stype;       /* xhal_stype_t */
  uint32_t struct_size; /* sizeof the struct as the writer knew it */
  const void *next;     /* [optional] extension chain */
} xhal_struct_header_t;

#define XHAL_STRUCT_HEADER_INIT(type_enum, type)                              \
  { (uint32_t)(type_enum), (uint32_t)sizeof(type), NULL }

/* ---- Device properties ---------------------------------------------------- */
typedef enum xhal_device_type {
  XHAL_DEVICE_TYPE_OTHER = 0,
  XHAL_DEVICE_TYPE_CPU = 1,
  XHAL_DEVICE_TYPE_GPU = 2,
  XHAL_DEVICE_TYPE_ACCELERATOR = 3,
  XHAL_DEVICE_TYPE_FORCE_U32 = 0x7fffffff
} xhal_device_type_t;

/* Feature bits (xhal_device_properties_t.features). */
typedef enum xhal_device_feature {
  XHAL_FEATURE_HOST_VISIBLE_MEMORY = 1u << 0, /* buffers are host pointers */
  XHAL_FEATURE_UNIFIED_MEMORY = 1u << 1,      /* device shares host memory */
  XHAL_FEATURE_PEER_COPY = 1u << 2,           /* copy_device_to_device across devices */
  XHAL_FEATURE_HOST_CALLBACK = 1u << 3,       /* stream_add_callback */
  XHAL_FEATURE_EVENT_TIMING = 1u << 4,        /* event_elapsed_ns */
  XHAL_FEATURE_KERNEL_MODULES = 1u << 5,      /* module_* and kernel_launch */
  XHAL_FEATURE_COLLECTIVES = 1u << 6,         /* collectives table present */
  XHAL_FEATURE_HOST_PINNED_MEMORY = 1u << 7,  /* host_alloc returns pinned memory */
  XHAL_FEATURE_FORCE_U32 = 0x7fffffff
} xhal_device_feature_t;

/* Kernel-binary formats a device accepts (bitset in kernel_formats). */
typedef enum xhal_kernel_format {
  XHAL_KERNEL_FORMAT_NONE = 0,
  XHAL_KERNEL_FORMAT_OPENCL_C = 1,  /* OpenCL C source text */
  XHAL_KERNEL_FORMAT_SPIRV = 2,     /* SPIR-V binary module */
  XHAL_KERNEL_FORMAT_PTX = 3,       /* PTX text */
  XHAL_KERNEL_FORMAT_CUBIN = 4,     /* cubin or fatbin */
  XHAL_KERNEL_FORMAT_NATIVE_SO = 5, /* host shared object (CPU devices) */
  XHAL_KERNEL_FORMAT_SPIR = 6,      /* SPIR 1.2 LLVM bitcode */
  XHAL_KERNEL_FORMAT_FORCE_U32 = 0x7fffffff
} xhal_kernel_format_t;

#define XHAL_KERNEL_FORMAT_BIT(f) (1u << (uint32_t)(f))

#define XHAL_NAME_MAX 128

typedef struct xhal_device_properties {
  xhal_struct_header_t header; /* stype XHAL_STYPE_DEVICE_PROPERTIES */
  char name[XHAL_NAME_MAX];    /* human-readable device name, NUL-terminated */
  char vendor[XHAL_NAME_MAX];  /* vendor name, NUL-terminated */
  uint32_t device_type;        /* xhal_device_type_t */
  uint32_t compute_units;      /* cores, SMs, EUs, ... */
  uint64_t memory_bytes;       /* device memory the HAL may allocate */
  uint64_t max_allocation_bytes;
  uint32_t min_alignment_bytes; /* alignment of buffer_alloc results */
  uint32_t features;            /* xhal_device_feature_t bits */
  uint64_t dtypes;              /* XHAL_DTYPE_BIT set of storable dtypes */
  uint32_t kernel_formats;      /* XHAL_KERNEL_FORMAT_BIT set */
  uint32_t clock_mhz;
  double peak_f32_flops;        /* scheduler estimate, FLOP/s */
  double peak_f16_flops;        /* scheduler estimate, FLOP/s */
  double memory_bandwidth_bps;  /* scheduler estimate, bytes/s */
  double launch_overhead_ns;    /* scheduler estimate per op launch */
} xhal_device_properties_t;

/* How two devices are connected, as the plugin declares it. */
typedef struct xhal_device_link {
  xhal_struct_header_t header; /* stype XHAL_STYPE_DEVICE_LINK */
  uint32_t peer_copy;          /* 1 if copy_device_to_device works a->b */
  uint32_t same_memory;        /* 1 if both devices address one memory */
  double bandwidth_bps;        /* estimate of a->b copy bandwidth */
  double latency_ns;           /* estimate of a->b copy latency */
} xhal_device_link_t;

/* ---- Collectives ---------------------------------------------------------- */
typedef enum xhal_reduce_op {
  XHAL_REDUCE_SUM = 0,
  XHAL_REDUCE_PROD = 1,
  XHAL_REDUCE_MIN = 2,
  XHAL_REDUCE_MAX = 3,
  XHAL_REDUCE_OP_FORCE_U32 = 0x7fffffff
} xhal_reduce_op_t;

/* ---- Tensors and attributes ---------------------------------------------- */
#define XHAL_MAX_RANK 8

/* Operator attribute, ONNX-style. This is a leaf value type passed in arrays,
 * so it is frozen: it never grows (new kinds of attribute use new type codes
 * within the same fields). */
typedef enum xhal_attr_type {
  XHAL_ATTR_INT = 1,    /* i */
  XHAL_ATTR_FLOAT = 2,  /* f */
  XHAL_ATTR_INTS = 3,   /* ints[count] */
  XHAL_ATTR_FLOATS = 4, /* floats[count] */
  XHAL_ATTR_STRING = 5, /* s (NUL-terminated) */
  XHAL_ATTR_TYPE_FORCE_U32 = 0x7fffffff
} xhal_attr_type_t;

typedef struct xhal_attr {
  const char *name; /* ONNX attribute name, e.g. "axis", "perm", "transA" */
  uint32_t type;    /* xhal_attr_type_t */
  uint32_t count;   /* elements in ints/floats */
  int64_t i;
  double f;
  const int64_t *ints;
  const float *floats;
  const char *s;
} xhal_attr_t;

#ifdef __cplusplus
}
#endif

#endif /* XHAL_TYPES_H */
