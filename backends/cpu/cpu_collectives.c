/* cpu_collectives.c - native collectives among CPU devices (see
 * cpu_collectives.h for the semantics).
 *
 * One operation = one heap object shared by one task per participating rank.
 * Each task runs on its rank's stream worker:
 *   1. arrive: wait until every participant's stream has reached the
 *      operation (so every rank's earlier work on its buffers is done);
 *      abortable, and nothing has been touched yet;
 *   2. compute this rank's slice, reading and writing other ranks' buffers
 *      directly (they share host memory);
 *   3. depart: wait until every slice is written, so that no stream moves on
 *      to work that reads its buffers while a peer still writes them. This
 *      wait is not abortable: once all ranks met, step 2 is finite.
 * Every barrier of a communicator uses the communicator's mutex and condition
 * variable, so an abort wakes all of them with one broadcast. */
#include "cpu_collectives.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_buffer.h"
#include "cpu_device.h"
#include "cpu_error.h"
#include "cpu_stream.h"
#include "host_reduce.h"

/* Elements reduced per block. A slot's scratch holds two blocks of the
 * accumulator type (8 bytes per element covers every one). */
#define CPU_COLL_BLOCK 1024
#define CPU_COLL_SCRATCH_BYTES (2 * CPU_COLL_BLOCK * 8)

/* Communicators span at most this many ranks (the backend's device limit),
 * which lets validation keep per-rank addresses on the stack. */
#define CPU_COLL_MAX_RANKS 64

struct xhal_plugin_communicator {
  pthread_mutex_t mutex;
  pthread_cond_t cond; /* broadcast when any rendezvous advances, or on abort */
  uint32_t refs;       /* the owner's (until destroy) + one per live operation */
  int aborted;
  uint32_t size;
  xhal_plugin_device_t *devices[]; /* [size], rank i = devices[i] */
};

/* Element kernels come from hal/host_reduce.c, shared with libxhal's
 * host-staged collectives so that both paths give the same bits. */

/* ---- operations ---------------------------------------------------------- */

typedef enum cpu_coll_kind {
  CPU_COLL_ALL_REDUCE,
  CPU_COLL_BROADCAST,
  CPU_COLL_ALL_GATHER,
  CPU_COLL_REDUCE_SCATTER,
  CPU_COLL_SEND_RECV,
} cpu_coll_kind_t;

typedef enum cpu_coll_state {
  CPU_COLL_GATHERING, /* waiting for participants; abortable */
  CPU_COLL_RUNNING,   /* everyone met: compute, then depart */
  CPU_COLL_STOPPED,   /* aborted or cancelled before running; nothing touched */
} cpu_coll_state_t;

struct cpu_coll_op;

/* One participant: the argument of its stream task. */
typedef struct cpu_coll_slot {
  struct cpu_coll_op *op;
  uint32_t rank;
  const uint8_t *send; /* offset applied; NULL where unused */
  uint8_t *recv;       /* offset applied; NULL where unused */
  void *scratch;       /* CPU_COLL_SCRATCH_BYTES, for reductions */
} cpu_coll_slot_t;

typedef struct cpu_coll_op {
  xhal_plugin_communicator_t *comm; /* holds a reference */
  cpu_coll_kind_t kind;
  const xhal__reduce_kernels_t *dtype;
  xhal__reduce_fn combine; /* reductions */
  uint64_t count;
  uint32_t root; /* broadcast */
  /* Guarded by comm->mutex: */
  cpu_coll_state_t state;
  int32_t stop_status; /* STOPPED: ABORTED, or OK when the call itself failed */
  uint32_t arrived, departed;
  uint32_t refs; /* enqueued tasks + the issuing call while it enqueues */
  uint32_t slot_count;
  cpu_coll_slot_t slots[]; /* [slot_count]; for collectives slot r is rank r */
} cpu_coll_op_t;

