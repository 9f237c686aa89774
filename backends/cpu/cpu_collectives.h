/* cpu_collectives.h - native collectives among the CPU backend's devices.
 *
 * CPU devices share host memory, so a collective is one task per rank,
 * enqueued on that rank's stream. The tasks meet at a rendezvous, each rank
 * then computes its slice of the result straight between the ranks' buffers,
 * and a second rendezvous holds every stream until all slices are written.
 *
 * Semantics beyond xhal_plugin.h:
 *  - Reductions run in rank order 0..n-1, so every rank gets bit-identical
 *    results and a rerun gives the same bits. f16/bf16 accumulate in f32 and
 *    round once to nearest even; integers wrap around. Float min/max return
 *    NaN if any rank has NaN and order -0 below +0.
 *  - count 0 is valid and enqueues nothing.
 *  - broadcast reads send only at the root; other ranks' send may be NULL.
 *  - In place means the same buffer at the same offset, allowed for
 *    all_reduce and broadcast (at the root); any other overlap of a rank's
 *    send and recv ranges is INVALID_ARGUMENT. send_recv from a rank to
 *    itself copies with memmove semantics.
 *  - NULL offset arrays mean all offsets are zero. Offsets must be
 *    multiples of the element size (INVALID_ARGUMENT otherwise).
 *  - communicator_abort may be called from any thread at any time. Tasks
 *    still waiting for their peers return ABORTED (they touch no memory), as
 *    do later calls. An operation whose ranks have all met runs to the end.
 *  - communicator_destroy does not wait: operations already enqueued keep
 *    the communicator alive until they finish.
 *  - group_begin/group_end are NULL: every call is issued at once. Each rank's
 *    task runs on its own stream's worker, and streams run in issue order,
 *    so calls issued in one order by the stream owners cannot deadlock.
 */
#ifndef XHAL_CPU_COLLECTIVES_H
#define XHAL_CPU_COLLECTIVES_H

#include <xhal/xhal_plugin.h>

/* The table cpu_plugin.c exposes through api.collectives. */
extern const xhal_plugin_collectives_v1_t cpu_collectives_v1;

#endif
