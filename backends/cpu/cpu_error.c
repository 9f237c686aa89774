/* cpu_error.c - formats messages for the host. */
#include "cpu_error.h"

#include <stdarg.h>
#include <stdio.h>

const xhal_host_api_v1_t *cpu__host;

int32_t cpu_error(int32_t status, const char *format, ...) {
  char message[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  if (cpu__host && cpu__host->set_error) cpu__host->set_error(status, message);
  return status;
}

void cpu_log(uint32_t level, const char *format, ...) {
  char message[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  if (cpu__host && cpu__host->log) cpu__host->log(level, message);
}
