/* ze_error.c - names and translation of ze_result_t, and messages for the
 * host. */
#include "ze_error.h"

#include <stdarg.h>
#include <stdio.h>

_Atomic(const xhal_host_api_v1_t *) ze__host;

/* One table gives every result its name and its xhal status. Values are
 * literal so that results newer than the installed header still get names.
 * Invalid handles and enumerations can only come from a bug in this backend
 * (INTERNAL); sizes, kernel arguments and failed builds come from the
 * caller's input (INVALID_ARGUMENT). */
#define ZE_RESULT_LIST(X)                                                                          \
  X(ZE_RESULT_SUCCESS, 0x0, OK)                                                                    \
  X(ZE_RESULT_NOT_READY, 0x1, NOT_READY)                                                           \
  X(ZE_RESULT_ERROR_DEVICE_LOST, 0x70000001, DEVICE_LOST)                                          \
  X(ZE_RESULT_ERROR_OUT_OF_HOST_MEMORY, 0x70000002, OUT_OF_MEMORY)                                 \
  X(ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY, 0x70000003, OUT_OF_MEMORY)                               \
  X(ZE_RESULT_ERROR_MODULE_BUILD_FAILURE, 0x70000004, INVALID_ARGUMENT)                            \
  X(ZE_RESULT_ERROR_MODULE_LINK_FAILURE, 0x70000005, INVALID_ARGUMENT)                             \
  X(ZE_RESULT_ERROR_DEVICE_REQUIRES_RESET, 0x70000006, DEVICE_LOST)                                \
  X(ZE_RESULT_ERROR_DEVICE_IN_LOW_POWER_STATE, 0x70000007, DEVICE_LOST)                            \
  X(ZE_RESULT_EXP_ERROR_DEVICE_IS_NOT_VERTEX, 0x7ff00001, INTERNAL)                                \
  X(ZE_RESULT_EXP_ERROR_VERTEX_IS_NOT_DEVICE, 0x7ff00002, INTERNAL)                                \
  X(ZE_RESULT_EXP_ERROR_REMOTE_DEVICE, 0x7ff00003, INTERNAL)                                       \
  X(ZE_RESULT_ERROR_INSUFFICIENT_PERMISSIONS, 0x70010000, UNSUPPORTED)                             \
  X(ZE_RESULT_ERROR_NOT_AVAILABLE, 0x70010001, UNSUPPORTED)                                        \
  X(ZE_RESULT_ERROR_DEPENDENCY_UNAVAILABLE, 0x70020000, UNSUPPORTED)                               \
  X(ZE_RESULT_WARNING_DROPPED_DATA, 0x70020001, INTERNAL)                                          \
  X(ZE_RESULT_ERROR_UNINITIALIZED, 0x78000001, NO_DEVICE)                                          \
  X(ZE_RESULT_ERROR_UNSUPPORTED_VERSION, 0x78000002, UNSUPPORTED)                                  \
  X(ZE_RESULT_ERROR_UNSUPPORTED_FEATURE, 0x78000003, UNSUPPORTED)                                  \
  X(ZE_RESULT_ERROR_INVALID_ARGUMENT, 0x78000004, INVALID_ARGUMENT)                                \
  X(ZE_RESULT_ERROR_INVALID_NULL_HANDLE, 0x78000005, INTERNAL)                                     \
  X(ZE_RESULT_ERROR_HANDLE_OBJECT_IN_USE, 0x78000006, INTERNAL)                                    \
  X(ZE_RESULT_ERROR_INVALID_NULL_POINTER, 0x78000007, INTERNAL)                                    \
  X(ZE_RESULT_ERROR_INVALID_SIZE, 0x78000008, INVALID_ARGUMENT)                                    \
  X(ZE_RESULT_ERROR_UNSUPPORTED_SIZE, 0x78000009, OUT_OF_MEMORY)                                   \
  X(ZE_RESULT_ERROR_UNSUPPORTED_ALIGNMENT, 0x7800000a, INVALID_ARGUMENT)                           \
  X(ZE_RESULT_ERROR_INVALID_SYNCHRONIZATION_OBJECT, 0x7800000b, INTERNAL)                          \
  X(ZE_RESULT_ERROR_INVALID_ENUMERATION, 0x7800000c, INTERNAL)                                     \
  X(ZE_RESULT_ERROR_UNSUPPORTED_ENUMERATION, 0x7800000d, UNSUPPORTED)                              \
  X(ZE_RESULT_ERROR_UNSUPPORTED_IMAGE_FORMAT, 0x7800000e, UNSUPPORTED)                             \
  X(ZE_RESULT_ERROR_INVALID_NATIVE_BINARY, 0x7800000f, INVALID_ARGUMENT)                           \
  X(ZE_RESULT_ERROR_INVALID_GLOBAL_NAME, 0x78000010, NOT_FOUND)                                    \
  X(ZE_RESULT_ERROR_INVALID_KERNEL_NAME, 0x78000011, NOT_FOUND)                                    \
  X(ZE_RESULT_ERROR_INVALID_FUNCTION_NAME, 0x78000012, NOT_FOUND)                                  \
  X(ZE_RESULT_ERROR_INVALID_GROUP_SIZE_DIMENSION, 0x78000013, INVALID_ARGUMENT)                    \
  X(ZE_RESULT_ERROR_INVALID_GLOBAL_WIDTH_DIMENSION, 0x78000014, INVALID_ARGUMENT)                  \
  X(ZE_RESULT_ERROR_INVALID_KERNEL_ARGUMENT_INDEX, 0x78000015, INVALID_ARGUMENT)                   \
  X(ZE_RESULT_ERROR_INVALID_KERNEL_ARGUMENT_SIZE, 0x78000016, INVALID_ARGUMENT)                    \
  X(ZE_RESULT_ERROR_INVALID_KERNEL_ATTRIBUTE_VALUE, 0x78000017, INVALID_ARGUMENT)                  \
  X(ZE_RESULT_ERROR_INVALID_MODULE_UNLINKED, 0x78000018, INVALID_ARGUMENT)                         \
  X(ZE_RESULT_ERROR_INVALID_COMMAND_LIST_TYPE, 0x78000019, INTERNAL)                               \
  X(ZE_RESULT_ERROR_OVERLAPPING_REGIONS, 0x7800001a, INVALID_ARGUMENT)                             \
  X(ZE_RESULT_WARNING_ACTION_REQUIRED, 0x7800001b, INTERNAL)                                       \
  X(ZE_RESULT_ERROR_UNKNOWN, 0x7ffffffe, INTERNAL)

