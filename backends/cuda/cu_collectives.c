/* cu_collectives.c - collectives through NCCL (see cu_collectives.h). */
#include "cu_collectives.h"

#include <stdlib.h>
#include <string.h>

#include "../common/xhal_op_check.h"
#include "cu_buffer.h"
#include "cu_nccl.h"
#include "cu_stream.h"

struct xhal_plugin_communicator {
  cu_object_t object; /* on the instance's communicator list */
  xhal_plugin_instance_t *instance;
  pthread_mutex_t mutex; /* held while NCCL calls use comms */
  atomic_int aborted;
  int comms_released; /* ncclCommAbort freed them */
  uint32_t size;
  xhal_plugin_device_t **devices; /* [size] */
  cu_nccl_comm_t *comms;          /* [size] */
};

/* ---- creation ------------------------------------------------------------- */

static int32_t cu_comm_check_devices(xhal_plugin_device_t *const *devices, uint32_t count) {
  if (!devices || !count) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "devices %p, count %u", (const void *)devices,
                    count);
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (!devices[i]) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device %u is NULL", i);
    if (devices[i]->instance != devices[0]->instance)
      return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "device %u belongs to another instance", i);
    for (uint32_t j = 0; j < i; ++j) {
      if (devices[j] == devices[i])
        return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "ranks %u and %u are the same device", j, i);
    }
  }
  return XHAL_STATUS_OK;
}

static void cu_comm_free(xhal_plugin_communicator_t *comm) {
  pthread_mutex_destroy(&comm->mutex);
  free(comm->devices);
  free(comm->comms);
  free(comm);
}

static int32_t cu_communicator_create(xhal_plugin_device_t *const *devices, uint32_t count,
                                      xhal_plugin_communicator_t **out_comm) {
  CU_RETURN_IF_ERROR(cu_comm_check_devices(devices, count));
  if (!out_comm) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "out_comm is NULL");
  const char *reason = NULL;
  const cu_nccl_t *nccl = cu_nccl_load(&reason);
  if (!nccl) return cu_error(XHAL_STATUS_UNSUPPORTED, "%s", reason);
  xhal_plugin_communicator_t *comm = calloc(1, sizeof *comm);
  int *ordinals = calloc(count, sizeof *ordinals);
  if (comm) {
    comm->devices = calloc(count, sizeof *comm->devices);
    comm->comms = calloc(count, sizeof *comm->comms);
  }
  if (!comm || !ordinals || !comm->devices || !comm->comms) {
    if (comm) {
      free(comm->devices);
      free(comm->comms);
    }
    free(comm);
    free(ordinals);
    return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "communicator of %u ranks", count);
  }
  pthread_mutex_init(&comm->mutex, NULL);
  atomic_init(&comm->aborted, 0);
  comm->instance = devices[0]->instance;
  comm->size = count;
  for (uint32_t i = 0; i < count; ++i) {
    comm->devices[i] = devices[i];
    ordinals[i] = devices[i]->info.ordinal;
  }
  int32_t status = cu_context_enter(devices[0]);
  if (status == XHAL_STATUS_OK) {
    const cu_nccl_result_t result = nccl->ncclCommInitAll(comm->comms, (int)count, ordinals);
    cu_context_leave(devices[0]);
    /* Devices NCCL cannot connect are declined, so libxhal stages instead. */
    if (result != CU_NCCL_SUCCESS) {
      const char *text = nccl->ncclGetErrorString(result);
      status = cu_error(XHAL_STATUS_UNSUPPORTED,
                        "ncclCommInitAll over %u devices failed with ncclResult %d (%s)", count,
                        result, text ? text : "unknown error");
    }
  }
  free(ordinals);
  if (status != XHAL_STATUS_OK) {
    cu_comm_free(comm);
    return status;
  }
  cu_instance_track(comm->instance, &comm->object, CU_OBJECT_COMMUNICATOR);
  *out_comm = comm;
  return XHAL_STATUS_OK;
}

