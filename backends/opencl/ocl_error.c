/* ocl_error.c - names and translation of OpenCL error codes, and messages
 * for the host. */
#include "ocl_error.h"

#include <stdarg.h>
#include <stdio.h>

_Atomic(const xhal_host_api_v1_t *) ocl__host;

/* One table gives every code its name and its xhal status. Values are
 * literal so that codes of extensions the installed headers lack still get
 * their names. Where two extensions share a value, the Khronos name wins. */
#define OCL_CL_ERROR_LIST(X)                                                                       \
  X(CL_SUCCESS, 0, OK)                                                                             \
  X(CL_DEVICE_NOT_FOUND, -1, INTERNAL)                                                             \
  X(CL_DEVICE_NOT_AVAILABLE, -2, DEVICE_LOST)                                                      \
  X(CL_COMPILER_NOT_AVAILABLE, -3, UNSUPPORTED)                                                    \
  X(CL_MEM_OBJECT_ALLOCATION_FAILURE, -4, OUT_OF_MEMORY)                                           \
  X(CL_OUT_OF_RESOURCES, -5, OUT_OF_MEMORY)                                                        \
  X(CL_OUT_OF_HOST_MEMORY, -6, OUT_OF_MEMORY)                                                      \
  X(CL_PROFILING_INFO_NOT_AVAILABLE, -7, UNSUPPORTED)                                              \
  X(CL_MEM_COPY_OVERLAP, -8, INVALID_ARGUMENT)                                                     \
  X(CL_IMAGE_FORMAT_MISMATCH, -9, INVALID_ARGUMENT)                                                \
  X(CL_IMAGE_FORMAT_NOT_SUPPORTED, -10, UNSUPPORTED)                                               \
  X(CL_BUILD_PROGRAM_FAILURE, -11, INVALID_ARGUMENT)                                               \
  X(CL_MAP_FAILURE, -12, INTERNAL)                                                                 \
  X(CL_MISALIGNED_SUB_BUFFER_OFFSET, -13, INVALID_ARGUMENT)                                        \
  X(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, -14, INTERNAL)                                   \
  X(CL_COMPILE_PROGRAM_FAILURE, -15, INVALID_ARGUMENT)                                             \
  X(CL_LINKER_NOT_AVAILABLE, -16, UNSUPPORTED)                                                     \
  X(CL_LINK_PROGRAM_FAILURE, -17, INVALID_ARGUMENT)                                                \
  X(CL_DEVICE_PARTITION_FAILED, -18, UNSUPPORTED)                                                  \
  X(CL_KERNEL_ARG_INFO_NOT_AVAILABLE, -19, UNSUPPORTED)                                            \
  X(CL_INVALID_VALUE, -30, INVALID_ARGUMENT)                                                       \
  X(CL_INVALID_DEVICE_TYPE, -31, INTERNAL)                                                         \
  X(CL_INVALID_PLATFORM, -32, INTERNAL)                                                            \
  X(CL_INVALID_DEVICE, -33, INTERNAL)                                                              \
  X(CL_INVALID_CONTEXT, -34, INTERNAL)                                                             \
  X(CL_INVALID_QUEUE_PROPERTIES, -35, UNSUPPORTED)                                                 \
  X(CL_INVALID_COMMAND_QUEUE, -36, INTERNAL)                                                       \
  X(CL_INVALID_HOST_PTR, -37, INTERNAL)                                                            \
  X(CL_INVALID_MEM_OBJECT, -38, INTERNAL)                                                          \
  X(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR, -39, INVALID_ARGUMENT)                                     \
  X(CL_INVALID_IMAGE_SIZE, -40, INVALID_ARGUMENT)                                                  \
  X(CL_INVALID_SAMPLER, -41, INTERNAL)                                                             \
  X(CL_INVALID_BINARY, -42, INVALID_ARGUMENT)                                                      \
  X(CL_INVALID_BUILD_OPTIONS, -43, INVALID_ARGUMENT)                                               \
  X(CL_INVALID_PROGRAM, -44, INTERNAL)                                                             \
  X(CL_INVALID_PROGRAM_EXECUTABLE, -45, INVALID_ARGUMENT)                                          \
  X(CL_INVALID_KERNEL_NAME, -46, NOT_FOUND)                                                        \
  X(CL_INVALID_KERNEL_DEFINITION, -47, INVALID_ARGUMENT)                                           \
  X(CL_INVALID_KERNEL, -48, INTERNAL)                                                              \
  X(CL_INVALID_ARG_INDEX, -49, INVALID_ARGUMENT)                                                   \
  X(CL_INVALID_ARG_VALUE, -50, INVALID_ARGUMENT)                                                   \
  X(CL_INVALID_ARG_SIZE, -51, INVALID_ARGUMENT)                                                    \
  X(CL_INVALID_KERNEL_ARGS, -52, INVALID_ARGUMENT)                                                 \
  X(CL_INVALID_WORK_DIMENSION, -53, INVALID_ARGUMENT)                                              \
  X(CL_INVALID_WORK_GROUP_SIZE, -54, INVALID_ARGUMENT)                                             \
  X(CL_INVALID_WORK_ITEM_SIZE, -55, INVALID_ARGUMENT)                                              \
  X(CL_INVALID_GLOBAL_OFFSET, -56, INVALID_ARGUMENT)                                               \
  X(CL_INVALID_EVENT_WAIT_LIST, -57, INTERNAL)                                                     \
  X(CL_INVALID_EVENT, -58, INTERNAL)                                                               \
  X(CL_INVALID_OPERATION, -59, INVALID_ARGUMENT)                                                   \
  X(CL_INVALID_GL_OBJECT, -60, INTERNAL)                                                           \
  X(CL_INVALID_BUFFER_SIZE, -61, INVALID_ARGUMENT)                                                 \
  X(CL_INVALID_MIP_LEVEL, -62, INTERNAL)                                                           \
  X(CL_INVALID_GLOBAL_WORK_SIZE, -63, INVALID_ARGUMENT)                                            \
  X(CL_INVALID_PROPERTY, -64, INVALID_ARGUMENT)                                                    \
  X(CL_INVALID_IMAGE_DESCRIPTOR, -65, INVALID_ARGUMENT)                                            \
  X(CL_INVALID_COMPILER_OPTIONS, -66, INVALID_ARGUMENT)                                            \
  X(CL_INVALID_LINKER_OPTIONS, -67, INVALID_ARGUMENT)                                              \
  X(CL_INVALID_DEVICE_PARTITION_COUNT, -68, INVALID_ARGUMENT)                                      \
  X(CL_INVALID_PIPE_SIZE, -69, INVALID_ARGUMENT)                                                   \
  X(CL_INVALID_DEVICE_QUEUE, -70, INTERNAL)                                                        \
  X(CL_INVALID_SPEC_ID, -71, INVALID_ARGUMENT)                                                     \
  X(CL_MAX_SIZE_RESTRICTION_EXCEEDED, -72, INVALID_ARGUMENT)                                       \
  X(CL_INVALID_GL_SHAREGROUP_REFERENCE_KHR, -1000, INTERNAL)                                       \
  X(CL_PLATFORM_NOT_FOUND_KHR, -1001, INTERNAL)                                                    \
  X(CL_INVALID_D3D10_DEVICE_KHR, -1002, INTERNAL)                                                  \
  X(CL_INVALID_D3D10_RESOURCE_KHR, -1003, INTERNAL)                                                \
  X(CL_D3D10_RESOURCE_ALREADY_ACQUIRED_KHR, -1004, INTERNAL)                                       \
  X(CL_D3D10_RESOURCE_NOT_ACQUIRED_KHR, -1005, INTERNAL)                                           \
  X(CL_INVALID_D3D11_DEVICE_KHR, -1006, INTERNAL)                                                  \
  X(CL_INVALID_D3D11_RESOURCE_KHR, -1007, INTERNAL)                                                \
  X(CL_D3D11_RESOURCE_ALREADY_ACQUIRED_KHR, -1008, INTERNAL)                                       \
  X(CL_D3D11_RESOURCE_NOT_ACQUIRED_KHR, -1009, INTERNAL)                                           \
  X(CL_INVALID_DX9_MEDIA_ADAPTER_KHR, -1010, INTERNAL)                                             \
  X(CL_INVALID_DX9_MEDIA_SURFACE_KHR, -1011, INTERNAL)                                             \
  X(CL_DX9_MEDIA_SURFACE_ALREADY_ACQUIRED_KHR, -1012, INTERNAL)                                    \
  X(CL_DX9_MEDIA_SURFACE_NOT_ACQUIRED_KHR, -1013, INTERNAL)                                        \
  X(CL_DEVICE_PARTITION_FAILED_EXT, -1057, UNSUPPORTED)                                            \
  X(CL_INVALID_PARTITION_COUNT_EXT, -1058, INVALID_ARGUMENT)                                       \
  X(CL_INVALID_PARTITION_NAME_EXT, -1059, INVALID_ARGUMENT)                                        \
  X(CL_EGL_RESOURCE_NOT_ACQUIRED_KHR, -1092, INTERNAL)                                             \
  X(CL_INVALID_EGL_OBJECT_KHR, -1093, INTERNAL)                                                    \
  X(CL_INVALID_ACCELERATOR_INTEL, -1094, INTERNAL)                                                 \
  X(CL_INVALID_ACCELERATOR_TYPE_INTEL, -1095, INVALID_ARGUMENT)                                    \
  X(CL_INVALID_ACCELERATOR_DESCRIPTOR_INTEL, -1096, INVALID_ARGUMENT)                              \
  X(CL_ACCELERATOR_TYPE_NOT_SUPPORTED_INTEL, -1097, UNSUPPORTED)                                   \
  X(CL_INVALID_VA_API_MEDIA_ADAPTER_INTEL, -1098, INTERNAL)                                        \
  X(CL_INVALID_VA_API_MEDIA_SURFACE_INTEL, -1099, INTERNAL)                                        \
  X(CL_VA_API_MEDIA_SURFACE_ALREADY_ACQUIRED_INTEL, -1100, INTERNAL)                               \
  X(CL_VA_API_MEDIA_SURFACE_NOT_ACQUIRED_INTEL, -1101, INTERNAL)                                   \
  X(CL_COMMAND_TERMINATED_ITSELF_WITH_FAILURE_ARM, -1108, INTERNAL)                                \
  X(CL_CONTEXT_TERMINATED_KHR, -1121, DEVICE_LOST)                                                 \
  X(CL_INVALID_COMMAND_BUFFER_KHR, -1138, INTERNAL)                                                \
  X(CL_INVALID_SYNC_POINT_WAIT_LIST_KHR, -1139, INTERNAL)                                          \
  X(CL_INCOMPATIBLE_COMMAND_QUEUE_KHR, -1140, INTERNAL)                                            \
  X(CL_INVALID_MUTABLE_COMMAND_KHR, -1141, INTERNAL)                                               \
  X(CL_INVALID_SEMAPHORE_KHR, -1142, INTERNAL)

