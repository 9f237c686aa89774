/* ocl_error.h - the OpenCL backend's one place for errors: OpenCL codes are
 * named and translated to xhal statuses here and nowhere else, and every
 * message goes to the host through ocl_error/ocl_log. */
#ifndef XHAL_OCL_ERROR_H
#define XHAL_OCL_ERROR_H

#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <stdatomic.h>
#include <xhal/xhal_plugin.h>

/* Host services, stored by the entry point before any other call. Atomic:
 * two contexts may load the plugin from two threads at once. */
extern _Atomic(const xhal_host_api_v1_t *) ocl__host;

/* Formats a message, hands it to host->set_error and returns status, so that
 * callers write `return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "...", v);`.
 * Messages do not repeat the slot name (the host prefixes it). */
int32_t ocl_error(int32_t status, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* The last message ocl_error reported on the calling thread ("" if none),
 * for callers that turn an error into a log line instead of returning it. */
const char *ocl_last_message(void);

/* Logs a line through the host at an xhal_log_level_t. */
void ocl_log(uint32_t level, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* "CL_OUT_OF_RESOURCES" for -5; "unknown OpenCL error" for codes no header
 * of OpenCL 3.0 or its Khronos/vendor extensions defines. Never NULL. */
const char *ocl_cl_error_name(cl_int code);

/* The xhal status for an OpenCL code (an API return value or a negative
 * command execution status): CL_SUCCESS -> OK; allocation failures -> OUT_OF_MEMORY;
 * CL_DEVICE_NOT_AVAILABLE and context loss -> DEVICE_LOST; compiler/linker
 * absent, unsupported image formats -> UNSUPPORTED; invalid values, sizes, build
 * options and failed builds (the caller's input) -> INVALID_ARGUMENT;
 * CL_INVALID_KERNEL_NAME -> NOT_FOUND; invalid handles, which only a bug in
 * this backend can produce, and anything unknown -> INTERNAL. */
int32_t ocl_status_from_cl(cl_int code);

/* The xhal status for the negative execution status of a failed command;
 * never OK. */
int32_t ocl_execution_status(cl_int execution_status);

/* OK if err is CL_SUCCESS. Otherwise reports the translated status with the
 * message "<call>: <NAME> (<code>)", where <call> is call_format formatted,
 * e.g. "clCreateBuffer(1073741824 bytes): CL_MEM_OBJECT_ALLOCATION_FAILURE (-4)",
 * and returns that status. */
int32_t ocl_check(cl_int err, const char *call_format, ...) __attribute__((format(printf, 2, 3)));

#define OCL_RETURN_IF_ERROR(expr)                                                                  \
  do {                                                                                             \
    int32_t ocl__status = (expr);                                                                  \
    if (ocl__status != XHAL_STATUS_OK) return ocl__status;                                         \
  } while (0)

#endif