int32_t cu_communicator_destroy(xhal_plugin_communicator_t *comm) {
  if (!comm) return XHAL_STATUS_OK;
  cu_instance_untrack(comm->instance, &comm->object);
  const cu_nccl_t *nccl = cu_nccl_load(NULL);
  int32_t status = XHAL_STATUS_OK;
  if (!comm->comms_released && cu_context_enter(comm->devices[0]) == XHAL_STATUS_OK) {
    for (uint32_t r = 0; r < comm->size; ++r) {
      const int32_t s =
          cu_nccl_check(nccl, nccl->ncclCommDestroy(comm->comms[r]), "ncclCommDestroy");
      if (status == XHAL_STATUS_OK) status = s;
    }
    cu_context_leave(comm->devices[0]);
  }
  cu_comm_free(comm);
  return status;
}

static int32_t cu_communicator_abort(xhal_plugin_communicator_t *comm) {
  if (!comm) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "comm is NULL");
  atomic_store(&comm->aborted, 1);
  const cu_nccl_t *nccl = cu_nccl_load(NULL);
  pthread_mutex_lock(&comm->mutex);
  int32_t status = XHAL_STATUS_OK;
  if (!comm->comms_released) {
    for (uint32_t r = 0; r < comm->size; ++r) {
      const int32_t s = cu_nccl_check(nccl, nccl->ncclCommAbort(comm->comms[r]), "ncclCommAbort");
      if (status == XHAL_STATUS_OK) status = s;
    }
    comm->comms_released = 1;
  }
  pthread_mutex_unlock(&comm->mutex);
  return status;
}

/* ---- validation ------------------------------------------------------------- */

static int32_t cu_coll_check_comm(const xhal_plugin_communicator_t *comm) {
  if (!comm) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "comm is NULL");
  if (atomic_load(&comm->aborted))
    return cu_error(XHAL_STATUS_ABORTED, "the communicator was aborted");
  return XHAL_STATUS_OK;
}

/* stream and buffer of rank r on the rank's device; [offset, offset +
 * bytes) inside the buffer and offset a multiple of esize. */
static int32_t cu_coll_check_part(const xhal_plugin_communicator_t *comm, uint32_t r,
                                  const char *what, const xhal_plugin_buffer_t *buffer,
                                  uint64_t offset, uint64_t bytes, uint64_t esize) {
  if (!buffer) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "rank %u %s buffer is NULL", r, what);
  if (buffer->device != comm->devices[r]) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "rank %u %s buffer is on device %u, the rank on %u", r, what,
                    buffer->device->index, comm->devices[r]->index);
  }
  if (offset % esize) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "rank %u %s offset %llu is not a multiple of the element size %llu", r, what,
                    (unsigned long long)offset, (unsigned long long)esize);
  }
  return cu_buffer_check_range(what, buffer, offset, bytes);
}

static int32_t cu_coll_check_stream(const xhal_plugin_communicator_t *comm, uint32_t r,
                                    const xhal_plugin_stream_t *stream) {
  if (!stream) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "rank %u stream is NULL", r);
  if (stream->device != comm->devices[r]) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "rank %u stream is on device %u, the rank on %u",
                    r, stream->device->index, comm->devices[r]->index);
  }
  return XHAL_STATUS_OK;
}

/* Ranges of one buffer: identical (in place) when allowed, else disjoint. */
static int32_t cu_coll_check_overlap(uint32_t r, const xhal_plugin_buffer_t *send, uint64_t so,
                                     uint64_t sb, const xhal_plugin_buffer_t *recv, uint64_t ro,
                                     uint64_t rb, int in_place_ok) {
  if (send != recv || !sb || !rb) return XHAL_STATUS_OK;
  if (in_place_ok && so == ro && sb == rb) return XHAL_STATUS_OK;
  if (so < ro + rb && ro < so + sb) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT,
                    "rank %u send range [%llu, +%llu) and recv range [%llu, +%llu) overlap%s", r,
                    (unsigned long long)so, (unsigned long long)sb, (unsigned long long)ro,
                    (unsigned long long)rb, in_place_ok ? " without being the same range" : "");
  }
  return XHAL_STATUS_OK;
}

