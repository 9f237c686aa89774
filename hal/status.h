/* status.h - libxhal's error model: a thread-local message beside every
 * returned status, and the translation of plugin statuses. */
#ifndef XHAL_HAL_STATUS_H
#define XHAL_HAL_STATUS_H

#include <xhal/xhal.h>

/* Sets the calling thread's message and returns status. */
xhal_status_t xhal__error(xhal_status_t status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears the thread's pending plugin message (call before a plugin call). */
void xhal__plugin_message_clear(void);
/* The message the plugin attached on this thread with host->set_error, or "". */
const char *xhal__plugin_message(void);
/* host->set_error and host->log implementations handed to plugins. */
void xhal__host_set_error(int32_t status, const char *message);
void xhal__host_log(uint32_t level, const char *message);

/* Converts a plugin's return value into an xhal status, building the message
 * "<backend>: <call>: <plugin message or status name>". Unknown codes become
 * INTERNAL with the value in the message. */
xhal_status_t xhal__from_plugin(const char *backend, const char *call, int32_t plugin_status);

#define XHAL_RETURN_IF_ERROR(expr)                                                                 \
  do {                                                                                             \
    xhal_status_t xhal__status = (expr);                                                           \
    if (xhal__status != XHAL_STATUS_OK) return xhal__status;                                       \
  } while (0)

/* Calls a plugin slot and converts its status; `device` is an xhal_device_t*. */
#define XHAL__PLUGIN_CALL(device, slot, ...)                                                       \
  (xhal__plugin_message_clear(),                                                                   \
   xhal__from_plugin((device)->plugin->name, #slot, (device)->plugin->api.slot(__VA_ARGS__)))

#endif
