/*
 * test_abi_layout.c - the ABI layout golden.
 *
 * Every struct of include/xhal/xhal_types.h and include/xhal/xhal_plugin.h
 * crosses the plugin boundary, and every plugin ever shipped was compiled
 * against some version of them. This test records, as literal numbers for
 * x86-64 LP64, the sizeof and alignof of each struct and the offsetof, sizeof
 * and alignof of each of its fields, plus the values of every enum that
 * travels across the boundary. A change to any of them fails here, naming
 * the struct and field (or the constant), before it can break a plugin.
 *
 * A deliberate change is a new minor (fields appended at the end, tables
 * grown, enum values appended): add the new rows here in the same commit.
 * Existing rows never change within major 1. See docs/abi.md.
 *
 * The numbers were produced once by a throwaway program printing
 * offsetof/sizeof/_Alignof and checked in; they are not computed here.
 */
/* cmocka.h needs these four included before it. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <string.h>

#include <xhal/xhal_plugin.h>
#include <xhal/xhal_types.h>

#if defined(__x86_64__) && defined(__LP64__)
#define ABI_GOLDEN_PLATFORM 1
#else
#define ABI_GOLDEN_PLATFORM 0
#endif

/* ---- struct layouts ------------------------------------------------------- */

typedef struct abi_field {
  const char *name;
  size_t offset, size, align;                      /* as compiled now */
  size_t golden_offset, golden_size, golden_align; /* as recorded */
} abi_field_t;

typedef struct abi_struct {
  const char *name;
  size_t size, align;
  size_t golden_size, golden_align;
  const abi_field_t *fields;
  size_t field_count;
} abi_struct_t;

/* clang-format off */
#define ABI_FIELD(type, field, offset, size, align)                                                \
  {#field, offsetof(type, field), sizeof(((type *)0)->field),                                      \
   _Alignof(__typeof__(((type *)0)->field)), offset, size, align}
/* clang-format on */