static void cpu_coll_comm_unref(xhal_plugin_communicator_t *comm) {
  pthread_mutex_lock(&comm->mutex);
  int last = --comm->refs == 0;
  pthread_mutex_unlock(&comm->mutex);
  if (!last) return;
  pthread_cond_destroy(&comm->cond);
  pthread_mutex_destroy(&comm->mutex);
  free(comm);
}

static void cpu_coll_op_unref(cpu_coll_op_t *op) {
  xhal_plugin_communicator_t *comm = op->comm;
  pthread_mutex_lock(&comm->mutex);
  int last = --op->refs == 0;
  pthread_mutex_unlock(&comm->mutex);
  if (!last) return;
  free(op);
  cpu_coll_comm_unref(comm);
}

/* Step 1. Returns 1 to go on computing, or 0 with *out_status to return. */
static int cpu_coll_arrive(cpu_coll_op_t *op, int32_t *out_status) {
  xhal_plugin_communicator_t *comm = op->comm;
  pthread_mutex_lock(&comm->mutex);
  if (op->state == CPU_COLL_GATHERING) {
    if (!comm->aborted && ++op->arrived == op->slot_count) {
      op->state = CPU_COLL_RUNNING;
    } else {
      while (op->state == CPU_COLL_GATHERING && !comm->aborted) {
        pthread_cond_wait(&comm->cond, &comm->mutex);
      }
      if (op->state == CPU_COLL_GATHERING) { /* aborted before everyone met */
        op->state = CPU_COLL_STOPPED;
        op->stop_status = XHAL_STATUS_ABORTED;
      }
    }
    pthread_cond_broadcast(&comm->cond);
  }
  int running = op->state == CPU_COLL_RUNNING;
  *out_status = running ? XHAL_STATUS_OK : op->stop_status;
  pthread_mutex_unlock(&comm->mutex);
  return running;
}

/* Step 3. */
static void cpu_coll_depart(cpu_coll_op_t *op) {
  xhal_plugin_communicator_t *comm = op->comm;
  pthread_mutex_lock(&comm->mutex);
  if (++op->departed == op->slot_count) {
    pthread_cond_broadcast(&comm->cond);
  } else {
    while (op->departed < op->slot_count) pthread_cond_wait(&comm->cond, &comm->mutex);
  }
  pthread_mutex_unlock(&comm->mutex);
}

/* Reduces len elements at element offset src_at of every rank's send, in
 * rank order, into recv + dst_at of ranks [dst_first, dst_end). A block is
 * read from every source before any destination is written, so in-place
 * all_reduce is safe: only this slot touches these elements. */
static void cpu_coll_reduce(const cpu_coll_op_t *op, void *scratch, uint64_t src_at,
                            uint32_t dst_first, uint32_t dst_end, uint64_t dst_at, uint64_t len) {
  size_t size = op->dtype->size;
  void *acc = scratch, *next = (uint8_t *)scratch + CPU_COLL_SCRATCH_BYTES / 2;
  for (uint64_t done = 0; done < len; done += CPU_COLL_BLOCK) {
    size_t block = len - done < CPU_COLL_BLOCK ? (size_t)(len - done) : CPU_COLL_BLOCK;
    op->dtype->load(acc, op->slots[0].send + (src_at + done) * size, block);
    for (uint32_t r = 1; r < op->slot_count; ++r) {
      op->dtype->load(next, op->slots[r].send + (src_at + done) * size, block);
      op->combine(acc, next, block);
    }
    for (uint32_t r = dst_first; r < dst_end; ++r) {
      op->dtype->store(op->slots[r].recv + (dst_at + done) * size, acc, block);
    }
  }
}