/* Bytes per rank (count elements) and the size of dtype; overflow-safe. */
static int32_t cu_coll_bytes(uint32_t dtype, uint64_t count, uint32_t parts, uint64_t *esize,
                             uint64_t *bytes, uint64_t *total) {
  *esize = xop_dtype_size(dtype);
  if (!*esize) return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "unknown dtype %u", dtype);
  if (__builtin_mul_overflow(count, *esize, bytes) ||
      __builtin_mul_overflow(*bytes, parts, total)) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "%llu elements of %llu bytes times %u overflow",
                    (unsigned long long)count, (unsigned long long)*esize, parts);
  }
  return XHAL_STATUS_OK;
}

/* NCCL's type for a reduction of dtype. */
static int32_t cu_coll_reduce_type(const cu_nccl_t *nccl, uint32_t dtype, int *out) {
  switch (dtype) {
    case XHAL_DTYPE_I8: *out = CU_NCCL_INT8; return XHAL_STATUS_OK;
    case XHAL_DTYPE_U8: *out = CU_NCCL_UINT8; return XHAL_STATUS_OK;
    case XHAL_DTYPE_I32: *out = CU_NCCL_INT32; return XHAL_STATUS_OK;
    case XHAL_DTYPE_U32: *out = CU_NCCL_UINT32; return XHAL_STATUS_OK;
    case XHAL_DTYPE_I64: *out = CU_NCCL_INT64; return XHAL_STATUS_OK;
    case XHAL_DTYPE_U64: *out = CU_NCCL_UINT64; return XHAL_STATUS_OK;
    case XHAL_DTYPE_F16: *out = CU_NCCL_FLOAT16; return XHAL_STATUS_OK;
    case XHAL_DTYPE_F32: *out = CU_NCCL_FLOAT32; return XHAL_STATUS_OK;
    case XHAL_DTYPE_F64: *out = CU_NCCL_FLOAT64; return XHAL_STATUS_OK;
    case XHAL_DTYPE_BF16:
      if (nccl->version < CU_NCCL_BF16_VERSION) {
        return cu_error(XHAL_STATUS_UNSUPPORTED, "bf16 reductions need NCCL 2.10; this is %d.%d",
                        nccl->version / 100, nccl->version % 100);
      }
      *out = CU_NCCL_BFLOAT16;
      return XHAL_STATUS_OK;
    default:
      if (!xop_dtype_size(dtype))
        return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "unknown dtype %u", dtype);
      return cu_error(XHAL_STATUS_UNSUPPORTED, "NCCL does not reduce %s", xop_dtype_name(dtype));
  }
}

static int32_t cu_coll_reduce_op(uint32_t op, int *out) {
  switch (op) {
    case XHAL_REDUCE_SUM: *out = CU_NCCL_SUM; return XHAL_STATUS_OK;
    case XHAL_REDUCE_PROD: *out = CU_NCCL_PROD; return XHAL_STATUS_OK;
    case XHAL_REDUCE_MIN: *out = CU_NCCL_MIN; return XHAL_STATUS_OK;
    case XHAL_REDUCE_MAX: *out = CU_NCCL_MAX; return XHAL_STATUS_OK;
    default: return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "unknown reduce op %u", op);
  }
}

/* The per-rank arrays of a collective, checked. send_parts/recv_parts: the
 * buffers hold count * parts elements per rank. */
typedef struct cu_coll_call {
  xhal_plugin_communicator_t *comm;
  xhal_plugin_buffer_t *const *send;
  const uint64_t *send_offsets;
  xhal_plugin_buffer_t *const *recv;
  const uint64_t *recv_offsets;
  xhal_plugin_stream_t *const *streams;
  uint64_t count;
  uint32_t dtype;
  uint32_t send_parts, recv_parts;
  int in_place_ok;
  int64_t skip_send_rank_other_than; /* broadcast: only the root's send is read; -1 otherwise */
} cu_coll_call_t;

