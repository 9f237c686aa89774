/* module.c - custom kernels: modules, functions and launches. */
#include <pthread.h>
#include <stdlib.h>

#include "buffer.h"
#include "handle_registry.h"
#include "status.h"
#include "stream.h"

#define XHAL__STACK_ARGS 32

struct xhal_function {
  struct xhal_module *module;
  xhal_plugin_function_t *native;
  struct xhal_function *next; /* the module's list */
};

/* Functions live as long as their module, which frees them. */
struct xhal_module {
  xhal_device_t *device;
  xhal_plugin_module_t *native;
  pthread_mutex_t mutex;
  struct xhal_function *functions;
};

static xhal_status_t xhal__require_modules(const char *call, xhal_device_t *device) {
  const xhal_plugin_api_v1_t *api = &device->plugin->api;
  if (!api->module_create || !api->module_destroy || !api->module_get_function ||
      !api->kernel_launch) {
    return xhal__error(XHAL_STATUS_UNIMPLEMENTED, "%s: backend %s has no kernel modules", call,
                       device->plugin->name);
  }
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_module_create(xhal_device_t *device, xhal_kernel_format_t format,
                                          const void *data, uint64_t size, const char *options,
                                          xhal_module_t **out_module) {
  static const char call[] = "xhal_module_create";
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, "device", device, XHAL__HANDLE_DEVICE));
  XHAL_RETURN_IF_ERROR(xhal__require_modules(call, device));
  if (!data || !size || !out_module) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: data %p, size %llu, out_module %p: none may be NULL or zero", call,
                       data, (unsigned long long)size, (void *)out_module);
  }
  if (!(device->properties.kernel_formats & XHAL_KERNEL_FORMAT_BIT(format))) {
    return xhal__error(XHAL_STATUS_UNSUPPORTED, "%s: device %u (%s) does not accept format %u",
                       call, device->index, device->plugin->name, (unsigned)format);
  }
  xhal_module_t *module = calloc(1, sizeof *module);
  if (!module) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "%s", call);
  module->device = device;
  pthread_mutex_init(&module->mutex, NULL);
  xhal_status_t status = XHAL__PLUGIN_CALL(device, module_create, device->native, (uint32_t)format,
                                           data, size, options, &module->native);
  if (status == XHAL_STATUS_OK) {
    status = xhal__handle_register(module, XHAL__HANDLE_MODULE);
    if (status != XHAL_STATUS_OK) device->plugin->api.module_destroy(module->native);
  }
  if (status != XHAL_STATUS_OK) {
    pthread_mutex_destroy(&module->mutex);
    free(module);
    return status;
  }
  *out_module = module;
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_module_destroy(xhal_module_t *module) {
  if (!module) return XHAL_STATUS_OK;
  XHAL_RETURN_IF_ERROR(
      xhal__handle_check("xhal_module_destroy", "module", module, XHAL__HANDLE_MODULE));
  xhal__handle_unregister(module);
  for (xhal_function_t *function = module->functions; function;) {
    xhal_function_t *next = function->next;
    xhal__handle_unregister(function);
    free(function);
    function = next;
  }
  xhal_status_t status = XHAL__PLUGIN_CALL(module->device, module_destroy, module->native);
  pthread_mutex_destroy(&module->mutex);
  free(module);
  return status;
}

XHAL_API xhal_status_t xhal_module_function(xhal_module_t *module, const char *name,
                                            xhal_function_t **out_function) {
  static const char call[] = "xhal_module_function";
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, "module", module, XHAL__HANDLE_MODULE));
  if (!name || !out_function) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: name or out_function is NULL", call);
  }
  xhal_function_t *function = calloc(1, sizeof *function);
  if (!function) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "%s", call);
  function->module = module;
  xhal_status_t status = XHAL__PLUGIN_CALL(module->device, module_get_function, module->native,
                                           name, &function->native);
  if (status == XHAL_STATUS_OK) status = xhal__handle_register(function, XHAL__HANDLE_FUNCTION);
  if (status != XHAL_STATUS_OK) {
    free(function);
    return status;
  }
  pthread_mutex_lock(&module->mutex);
  function->next = module->functions;
  module->functions = function;
  pthread_mutex_unlock(&module->mutex);
  *out_function = function;
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_kernel_launch(xhal_stream_t *stream, xhal_function_t *function,
                                          const uint32_t grid[3], const uint32_t block[3],
                                          uint32_t shared_memory_bytes, uint32_t arg_count,
                                          const xhal_kernel_arg_t *args) {
  static const char call[] = "xhal_kernel_launch";
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, "stream", stream, XHAL__HANDLE_STREAM));
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, "function", function, XHAL__HANDLE_FUNCTION));
  if (!grid || !block || (arg_count && !args)) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: grid, block or args is NULL", call);
  }
  if (function->module->device != stream->device) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: function is on device %u, stream on device %u", call,
                       function->module->device->index, stream->device->index);
  }
  /* Launches are a hot path: typical argument lists live on the stack. */
  const void *stack_values[XHAL__STACK_ARGS];
  uint64_t stack_sizes[XHAL__STACK_ARGS];
  uint8_t stack_is_buffer[XHAL__STACK_ARGS];
  int on_heap = arg_count > XHAL__STACK_ARGS;
  const void **values = on_heap ? calloc(arg_count, sizeof *values) : stack_values;
  uint64_t *sizes = on_heap ? calloc(arg_count, sizeof *sizes) : stack_sizes;
  uint8_t *is_buffer = on_heap ? calloc(arg_count, 1) : stack_is_buffer;
  xhal_status_t status = XHAL_STATUS_OK;
  if (!values || !sizes || !is_buffer) status = xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "%s", call);
  for (uint32_t i = 0; status == XHAL_STATUS_OK && i < arg_count; ++i) {
    if (args[i].buffer) {
      if (!xhal__handle_is_live(args[i].buffer, XHAL__HANDLE_BUFFER) ||
          args[i].buffer->device != stream->device) {
        status = xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                             "%s: argument %u is not a live buffer on the stream's device", call,
                             i);
        break;
      }
      values[i] = args[i].buffer->native;
      sizes[i] = sizeof(void *);
      is_buffer[i] = 1;
    } else if (!args[i].value || !args[i].size) {
      status = xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                           "%s: argument %u has neither a buffer nor a value", call, i);
    } else {
      values[i] = args[i].value;
      sizes[i] = args[i].size;
      is_buffer[i] = 0;
    }
  }
  if (status == XHAL_STATUS_OK) {
    xhal_plugin_kernel_launch_t launch = {
        .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_KERNEL_LAUNCH, xhal_plugin_kernel_launch_t),
        .grid = {grid[0], grid[1], grid[2]},
        .block = {block[0], block[1], block[2]},
        .shared_memory_bytes = shared_memory_bytes,
        .arg_count = arg_count,
        .args = values,
        .arg_sizes = sizes,
        .arg_is_buffer = is_buffer,
    };
    status = XHAL__PLUGIN_CALL(stream->device, kernel_launch, stream->native, function->native,
                               &launch);
  }
  if (on_heap) {
    free(values);
    free(sizes);
    free(is_buffer);
  }
  return status;
}