/* Step 2: this slot's share of the work. */
static void cpu_coll_compute(const cpu_coll_op_t *op, const cpu_coll_slot_t *self) {
  uint64_t count = op->count;
  size_t size = op->dtype->size;
  uint32_t ranks = op->slot_count;
  switch (op->kind) {
    case CPU_COLL_ALL_REDUCE: { /* rank r reduces chunk r for every rank */
      uint64_t base = count / ranks, extra = count % ranks, r = self->rank;
      uint64_t first = r * base + (r < extra ? r : extra);
      uint64_t len = base + (r < extra ? 1 : 0);
      cpu_coll_reduce(op, self->scratch, first, 0, ranks, first, len);
      break;
    }
    case CPU_COLL_REDUCE_SCATTER:
      cpu_coll_reduce(op, self->scratch, self->rank * count, self->rank, self->rank + 1, 0, count);
      break;
    case CPU_COLL_BROADCAST: {
      const uint8_t *src = op->slots[op->root].send;
      if (self->recv != src) memcpy(self->recv, src, count * size);
      break;
    }
    case CPU_COLL_ALL_GATHER:
      for (uint32_t r = 0; r < ranks; ++r) {
        memcpy(self->recv + r * count * size, op->slots[r].send, count * size);
      }
      break;
    case CPU_COLL_SEND_RECV: /* the receiving slot (the last) pulls */
      if (self == &op->slots[op->slot_count - 1]) {
        memmove(self->recv, op->slots[0].send, count * size);
      }
      break;
  }
}

static int32_t cpu_coll_task_run(void *arg) {
  cpu_coll_slot_t *self = arg;
  int32_t status;
  if (!cpu_coll_arrive(self->op, &status)) return status;
  cpu_coll_compute(self->op, self);
  cpu_coll_depart(self->op);
  return XHAL_STATUS_OK;
}

static void cpu_coll_task_release(void *arg) { cpu_coll_op_unref(((cpu_coll_slot_t *)arg)->op); }

/* Allocates an operation with slot_count slots (and reduction scratch when
 * reduce), holding a reference to comm. */
static int32_t cpu_coll_op_create(const char *call, xhal_plugin_communicator_t *comm,
                                  uint32_t slot_count, int reduce, cpu_coll_op_t **out_op) {
  size_t header = sizeof(cpu_coll_op_t) + slot_count * sizeof(cpu_coll_slot_t);
  header = (header + 63) / 64 * 64;
  size_t scratch = reduce ? (size_t)slot_count * CPU_COLL_SCRATCH_BYTES : 0;
  cpu_coll_op_t *op = aligned_alloc(64, header + scratch);
  if (!op) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "%s: operation record", call);
  memset(op, 0, header);
  op->comm = comm;
  op->state = CPU_COLL_GATHERING;
  op->slot_count = slot_count;
  for (uint32_t i = 0; i < slot_count; ++i) {
    op->slots[i].op = op;
    op->slots[i].rank = i;
    if (reduce) op->slots[i].scratch = (uint8_t *)op + header + (size_t)i * CPU_COLL_SCRATCH_BYTES;
  }
  pthread_mutex_lock(&comm->mutex);
  ++comm->refs;
  pthread_mutex_unlock(&comm->mutex);
  *out_op = op;
  return XHAL_STATUS_OK;
}

/* Enqueues slot i on streams[i] for every slot and drops the caller's
 * reference. If an enqueue fails, the tasks already enqueued are cancelled:
 * they wake, touch nothing and return OK, because the caller gets the error. */
static int32_t cpu_coll_op_submit(cpu_coll_op_t *op, xhal_plugin_stream_t *const *streams) {
  xhal_plugin_communicator_t *comm = op->comm;
  int32_t status = XHAL_STATUS_OK;
  op->refs = 1;
  for (uint32_t i = 0; i < op->slot_count && status == XHAL_STATUS_OK; ++i) {
    pthread_mutex_lock(&comm->mutex);
    ++op->refs;
    pthread_mutex_unlock(&comm->mutex);
    status = cpu_stream_enqueue(streams[i], cpu_coll_task_run, cpu_coll_task_release,
                                &op->slots[i]);
    if (status != XHAL_STATUS_OK) {
      pthread_mutex_lock(&comm->mutex);
      --op->refs;
      if (op->state == CPU_COLL_GATHERING) {
        op->state = CPU_COLL_STOPPED;
        op->stop_status = XHAL_STATUS_OK;
        pthread_cond_broadcast(&comm->cond);
      }
      pthread_mutex_unlock(&comm->mutex);
    }
  }
  cpu_coll_op_unref(op);
  return status;
}