#define ABI_STRUCT(type, size, align, fields) \
  { #type, sizeof(type), _Alignof(type), size, align, fields, sizeof fields / sizeof fields[0] }

static const abi_field_t struct_header_fields[] = {
    ABI_FIELD(xhal_struct_header_t, stype, 0, 4, 4),
    ABI_FIELD(xhal_struct_header_t, struct_size, 4, 4, 4),
    ABI_FIELD(xhal_struct_header_t, next, 8, 8, 8),
};

static const abi_field_t device_properties_fields[] = {
    ABI_FIELD(xhal_device_properties_t, header, 0, 16, 8),
    ABI_FIELD(xhal_device_properties_t, name, 16, 128, 1),
    ABI_FIELD(xhal_device_properties_t, vendor, 144, 128, 1),
    ABI_FIELD(xhal_device_properties_t, device_type, 272, 4, 4),
    ABI_FIELD(xhal_device_properties_t, compute_units, 276, 4, 4),
    ABI_FIELD(xhal_device_properties_t, memory_bytes, 280, 8, 8),
    ABI_FIELD(xhal_device_properties_t, max_allocation_bytes, 288, 8, 8),
    ABI_FIELD(xhal_device_properties_t, min_alignment_bytes, 296, 4, 4),
    ABI_FIELD(xhal_device_properties_t, features, 300, 4, 4),
    ABI_FIELD(xhal_device_properties_t, dtypes, 304, 8, 8),
    ABI_FIELD(xhal_device_properties_t, kernel_formats, 312, 4, 4),
    ABI_FIELD(xhal_device_properties_t, clock_mhz, 316, 4, 4),
    ABI_FIELD(xhal_device_properties_t, peak_f32_flops, 320, 8, 8),
    ABI_FIELD(xhal_device_properties_t, peak_f16_flops, 328, 8, 8),
    ABI_FIELD(xhal_device_properties_t, memory_bandwidth_bps, 336, 8, 8),
    ABI_FIELD(xhal_device_properties_t, launch_overhead_ns, 344, 8, 8),
};

static const abi_field_t device_link_fields[] = {
    ABI_FIELD(xhal_device_link_t, header, 0, 16, 8),
    ABI_FIELD(xhal_device_link_t, peer_copy, 16, 4, 4),
    ABI_FIELD(xhal_device_link_t, same_memory, 20, 4, 4),
    ABI_FIELD(xhal_device_link_t, bandwidth_bps, 24, 8, 8),
    ABI_FIELD(xhal_device_link_t, latency_ns, 32, 8, 8),
};

static const abi_field_t attr_fields[] = {
    ABI_FIELD(xhal_attr_t, name, 0, 8, 8),    ABI_FIELD(xhal_attr_t, type, 8, 4, 4),
    ABI_FIELD(xhal_attr_t, count, 12, 4, 4),  ABI_FIELD(xhal_attr_t, i, 16, 8, 8),
    ABI_FIELD(xhal_attr_t, f, 24, 8, 8),      ABI_FIELD(xhal_attr_t, ints, 32, 8, 8),
    ABI_FIELD(xhal_attr_t, floats, 40, 8, 8), ABI_FIELD(xhal_attr_t, s, 48, 8, 8),
};

static const abi_field_t host_api_v1_fields[] = {
    ABI_FIELD(xhal_host_api_v1_t, header, 0, 16, 8),
    ABI_FIELD(xhal_host_api_v1_t, abi_major, 16, 4, 4),
    ABI_FIELD(xhal_host_api_v1_t, abi_minor, 20, 4, 4),
    ABI_FIELD(xhal_host_api_v1_t, set_error, 24, 8, 8),
    ABI_FIELD(xhal_host_api_v1_t, log, 32, 8, 8),
};

static const abi_field_t plugin_tensor_fields[] = {
    ABI_FIELD(xhal_plugin_tensor_t, header, 0, 16, 8),
    ABI_FIELD(xhal_plugin_tensor_t, dtype, 16, 4, 4),
    ABI_FIELD(xhal_plugin_tensor_t, rank, 20, 4, 4),
    ABI_FIELD(xhal_plugin_tensor_t, dims, 24, 64, 8),
    ABI_FIELD(xhal_plugin_tensor_t, strides, 88, 64, 8),
    ABI_FIELD(xhal_plugin_tensor_t, byte_offset, 152, 8, 8),
    ABI_FIELD(xhal_plugin_tensor_t, buffer, 160, 8, 8),
};

static const abi_field_t plugin_op_desc_fields[] = {
    ABI_FIELD(xhal_plugin_op_desc_t, header, 0, 16, 8),
    ABI_FIELD(xhal_plugin_op_desc_t, op, 16, 4, 4),
    ABI_FIELD(xhal_plugin_op_desc_t, attr_count, 20, 4, 4),
    ABI_FIELD(xhal_plugin_op_desc_t, attrs, 24, 8, 8),
    ABI_FIELD(xhal_plugin_op_desc_t, input_count, 32, 4, 4),
    ABI_FIELD(xhal_plugin_op_desc_t, output_count, 36, 4, 4),
    ABI_FIELD(xhal_plugin_op_desc_t, inputs, 40, 8, 8),
    ABI_FIELD(xhal_plugin_op_desc_t, outputs, 48, 8, 8),
};

static const abi_field_t plugin_kernel_launch_fields[] = {
    ABI_FIELD(xhal_plugin_kernel_launch_t, header, 0, 16, 8),
    ABI_FIELD(xhal_plugin_kernel_launch_t, grid, 16, 12, 4),
    ABI_FIELD(xhal_plugin_kernel_launch_t, block, 28, 12, 4),
    ABI_FIELD(xhal_plugin_kernel_launch_t, shared_memory_bytes, 40, 4, 4),
    ABI_FIELD(xhal_plugin_kernel_launch_t, arg_count, 44, 4, 4),
    ABI_FIELD(xhal_plugin_kernel_launch_t, args, 48, 8, 8),
    ABI_FIELD(xhal_plugin_kernel_launch_t, arg_sizes, 56, 8, 8),
    ABI_FIELD(xhal_plugin_kernel_launch_t, arg_is_buffer, 64, 8, 8),
};

static const abi_field_t plugin_instance_info_fields[] = {
    ABI_FIELD(xhal_plugin_instance_info_t, header, 0, 16, 8),
    ABI_FIELD(xhal_plugin_instance_info_t, flags, 16, 4, 4),
    ABI_FIELD(xhal_plugin_instance_info_t, reserved, 20, 4, 4),
};

static const abi_field_t plugin_collectives_v1_fields[] = {
    ABI_FIELD(xhal_plugin_collectives_v1_t, header, 0, 16, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, version, 16, 4, 4),
    ABI_FIELD(xhal_plugin_collectives_v1_t, reserved, 20, 4, 4),
    ABI_FIELD(xhal_plugin_collectives_v1_t, communicator_create, 24, 8, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, communicator_destroy, 32, 8, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, communicator_abort, 40, 8, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, all_reduce, 48, 8, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, broadcast, 56, 8, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, all_gather, 64, 8, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, reduce_scatter, 72, 8, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, send_recv, 80, 8, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, group_begin, 88, 8, 8),
    ABI_FIELD(xhal_plugin_collectives_v1_t, group_end, 96, 8, 8),
};

static const abi_field_t plugin_api_v1_fields[] = {
    ABI_FIELD(xhal_plugin_api_v1_t, header, 0, 16, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, abi_major, 16, 4, 4),
    ABI_FIELD(xhal_plugin_api_v1_t, abi_minor, 20, 4, 4),
    ABI_FIELD(xhal_plugin_api_v1_t, name, 24, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, version, 32, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, instance_create, 40, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, instance_destroy, 48, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, device_count, 56, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, device_get, 64, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, device_get_properties, 72, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, buffer_alloc, 80, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, buffer_free, 88, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, copy_host_to_device, 96, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, copy_device_to_host, 104, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, stream_create, 112, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, stream_destroy, 120, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, stream_synchronize, 128, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, event_create, 136, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, event_destroy, 144, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, event_record, 152, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, stream_wait_event, 160, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, event_query, 168, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, event_synchronize, 176, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, device_get_link, 184, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, host_alloc, 192, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, host_free, 200, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, buffer_host_pointer, 208, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, buffer_fill, 216, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, copy_device_to_device, 224, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, stream_add_callback, 232, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, event_elapsed_ns, 240, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, op_supported, 248, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, op_launch, 256, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, module_create, 264, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, module_destroy, 272, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, module_get_function, 280, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, kernel_launch, 288, 8, 8),
    ABI_FIELD(xhal_plugin_api_v1_t, collectives, 296, 8, 8),
};

static const abi_struct_t abi_structs[] = {
    ABI_STRUCT(xhal_struct_header_t, 16, 8, struct_header_fields),
    ABI_STRUCT(xhal_device_properties_t, 352, 8, device_properties_fields),
    ABI_STRUCT(xhal_device_link_t, 40, 8, device_link_fields),
    ABI_STRUCT(xhal_attr_t, 56, 8, attr_fields),
    ABI_STRUCT(xhal_host_api_v1_t, 40, 8, host_api_v1_fields),
    ABI_STRUCT(xhal_plugin_tensor_t, 168, 8, plugin_tensor_fields),
    ABI_STRUCT(xhal_plugin_op_desc_t, 56, 8, plugin_op_desc_fields),
    ABI_STRUCT(xhal_plugin_kernel_launch_t, 72, 8, plugin_kernel_launch_fields),
    ABI_STRUCT(xhal_plugin_instance_info_t, 24, 8, plugin_instance_info_fields),
    ABI_STRUCT(xhal_plugin_collectives_v1_t, 104, 8, plugin_collectives_v1_fields),
    ABI_STRUCT(xhal_plugin_api_v1_t, 304, 8, plugin_api_v1_fields),
};

/* Compares one struct with its golden; reports every difference before
 * failing, so one run shows the whole change. */
static void test_struct_layout(void **state) {
  const abi_struct_t *layout = *state;
  if (!ABI_GOLDEN_PLATFORM) skip();
  int differences = 0;
  if (layout->size != layout->golden_size) {
    print_error("%s: sizeof is %zu, golden %zu\n", layout->name, layout->size, layout->golden_size);
    ++differences;
  }
  if (layout->align != layout->golden_align) {
    print_error("%s: alignof is %zu, golden %zu\n", layout->name, layout->align,
                layout->golden_align);
    ++differences;
  }
  for (size_t i = 0; i < layout->field_count; ++i) {
    const abi_field_t *field = &layout->fields[i];
    if (field->offset != field->golden_offset) {
      print_error("%s.%s: offsetof is %zu, golden %zu\n", layout->name, field->name, field->offset,
                  field->golden_offset);
      ++differences;
    }
    if (field->size != field->golden_size) {
      print_error("%s.%s: sizeof is %zu, golden %zu\n", layout->name, field->name, field->size,
                  field->golden_size);
      ++differences;
    }
    if (field->align != field->golden_align) {
      print_error("%s.%s: alignof is %zu, golden %zu\n", layout->name, field->name, field->align,
                  field->golden_align);
      ++differences;
    }
  }
  if (differences) {
    fail_msg(
        "%s: %d layout difference(s) from the golden (listed above). Every plugin built "
        "against the old layout would misread this struct: append fields only, in a new "
        "minor, and add their rows to tests/test_abi_layout.c",
        layout->name, differences);
  }
}

/* The golden itself must cover every byte: fields in offset order, each
 * after the previous one, the last one ending where sizeof (less tail
 * padding) says. A field appended to a struct without a row here fails. */
static void test_golden_is_complete(void **state) {
  const abi_struct_t *layout = *state;
  size_t end = 0;
  for (size_t i = 0; i < layout->field_count; ++i) {
    const abi_field_t *field = &layout->fields[i];
    if (field->golden_offset < end) {
      fail_msg("%s.%s: golden offset %zu overlaps the previous field, which ends at %zu",
               layout->name, field->name, field->golden_offset, end);
    }
    size_t aligned = (end + field->golden_align - 1) / field->golden_align * field->golden_align;
    if (field->golden_offset != aligned) {
      fail_msg(
          "%s.%s: golden offset %zu leaves a gap after byte %zu: a field is missing from "
          "the golden",
          layout->name, field->name, field->golden_offset, end);
    }
    end = field->golden_offset + field->golden_size;
  }
  size_t padded = (end + layout->golden_align - 1) / layout->golden_align * layout->golden_align;
  if (padded != layout->golden_size) {
    fail_msg(
        "%s: the golden fields end at byte %zu, but the golden sizeof is %zu: a field at "
        "the end is missing from the golden",
        layout->name, end, layout->golden_size);
  }
}

/* ---- enum values and constants -------------------------------------------- */

typedef struct abi_value {
  const char *name;
  int64_t value;  /* as compiled now */
  int64_t golden; /* as recorded */
} abi_value_t;

#define ABI_VALUE(constant, golden) \
  { #constant, (int64_t)(constant), golden }

static const abi_value_t abi_status_values[] = {
    ABI_VALUE(XHAL_STATUS_OK, 0),
    ABI_VALUE(XHAL_STATUS_INVALID_ARGUMENT, 1),
    ABI_VALUE(XHAL_STATUS_INVALID_HANDLE, 2),
    ABI_VALUE(XHAL_STATUS_OUT_OF_MEMORY, 3),
    ABI_VALUE(XHAL_STATUS_UNIMPLEMENTED, 4),
    ABI_VALUE(XHAL_STATUS_UNSUPPORTED, 5),
    ABI_VALUE(XHAL_STATUS_DEVICE_LOST, 6),
    ABI_VALUE(XHAL_STATUS_INCOMPATIBLE, 7),
    ABI_VALUE(XHAL_STATUS_INTERNAL, 8),
    ABI_VALUE(XHAL_STATUS_NOT_READY, 9),
    ABI_VALUE(XHAL_STATUS_NO_DEVICE, 10),
    ABI_VALUE(XHAL_STATUS_NOT_FOUND, 11),
    ABI_VALUE(XHAL_STATUS_ABORTED, 12),
    ABI_VALUE(XHAL_STATUS_IO_ERROR, 13),
    ABI_VALUE(XHAL_STATUS_FORCE_U32, 0x7fffffff),
};

static const abi_value_t abi_dtype_values[] = {
    ABI_VALUE(XHAL_DTYPE_INVALID, 0),
    ABI_VALUE(XHAL_DTYPE_F32, 1),
    ABI_VALUE(XHAL_DTYPE_U8, 2),
    ABI_VALUE(XHAL_DTYPE_I8, 3),
    ABI_VALUE(XHAL_DTYPE_U16, 4),
    ABI_VALUE(XHAL_DTYPE_I16, 5),
    ABI_VALUE(XHAL_DTYPE_I32, 6),
    ABI_VALUE(XHAL_DTYPE_I64, 7),
    ABI_VALUE(XHAL_DTYPE_BOOL, 9),
    ABI_VALUE(XHAL_DTYPE_F16, 10),
    ABI_VALUE(XHAL_DTYPE_F64, 11),
    ABI_VALUE(XHAL_DTYPE_U32, 12),
    ABI_VALUE(XHAL_DTYPE_U64, 13),
    ABI_VALUE(XHAL_DTYPE_BF16, 16),
    ABI_VALUE(XHAL_DTYPE_FORCE_U32, 0x7fffffff),
};

/* Element sizes in bytes, the third column of XHAL_DTYPE_LIST. */
static const abi_value_t abi_dtype_sizes[] = {
    {"XHAL_DTYPE_F32", 0, 4},  {"XHAL_DTYPE_U8", 0, 1},   {"XHAL_DTYPE_I8", 0, 1},
    {"XHAL_DTYPE_U16", 0, 2},  {"XHAL_DTYPE_I16", 0, 2},  {"XHAL_DTYPE_I32", 0, 4},
    {"XHAL_DTYPE_I64", 0, 8},  {"XHAL_DTYPE_BOOL", 0, 1}, {"XHAL_DTYPE_F16", 0, 2},
    {"XHAL_DTYPE_F64", 0, 8},  {"XHAL_DTYPE_U32", 0, 4},  {"XHAL_DTYPE_U64", 0, 8},
    {"XHAL_DTYPE_BF16", 0, 2},
};

static const abi_value_t abi_op_values[] = {
    ABI_VALUE(XHAL_OP_INVALID, 0),      ABI_VALUE(XHAL_OP_COPY, 1),
    ABI_VALUE(XHAL_OP_ADD, 2),          ABI_VALUE(XHAL_OP_SUB, 3),
    ABI_VALUE(XHAL_OP_MUL, 4),          ABI_VALUE(XHAL_OP_DIV, 5),
    ABI_VALUE(XHAL_OP_NEG, 6),          ABI_VALUE(XHAL_OP_ABS, 7),
    ABI_VALUE(XHAL_OP_EXP, 8),          ABI_VALUE(XHAL_OP_RELU, 9),
    ABI_VALUE(XHAL_OP_SIGMOID, 10),     ABI_VALUE(XHAL_OP_TANH, 11),
    ABI_VALUE(XHAL_OP_MATMUL, 12),      ABI_VALUE(XHAL_OP_GEMM, 13),
    ABI_VALUE(XHAL_OP_SOFTMAX, 14),     ABI_VALUE(XHAL_OP_REDUCE_SUM, 15),
    ABI_VALUE(XHAL_OP_REDUCE_MEAN, 16), ABI_VALUE(XHAL_OP_TRANSPOSE, 17),
    ABI_VALUE(XHAL_OP_CAST, 18), ABI_VALUE(XHAL_OP_POW, 19), ABI_VALUE(XHAL_OP_SQRT, 20),
    ABI_VALUE(XHAL_OP_RECIPROCAL, 21), ABI_VALUE(XHAL_OP_LOG, 22), ABI_VALUE(XHAL_OP_FLOOR, 23),
    ABI_VALUE(XHAL_OP_CEIL, 24), ABI_VALUE(XHAL_OP_ROUND, 25), ABI_VALUE(XHAL_OP_SIGN, 26),
    ABI_VALUE(XHAL_OP_MIN, 27), ABI_VALUE(XHAL_OP_MAX, 28), ABI_VALUE(XHAL_OP_ERF, 29),
    ABI_VALUE(XHAL_OP_EQUAL, 30), ABI_VALUE(XHAL_OP_LESS, 31), ABI_VALUE(XHAL_OP_GREATER, 32),
    ABI_VALUE(XHAL_OP_LESS_OR_EQUAL, 33), ABI_VALUE(XHAL_OP_GREATER_OR_EQUAL, 34),
    ABI_VALUE(XHAL_OP_WHERE, 35), ABI_VALUE(XHAL_OP_NOT, 36), ABI_VALUE(XHAL_OP_AND, 37),
    ABI_VALUE(XHAL_OP_OR, 38), ABI_VALUE(XHAL_OP_LEAKY_RELU, 39), ABI_VALUE(XHAL_OP_PRELU, 40),
    ABI_VALUE(XHAL_OP_HARD_SIGMOID, 41), ABI_VALUE(XHAL_OP_HARD_SWISH, 42),
    ABI_VALUE(XHAL_OP_CLIP, 43), ABI_VALUE(XHAL_OP_GELU, 44), ABI_VALUE(XHAL_OP_SOFTPLUS, 45),
    ABI_VALUE(XHAL_OP_ELU, 46), ABI_VALUE(XHAL_OP_CONV, 47), ABI_VALUE(XHAL_OP_CONV_TRANSPOSE, 48),
    ABI_VALUE(XHAL_OP_MAX_POOL, 49), ABI_VALUE(XHAL_OP_AVERAGE_POOL, 50),
    ABI_VALUE(XHAL_OP_GLOBAL_AVERAGE_POOL, 51), ABI_VALUE(XHAL_OP_GLOBAL_MAX_POOL, 52),
    ABI_VALUE(XHAL_OP_BATCH_NORMALIZATION, 53), ABI_VALUE(XHAL_OP_LAYER_NORMALIZATION, 54),
    ABI_VALUE(XHAL_OP_INSTANCE_NORMALIZATION, 55), ABI_VALUE(XHAL_OP_LOG_SOFTMAX, 56),
    ABI_VALUE(XHAL_OP_REDUCE_MAX, 57), ABI_VALUE(XHAL_OP_REDUCE_MIN, 58),
    ABI_VALUE(XHAL_OP_REDUCE_PROD, 59), ABI_VALUE(XHAL_OP_ARG_MAX, 60),
    ABI_VALUE(XHAL_OP_ARG_MIN, 61), ABI_VALUE(XHAL_OP_RESHAPE, 62), ABI_VALUE(XHAL_OP_FLATTEN, 63),
    ABI_VALUE(XHAL_OP_SQUEEZE, 64), ABI_VALUE(XHAL_OP_UNSQUEEZE, 65),
    ABI_VALUE(XHAL_OP_CONCAT, 66), ABI_VALUE(XHAL_OP_SPLIT, 67), ABI_VALUE(XHAL_OP_SLICE, 68),
    ABI_VALUE(XHAL_OP_GATHER, 69), ABI_VALUE(XHAL_OP_EXPAND, 70), ABI_VALUE(XHAL_OP_TILE, 71),
    ABI_VALUE(XHAL_OP_PAD, 72), ABI_VALUE(XHAL_OP_RESIZE, 73), ABI_VALUE(XHAL_OP_SHAPE, 74),
    ABI_VALUE(XHAL_OP_CONSTANT_OF_SHAPE, 75), ABI_VALUE(XHAL_OP_RANGE, 76),
    ABI_VALUE(XHAL_OP_FORCE_U32, 0x7fffffff),
};

static const abi_value_t abi_stype_values[] = {
    ABI_VALUE(XHAL_STYPE_INVALID, 0),
    ABI_VALUE(XHAL_STYPE_HOST_API, 1),
    ABI_VALUE(XHAL_STYPE_PLUGIN_API, 2),
    ABI_VALUE(XHAL_STYPE_INSTANCE_INFO, 3),
    ABI_VALUE(XHAL_STYPE_DEVICE_PROPERTIES, 4),
    ABI_VALUE(XHAL_STYPE_DEVICE_LINK, 5),
    ABI_VALUE(XHAL_STYPE_TENSOR, 6),
    ABI_VALUE(XHAL_STYPE_OP_DESC, 7),
    ABI_VALUE(XHAL_STYPE_KERNEL_LAUNCH, 8),
    ABI_VALUE(XHAL_STYPE_COLLECTIVES_API, 9),
    ABI_VALUE(XHAL_STYPE_COMMUNICATOR_INFO, 10),
    ABI_VALUE(XHAL_STYPE_FORCE_U32, 0x7fffffff),
};

/* The other enums and bit sets whose values cross the boundary. */
static const abi_value_t abi_other_values[] = {
    ABI_VALUE(XHAL_DEVICE_TYPE_OTHER, 0),
    ABI_VALUE(XHAL_DEVICE_TYPE_CPU, 1),
    ABI_VALUE(XHAL_DEVICE_TYPE_GPU, 2),
    ABI_VALUE(XHAL_DEVICE_TYPE_ACCELERATOR, 3),
    ABI_VALUE(XHAL_DEVICE_TYPE_FORCE_U32, 0x7fffffff),
    ABI_VALUE(XHAL_FEATURE_HOST_VISIBLE_MEMORY, 0x1),
    ABI_VALUE(XHAL_FEATURE_UNIFIED_MEMORY, 0x2),
    ABI_VALUE(XHAL_FEATURE_PEER_COPY, 0x4),
    ABI_VALUE(XHAL_FEATURE_HOST_CALLBACK, 0x8),
    ABI_VALUE(XHAL_FEATURE_EVENT_TIMING, 0x10),
    ABI_VALUE(XHAL_FEATURE_KERNEL_MODULES, 0x20),
    ABI_VALUE(XHAL_FEATURE_COLLECTIVES, 0x40),
    ABI_VALUE(XHAL_FEATURE_HOST_PINNED_MEMORY, 0x80),
    ABI_VALUE(XHAL_FEATURE_FORCE_U32, 0x7fffffff),
    ABI_VALUE(XHAL_KERNEL_FORMAT_NONE, 0),
    ABI_VALUE(XHAL_KERNEL_FORMAT_OPENCL_C, 1),
    ABI_VALUE(XHAL_KERNEL_FORMAT_SPIRV, 2),
    ABI_VALUE(XHAL_KERNEL_FORMAT_PTX, 3),
    ABI_VALUE(XHAL_KERNEL_FORMAT_CUBIN, 4),
    ABI_VALUE(XHAL_KERNEL_FORMAT_NATIVE_SO, 5),
    ABI_VALUE(XHAL_KERNEL_FORMAT_SPIR, 6),
    ABI_VALUE(XHAL_KERNEL_FORMAT_FORCE_U32, 0x7fffffff),
    ABI_VALUE(XHAL_ATTR_INT, 1),
    ABI_VALUE(XHAL_ATTR_FLOAT, 2),
    ABI_VALUE(XHAL_ATTR_INTS, 3),
    ABI_VALUE(XHAL_ATTR_FLOATS, 4),
    ABI_VALUE(XHAL_ATTR_STRING, 5),
    ABI_VALUE(XHAL_ATTR_TYPE_FORCE_U32, 0x7fffffff),
    ABI_VALUE(XHAL_LOG_ERROR, 0),
    ABI_VALUE(XHAL_LOG_WARNING, 1),
    ABI_VALUE(XHAL_LOG_INFO, 2),
    ABI_VALUE(XHAL_LOG_DEBUG, 3),
    ABI_VALUE(XHAL_LOG_LEVEL_FORCE_U32, 0x7fffffff),
    ABI_VALUE(XHAL_BUFFER_DEVICE, 0),
    ABI_VALUE(XHAL_BUFFER_HOST_VISIBLE, 1),
    ABI_VALUE(XHAL_BUFFER_FLAGS_FORCE_U32, 0x7fffffff),
    ABI_VALUE(XHAL_REDUCE_SUM, 0),
    ABI_VALUE(XHAL_REDUCE_PROD, 1),
    ABI_VALUE(XHAL_REDUCE_MIN, 2),
    ABI_VALUE(XHAL_REDUCE_MAX, 3),
    ABI_VALUE(XHAL_REDUCE_OP_FORCE_U32, 0x7fffffff),
};

/* Version numbers, array bounds and helper macros that plugins compile in. */
static const abi_value_t abi_constant_values[] = {
    ABI_VALUE(XHAL_PLUGIN_ABI_MAJOR, 1),
    ABI_VALUE(XHAL_PLUGIN_ABI_MINOR, 0),
    ABI_VALUE(XHAL_MAX_RANK, 8),
    ABI_VALUE(XHAL_NAME_MAX, 128),
    ABI_VALUE(XHAL_DTYPE_BIT(XHAL_DTYPE_BF16), 0x10000),
    ABI_VALUE(XHAL_KERNEL_FORMAT_BIT(XHAL_KERNEL_FORMAT_SPIR), 0x40),
    ABI_VALUE(sizeof(xhal_status_t), 4),
    ABI_VALUE(sizeof(xhal_dtype_t), 4),
    ABI_VALUE(sizeof(xhal_op_t), 4),
    ABI_VALUE(sizeof(xhal_stype_t), 4),
    ABI_VALUE(sizeof(xhal_device_type_t), 4),
    ABI_VALUE(sizeof(xhal_device_feature_t), 4),
    ABI_VALUE(sizeof(xhal_kernel_format_t), 4),
    ABI_VALUE(sizeof(xhal_attr_type_t), 4),
    ABI_VALUE(sizeof(xhal_log_level_t), 4),
    ABI_VALUE(sizeof(xhal_buffer_flags_t), 4),
    ABI_VALUE(sizeof(xhal_reduce_op_t), 4),
};

#define ABI_COUNT(array) (sizeof(array) / sizeof((array)[0]))

static int abi_compare_values(const char *what, const abi_value_t *values, size_t count) {
  int differences = 0;
  for (size_t i = 0; i < count; ++i) {
    if (values[i].value != values[i].golden) {
      print_error("%s: %s is %lld, golden %lld\n", what, values[i].name, (long long)values[i].value,
                  (long long)values[i].golden);
      ++differences;
    }
  }
  return differences;
}

/* A value of an X-macro list that has no golden row: appended without
 * recording it here. */
static int abi_expect_recorded(const char *name, int64_t value, const abi_value_t *values,
                               size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (strcmp(values[i].name, name) == 0) return 0;
  }
  print_error("%s (%lld) has no golden row: add it to tests/test_abi_layout.c\n", name,
              (long long)value);
  return 1;
}

/* The element size column of XHAL_DTYPE_LIST against abi_dtype_sizes. */
static int abi_check_dtype_size(const char *dtype, int64_t size) {
  for (size_t i = 0; i < ABI_COUNT(abi_dtype_sizes); ++i) {
    if (strcmp(abi_dtype_sizes[i].name, dtype) != 0) continue;
    if (abi_dtype_sizes[i].golden == size) return 0;
    print_error("dtype size: %s is %lld bytes, golden %lld\n", dtype, (long long)size,
                (long long)abi_dtype_sizes[i].golden);
    return 1;
  }
  print_error("%s (%lld bytes) has no golden size row: add it to tests/test_abi_layout.c\n", dtype,
              (long long)size);
  return 1;
}

static void abi_finish(const char *what, int differences) {
  if (differences) {
    fail_msg(
        "%s: %d difference(s) from the golden (listed above). These values are compiled "
        "into plugins: never renumber, only append new ones and record them",
        what, differences);
  }
}

static void test_status_codes(void **state) {
  (void)state;
  int differences = abi_compare_values("status", abi_status_values, ABI_COUNT(abi_status_values));
#define ABI_STATUS_RECORDED(status, value, text)                                       \
  differences += abi_expect_recorded("XHAL_STATUS_" #status, value, abi_status_values, \
                                     ABI_COUNT(abi_status_values));
  XHAL_STATUS_LIST(ABI_STATUS_RECORDED)
#undef ABI_STATUS_RECORDED
  abi_finish("status codes", differences);
}

static void test_dtype_codes(void **state) {
  (void)state;
  int differences = abi_compare_values("dtype", abi_dtype_values, ABI_COUNT(abi_dtype_values));
#define ABI_DTYPE_RECORDED(dtype, value, size, text)                                \
  differences += abi_expect_recorded("XHAL_DTYPE_" #dtype, value, abi_dtype_values, \
                                     ABI_COUNT(abi_dtype_values));                  \
  differences += abi_check_dtype_size("XHAL_DTYPE_" #dtype, size);
  XHAL_DTYPE_LIST(ABI_DTYPE_RECORDED)
#undef ABI_DTYPE_RECORDED
  abi_finish("dtype codes", differences);
}

static void test_op_codes(void **state) {
  (void)state;
  int differences = abi_compare_values("op", abi_op_values, ABI_COUNT(abi_op_values));
#define ABI_OP_RECORDED(op, value, onnx_name) \
  differences +=                              \
      abi_expect_recorded("XHAL_OP_" #op, value, abi_op_values, ABI_COUNT(abi_op_values));
  XHAL_OP_LIST(ABI_OP_RECORDED)
#undef ABI_OP_RECORDED
  abi_finish("op codes", differences);
}

static void test_stypes(void **state) {
  (void)state;
  abi_finish("stypes", abi_compare_values("stype", abi_stype_values, ABI_COUNT(abi_stype_values)));
}

static void test_other_enums(void **state) {
  (void)state;
  abi_finish("enums", abi_compare_values("enum", abi_other_values, ABI_COUNT(abi_other_values)));
}

static void test_constants(void **state) {
  (void)state;
  int differences =
      abi_compare_values("constant", abi_constant_values, ABI_COUNT(abi_constant_values));
  if (strcmp(XHAL_PLUGIN_ENTRY_V1_NAME, "xhal_plugin_query_v1") != 0) {
    print_error("constant: XHAL_PLUGIN_ENTRY_V1_NAME is \"%s\", golden \"xhal_plugin_query_v1\"\n",
                XHAL_PLUGIN_ENTRY_V1_NAME);
    ++differences;
  }
  abi_finish("constants", differences);
}

#define ABI_LAYOUT_TESTS(index, type)                                       \
  {.name = "layout " #type,                                                 \
   .test_func = test_struct_layout,                                         \
   .initial_state = (void *)&abi_structs[index]},                           \
  {                                                                         \
    .name = "golden complete " #type, .test_func = test_golden_is_complete, \
    .initial_state = (void *)&abi_structs[index]                            \
  }

int main(void) {
  const struct CMUnitTest tests[] = {
      ABI_LAYOUT_TESTS(0, xhal_struct_header_t),
      ABI_LAYOUT_TESTS(1, xhal_device_properties_t),
      ABI_LAYOUT_TESTS(2, xhal_device_link_t),
      ABI_LAYOUT_TESTS(3, xhal_attr_t),
      ABI_LAYOUT_TESTS(4, xhal_host_api_v1_t),
      ABI_LAYOUT_TESTS(5, xhal_plugin_tensor_t),
      ABI_LAYOUT_TESTS(6, xhal_plugin_op_desc_t),
      ABI_LAYOUT_TESTS(7, xhal_plugin_kernel_launch_t),
      ABI_LAYOUT_TESTS(8, xhal_plugin_instance_info_t),
      ABI_LAYOUT_TESTS(9, xhal_plugin_collectives_v1_t),
      ABI_LAYOUT_TESTS(10, xhal_plugin_api_v1_t),
      cmocka_unit_test(test_status_codes),
      cmocka_unit_test(test_dtype_codes),
      cmocka_unit_test(test_op_codes),
      cmocka_unit_test(test_stypes),
      cmocka_unit_test(test_other_enums),
      cmocka_unit_test(test_constants),
  };
  _Static_assert(ABI_COUNT(abi_structs) == 11, "one ABI_LAYOUT_TESTS line per abi_structs row");
  return cmocka_run_group_tests_name("abi_layout", tests, NULL, NULL);
}