typedef struct ocl_cl_error {
  cl_int code;
  int32_t status;
  const char *name;
} ocl_cl_error_t;

static const ocl_cl_error_t ocl_cl_errors[] = {
#define OCL_CL_ERROR_ENTRY(name, value, status) {value, XHAL_STATUS_##status, #name},
    OCL_CL_ERROR_LIST(OCL_CL_ERROR_ENTRY)
#undef OCL_CL_ERROR_ENTRY
};

static const ocl_cl_error_t *ocl_cl_error_find(cl_int code) {
  for (size_t i = 0; i < sizeof ocl_cl_errors / sizeof ocl_cl_errors[0]; ++i) {
    if (ocl_cl_errors[i].code == code) return &ocl_cl_errors[i];
  }
  return NULL;
}

const char *ocl_cl_error_name(cl_int code) {
  const ocl_cl_error_t *entry = ocl_cl_error_find(code);
  return entry ? entry->name : "unknown OpenCL error";
}

int32_t ocl_status_from_cl(cl_int code) {
  const ocl_cl_error_t *entry = ocl_cl_error_find(code);
  return entry ? entry->status : XHAL_STATUS_INTERNAL;
}

int32_t ocl_execution_status(cl_int execution_status) {
  int32_t status = ocl_status_from_cl(execution_status);
  /* A command that failed while running is not the caller's bad argument,
   * whatever code the driver chose. */
  return status == XHAL_STATUS_OK || status == XHAL_STATUS_INVALID_ARGUMENT ? XHAL_STATUS_INTERNAL
                                                                            : status;
}

static _Thread_local char ocl_thread_message[4096];

const char *ocl_last_message(void) { return ocl_thread_message; }

int32_t ocl_error(int32_t status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(ocl_thread_message, sizeof ocl_thread_message, format, args);
  va_end(args);
  const xhal_host_api_v1_t *host = atomic_load(&ocl__host);
  if (host && host->set_error) host->set_error(status, ocl_thread_message);
  return status;
}

void ocl_log(uint32_t level, const char *format, ...) {
  char message[4096];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  const xhal_host_api_v1_t *host = atomic_load(&ocl__host);
  if (host && host->log) host->log(level, message);
}

int32_t ocl_check(cl_int err, const char *call_format, ...) {
  if (err == CL_SUCCESS) return XHAL_STATUS_OK;
  char call[1024];
  va_list args;
  va_start(args, call_format);
  vsnprintf(call, sizeof call, call_format, args);
  va_end(args);
  int32_t status = ocl_status_from_cl(err);
  /* A failing call must never read as success, even for codes a driver
   * invents with a positive value. */
  if (status == XHAL_STATUS_OK) status = XHAL_STATUS_INTERNAL;
  return ocl_error(status, "%s: %s (%d)", call, ocl_cl_error_name(err), (int)err);
}