/* ---- validation ------------------------------------------------------------ */

/* What every call checks first: the communicator is usable, the dtype known
 * (and reducible when reduce_op is not UINT32_MAX), count * scale elements
 * fit in 64 bits of bytes. */
static int32_t cpu_coll_check_call(const char *call, const xhal_plugin_communicator_t *comm,
                                   uint32_t dtype, uint32_t reduce_op, uint64_t count,
                                   uint64_t scale, const xhal__reduce_kernels_t **out_dtype) {
  if (!comm) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: communicator is NULL", call);
  const xhal__reduce_kernels_t *info = xhal__reduce_kernels(dtype);
  if (!info) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: unknown dtype %u", call, dtype);
  if (reduce_op != UINT32_MAX) {
    if (reduce_op > XHAL_REDUCE_MAX) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: unknown reduce op %u", call, reduce_op);
    }
    if (!info->load) {
      return cpu_error(XHAL_STATUS_UNSUPPORTED, "%s: dtype %u cannot be reduced", call, dtype);
    }
  }
  if (count > UINT64_MAX / info->size / scale) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: count %llu x %llu elements of %zu bytes overflows 64 bits", call,
                     (unsigned long long)count, (unsigned long long)scale, info->size);
  }
  *out_dtype = info;
  return XHAL_STATUS_OK;
}

static int32_t cpu_coll_check_stream(const char *call, const xhal_plugin_communicator_t *comm,
                                     xhal_plugin_stream_t *const *streams, uint32_t slot,
                                     uint32_t rank) {
  if (!streams[slot]) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: stream for rank %u is NULL", call, rank);
  }
  for (uint32_t other = 0; other < slot; ++other) {
    if (streams[other] == streams[slot]) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: one stream given twice (slots %u and %u); each rank needs its own "
                       "stream",
                       call, other, slot);
    }
  }
  const xhal_plugin_device_t *device = cpu_stream_device(streams[slot]);
  if (device != comm->devices[rank]) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: stream for rank %u is on device %u, rank %u is device %u", call, rank,
                     device->index, rank, comm->devices[rank]->index);
  }
  return XHAL_STATUS_OK;
}

/* Checks one rank's buffer range (offset a multiple of elem_size); *out_data
 * gets its host address. */
static int32_t cpu_coll_check_buffer(const char *call, const char *what,
                                     const xhal_plugin_communicator_t *comm, uint32_t rank,
                                     const xhal_plugin_buffer_t *buffer, uint64_t offset,
                                     uint64_t bytes, size_t elem_size, uint8_t **out_data) {
  char where[96];
  snprintf(where, sizeof where, "%s: %s[%u]", call, what, rank);
  if (!buffer) return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s is NULL", where);
  if (offset % elem_size != 0) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: offset %llu is not a multiple of the element size %zu", where,
                     (unsigned long long)offset, elem_size);
  }
  if (buffer->device != comm->devices[rank]) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s is on device %u, rank %u is device %u",
                     where, buffer->device->index, rank, comm->devices[rank]->index);
  }
  CPU_RETURN_IF_ERROR(cpu_buffer_check_range(where, buffer, offset, bytes));
  *out_data = (uint8_t *)buffer->data + offset;
  return XHAL_STATUS_OK;
}

/* send and recv of one rank must be disjoint, or exactly in place when
 * in_place_ok (then both ranges have the same length). */
static int32_t cpu_coll_check_overlap(const char *call, uint32_t rank, const uint8_t *send,
                                      uint64_t send_bytes, const uint8_t *recv,
                                      uint64_t recv_bytes, int in_place_ok) {
  if (in_place_ok && send == recv) return XHAL_STATUS_OK;
  if (send_bytes && recv_bytes && send < recv + recv_bytes && recv < send + send_bytes) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: rank %u's send and recv ranges overlap%s", call, rank,
                     in_place_ok ? " without being in place (same buffer and offset)" : "");
  }
  return XHAL_STATUS_OK;
}