static uint64_t cu_coll_offset(const uint64_t *offsets, uint32_t r) {
  return offsets ? offsets[r] : 0;
}

static int32_t cu_coll_check(const cu_coll_call_t *c) {
  CU_RETURN_IF_ERROR(cu_coll_check_comm(c->comm));
  if (!c->send || !c->recv || !c->streams)
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "send, recv or streams array is NULL");
  uint64_t esize = 0, bytes = 0, send_bytes = 0, recv_bytes = 0;
  CU_RETURN_IF_ERROR(cu_coll_bytes(c->dtype, c->count, c->send_parts, &esize, &bytes, &send_bytes));
  CU_RETURN_IF_ERROR(cu_coll_bytes(c->dtype, c->count, c->recv_parts, &esize, &bytes, &recv_bytes));
  for (uint32_t r = 0; r < c->comm->size; ++r) {
    CU_RETURN_IF_ERROR(cu_coll_check_stream(c->comm, r, c->streams[r]));
    for (uint32_t q = 0; q < r; ++q) {
      if (c->streams[q] == c->streams[r])
        return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "ranks %u and %u share a stream", q, r);
    }
    const uint64_t so = cu_coll_offset(c->send_offsets, r), ro = cu_coll_offset(c->recv_offsets, r);
    const int reads_send =
        c->skip_send_rank_other_than < 0 || (int64_t)r == c->skip_send_rank_other_than;
    if (reads_send)
      CU_RETURN_IF_ERROR(cu_coll_check_part(c->comm, r, "send", c->send[r], so, send_bytes, esize));
    CU_RETURN_IF_ERROR(cu_coll_check_part(c->comm, r, "recv", c->recv[r], ro, recv_bytes, esize));
    if (reads_send) {
      CU_RETURN_IF_ERROR(cu_coll_check_overlap(r, c->send[r], so, send_bytes, c->recv[r], ro,
                                               recv_bytes, c->in_place_ok));
    }
  }
  return XHAL_STATUS_OK;
}

/* ---- issuing ------------------------------------------------------------------ */

typedef enum cu_coll_kind {
  CU_COLL_ALL_REDUCE,
  CU_COLL_BROADCAST,
  CU_COLL_ALL_GATHER,
  CU_COLL_REDUCE_SCATTER
} cu_coll_kind_t;

typedef struct cu_coll_issue {
  cu_coll_kind_t kind;
  size_t count; /* NCCL elements: per rank, or bytes when moving bytes */
  int type, op;
  uint32_t root;
} cu_coll_issue_t;

static cu_nccl_result_t cu_coll_issue_rank(const cu_nccl_t *nccl, const cu_coll_call_t *c,
                                           const cu_coll_issue_t *issue, uint32_t r) {
  xhal_plugin_communicator_t *comm = c->comm;
  const CUstream stream = c->streams[r]->stream;
  void *recv = (void *)(uintptr_t)(c->recv[r]->pointer + cu_coll_offset(c->recv_offsets, r));
  const void *send = recv;
  if (issue->kind != CU_COLL_BROADCAST || r == issue->root)
    send = (const void *)(uintptr_t)(c->send[r]->pointer + cu_coll_offset(c->send_offsets, r));
  switch (issue->kind) {
    case CU_COLL_ALL_REDUCE:
      return nccl->ncclAllReduce(send, recv, issue->count, issue->type, issue->op, comm->comms[r],
                                 stream);
    case CU_COLL_BROADCAST:
      return nccl->ncclBroadcast(send, recv, issue->count, issue->type, (int)issue->root,
                                 comm->comms[r], stream);
    case CU_COLL_ALL_GATHER:
      return nccl->ncclAllGather(send, recv, issue->count, issue->type, comm->comms[r], stream);
    case CU_COLL_REDUCE_SCATTER:
      return nccl->ncclReduceScatter(send, recv, issue->count, issue->type, issue->op,
                                     comm->comms[r], stream);
  }
  return CU_NCCL_SUCCESS;
}

/* One NCCL call per rank in one group, each with its device's context
 * current. */
