/* test_hal.c - libxhal's framework API on the CPU backend: the error model,
 * names, plugin discovery, devices, copies between devices, events across
 * streams and devices, and handle checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xhal/xhal.h>

static xhal_context_t *test_context(void) {
  xhal_context_t *context = NULL;
  assert_int_equal(xhal_context_create(NULL, &context), XHAL_STATUS_OK);
  return context;
}

static void test_names_and_errors(void **state) {
  (void)state;
  assert_string_equal(xhal_status_string(XHAL_STATUS_OUT_OF_MEMORY), "out of memory");
  assert_string_equal(xhal_status_string((xhal_status_t)12345), "unknown status");
  assert_string_equal(xhal_dtype_name(XHAL_DTYPE_F16), "f16");
  assert_int_equal(xhal_dtype_size(XHAL_DTYPE_I64), 8);
  assert_int_equal(xhal_dtype_from_name("bf16"), XHAL_DTYPE_BF16);
  assert_int_equal(xhal_dtype_from_name("nope"), XHAL_DTYPE_INVALID);
  assert_string_equal(xhal_op_name(XHAL_OP_GEMM), "Gemm");
  assert_int_equal(xhal_op_from_name("ReduceMean"), XHAL_OP_REDUCE_MEAN);
  assert_int_equal(xhal_context_create(NULL, NULL), XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(xhal_last_error(), "out_context"));
}

static void test_plugin_discovery(void **state) {
  (void)state;
  xhal_context_t *context = test_context();
  uint32_t plugins = 0, devices = 0;
  assert_int_equal(xhal_context_plugin_count(context, &plugins), XHAL_STATUS_OK);
  assert_true(plugins >= 1);
  assert_int_equal(xhal_context_device_count(context, &devices), XHAL_STATUS_OK);
  assert_true(devices >= 2); /* XHAL_CPU_DEVICES=2 in meson */
  xhal_device_t *device = NULL;
  assert_int_equal(xhal_context_device(context, 0, &device), XHAL_STATUS_OK);
  assert_string_equal(xhal_device_backend(device), "cpu");
  assert_int_equal(xhal_context_device(context, devices, &device), XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(xhal_last_error(), "out of range"));

  /* Loading the same backend again by name is a no-op returning its index. */
  uint32_t index = 99;
  assert_int_equal(xhal_context_load_plugin(context, "cpu", &index), XHAL_STATUS_OK);
  assert_true(index < plugins);
  assert_int_equal(xhal_context_load_plugin(context, "no_such_backend", NULL), XHAL_STATUS_NOT_FOUND);
  assert_non_null(strstr(xhal_last_error(), "libxhal-no_such_backend.so"));
  assert_int_equal(xhal_context_load_plugin(context, "/nonexistent/libxhal-x.so", NULL),
                   XHAL_STATUS_NOT_FOUND);
  /* The failed attempt is recorded with its reason; the context still works. */
  uint32_t after = 0;
  xhal_context_plugin_count(context, &after);
  assert_int_equal(after, plugins + 1);
  xhal_plugin_info_t info;
  assert_int_equal(xhal_context_plugin_info(context, after - 1, &info), XHAL_STATUS_OK);
  assert_int_equal(info.status, XHAL_STATUS_NOT_FOUND);
  assert_non_null(strstr(info.message, "/nonexistent/libxhal-x.so"));
  xhal_buffer_t *buffer = NULL;
  assert_int_equal(xhal_buffer_create(device, 16, &buffer), XHAL_STATUS_OK);
  assert_int_equal(xhal_buffer_size(buffer), 16);
  assert_ptr_equal(xhal_buffer_device(buffer), device);
  assert_int_equal(xhal_buffer_destroy(buffer), XHAL_STATUS_OK);
  xhal_context_destroy(context);
}

