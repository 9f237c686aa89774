/* status.c - status strings, the thread-local error message, and the
 * conversion of plugin statuses into libxhal statuses. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XHAL__MESSAGE_MAX 1024

static _Thread_local char xhal__thread_message[XHAL__MESSAGE_MAX];
static _Thread_local char xhal__thread_plugin_message[XHAL__MESSAGE_MAX];

XHAL_API const char *xhal_status_string(xhal_status_t status) {
  switch (status) {
#define XHAL__STATUS_CASE(name, value, text)                                                       \
  case XHAL_STATUS_##name:                                                                         \
    return text;
    XHAL_STATUS_LIST(XHAL__STATUS_CASE)
#undef XHAL__STATUS_CASE
    default:
      return "unknown status";
  }
}

XHAL_API const char *xhal_last_error(void) { return xhal__thread_message; }

xhal_status_t xhal__error(xhal_status_t status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(xhal__thread_message, sizeof xhal__thread_message, format, args);
  va_end(args);
  return status;
}

void xhal__plugin_message_clear(void) { xhal__thread_plugin_message[0] = '\0'; }

const char *xhal__plugin_message(void) { return xhal__thread_plugin_message; }

void xhal__host_set_error(int32_t status, const char *message) {
  (void)status;
  snprintf(xhal__thread_plugin_message, sizeof xhal__thread_plugin_message, "%s",
           message ? message : "");
}

void xhal__host_log(uint32_t level, const char *message) {
  static const char *const level_names[] = {"error", "warning", "info", "debug"};
  const char *threshold = getenv("XHAL_LOG");
  /* Errors and warnings always print; info and debug only when asked for, so
   * that library users are not spammed. */
  uint32_t max_level = 1;
  if (threshold) max_level = (uint32_t)atoi(threshold);
  if (level > max_level) return;
  fprintf(stderr, "xhal: %s: %s\n", level < 4 ? level_names[level] : "log",
          message ? message : "");
}

static int xhal__is_known_status(int32_t status) {
  switch (status) {
#define XHAL__STATUS_KNOWN(name, value, text) case value:
    XHAL_STATUS_LIST(XHAL__STATUS_KNOWN)
#undef XHAL__STATUS_KNOWN
    return 1;
    default:
      return 0;
  }
}

xhal_status_t xhal__from_plugin(const char *backend, const char *call, int32_t plugin_status) {
  if (plugin_status == XHAL_STATUS_OK) return XHAL_STATUS_OK;
  if (!xhal__is_known_status(plugin_status)) {
    return xhal__error(XHAL_STATUS_INTERNAL, "%s: %s returned unknown status %d", backend, call,
                       (int)plugin_status);
  }
  const char *detail = xhal__thread_plugin_message[0] ? xhal__thread_plugin_message
                                                      : xhal_status_string(plugin_status);
  return xhal__error((xhal_status_t)plugin_status, "%s: %s: %s", backend, call, detail);
}

/* ---- names --------------------------------------------------------------- */

XHAL_API const char *xhal_dtype_name(xhal_dtype_t dtype) {
  switch (dtype) {
#define XHAL__DTYPE_NAME(name, value, size, text)                                                  \
  case XHAL_DTYPE_##name:                                                                          \
    return text;
    XHAL_DTYPE_LIST(XHAL__DTYPE_NAME)
#undef XHAL__DTYPE_NAME
    default:
      return "?";
  }
}

XHAL_API size_t xhal_dtype_size(xhal_dtype_t dtype) {
  switch (dtype) {
#define XHAL__DTYPE_SIZE(name, value, size, text)                                                  \
  case XHAL_DTYPE_##name:                                                                          \
    return size;
    XHAL_DTYPE_LIST(XHAL__DTYPE_SIZE)
#undef XHAL__DTYPE_SIZE
    default:
      return 0;
  }
}

XHAL_API xhal_dtype_t xhal_dtype_from_name(const char *name) {
  if (!name) return XHAL_DTYPE_INVALID;
#define XHAL__DTYPE_FROM(ename, value, size, text)                                                 \
  if (strcmp(name, text) == 0) return XHAL_DTYPE_##ename;
  XHAL_DTYPE_LIST(XHAL__DTYPE_FROM)
#undef XHAL__DTYPE_FROM
  return XHAL_DTYPE_INVALID;
}

XHAL_API const char *xhal_op_name(xhal_op_t op) {
  switch (op) {
#define XHAL__OP_NAME(name, value, onnx_name)                                                      \
  case XHAL_OP_##name:                                                                             \
    return onnx_name;
    XHAL_OP_LIST(XHAL__OP_NAME)
#undef XHAL__OP_NAME
    default:
      return "?";
  }
}

XHAL_API xhal_op_t xhal_op_from_name(const char *onnx_name) {
  if (!onnx_name) return XHAL_OP_INVALID;
#define XHAL__OP_FROM(name, value, text)                                                           \
  if (strcmp(onnx_name, text) == 0) return XHAL_OP_##name;
  XHAL_OP_LIST(XHAL__OP_FROM)
#undef XHAL__OP_FROM
  return XHAL_OP_INVALID;
}
