/* ocl_event.h - events of the OpenCL backend.
 *
 * event_record enqueues a marker on the stream and keeps its cl_event (a
 * re-record replaces it). stream_wait_event on the same device enqueues a
 * barrier on that marker. An event of another device lives in another
 * cl_context, which no wait list may name: the waiting stream then gets a
 * barrier on a user event of its own context, completed by the marker's
 * completion callback. Either way a failure of the awaited work also fails
 * the waiting stream's later work (OpenCL propagates negative statuses
 * through wait lists; the user event carries it across contexts).
 *
 * Thread safety: all calls are thread-safe; record and wait follow the
 * stream's one-thread-at-a-time rule. */
#ifndef XHAL_OCL_EVENT_H
#define XHAL_OCL_EVENT_H

#include "ocl_device.h"

int32_t ocl_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event);
int32_t ocl_event_destroy(xhal_plugin_event_t *event);
int32_t ocl_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream);
int32_t ocl_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event);
int32_t ocl_event_query(xhal_plugin_event_t *event);
int32_t ocl_event_synchronize(xhal_plugin_event_t *event);
/* Nanoseconds between the markers' CL_PROFILING_COMMAND_END; both events on
 * one device (devices' profiling clocks are unrelated). */
int32_t ocl_event_elapsed_ns(xhal_plugin_event_t *start, xhal_plugin_event_t *end,
                             uint64_t *out_ns);

#endif
