/* cpu_event.h - events of the CPU backend: a completion counter per event
 * that a stream task bumps; waits are condition-variable sleeps. */
#ifndef XHAL_CPU_EVENT_H
#define XHAL_CPU_EVENT_H

#include <xhal/xhal_plugin.h>

int32_t cpu_event_create(xhal_plugin_device_t *device, xhal_plugin_event_t **out_event);
int32_t cpu_event_destroy(xhal_plugin_event_t *event);
int32_t cpu_event_record(xhal_plugin_event_t *event, xhal_plugin_stream_t *stream);
int32_t cpu_stream_wait_event(xhal_plugin_stream_t *stream, xhal_plugin_event_t *event);
int32_t cpu_event_query(xhal_plugin_event_t *event);
int32_t cpu_event_synchronize(xhal_plugin_event_t *event);
int32_t cpu_event_elapsed_ns(xhal_plugin_event_t *start, xhal_plugin_event_t *end,
                             uint64_t *out_ns);

#endif