/* The shared shape of the four collectives: per rank, send of send_scale *
 * count elements (only at the root when has_root) and recv of recv_scale *
 * count elements. */
typedef struct cpu_coll_args {
  const char *call;
  cpu_coll_kind_t kind;
  uint32_t reduce_op; /* UINT32_MAX: no reduction */
  int has_root;
  uint32_t root;
  uint64_t send_scale, recv_scale;
  int in_place_ok;
} cpu_coll_args_t;

static int32_t cpu_coll_collective(const cpu_coll_args_t *args, xhal_plugin_communicator_t *comm,
                                   xhal_plugin_buffer_t *const *send,
                                   const uint64_t *send_offsets,
                                   xhal_plugin_buffer_t *const *recv,
                                   const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                                   xhal_plugin_stream_t *const *streams) {
  const char *call = args->call;
  const xhal__reduce_kernels_t *info = NULL;
  uint64_t scale = args->send_scale > args->recv_scale ? args->send_scale : args->recv_scale;
  CPU_RETURN_IF_ERROR(cpu_coll_check_call(call, comm, dtype, args->reduce_op, count, scale, &info));
  if (!send || !recv || !streams) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: send %p, recv %p, streams %p", call,
                     (const void *)send, (const void *)recv, (const void *)streams);
  }
  if (args->has_root && args->root >= comm->size) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "%s: root %u, communicator has %u ranks", call,
                     args->root, comm->size);
  }
  uint64_t send_bytes = count * info->size * args->send_scale;
  uint64_t recv_bytes = count * info->size * args->recv_scale;
  uint8_t *send_data[CPU_COLL_MAX_RANKS] = {0}, *recv_data[CPU_COLL_MAX_RANKS] = {0};
  for (uint32_t r = 0; r < comm->size; ++r) {
    CPU_RETURN_IF_ERROR(cpu_coll_check_stream(call, comm, streams, r, r));
    CPU_RETURN_IF_ERROR(cpu_coll_check_buffer(call, "recv", comm, r, recv[r],
                                              recv_offsets ? recv_offsets[r] : 0, recv_bytes,
                                              info->size, &recv_data[r]));
    if (args->has_root && r != args->root) continue;
    CPU_RETURN_IF_ERROR(cpu_coll_check_buffer(call, "send", comm, r, send[r],
                                              send_offsets ? send_offsets[r] : 0, send_bytes,
                                              info->size, &send_data[r]));
    CPU_RETURN_IF_ERROR(cpu_coll_check_overlap(call, r, send_data[r], send_bytes, recv_data[r],
                                               recv_bytes, args->in_place_ok));
  }
  pthread_mutex_lock(&comm->mutex);
  int aborted = comm->aborted;
  pthread_mutex_unlock(&comm->mutex);
  if (aborted) return cpu_error(XHAL_STATUS_ABORTED, "%s: the communicator was aborted", call);
  if (count == 0) return XHAL_STATUS_OK;

  cpu_coll_op_t *op = NULL;
  CPU_RETURN_IF_ERROR(
      cpu_coll_op_create(call, comm, comm->size, args->reduce_op != UINT32_MAX, &op));
  op->kind = args->kind;
  op->dtype = info;
  op->combine = args->reduce_op != UINT32_MAX ? info->op[args->reduce_op] : NULL;
  op->count = count;
  op->root = args->root;
  for (uint32_t r = 0; r < comm->size; ++r) {
    op->slots[r].send = send_data[r];
    op->slots[r].recv = recv_data[r];
  }
  return cpu_coll_op_submit(op, streams);
}

/* ---- the table ------------------------------------------------------------- */

