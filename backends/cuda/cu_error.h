/* cu_error.h - the CUDA backend's one place for errors.
 *
 * Every CUresult is translated to an xhal status by cu_check() and nowhere
 * else; every message reaches the host through cu_error()/cu_log().
 * Messages do not repeat the slot name (the host prefixes it). */
#ifndef XHAL_CU_ERROR_H
#define XHAL_CU_ERROR_H

#include <cuda.h>
#include <stdatomic.h>
#include <xhal/xhal_plugin.h>

/* Host services, stored by the entry point before any other call. Atomic:
 * two contexts may load the plugin from two threads at once. */
extern _Atomic(const xhal_host_api_v1_t *) cu__host;

/* Formats a message, hands it to host->set_error and returns status, so
 * callers write `return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "...", v);`. */
int32_t cu_error(int32_t status, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Logs a line through the host at an xhal_log_level_t. */
void cu_log(uint32_t level, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* "CUDA_ERROR_OUT_OF_MEMORY" for 2: the driver's cuGetErrorName when the
 * driver is loaded and knows the code, else the backend's own table, else
 * "CUresult <n>" (in buffer). Never NULL. */
const char *cu_result_name(CUresult result, char *buffer, size_t size);

/* OK if result is CUDA_SUCCESS. Otherwise translates result to an xhal
 * status, reports "<call>: <NAME> (<code>): <description>" where <call> is
 * call_format formatted with its values, e.g.
 * "cuMemAlloc(1073741824 bytes): CUDA_ERROR_OUT_OF_MEMORY (2): out of memory",
 * and returns that status. The translation:
 *   OUT_OF_MEMORY                    <- CUDA_ERROR_OUT_OF_MEMORY
 *   NOT_READY                        <- CUDA_ERROR_NOT_READY
 *   NOT_FOUND                        <- CUDA_ERROR_NOT_FOUND
 *   INVALID_ARGUMENT                 <- invalid values and images, PTX that
 *                                       does not compile, launch sizes the
 *                                       device rejects (the caller's input)
 *   UNSUPPORTED                      <- NOT_SUPPORTED, no binary for this
 *                                       GPU, unsupported PTX version, peer
 *                                       access unsupported, JIT disabled
 *   NO_DEVICE                        <- NO_DEVICE, STUB_LIBRARY
 *   INCOMPATIBLE                     <- driver/system mismatches, a driver
 *                                       older than the call needs
 *   DEVICE_LOST                      <- faults of running work (illegal
 *                                       address, launch failure, ECC,
 *                                       hardware errors), device unavailable,
 *                                       deinitialised driver
 *   INTERNAL                         <- everything else (invalid handles and
 *                                       contexts only a backend bug causes) */
int32_t cu_check(CUresult result, const char *call_format, ...)
    __attribute__((format(printf, 2, 3)));

/* cu_check() with detail appended to the message ("...; <detail>"), e.g.
 * a JIT compiler's log. detail may be NULL or empty. */
int32_t cu_check_detail(CUresult result, const char *detail, const char *call_format, ...)
    __attribute__((format(printf, 3, 4)));

/* The xhal status cu_check() reports for result (the translation above),
 * without a message and without calling the driver: for host callbacks,
 * which run on a driver thread where CUDA calls are not permitted. */
int32_t cu_status_of(CUresult result);

#define CU_RETURN_IF_ERROR(expr)                                                                   \
  do {                                                                                             \
    int32_t cu__status = (expr);                                                                   \
    if (cu__status != XHAL_STATUS_OK) return cu__status;                                           \
  } while (0)

#endif
