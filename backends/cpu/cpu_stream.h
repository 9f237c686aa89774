/* cpu_stream.h - in-order streams of the CPU backend, each with one worker
 * thread that runs enqueued tasks; events and host callbacks ride on it. */
#ifndef XHAL_CPU_STREAM_H
#define XHAL_CPU_STREAM_H

#include <xhal/xhal_plugin.h>

/* A unit of stream work. run() executes on the worker thread and returns a
 * status; the first failing status is kept as the stream's error, and later
 * tasks still run (so events complete) but see it. release() frees arg after
 * run (may be NULL). */
typedef int32_t (*cpu_task_run_fn)(void *arg);
typedef void (*cpu_task_release_fn)(void *arg);

int32_t cpu_stream_create(xhal_plugin_device_t *device, xhal_plugin_stream_t **out_stream);
int32_t cpu_stream_destroy(xhal_plugin_stream_t *stream);
int32_t cpu_stream_synchronize(xhal_plugin_stream_t *stream);
xhal_plugin_device_t *cpu_stream_device(const xhal_plugin_stream_t *stream);

/* Enqueues a task. On failure arg is released by the caller, not the stream. */
int32_t cpu_stream_enqueue(xhal_plugin_stream_t *stream, cpu_task_run_fn run,
                           cpu_task_release_fn release, void *arg);

/* The stream's pending error (first failure since the last synchronize),
 * read from a task running on that stream. */
int32_t cpu_stream_peek_error(xhal_plugin_stream_t *stream);

int32_t cpu_stream_add_callback(xhal_plugin_stream_t *stream, xhal_plugin_stream_callback_fn fn,
                                void *user_data);

/* Copies and fills, enqueued as tasks. */
int32_t cpu_copy_host_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                uint64_t dst_offset, const void *src, uint64_t size);
int32_t cpu_copy_device_to_host(xhal_plugin_stream_t *stream, void *dst,
                                xhal_plugin_buffer_t *src, uint64_t src_offset, uint64_t size);
int32_t cpu_copy_device_to_device(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *dst,
                                  uint64_t dst_offset, xhal_plugin_buffer_t *src,
                                  uint64_t src_offset, uint64_t size);
int32_t cpu_buffer_fill(xhal_plugin_stream_t *stream, xhal_plugin_buffer_t *buffer,
                        uint64_t offset, uint64_t size, uint32_t value);

#endif