static int32_t cpu_communicator_create(xhal_plugin_device_t *const *devices, uint32_t count,
                                       xhal_plugin_communicator_t **out_comm) {
  static const char call[] = "communicator_create";
  if (!devices || !out_comm || count == 0 || count > CPU_COLL_MAX_RANKS) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: devices %p, count %u (1..%d), out_comm %p", call,
                     (const void *)devices, count, CPU_COLL_MAX_RANKS, (void *)out_comm);
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (!devices[i] || devices[i]->instance != devices[0]->instance) {
      return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: devices[%u] is NULL or of another instance", call, i);
    }
    for (uint32_t j = 0; j < i; ++j) {
      if (devices[j] == devices[i]) {
        return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                         "%s: device %u appears twice (ranks %u and %u)", call,
                         devices[i]->index, j, i);
      }
    }
  }
  xhal_plugin_communicator_t *comm =
      calloc(1, sizeof *comm + (size_t)count * sizeof comm->devices[0]);
  if (!comm) return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "%s: out of memory", call);
  if (pthread_mutex_init(&comm->mutex, NULL) != 0) {
    free(comm);
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "%s: pthread_mutex_init failed", call);
  }
  if (pthread_cond_init(&comm->cond, NULL) != 0) {
    pthread_mutex_destroy(&comm->mutex);
    free(comm);
    return cpu_error(XHAL_STATUS_OUT_OF_MEMORY, "%s: pthread_cond_init failed", call);
  }
  comm->refs = 1;
  comm->size = count;
  memcpy(comm->devices, devices, (size_t)count * sizeof comm->devices[0]);
  *out_comm = comm;
  return XHAL_STATUS_OK;
}

static int32_t cpu_communicator_destroy(xhal_plugin_communicator_t *comm) {
  if (comm) cpu_coll_comm_unref(comm);
  return XHAL_STATUS_OK;
}

static int32_t cpu_communicator_abort(xhal_plugin_communicator_t *comm) {
  if (!comm) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT, "communicator_abort: communicator is NULL");
  }
  pthread_mutex_lock(&comm->mutex);
  comm->aborted = 1;
  pthread_cond_broadcast(&comm->cond);
  pthread_mutex_unlock(&comm->mutex);
  return XHAL_STATUS_OK;
}

static int32_t cpu_all_reduce(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                              const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                              const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                              uint32_t reduce_op, xhal_plugin_stream_t *const *streams) {
  const cpu_coll_args_t args = {"all_reduce", CPU_COLL_ALL_REDUCE, reduce_op, 0, 0, 1, 1, 1};
  return cpu_coll_collective(&args, comm, send, send_offsets, recv, recv_offsets, count, dtype,
                             streams);
}

static int32_t cpu_broadcast(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                             const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                             const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                             uint32_t root, xhal_plugin_stream_t *const *streams) {
  const cpu_coll_args_t args = {"broadcast", CPU_COLL_BROADCAST, UINT32_MAX, 1, root, 1, 1, 1};
  return cpu_coll_collective(&args, comm, send, send_offsets, recv, recv_offsets, count, dtype,
                             streams);
}

static int32_t cpu_all_gather(xhal_plugin_communicator_t *comm, xhal_plugin_buffer_t *const *send,
                              const uint64_t *send_offsets, xhal_plugin_buffer_t *const *recv,
                              const uint64_t *recv_offsets, uint64_t count, uint32_t dtype,
                              xhal_plugin_stream_t *const *streams) {
  uint64_t ranks = comm ? comm->size : 1;
  const cpu_coll_args_t args = {"all_gather", CPU_COLL_ALL_GATHER, UINT32_MAX, 0, 0, 1, ranks, 0};
  return cpu_coll_collective(&args, comm, send, send_offsets, recv, recv_offsets, count, dtype,
                             streams);
}

