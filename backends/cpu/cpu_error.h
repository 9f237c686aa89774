/* cpu_error.h - the CPU backend's one place for reporting errors to the host. */
#ifndef XHAL_CPU_ERROR_H
#define XHAL_CPU_ERROR_H

#include <xhal/xhal_plugin.h>

/* Host services, set by the entry point before any other call. */
extern const xhal_host_api_v1_t *cpu__host;

/* Formats a message, hands it to host->set_error and returns status, so
 * callers write `return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "...%d", v);`. */
int32_t cpu_error(int32_t status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Logs a line through the host at the given xhal_log_level_t. */
void cpu_log(uint32_t level, const char *format, ...) __attribute__((format(printf, 2, 3)));

#define CPU_RETURN_IF_ERROR(expr)                                                                  \
  do {                                                                                             \
    int32_t cpu__status = (expr);                                                                  \
    if (cpu__status != XHAL_STATUS_OK) return cpu__status;                                         \
  } while (0)

#endif