static _Thread_local char ze_message[1024];

int32_t ze__error(int32_t status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(ze_message, sizeof ze_message, format, args);
  va_end(args);
  const xhal_host_api_v1_t *host = atomic_load(&ze__host);
  if (host && host->set_error && status != XHAL_STATUS_OK) host->set_error(status, ze_message);
  return status;
}

const char *ze__last_message(void) {
  return ze_message;
}

void ze__log(uint32_t level, const char *format, ...) {
  const xhal_host_api_v1_t *host = atomic_load(&ze__host);
  if (!host || !host->log) return;
  char line[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(line, sizeof line, format, args);
  va_end(args);
  host->log(level, line);
}

const char *ze__result_name(ze_result_t result) {
  switch ((uint32_t)result) {
#define ZE__NAME_CASE(name, value, status)                                                         \
  case value:                                                                                      \
    return #name;
    ZE_RESULT_LIST(ZE__NAME_CASE)
#undef ZE__NAME_CASE
    default:
      return "unknown ze_result_t";
  }
}

int32_t ze__status(ze_result_t result) {
  switch ((uint32_t)result) {
#define ZE__STATUS_CASE(name, value, status)                                                       \
  case value:                                                                                      \
    return XHAL_STATUS_##status;
    ZE_RESULT_LIST(ZE__STATUS_CASE)
#undef ZE__STATUS_CASE
    default:
      return XHAL_STATUS_INTERNAL;
  }
}

int32_t ze__check(ze_result_t result, const char *call_format, ...) {
  if (result == ZE_RESULT_SUCCESS) return XHAL_STATUS_OK;
  char call[768];
  va_list args;
  va_start(args, call_format);
  vsnprintf(call, sizeof call, call_format, args);
  va_end(args);
  return ze__error(ze__status(result), "%s: %s (0x%08x)", call, ze__result_name(result),
                   (unsigned)result);
}