static int32_t cpu_reduce_scatter(xhal_plugin_communicator_t *comm,
                                  xhal_plugin_buffer_t *const *send, const uint64_t *send_offsets,
                                  xhal_plugin_buffer_t *const *recv, const uint64_t *recv_offsets,
                                  uint64_t count, uint32_t dtype, uint32_t reduce_op,
                                  xhal_plugin_stream_t *const *streams) {
  uint64_t ranks = comm ? comm->size : 1;
  const cpu_coll_args_t args = {"reduce_scatter", CPU_COLL_REDUCE_SCATTER, reduce_op, 0, 0,
                                ranks, 1, 0};
  return cpu_coll_collective(&args, comm, send, send_offsets, recv, recv_offsets, count, dtype,
                             streams);
}

static int32_t cpu_send_recv(xhal_plugin_communicator_t *comm, uint32_t src_rank,
                             xhal_plugin_buffer_t *send, uint64_t send_offset, uint32_t dst_rank,
                             xhal_plugin_buffer_t *recv, uint64_t recv_offset, uint64_t count,
                             uint32_t dtype, xhal_plugin_stream_t *src_stream,
                             xhal_plugin_stream_t *dst_stream) {
  static const char call[] = "send_recv";
  const xhal__reduce_kernels_t *info = NULL;
  CPU_RETURN_IF_ERROR(cpu_coll_check_call(call, comm, dtype, UINT32_MAX, count, 1, &info));
  if (src_rank >= comm->size || dst_rank >= comm->size) {
    return cpu_error(XHAL_STATUS_INVALID_ARGUMENT,
                     "%s: src_rank %u, dst_rank %u, communicator has %u ranks", call, src_rank,
                     dst_rank, comm->size);
  }
  /* A rank sending to itself on one stream needs one task, not a meeting. */
  uint32_t slot_count = src_rank == dst_rank && src_stream == dst_stream ? 1 : 2;
  xhal_plugin_stream_t *const streams[2] = {src_stream, dst_stream};
  const uint32_t ranks[2] = {src_rank, dst_rank};
  for (uint32_t slot = 0; slot < slot_count; ++slot) {
    CPU_RETURN_IF_ERROR(cpu_coll_check_stream(call, comm, streams, slot, ranks[slot]));
  }
  uint64_t bytes = count * info->size;
  uint8_t *send_data = NULL, *recv_data = NULL;
  CPU_RETURN_IF_ERROR(
      cpu_coll_check_buffer(call, "send", comm, src_rank, send, send_offset, bytes, info->size,
                            &send_data));
  CPU_RETURN_IF_ERROR(
      cpu_coll_check_buffer(call, "recv", comm, dst_rank, recv, recv_offset, bytes, info->size,
                            &recv_data));
  pthread_mutex_lock(&comm->mutex);
  int aborted = comm->aborted;
  pthread_mutex_unlock(&comm->mutex);
  if (aborted) return cpu_error(XHAL_STATUS_ABORTED, "%s: the communicator was aborted", call);
  if (count == 0) return XHAL_STATUS_OK;

  cpu_coll_op_t *op = NULL;
  CPU_RETURN_IF_ERROR(cpu_coll_op_create(call, comm, slot_count, 0, &op));
  op->kind = CPU_COLL_SEND_RECV;
  op->dtype = info;
  op->count = count;
  op->slots[0].rank = src_rank;
  op->slots[0].send = send_data;
  op->slots[slot_count - 1].rank = dst_rank;
  op->slots[slot_count - 1].recv = recv_data;
  return cpu_coll_op_submit(op, streams);
}

const xhal_plugin_collectives_v1_t cpu_collectives_v1 = {
    .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_COLLECTIVES_API, xhal_plugin_collectives_v1_t),
    .version = 1,
    .communicator_create = cpu_communicator_create,
    .communicator_destroy = cpu_communicator_destroy,
    .communicator_abort = cpu_communicator_abort,
    .all_reduce = cpu_all_reduce,
    .broadcast = cpu_broadcast,
    .all_gather = cpu_all_gather,
    .reduce_scatter = cpu_reduce_scatter,
    .send_recv = cpu_send_recv,
    .group_begin = NULL, /* every call is issued at once; see cpu_collectives.h */
    .group_end = NULL,
};
