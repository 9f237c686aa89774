/* cu_collectives.h - native collectives among the CUDA backend's devices,
 * through NCCL (cu_nccl.h).
 *
 * communicator_create builds one NCCL communicator per device with
 * ncclCommInitAll (rank i = devices[i]); every collective enqueues one NCCL
 * call per rank inside ncclGroupStart/ncclGroupEnd on the ranks' streams
 * and returns. Without libnccl.so.2, communicator_create answers
 * UNSUPPORTED and libxhal stages collectives through host memory; the
 * devices then do not declare XHAL_FEATURE_COLLECTIVES. A device set that
 * ncclCommInitAll cannot connect is declined the same way.
 *
 * Semantics beyond xhal_plugin.h (docs/collectives.md):
 *  - Reductions follow NCCL's arithmetic (its order of combination; f16 and
 *    bf16 in their own precision); i8, u8, i32, u32, i64, u64, f16, f32,
 *    f64 and (NCCL 2.10+) bf16 reduce; i16, u16 and bool are UNSUPPORTED
 *    for reductions (libxhal then stages that call). Broadcast, all_gather
 *    and send_recv move bytes and take every dtype.
 *  - Validation happens before the first NCCL call, so an operation is
 *    enqueued on every rank or, with an error, on none.
 *  - send_recv from a rank to itself is a device copy on the source stream
 *    (ordered after both streams' earlier work, with memmove semantics).
 *  - communicator_abort calls ncclCommAbort on every rank; later calls
 *    return ABORTED. group_begin/group_end are NULL. */
#ifndef XHAL_CU_COLLECTIVES_H
#define XHAL_CU_COLLECTIVES_H

#include "cu_device.h"

extern const xhal_plugin_collectives_v1_t cu_collectives_v1;

/* Also called by instance_destroy for communicators left alive. */
int32_t cu_communicator_destroy(xhal_plugin_communicator_t *comm);

#endif
