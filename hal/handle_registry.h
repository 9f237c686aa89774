/* handle_registry.h - the set of live libxhal handles, so that a destroyed or
 * foreign handle is reported as INVALID_HANDLE instead of being dereferenced. */
#ifndef XHAL_HAL_HANDLE_REGISTRY_H
#define XHAL_HAL_HANDLE_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <xhal/xhal.h>

typedef enum xhal__handle_type {
  XHAL__HANDLE_CONTEXT = 1,
  XHAL__HANDLE_DEVICE,
  XHAL__HANDLE_BUFFER,
  XHAL__HANDLE_STREAM,
  XHAL__HANDLE_EVENT,
  XHAL__HANDLE_MODULE,
  XHAL__HANDLE_FUNCTION,
  XHAL__HANDLE_COMMUNICATOR,
} xhal__handle_type_t;

/* Thread-safe. Registering can fail only for lack of memory. */
xhal_status_t xhal__handle_register(const void *handle, xhal__handle_type_t type);
void xhal__handle_unregister(const void *handle);
bool xhal__handle_is_live(const void *handle, xhal__handle_type_t type);

/* For hot paths that check several handles: hold the registry lock across
 * the checks instead of taking it once per handle. */
void xhal__handle_lock(void);
void xhal__handle_unlock(void);
bool xhal__handle_is_live_locked(const void *handle, xhal__handle_type_t type);

/* Returns OK, or INVALID_HANDLE with a message naming the argument
 * ("xhal_op_launch: stream 0x... is not a live stream"). */
xhal_status_t xhal__handle_check(const char *call, const char *argument, const void *handle,
                                 xhal__handle_type_t type);

#endif