static void test_copies_between_devices(void **state) {
  (void)state;
  xhal_context_t *context = test_context();
  xhal_device_t *a = NULL, *b = NULL;
  assert_int_equal(xhal_context_device(context, 0, &a), XHAL_STATUS_OK);
  assert_int_equal(xhal_context_device(context, 1, &b), XHAL_STATUS_OK);
  xhal_buffer_t *src = NULL, *dst = NULL;
  xhal_stream_t *stream_a = NULL, *stream_b = NULL;
  assert_int_equal(xhal_buffer_create(a, 4096, &src), XHAL_STATUS_OK);
  assert_int_equal(xhal_buffer_create(b, 4096, &dst), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_create(a, &stream_a), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_create(b, &stream_b), XHAL_STATUS_OK);
  static unsigned char data[4096], back[4096];
  for (int i = 0; i < 4096; ++i) data[i] = (unsigned char)(i * 13 + 5);
  assert_int_equal(xhal_copy_to_buffer(stream_a, src, 0, data, sizeof data), XHAL_STATUS_OK);
  xhal_event_t *uploaded = NULL;
  assert_int_equal(xhal_event_create(a, &uploaded), XHAL_STATUS_OK);
  assert_int_equal(xhal_event_record(uploaded, stream_a), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_wait_event(stream_b, uploaded), XHAL_STATUS_OK);
  assert_int_equal(xhal_copy_buffer(stream_b, dst, 0, src, 0, sizeof data), XHAL_STATUS_OK);
  assert_int_equal(xhal_copy_from_buffer(stream_b, back, dst, 0, sizeof back), XHAL_STATUS_OK);
  assert_int_equal(xhal_stream_synchronize(stream_b), XHAL_STATUS_OK);
  assert_memory_equal(data, back, sizeof data);

  /* A stream on neither device, a buffer on the wrong device: refused. */
  xhal_buffer_t *third = NULL;
  assert_int_equal(xhal_buffer_create(a, 64, &third), XHAL_STATUS_OK);
  assert_int_equal(xhal_copy_buffer(stream_b, third, 0, src, 0, 64), XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(xhal_last_error(), "neither"));
  assert_int_equal(xhal_copy_to_buffer(stream_b, src, 0, data, 4), XHAL_STATUS_INVALID_ARGUMENT);
  assert_non_null(strstr(xhal_last_error(), "device 0"));

  xhal_event_record(uploaded, stream_a);
  assert_int_equal(xhal_event_destroy(uploaded), XHAL_STATUS_OK);
  assert_int_equal(xhal_event_query(uploaded), XHAL_STATUS_INVALID_HANDLE);
  xhal_buffer_destroy(third);
  xhal_buffer_destroy(src);
  xhal_buffer_destroy(dst);
  xhal_stream_destroy(stream_a);
  xhal_stream_destroy(stream_b);
  xhal_context_destroy(context);
}

static void test_unsupported_features(void **state) {
  (void)state;
  xhal_context_t *context = test_context();
  xhal_device_t *device = NULL;
  assert_int_equal(xhal_context_device(context, 0, &device), XHAL_STATUS_OK);
  xhal_module_t *module = NULL;
  static const char source[] = "kernel void k(void) {}";
  assert_int_equal(xhal_module_create(device, XHAL_KERNEL_FORMAT_OPENCL_C, source, sizeof source,
                                      NULL, &module),
                   XHAL_STATUS_UNIMPLEMENTED);
  assert_null(module);
  xhal_device_properties_t props = {
      .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_DEVICE_PROPERTIES, xhal_device_properties_t)};
  assert_int_equal(xhal_device_properties(device, &props), XHAL_STATUS_OK);
  assert_true(props.peak_f32_flops > 0);
  assert_int_equal(props.device_type, XHAL_DEVICE_TYPE_CPU);
  /* A caller with an older, shorter struct gets only what it asked for. */
  xhal_device_properties_t short_props;
  memset(&short_props, 0x77, sizeof short_props);
  short_props.header.struct_size = (uint32_t)offsetof(xhal_device_properties_t, vendor);
  short_props.header.next = NULL;
  assert_int_equal(xhal_device_properties(device, &short_props), XHAL_STATUS_OK);
  assert_int_equal((unsigned char)short_props.vendor[0], 0x77);
  assert_string_equal(short_props.name, props.name);
  xhal_context_destroy(context);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_and_errors),
      cmocka_unit_test(test_plugin_discovery),
      cmocka_unit_test(test_copies_between_devices),
      cmocka_unit_test(test_unsupported_features),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