static int32_t cu_coll_issue(const cu_coll_call_t *c, const cu_coll_issue_t *issue) {
  const cu_nccl_t *nccl = cu_nccl_load(NULL);
  xhal_plugin_communicator_t *comm = c->comm;
  pthread_mutex_lock(&comm->mutex);
  int32_t status = comm->comms_released
                       ? cu_error(XHAL_STATUS_ABORTED, "the communicator was aborted")
                       : cu_context_enter(comm->devices[0]);
  if (status == XHAL_STATUS_OK) {
    status = cu_nccl_check(nccl, nccl->ncclGroupStart(), "ncclGroupStart");
    for (uint32_t r = 0; status == XHAL_STATUS_OK && r < comm->size; ++r) {
      status = cu_context_enter(comm->devices[r]);
      if (status != XHAL_STATUS_OK) break;
      status = cu_nccl_check(nccl, cu_coll_issue_rank(nccl, c, issue, r), "NCCL collective");
      cu_context_leave(comm->devices[r]);
    }
    const int32_t end = cu_nccl_check(nccl, nccl->ncclGroupEnd(), "ncclGroupEnd");
    if (status == XHAL_STATUS_OK) status = end;
    cu_context_leave(comm->devices[0]);
  }
  pthread_mutex_unlock(&comm->mutex);
  return status;
}

static int32_t cu_all_reduce(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                             const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                             const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                             uint32_t reduce_op, xhal_plugin_stream_t *const *streams) {
  const cu_coll_call_t c = {
      comm, send, send_offsets, recv, recv_offsets, streams, count, dtype, 1, 1, 1, -1};
  CU_RETURN_IF_ERROR(cu_coll_check(&c));
  cu_coll_issue_t issue = {CU_COLL_ALL_REDUCE, (size_t)count, 0, 0, 0};
  CU_RETURN_IF_ERROR(cu_coll_reduce_type(cu_nccl_load(NULL), dtype, &issue.type));
  CU_RETURN_IF_ERROR(cu_coll_reduce_op(reduce_op, &issue.op));
  return count ? cu_coll_issue(&c, &issue) : XHAL_STATUS_OK;
}

static int32_t cu_broadcast(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                            const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                            const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                            uint32_t root, xhal_plugin_stream_t *const *streams) {
  CU_RETURN_IF_ERROR(cu_coll_check_comm(comm));
  if (root >= comm->size)
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "root %u of %u ranks", root, comm->size);
  const cu_coll_call_t c = {comm, send, send_offsets, recv, recv_offsets, streams, count, dtype, 1,
                            1,    1,    (int64_t)root};
  CU_RETURN_IF_ERROR(cu_coll_check(&c));
  const cu_coll_issue_t issue = {CU_COLL_BROADCAST, (size_t)(count * xop_dtype_size(dtype)),
                                 CU_NCCL_UINT8, 0, root};
  return count ? cu_coll_issue(&c, &issue) : XHAL_STATUS_OK;
}

static int32_t cu_all_gather(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                             const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                             const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                             xhal_plugin_stream_t *const *streams) {
  CU_RETURN_IF_ERROR(cu_coll_check_comm(comm));
  const cu_coll_call_t c = {
      comm, send, send_offsets, recv, recv_offsets, streams, count, dtype, 1, comm->size, 0, -1};
  CU_RETURN_IF_ERROR(cu_coll_check(&c));
  const cu_coll_issue_t issue = {CU_COLL_ALL_GATHER, (size_t)(count * xop_dtype_size(dtype)),
                                 CU_NCCL_UINT8, 0, 0};
  return count ? cu_coll_issue(&c, &issue) : XHAL_STATUS_OK;
}

