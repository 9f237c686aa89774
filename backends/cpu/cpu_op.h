/* cpu_op.h - operator validation and execution of the CPU backend.
 *
 * op_launch is split so that validation happens on the caller's thread (the
 * caller gets INVALID_ARGUMENT/UNSUPPORTED at once, with a message) and the
 * arithmetic happens on the stream's worker thread. */
#ifndef XHAL_CPU_OP_H
#define XHAL_CPU_OP_H

#include <xhal/xhal_plugin.h>

typedef struct cpu_op_call cpu_op_call_t;

/* OK if the op, dtypes, ranks, shapes and attributes are supported;
 * UNSUPPORTED or INVALID_ARGUMENT with a message otherwise. Buffers may be
 * NULL. Thread-safe, touches no tensor memory. */
int32_t cpu_op_supported(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc);

/* Validates desc (buffers must be non-NULL, on device, and large enough for
 * every view) and snapshots everything execution needs (attributes copied,
 * data pointers resolved) into a heap object owned by the caller. */
int32_t cpu_op_prepare(xhal_plugin_device_t *device, const xhal_plugin_op_desc_t *desc,
                       cpu_op_call_t **out_call);

/* Runs a prepared call (on a stream worker). Returns OK or an error status
 * (e.g. INTERNAL on a failed scratch allocation). */
int32_t cpu_op_execute(cpu_op_call_t *call);

void cpu_op_call_free(cpu_op_call_t *call);

#endif
