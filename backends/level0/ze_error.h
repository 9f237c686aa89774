/* ze_error.h - the Level Zero backend's one place for errors: ze_result_t
 * codes are named and translated to xhal statuses in ze_check() and nowhere
 * else, and every message reaches the host through ze__error/ze__log. */
#ifndef XHAL_ZE_ERROR_H
#define XHAL_ZE_ERROR_H

#include <level_zero/ze_api.h>
#include <stdatomic.h>
#include <xhal/xhal_plugin.h>

/* Host services, stored by the entry point before any other call. */
extern _Atomic(const xhal_host_api_v1_t *) ze__host;

/* Formats a message, hands it to host->set_error and returns status. */
int32_t ze__error(int32_t status, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* The last message ze__error reported on the calling thread ("" if none). */
const char *ze__last_message(void);

/* Logs a line through the host at an xhal_log_level_t. */
void ze__log(uint32_t level, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* "ZE_RESULT_ERROR_DEVICE_LOST" for 0x70000001; "unknown ze_result_t" otherwise. */
const char *ze__result_name(ze_result_t result);

/* The one translation of ze_result_t: ZE_RESULT_SUCCESS -> OK and the
 * status below otherwise. When result is not ZE_RESULT_SUCCESS, reports
 * "<call>: <NAME> (0x<code>)" (call_format formatted, e.g.
 * "zeMemAllocDevice(1073741824 bytes): ZE_RESULT_ERROR_OUT_OF_DEVICE_MEMORY
 * (0x70000003)") and returns the status. */
int32_t ze__check(ze_result_t result, const char *call_format, ...)
    __attribute__((format(printf, 2, 3)));

/* The xhal status ze__check returns for result, without reporting. */
int32_t ze__status(ze_result_t result);

#define ZE_RETURN_IF_ERROR(expr)                                                                   \
  do {                                                                                             \
    int32_t ze__status_ = (expr);                                                                  \
    if (ze__status_ != XHAL_STATUS_OK) return ze__status_;                                         \
  } while (0)

#endif