static int32_t cu_reduce_scatter(xhal_plugin_communicator_t *comm,
                                 xhal_plugin_buffer_t *const *send, const uint64_t *send_offsets,
                                 xhal_plugin_buffer_t *const *recv, const uint64_t *recv_offsets,
                                 uint64_t count, uint32_t dtype, uint32_t reduce_op,
                                 xhal_plugin_stream_t *const *streams) {
  CU_RETURN_IF_ERROR(cu_coll_check_comm(comm));
  const cu_coll_call_t c = {
      comm, send, send_offsets, recv, recv_offsets, streams, count, dtype, comm->size, 1, 0, -1};
  CU_RETURN_IF_ERROR(cu_coll_check(&c));
  cu_coll_issue_t issue = {CU_COLL_REDUCE_SCATTER, (size_t)count, 0, 0, 0};
  CU_RETURN_IF_ERROR(cu_coll_reduce_type(cu_nccl_load(NULL), dtype, &issue.type));
  CU_RETURN_IF_ERROR(cu_coll_reduce_op(reduce_op, &issue.op));
  return count ? cu_coll_issue(&c, &issue) : XHAL_STATUS_OK;
}

/* ---- point to point --------------------------------------------------------------- */

/* Later work on `to` waits for the work enqueued on `from` so far. */
static int32_t cu_coll_join(xhal_plugin_stream_t *from, xhal_plugin_stream_t *to) {
  if (from == to) return XHAL_STATUS_OK;
  const cu_driver_t *cu = cu_api();
  CUevent event = NULL;
  CU_RETURN_IF_ERROR(cu_check(cu->cuEventCreate(&event, CU_EVENT_DISABLE_TIMING),
                              "cuEventCreate(CU_EVENT_DISABLE_TIMING)"));
  int32_t status = cu_check(cu->cuEventRecord(event, from->stream), "cuEventRecord");
  if (status == XHAL_STATUS_OK)
    status = cu_check(cu->cuStreamWaitEvent(to->stream, event, 0), "cuStreamWaitEvent");
  cu->cuEventDestroy(event); /* released once the wait is satisfied */
  return status;
}

/* A copy within one device with memmove semantics, on stream. */
static int32_t cu_coll_local_move(xhal_plugin_stream_t *stream, CUdeviceptr dst, CUdeviceptr src,
                                  size_t bytes) {
  const cu_driver_t *cu = cu_api();
  if (dst == src) return XHAL_STATUS_OK;
  if (dst >= src + bytes || src >= dst + bytes) {
    return cu_check(cu->cuMemcpyDtoDAsync(dst, src, bytes, stream->stream),
                    "cuMemcpyDtoDAsync(%zu bytes)", bytes);
  }
  /* Overlapping: through stream-ordered scratch memory. */
  CUdeviceptr scratch = 0;
  CU_RETURN_IF_ERROR(cu_check(cu->cuMemAllocAsync(&scratch, bytes, stream->stream),
                              "cuMemAllocAsync(%zu bytes)", bytes));
  int32_t status = cu_check(cu->cuMemcpyDtoDAsync(scratch, src, bytes, stream->stream),
                            "cuMemcpyDtoDAsync(%zu bytes)", bytes);
  if (status == XHAL_STATUS_OK) {
    status = cu_check(cu->cuMemcpyDtoDAsync(dst, scratch, bytes, stream->stream),
                      "cuMemcpyDtoDAsync(%zu bytes)", bytes);
  }
  const int32_t freed = cu_check(cu->cuMemFreeAsync(scratch, stream->stream), "cuMemFreeAsync");
  return status == XHAL_STATUS_OK ? freed : status;
}

static int32_t cu_send_recv_local(xhal_plugin_stream_t *src_stream,
                                  xhal_plugin_stream_t *dst_stream, CUdeviceptr dst,
                                  CUdeviceptr src, size_t bytes) {
  CU_RETURN_IF_ERROR(cu_context_enter(src_stream->device));
  int32_t status = cu_coll_join(dst_stream, src_stream);
  if (status == XHAL_STATUS_OK) status = cu_coll_local_move(src_stream, dst, src, bytes);
  if (status == XHAL_STATUS_OK) status = cu_coll_join(src_stream, dst_stream);
  cu_context_leave(src_stream->device);
  return status;
}

