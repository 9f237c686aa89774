/* cu_error.c - messages for the host and the translation of CUresult. */
#include "cu_error.h"

#include <stdarg.h>
#include <stdio.h>

#include "cu_driver.h"

_Atomic(const xhal_host_api_v1_t *) cu__host;

static void cu_vformat(char *message, size_t size, const char *format, va_list args) {
  vsnprintf(message, size, format, args);
}

int32_t cu_error(int32_t status, const char *format, ...) {
  char message[1536];
  va_list args;
  va_start(args, format);
  cu_vformat(message, sizeof message, format, args);
  va_end(args);
  const xhal_host_api_v1_t *host = atomic_load(&cu__host);
  if (host && host->set_error) host->set_error(status, message);
  return status;
}

void cu_log(uint32_t level, const char *format, ...) {
  char message[1536];
  va_list args;
  va_start(args, format);
  cu_vformat(message, sizeof message, format, args);
  va_end(args);
  const xhal_host_api_v1_t *host = atomic_load(&cu__host);
  if (host && host->log) host->log(level, message);
}

/* Names of the codes every driver since CUDA 11 knows; the stub library and
 * a half-loaded driver cannot name them (cuGetErrorName fails there). */
/* clang-format off */
#define CU_RESULT_NAMES(X)                                                                         \
  X(CUDA_SUCCESS) X(CUDA_ERROR_INVALID_VALUE) X(CUDA_ERROR_OUT_OF_MEMORY)                          \
  X(CUDA_ERROR_NOT_INITIALIZED) X(CUDA_ERROR_DEINITIALIZED) X(CUDA_ERROR_STUB_LIBRARY)             \
  X(CUDA_ERROR_DEVICE_UNAVAILABLE) X(CUDA_ERROR_NO_DEVICE) X(CUDA_ERROR_INVALID_DEVICE)            \
  X(CUDA_ERROR_DEVICE_NOT_LICENSED) X(CUDA_ERROR_INVALID_IMAGE) X(CUDA_ERROR_INVALID_CONTEXT)      \
  X(CUDA_ERROR_MAP_FAILED) X(CUDA_ERROR_UNMAP_FAILED) X(CUDA_ERROR_NO_BINARY_FOR_GPU)              \
  X(CUDA_ERROR_ECC_UNCORRECTABLE) X(CUDA_ERROR_UNSUPPORTED_LIMIT)                                  \
  X(CUDA_ERROR_CONTEXT_ALREADY_IN_USE) X(CUDA_ERROR_PEER_ACCESS_UNSUPPORTED)                       \
  X(CUDA_ERROR_INVALID_PTX) X(CUDA_ERROR_NVLINK_UNCORRECTABLE)                                     \
  X(CUDA_ERROR_JIT_COMPILER_NOT_FOUND) X(CUDA_ERROR_UNSUPPORTED_PTX_VERSION)                       \
  X(CUDA_ERROR_JIT_COMPILATION_DISABLED) X(CUDA_ERROR_INVALID_SOURCE)                              \
  X(CUDA_ERROR_FILE_NOT_FOUND) X(CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND)                        \
  X(CUDA_ERROR_SHARED_OBJECT_INIT_FAILED) X(CUDA_ERROR_OPERATING_SYSTEM)                           \
  X(CUDA_ERROR_INVALID_HANDLE) X(CUDA_ERROR_ILLEGAL_STATE) X(CUDA_ERROR_NOT_FOUND)                 \
  X(CUDA_ERROR_NOT_READY) X(CUDA_ERROR_ILLEGAL_ADDRESS) X(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES)      \
  X(CUDA_ERROR_LAUNCH_TIMEOUT) X(CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED)                           \
  X(CUDA_ERROR_PEER_ACCESS_NOT_ENABLED) X(CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE)                       \
  X(CUDA_ERROR_CONTEXT_IS_DESTROYED) X(CUDA_ERROR_ASSERT) X(CUDA_ERROR_TOO_MANY_PEERS)             \
  X(CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED) X(CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED)            \
  X(CUDA_ERROR_HARDWARE_STACK_ERROR) X(CUDA_ERROR_ILLEGAL_INSTRUCTION)                             \
  X(CUDA_ERROR_MISALIGNED_ADDRESS) X(CUDA_ERROR_INVALID_ADDRESS_SPACE) X(CUDA_ERROR_INVALID_PC)    \
  X(CUDA_ERROR_LAUNCH_FAILED) X(CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE)                           \
  X(CUDA_ERROR_NOT_PERMITTED) X(CUDA_ERROR_NOT_SUPPORTED) X(CUDA_ERROR_SYSTEM_NOT_READY)           \
  X(CUDA_ERROR_SYSTEM_DRIVER_MISMATCH) X(CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE)                \
  X(CUDA_ERROR_TIMEOUT) X(CUDA_ERROR_UNKNOWN)