static int32_t cu_send_recv(xhal_plugin_communicator_t *comm, uint32_t src_rank,
                            xhal_plugin_buffer_t *send, uint64_t send_offset, uint32_t dst_rank,
                            xhal_plugin_buffer_t *recv, uint64_t recv_offset, uint64_t count,
                            uint32_t dtype, xhal_plugin_stream_t *src_stream,
                            xhal_plugin_stream_t *dst_stream) {
  CU_RETURN_IF_ERROR(cu_coll_check_comm(comm));
  if (src_rank >= comm->size || dst_rank >= comm->size) {
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "ranks %u -> %u of %u", src_rank, dst_rank,
                    comm->size);
  }
  uint64_t esize = 0, bytes = 0, total = 0;
  CU_RETURN_IF_ERROR(cu_coll_bytes(dtype, count, 1, &esize, &bytes, &total));
  CU_RETURN_IF_ERROR(cu_coll_check_stream(comm, src_rank, src_stream));
  CU_RETURN_IF_ERROR(cu_coll_check_stream(comm, dst_rank, dst_stream));
  CU_RETURN_IF_ERROR(cu_coll_check_part(comm, src_rank, "send", send, send_offset, bytes, esize));
  CU_RETURN_IF_ERROR(cu_coll_check_part(comm, dst_rank, "recv", recv, recv_offset, bytes, esize));
  if (src_rank != dst_rank && src_stream == dst_stream)
    return cu_error(XHAL_STATUS_INVALID_ARGUMENT, "ranks %u and %u share a stream", src_rank,
                    dst_rank);
  if (!count) return XHAL_STATUS_OK;
  const CUdeviceptr from = send->pointer + send_offset, to = recv->pointer + recv_offset;
  if (src_rank == dst_rank)
    return cu_send_recv_local(src_stream, dst_stream, to, from, (size_t)bytes);
  const cu_nccl_t *nccl = cu_nccl_load(NULL);
  pthread_mutex_lock(&comm->mutex);
  int32_t status = comm->comms_released
                       ? cu_error(XHAL_STATUS_ABORTED, "the communicator was aborted")
                       : cu_context_enter(comm->devices[src_rank]);
  if (status == XHAL_STATUS_OK) {
    status = cu_nccl_check(nccl, nccl->ncclGroupStart(), "ncclGroupStart");
    if (status == XHAL_STATUS_OK) {
      status =
          cu_nccl_check(nccl,
                        nccl->ncclSend((const void *)(uintptr_t)from, (size_t)bytes, CU_NCCL_UINT8,
                                       (int)dst_rank, comm->comms[src_rank], src_stream->stream),
                        "ncclSend");
    }
    if (status == XHAL_STATUS_OK) status = cu_context_enter(comm->devices[dst_rank]);
    if (status == XHAL_STATUS_OK) {
      status =
          cu_nccl_check(nccl,
                        nccl->ncclRecv((void *)(uintptr_t)to, (size_t)bytes, CU_NCCL_UINT8,
                                       (int)src_rank, comm->comms[dst_rank], dst_stream->stream),
                        "ncclRecv");
      cu_context_leave(comm->devices[dst_rank]);
    }
    const int32_t end = cu_nccl_check(nccl, nccl->ncclGroupEnd(), "ncclGroupEnd");
    if (status == XHAL_STATUS_OK) status = end;
    cu_context_leave(comm->devices[src_rank]);
  }
  pthread_mutex_unlock(&comm->mutex);
  return status;
}

const xhal_plugin_collectives_v1_t cu_collectives_v1 = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_COLLECTIVES_API, xhal_plugin_collectives_v1_t),
    .version = 1,
    .communicator_create = cu_communicator_create,
    .communicator_destroy = cu_communicator_destroy,
    .communicator_abort = cu_communicator_abort,
    .all_reduce = cu_all_reduce,
    .broadcast = cu_broadcast,
    .all_gather = cu_all_gather,
    .reduce_scatter = cu_reduce_scatter,
    .send_recv = cu_send_recv,
    .group_begin = NULL,
    .group_end = NULL,
};