/* clang-format on */

const char *cu_result_name(CUresult result, char *buffer, size_t size) {
  const cu_driver_t *driver = cu_driver_table();
  const char *name = NULL;
  if (driver && driver->cuGetErrorName(result, &name) == CUDA_SUCCESS && name) return name;
  switch (result) {
#define CU_RESULT_CASE(code) \
  case code: return #code;
    CU_RESULT_NAMES(CU_RESULT_CASE)
#undef CU_RESULT_CASE
    default: snprintf(buffer, size, "CUresult %d", (int)result); return buffer;
  }
}

int32_t cu_status_of(CUresult result) {
  switch (result) {
    case CUDA_SUCCESS: return XHAL_STATUS_OK;
    case CUDA_ERROR_OUT_OF_MEMORY: return XHAL_STATUS_OUT_OF_MEMORY;
    case CUDA_ERROR_NOT_READY: return XHAL_STATUS_NOT_READY;
    case CUDA_ERROR_NOT_FOUND: return XHAL_STATUS_NOT_FOUND;
    case CUDA_ERROR_INVALID_VALUE:
    case CUDA_ERROR_INVALID_IMAGE:
    case CUDA_ERROR_INVALID_PTX:
    case CUDA_ERROR_INVALID_SOURCE:
    case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES:
    case CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE: return XHAL_STATUS_INVALID_ARGUMENT;
    case CUDA_ERROR_NOT_SUPPORTED:
    case CUDA_ERROR_NO_BINARY_FOR_GPU:
    case CUDA_ERROR_UNSUPPORTED_PTX_VERSION:
    case CUDA_ERROR_PEER_ACCESS_UNSUPPORTED:
    case CUDA_ERROR_JIT_COMPILER_NOT_FOUND:
    case CUDA_ERROR_JIT_COMPILATION_DISABLED:
    case CUDA_ERROR_UNSUPPORTED_LIMIT: return XHAL_STATUS_UNSUPPORTED;
    case CUDA_ERROR_NO_DEVICE:
    case CUDA_ERROR_STUB_LIBRARY: return XHAL_STATUS_NO_DEVICE;
    case CUDA_ERROR_SYSTEM_DRIVER_MISMATCH:
    case CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE:
    case CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND:
    case CUDA_ERROR_SHARED_OBJECT_INIT_FAILED: return XHAL_STATUS_INCOMPATIBLE;
    case CUDA_ERROR_ILLEGAL_ADDRESS:
    case CUDA_ERROR_LAUNCH_FAILED:
    case CUDA_ERROR_LAUNCH_TIMEOUT:
    case CUDA_ERROR_ECC_UNCORRECTABLE:
    case CUDA_ERROR_NVLINK_UNCORRECTABLE:
    case CUDA_ERROR_HARDWARE_STACK_ERROR:
    case CUDA_ERROR_ILLEGAL_INSTRUCTION:
    case CUDA_ERROR_MISALIGNED_ADDRESS:
    case CUDA_ERROR_INVALID_ADDRESS_SPACE:
    case CUDA_ERROR_INVALID_PC:
    case CUDA_ERROR_ASSERT:
    case CUDA_ERROR_DEVICE_UNAVAILABLE:
    case CUDA_ERROR_DEINITIALIZED:
    case CUDA_ERROR_CONTEXT_IS_DESTROYED: return XHAL_STATUS_DEVICE_LOST;
    default: return XHAL_STATUS_INTERNAL;
  }
}

static int32_t cu_vcheck(CUresult result, const char *detail, const char *call_format,
                         va_list args) {
  char call[1024];
  cu_vformat(call, sizeof call, call_format, args);
  char number[32];
  const char *name = cu_result_name(result, number, sizeof number);
  const char *text = NULL;
  const cu_driver_t *driver = cu_driver_table();
  if (!driver || driver->cuGetErrorString(result, &text) != CUDA_SUCCESS) text = NULL;
  return cu_error(cu_status_of(result), "%s: %s (%d)%s%s%s%s", call, name, (int)result,
                  text ? ": " : "", text ? text : "", detail ? "; " : "", detail ? detail : "");
}

int32_t cu_check(CUresult result, const char *call_format, ...) {
  if (result == CUDA_SUCCESS) return XHAL_STATUS_OK;
  va_list args;
  va_start(args, call_format);
  const int32_t status = cu_vcheck(result, NULL, call_format, args);
  va_end(args);
  return status;
}

int32_t cu_check_detail(CUresult result, const char *detail, const char *call_format, ...) {
  if (result == CUDA_SUCCESS) return XHAL_STATUS_OK;
  va_list args;
  va_start(args, call_format);
  const int32_t status = cu_vcheck(result, detail && *detail ? detail : NULL, call_format, args);
  va_end(args);
  return status;
}
