/* collectives.c - communicators and collectives of the framework API.
 *
 * Two paths, chosen once per communicator:
 *  - native: every device belongs to one plugin that has a collectives table;
 *    libxhal validates, translates handles and calls the table, which
 *    enqueues the operation on the ranks' streams and returns.
 *  - host-staged: libxhal enqueues downloads of every rank's input on that
 *    rank's stream, synchronizes them, combines on the host and uploads the
 *    results the same way. The call returns when the results are in place.
 * XHAL_COLLECTIVES=auto|native|staged overrides the choice at creation
 * (docs/collectives.md). Every argument is validated before anything is
 * enqueued, whichever path runs. */
#include "collectives.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "handle_registry.h"
#include "host_reduce.h"
#include "status.h"
#include "stream.h"

/* Calls a slot of a plugin's collectives table and converts its status. */
#define XHAL__COLL_CALL(plugin, slot, ...)                                                         \
  (xhal__plugin_message_clear(),                                                                   \
   xhal__from_plugin((plugin)->name, #slot, (plugin)->collectives.slot(__VA_ARGS__)))

/* ---- host reduction (the staged path) -------------------------------------
 * The same semantics as the CPU backend's native collectives, so that the two
 * paths give identical bits: ranks combine in order 0..n-1; f16/bf16
 * accumulate in f32 and round once to nearest even; integers wrap around;
 * float min/max let NaN win and order -0 below +0. */

#define XHAL__REDUCE_BLOCK 1024

/* Conversion: out[i] = convert(in[i]); or combine: out[i] = out[i] op in[i].
 * Accumulators are f32 (f32, f16, bf16), f64, or the integer itself. */

/* out[0..count) = inputs[0][..] op inputs[1][..] op ... (ranks in order);
 * input r starts at inputs + r * input_stride bytes. scratch holds two
 * blocks of 8-byte elements. */
static void xhal__host_reduce(const xhal__reduce_kernels_t *kernels, xhal__reduce_fn combine,
                              size_t elem_size, const uint8_t *inputs, size_t input_stride,
                              uint32_t ranks, uint8_t *out, uint64_t count, void *scratch) {
  void *acc = scratch, *next = (uint8_t *)scratch + XHAL__REDUCE_BLOCK * 8;
  for (uint64_t done = 0; done < count; done += XHAL__REDUCE_BLOCK) {
    size_t block = count - done < XHAL__REDUCE_BLOCK ? (size_t)(count - done) : XHAL__REDUCE_BLOCK;
    size_t at = (size_t)done * elem_size;
    kernels->load(acc, inputs + at, block);
    for (uint32_t r = 1; r < ranks; ++r) {
      kernels->load(next, inputs + r * input_stride + at, block);
      combine(acc, next, block);
    }
    kernels->store(out + at, acc, block);
  }
}

/* ---- communicators ----------------------------------------------------------- */

typedef enum xhal__coll_mode {
  XHAL__COLL_AUTO,
  XHAL__COLL_NATIVE,
  XHAL__COLL_STAGED,
} xhal__coll_mode_t;

/* XHAL_COLLECTIVES: unset, "" or "auto" picks; "native" insists on the
 * plugin's collectives; "staged" forces host staging (a diagnostic knob). */
static xhal_status_t xhal__coll_mode(const char *call, xhal__coll_mode_t *out_mode) {
  const char *value = getenv("XHAL_COLLECTIVES");
  if (!value || !*value || strcmp(value, "auto") == 0) {
    *out_mode = XHAL__COLL_AUTO;
  } else if (strcmp(value, "native") == 0) {
    *out_mode = XHAL__COLL_NATIVE;
  } else if (strcmp(value, "staged") == 0) {
    *out_mode = XHAL__COLL_STAGED;
  } else {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: XHAL_COLLECTIVES=%s; expected auto, native or staged", call, value);
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t xhal__coll_check_devices(const char *call, xhal_device_t *const *devices,
                                              uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    char argument[32];
    snprintf(argument, sizeof argument, "devices[%u]", i);
    XHAL_RETURN_IF_ERROR(xhal__handle_check(call, argument, devices[i], XHAL__HANDLE_DEVICE));
    if (devices[i]->context != devices[0]->context) {
      return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                         "%s: devices[%u] belongs to another context than devices[0]", call, i);
    }
    for (uint32_t j = 0; j < i; ++j) {
      if (devices[j] == devices[i]) {
        return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                           "%s: device %u (%s) appears twice, as ranks %u and %u", call,
                           devices[i]->index, devices[i]->plugin->name, j, i);
      }
    }
  }
  return XHAL_STATUS_OK;
}

/* Makes comm native through its devices' plugin. */
static xhal_status_t xhal__coll_native_create(xhal_communicator_t *comm) {
  xhal__plugin_t *plugin = comm->devices[0]->plugin;
  xhal_plugin_device_t **natives = malloc(comm->size * sizeof *natives);
  if (!natives) {
    return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_communicator_create: out of memory");
  }
  for (uint32_t i = 0; i < comm->size; ++i) natives[i] = comm->devices[i]->native;
  xhal_status_t status =
      XHAL__COLL_CALL(plugin, communicator_create, natives, comm->size, &comm->native);
  free(natives);
  if (status == XHAL_STATUS_OK) comm->plugin = plugin;
  return status;
}

XHAL_API xhal_status_t xhal_communicator_create(xhal_device_t *const *devices, uint32_t count,
                                                xhal_communicator_t **out_comm) {
  static const char call[] = "xhal_communicator_create";
  if (!devices || !out_comm || count == 0) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: devices %p, count %u, out_comm %p",
                       call, (const void *)devices, count, (void *)out_comm);
  }
  XHAL_RETURN_IF_ERROR(xhal__coll_check_devices(call, devices, count));
  xhal__coll_mode_t mode = XHAL__COLL_AUTO;
  XHAL_RETURN_IF_ERROR(xhal__coll_mode(call, &mode));

  int native_possible = devices[0]->plugin->has_collectives;
  for (uint32_t i = 1; i < count; ++i) native_possible &= devices[i]->plugin == devices[0]->plugin;
  if (mode == XHAL__COLL_NATIVE && !native_possible) {
    return xhal__error(XHAL_STATUS_UNSUPPORTED,
                       "%s: XHAL_COLLECTIVES=native, but the devices do not share one plugin "
                       "with native collectives",
                       call);
  }

  xhal_communicator_t *comm = calloc(1, sizeof *comm + count * sizeof comm->devices[0]);
  if (!comm) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "%s: out of memory", call);
  comm->size = count;
  memcpy(comm->devices, devices, count * sizeof comm->devices[0]);
  atomic_init(&comm->aborted, 0);

  if (native_possible && mode != XHAL__COLL_STAGED) {
    xhal_status_t status = xhal__coll_native_create(comm);
    /* A plugin may decline a device set it cannot connect; staging still works. */
    if (status == XHAL_STATUS_UNSUPPORTED && mode == XHAL__COLL_AUTO) {
      char message[1200];
      snprintf(message, sizeof message, "%s: %s; using host-staged collectives", call,
               xhal_last_error());
      xhal__host_log(XHAL_LOG_INFO, message);
    } else if (status != XHAL_STATUS_OK) {
      free(comm);
      return status;
    }
  }
  xhal_status_t status = xhal__handle_register(comm, XHAL__HANDLE_COMMUNICATOR);
  if (status != XHAL_STATUS_OK) {
    if (comm->native) comm->plugin->collectives.communicator_destroy(comm->native);
    free(comm);
    return status;
  }
  *out_comm = comm;
  return XHAL_STATUS_OK;
}

XHAL_API xhal_status_t xhal_communicator_destroy(xhal_communicator_t *comm) {
  if (!comm) return XHAL_STATUS_OK;
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_communicator_destroy", "comm", comm,
                                          XHAL__HANDLE_COMMUNICATOR));
  xhal__handle_unregister(comm);
  xhal_status_t status = XHAL_STATUS_OK;
  if (comm->native) status = XHAL__COLL_CALL(comm->plugin, communicator_destroy, comm->native);
  free(comm);
  return status;
}

XHAL_API xhal_status_t xhal_communicator_abort(xhal_communicator_t *comm) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check("xhal_communicator_abort", "comm", comm,
                                          XHAL__HANDLE_COMMUNICATOR));
  atomic_store(&comm->aborted, 1);
  if (!comm->native) return XHAL_STATUS_OK;
  return XHAL__COLL_CALL(comm->plugin, communicator_abort, comm->native);
}

XHAL_API uint32_t xhal_communicator_size(const xhal_communicator_t *comm) {
  return xhal__handle_is_live(comm, XHAL__HANDLE_COMMUNICATOR) ? comm->size : 0;
}

XHAL_API uint32_t xhal_communicator_is_native(const xhal_communicator_t *comm) {
  return xhal__handle_is_live(comm, XHAL__HANDLE_COMMUNICATOR) && comm->native ? 1 : 0;
}

/* ---- validation -------------------------------------------------------------- */

typedef enum xhal__coll_kind {
  XHAL__ALL_REDUCE,
  XHAL__BROADCAST,
  XHAL__ALL_GATHER,
  XHAL__REDUCE_SCATTER,
} xhal__coll_kind_t;

/* One collective call, validated. Per rank, send holds send_scale * count
 * elements (read only at the root for broadcast) and recv holds recv_scale *
 * count. */
typedef struct xhal__coll_call {
  const char *name;
  xhal__coll_kind_t kind;
  xhal_dtype_t dtype;
  uint32_t reduce_op; /* all_reduce, reduce_scatter */
  uint32_t root;      /* broadcast */
  uint64_t count;
  uint64_t send_scale, recv_scale;
  size_t elem_size;
  uint64_t send_bytes, recv_bytes; /* per rank, filled by validation */
  const xhal__reduce_kernels_t *kernels;
} xhal__coll_call_t;

static xhal_status_t xhal__coll_check_comm(const char *call, xhal_communicator_t *comm) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, "comm", comm, XHAL__HANDLE_COMMUNICATOR));
  if (atomic_load(&comm->aborted)) {
    return xhal__error(XHAL_STATUS_ABORTED, "%s: the communicator was aborted", call);
  }
  return XHAL_STATUS_OK;
}

/* dtype known (reducible if reduce), op known, count * scale elements of
 * dtype fit in 64 bits of bytes. */
static xhal_status_t xhal__coll_check_type(const char *call, xhal_dtype_t dtype, int reduce,
                                           uint32_t reduce_op, uint64_t count, uint64_t scale,
                                           size_t *out_elem_size) {
  size_t elem_size = xhal_dtype_size(dtype);
  if (!elem_size) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: unknown dtype %u", call,
                       (unsigned)dtype);
  }
  if (reduce) {
    if (reduce_op > XHAL_REDUCE_MAX) {
      return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: unknown reduce op %u", call,
                         reduce_op);
    }
    const xhal__reduce_kernels_t *kernels = xhal__reduce_kernels(dtype);
    if (!kernels || !kernels->load) {
      return xhal__error(XHAL_STATUS_UNSUPPORTED, "%s: dtype %s cannot be reduced", call,
                         xhal_dtype_name(dtype));
    }
  }
  if (count > UINT64_MAX / elem_size / scale) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: count %llu x %llu elements of %s overflows 64 bits", call,
                       (unsigned long long)count, (unsigned long long)scale,
                       xhal_dtype_name(dtype));
  }
  *out_elem_size = elem_size;
  return XHAL_STATUS_OK;
}

static xhal_status_t xhal__coll_check_stream(const char *call, const char *argument,
                                             const xhal_communicator_t *comm, uint32_t rank,
                                             xhal_stream_t *stream) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, argument, stream, XHAL__HANDLE_STREAM));
  if (stream->device != comm->devices[rank]) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: %s is on device %u (%s), rank %u is device %u (%s)", call, argument,
                       stream->device->index, stream->device->plugin->name, rank,
                       comm->devices[rank]->index, comm->devices[rank]->plugin->name);
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t xhal__coll_check_buffer(const char *call, const char *argument,
                                             const xhal_communicator_t *comm, uint32_t rank,
                                             xhal_buffer_t *buffer, uint64_t offset,
                                             uint64_t bytes, size_t elem_size) {
  XHAL_RETURN_IF_ERROR(xhal__handle_check(call, argument, buffer, XHAL__HANDLE_BUFFER));
  if (buffer->device != comm->devices[rank]) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: %s is on device %u (%s), rank %u is device %u (%s)", call, argument,
                       buffer->device->index, buffer->device->plugin->name, rank,
                       comm->devices[rank]->index, comm->devices[rank]->plugin->name);
  }
  if (offset % elem_size != 0) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: %s offset %llu is not a multiple of the element size %zu", call,
                       argument, (unsigned long long)offset, elem_size);
  }
  char where[96];
  snprintf(where, sizeof where, "%s: %s", call, argument);
  return xhal__buffer_check_range(where, buffer, offset, bytes);
}

/* A rank's send and recv ranges must be disjoint, or the same buffer at the
 * same offset where in place is allowed. */
static xhal_status_t xhal__coll_check_overlap(const char *call, uint32_t rank,
                                              const xhal_buffer_t *send, uint64_t send_offset,
                                              uint64_t send_bytes, const xhal_buffer_t *recv,
                                              uint64_t recv_offset, uint64_t recv_bytes,
                                              int in_place_ok) {
  if (send != recv || !send_bytes || !recv_bytes) return XHAL_STATUS_OK;
  if (in_place_ok && send_offset == recv_offset) return XHAL_STATUS_OK;
  if (send_offset < recv_offset + recv_bytes && recv_offset < send_offset + send_bytes) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: rank %u's send [%llu, +%llu) and recv [%llu, +%llu) overlap in one "
                       "buffer%s",
                       call, rank, (unsigned long long)send_offset,
                       (unsigned long long)send_bytes, (unsigned long long)recv_offset,
                       (unsigned long long)recv_bytes,
                       in_place_ok ? " (in place needs the same offset)" : "");
  }
  return XHAL_STATUS_OK;
}

static xhal_status_t xhal__coll_validate(xhal__coll_call_t *call, xhal_communicator_t *comm,
                                         xhal_buffer_t *const *send, xhal_buffer_t *const *recv,
                                         const uint64_t *send_offsets,
                                         const uint64_t *recv_offsets,
                                         xhal_stream_t *const *streams) {
  const char *name = call->name;
  XHAL_RETURN_IF_ERROR(xhal__coll_check_comm(name, comm));
  int reduce = call->kind == XHAL__ALL_REDUCE || call->kind == XHAL__REDUCE_SCATTER;
  /* The staged path holds every rank's input at once: n * send elements. */
  uint64_t scale = (uint64_t)comm->size * call->send_scale;
  if (call->recv_scale > scale) scale = call->recv_scale;
  XHAL_RETURN_IF_ERROR(xhal__coll_check_type(name, call->dtype, reduce, call->reduce_op,
                                             call->count, scale, &call->elem_size));
  if (!send || !recv || !streams) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: send %p, recv %p, streams %p", name,
                       (const void *)send, (const void *)recv, (const void *)streams);
  }
  if (call->kind == XHAL__BROADCAST && call->root >= comm->size) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: root %u, communicator has %u ranks",
                       name, call->root, comm->size);
  }
  call->kernels = reduce ? xhal__reduce_kernels(call->dtype) : NULL;
  call->send_bytes = call->count * call->elem_size * call->send_scale;
  call->recv_bytes = call->count * call->elem_size * call->recv_scale;
  int in_place_ok = call->kind == XHAL__ALL_REDUCE || call->kind == XHAL__BROADCAST;
  for (uint32_t r = 0; r < comm->size; ++r) {
    char argument[32];
    uint64_t send_offset = send_offsets ? send_offsets[r] : 0;
    uint64_t recv_offset = recv_offsets ? recv_offsets[r] : 0;
    snprintf(argument, sizeof argument, "streams[%u]", r);
    XHAL_RETURN_IF_ERROR(xhal__coll_check_stream(name, argument, comm, r, streams[r]));
    snprintf(argument, sizeof argument, "recv[%u]", r);
    XHAL_RETURN_IF_ERROR(
        xhal__coll_check_buffer(name, argument, comm, r, recv[r], recv_offset,
                                                call->recv_bytes, call->elem_size));
    if (call->kind == XHAL__BROADCAST && r != call->root) continue;
    snprintf(argument, sizeof argument, "send[%u]", r);
    XHAL_RETURN_IF_ERROR(
        xhal__coll_check_buffer(name, argument, comm, r, send[r], send_offset,
                                                call->send_bytes, call->elem_size));
    XHAL_RETURN_IF_ERROR(xhal__coll_check_overlap(name, r, send[r], send_offset,
                                                  call->send_bytes, recv[r], recv_offset,
                                                  call->recv_bytes, in_place_ok));
  }
  return XHAL_STATUS_OK;
}

/* ---- the native path --------------------------------------------------------- */

static xhal_status_t xhal__coll_native(const xhal__coll_call_t *call, xhal_communicator_t *comm,
                                       xhal_buffer_t *const *send, xhal_buffer_t *const *recv,
                                       const uint64_t *send_offsets,
                                       const uint64_t *recv_offsets,
                                       xhal_stream_t *const *streams) {
  uint32_t n = comm->size;
  /* One block: send, recv, streams (pointers), then send and recv offsets. */
  void **pointers = malloc((size_t)n * (3 * sizeof(void *) + 2 * sizeof(uint64_t)));
  if (!pointers) return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "%s: out of memory", call->name);
  xhal_plugin_buffer_t **native_send = (xhal_plugin_buffer_t **)pointers;
  xhal_plugin_buffer_t **native_recv = (xhal_plugin_buffer_t **)(pointers + n);
  xhal_plugin_stream_t **native_streams = (xhal_plugin_stream_t **)(pointers + 2 * n);
  uint64_t *offsets = (uint64_t *)(pointers + 3 * n);
  for (uint32_t r = 0; r < n; ++r) {
    offsets[r] = send_offsets ? send_offsets[r] : 0;
    offsets[n + r] = recv_offsets ? recv_offsets[r] : 0;
    native_recv[r] = recv[r]->native;
    native_streams[r] = streams[r]->native;
    /* broadcast ignores send off the root; never hand the plugin a NULL. */
    if (call->kind == XHAL__BROADCAST && r != call->root) {
      native_send[r] = recv[r]->native;
      offsets[r] = offsets[n + r];
    } else {
      native_send[r] = send[r]->native;
    }
  }
  xhal__plugin_t *plugin = comm->plugin;
  uint32_t dtype = (uint32_t)call->dtype;
  xhal_status_t status = XHAL_STATUS_INTERNAL;
  switch (call->kind) {
    case XHAL__ALL_REDUCE:
      status = XHAL__COLL_CALL(plugin, all_reduce, comm->native, native_send, offsets, native_recv,
                               offsets + n, call->count, dtype, call->reduce_op, native_streams);
      break;
    case XHAL__BROADCAST:
      status = XHAL__COLL_CALL(plugin, broadcast, comm->native, native_send, offsets, native_recv,
                               offsets + n, call->count, dtype, call->root, native_streams);
      break;
    case XHAL__ALL_GATHER:
      status = XHAL__COLL_CALL(plugin, all_gather, comm->native, native_send, offsets, native_recv,
                               offsets + n, call->count, dtype, native_streams);
      break;
    case XHAL__REDUCE_SCATTER:
      status = XHAL__COLL_CALL(plugin, reduce_scatter, comm->native, native_send, offsets,
                               native_recv, offsets + n, call->count, dtype, call->reduce_op,
                               native_streams);
      break;
  }
  free(pointers);
  return status;
}

/* ---- the staged path --------------------------------------------------------- */

/* Synchronizes streams[i] for every i with mask[i]; returns status, or the
 * first error if status was OK. */
static xhal_status_t xhal__coll_sync(xhal_stream_t *const *streams, uint32_t n,
                                     const uint8_t *mask, xhal_status_t status) {
  for (uint32_t r = 0; r < n; ++r) {
    if (!mask[r]) continue;
    xhal_status_t sync_status = xhal__stream_sync(streams[r]);
    if (status == XHAL_STATUS_OK) status = sync_status;
  }
  return status;
}

/* Enqueues a download of size bytes on stream; sets *enqueued on success. */
static xhal_status_t xhal__coll_download(xhal_stream_t *stream, void *dst, xhal_buffer_t *src,
                                         uint64_t offset, uint64_t size, uint8_t *enqueued) {
  xhal_device_t *device = stream->device;
  xhal_status_t status = XHAL__PLUGIN_CALL(device, copy_device_to_host, stream->native, dst,
                                           src->native, offset, size);
  if (status == XHAL_STATUS_OK) *enqueued = 1;
  return status;
}

static xhal_status_t xhal__coll_upload(xhal_stream_t *stream, xhal_buffer_t *dst, uint64_t offset,
                                       const void *src, uint64_t size, uint8_t *enqueued) {
  xhal_device_t *device = stream->device;
  xhal_status_t status = XHAL__PLUGIN_CALL(device, copy_host_to_device, stream->native,
                                           dst->native, offset, src, size);
  if (status == XHAL_STATUS_OK) *enqueued = 1;
  return status;
}

/* Combines the downloaded inputs (rank r's at host + r * send_bytes) into
 * the results: all_reduce and reduce_scatter write out; all_gather and
 * broadcast upload the inputs as they are. */
static void xhal__coll_host_compute(const xhal__coll_call_t *call, uint32_t n,
                                    const uint8_t *inputs, uint8_t *out, void *scratch) {
  xhal__reduce_fn combine = call->kernels->op[call->reduce_op];
  if (call->kind == XHAL__ALL_REDUCE) {
    xhal__host_reduce(call->kernels, combine, call->elem_size, inputs, call->send_bytes, n, out,
                      call->count, scratch);
  } else {
    for (uint32_t r = 0; r < n; ++r) {
      xhal__host_reduce(call->kernels, combine, call->elem_size, inputs + r * call->recv_bytes,
                        call->send_bytes, n, out + r * call->recv_bytes, call->count, scratch);
    }
  }
}

static xhal_status_t xhal__coll_staged(const xhal__coll_call_t *call, xhal_communicator_t *comm,
                                       xhal_buffer_t *const *send, xhal_buffer_t *const *recv,
                                       const uint64_t *send_offsets,
                                       const uint64_t *recv_offsets,
                                       xhal_stream_t *const *streams) {
  uint32_t n = comm->size;
  int reduce = call->kernels != NULL;
  /* inputs: every rank's send (the root's only, for broadcast); out: the
   * reduced results (one for all_reduce, one per rank for reduce_scatter). */
  size_t in_bytes = (size_t)(call->kind == XHAL__BROADCAST ? 1 : n) * call->send_bytes;
  size_t out_bytes = call->kind == XHAL__ALL_REDUCE       ? call->recv_bytes
                     : call->kind == XHAL__REDUCE_SCATTER ? (size_t)n * call->recv_bytes
                                                          : 0;
  size_t scratch_bytes = reduce ? 2 * XHAL__REDUCE_BLOCK * 8 : 0;
  uint8_t *host = malloc(in_bytes + out_bytes + scratch_bytes);
  uint8_t *mask = calloc(n, 1);
  if (!host || !mask) {
    free(host);
    free(mask);
    return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "%s: %zu bytes of host staging memory",
                       call->name, in_bytes + out_bytes + scratch_bytes);
  }
  /* scratch first: malloc's alignment suits every accumulator type */
  void *scratch = host;
  uint8_t *inputs = host + scratch_bytes, *out = inputs + in_bytes;

  xhal_status_t status = XHAL_STATUS_OK;
  for (uint32_t r = 0; r < n && status == XHAL_STATUS_OK; ++r) {
    if (call->kind == XHAL__BROADCAST && r != call->root) continue;
    uint8_t *dst = inputs + (call->kind == XHAL__BROADCAST ? 0 : r * call->send_bytes);
    status = xhal__coll_download(streams[r], dst, send[r], send_offsets ? send_offsets[r] : 0,
                                 call->send_bytes, &mask[r]);
  }
  /* Even after a failed enqueue, wait for what was enqueued before freeing. */
  status = xhal__coll_sync(streams, n, mask, status);
  if (status == XHAL_STATUS_OK && atomic_load(&comm->aborted)) {
    status = xhal__error(XHAL_STATUS_ABORTED, "%s: the communicator was aborted", call->name);
  }
  if (status == XHAL_STATUS_OK) {
    if (reduce) xhal__coll_host_compute(call, n, inputs, out, scratch);
    memset(mask, 0, n);
    for (uint32_t r = 0; r < n && status == XHAL_STATUS_OK; ++r) {
      const uint8_t *src = call->kind == XHAL__ALL_REDUCE       ? out
                           : call->kind == XHAL__REDUCE_SCATTER ? out + r * call->recv_bytes
                                                                : inputs;
      status = xhal__coll_upload(streams[r], recv[r], recv_offsets ? recv_offsets[r] : 0, src,
                                 call->recv_bytes, &mask[r]);
    }
    status = xhal__coll_sync(streams, n, mask, status);
  }
  free(mask);
  free(host);
  return status;
}

/* ---- collectives ------------------------------------------------------------- */

static xhal_status_t xhal__coll_run(xhal__coll_call_t *call, xhal_communicator_t *comm,
                                    xhal_buffer_t *const *send, xhal_buffer_t *const *recv,
                                    const uint64_t *send_offsets, const uint64_t *recv_offsets,
                                    xhal_stream_t *const *streams) {
  XHAL_RETURN_IF_ERROR(
      xhal__coll_validate(call, comm, send, recv, send_offsets, recv_offsets, streams));
  if (call->count == 0) return XHAL_STATUS_OK;
  if (comm->native) {
    xhal_status_t status =
        xhal__coll_native(call, comm, send, recv, send_offsets, recv_offsets, streams);
    /* A dtype or op the plugin lacks is staged: libxhal covers every one. */
    if (status != XHAL_STATUS_UNSUPPORTED) return status;
  }
  return xhal__coll_staged(call, comm, send, recv, send_offsets, recv_offsets, streams);
}

XHAL_API xhal_status_t xhal_all_reduce(xhal_communicator_t *comm, xhal_buffer_t *const *send,
                                       xhal_buffer_t *const *recv, const uint64_t *send_offsets,
                                       const uint64_t *recv_offsets, uint64_t count,
                                       xhal_dtype_t dtype, xhal_reduce_op_t op,
                                       xhal_stream_t *const *streams) {
  xhal__coll_call_t call = {.name = "xhal_all_reduce", .kind = XHAL__ALL_REDUCE, .dtype = dtype,
                            .reduce_op = (uint32_t)op, .count = count, .send_scale = 1,
                            .recv_scale = 1};
  return xhal__coll_run(&call, comm, send, recv, send_offsets, recv_offsets, streams);
}

XHAL_API xhal_status_t xhal_broadcast(xhal_communicator_t *comm, xhal_buffer_t *const *send,
                                      xhal_buffer_t *const *recv, const uint64_t *send_offsets,
                                      const uint64_t *recv_offsets, uint64_t count,
                                      xhal_dtype_t dtype, uint32_t root,
                                      xhal_stream_t *const *streams) {
  xhal__coll_call_t call = {.name = "xhal_broadcast", .kind = XHAL__BROADCAST, .dtype = dtype,
                            .root = root, .count = count, .send_scale = 1, .recv_scale = 1};
  return xhal__coll_run(&call, comm, send, recv, send_offsets, recv_offsets, streams);
}

XHAL_API xhal_status_t xhal_all_gather(xhal_communicator_t *comm, xhal_buffer_t *const *send,
                                       xhal_buffer_t *const *recv, const uint64_t *send_offsets,
                                       const uint64_t *recv_offsets, uint64_t count,
                                       xhal_dtype_t dtype, xhal_stream_t *const *streams) {
  uint64_t ranks = xhal_communicator_size(comm);
  xhal__coll_call_t call = {.name = "xhal_all_gather", .kind = XHAL__ALL_GATHER, .dtype = dtype,
                            .count = count, .send_scale = 1, .recv_scale = ranks ? ranks : 1};
  return xhal__coll_run(&call, comm, send, recv, send_offsets, recv_offsets, streams);
}

XHAL_API xhal_status_t xhal_reduce_scatter(xhal_communicator_t *comm, xhal_buffer_t *const *send,
                                           xhal_buffer_t *const *recv,
                                           const uint64_t *send_offsets,
                                           const uint64_t *recv_offsets, uint64_t count,
                                           xhal_dtype_t dtype, xhal_reduce_op_t op,
                                           xhal_stream_t *const *streams) {
  uint64_t ranks = xhal_communicator_size(comm);
  xhal__coll_call_t call = {.name = "xhal_reduce_scatter", .kind = XHAL__REDUCE_SCATTER,
                            .dtype = dtype, .reduce_op = (uint32_t)op, .count = count,
                            .send_scale = ranks ? ranks : 1, .recv_scale = 1};
  return xhal__coll_run(&call, comm, send, recv, send_offsets, recv_offsets, streams);
}

/* ---- point to point ---------------------------------------------------------- */

static xhal_status_t xhal__send_recv_staged(xhal_buffer_t *send, uint64_t send_offset,
                                            xhal_buffer_t *recv, uint64_t recv_offset,
                                            uint64_t bytes, xhal_stream_t *src_stream,
                                            xhal_stream_t *dst_stream) {
  void *host = malloc(bytes);
  if (!host) {
    return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "xhal_send_recv: %llu bytes of host staging",
                       (unsigned long long)bytes);
  }
  uint8_t enqueued = 0;
  xhal_status_t status =
      xhal__coll_download(src_stream, host, send, send_offset, bytes, &enqueued);
  status = xhal__coll_sync(&src_stream, 1, &enqueued, status);
  if (status == XHAL_STATUS_OK) {
    enqueued = 0;
    status = xhal__coll_upload(dst_stream, recv, recv_offset, host, bytes, &enqueued);
    status = xhal__coll_sync(&dst_stream, 1, &enqueued, status);
  }
  free(host);
  return status;
}

XHAL_API xhal_status_t xhal_send_recv(xhal_communicator_t *comm, uint32_t src_rank,
                                      xhal_buffer_t *send, uint64_t send_offset,
                                      uint32_t dst_rank, xhal_buffer_t *recv,
                                      uint64_t recv_offset, uint64_t count, xhal_dtype_t dtype,
                                      xhal_stream_t *src_stream, xhal_stream_t *dst_stream) {
  static const char name[] = "xhal_send_recv";
  XHAL_RETURN_IF_ERROR(xhal__coll_check_comm(name, comm));
  size_t elem_size = 0;
  XHAL_RETURN_IF_ERROR(xhal__coll_check_type(name, dtype, 0, 0, count, 1, &elem_size));
  if (src_rank >= comm->size || dst_rank >= comm->size) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT,
                       "%s: src_rank %u, dst_rank %u, communicator has %u ranks", name, src_rank,
                       dst_rank, comm->size);
  }
  uint64_t bytes = count * elem_size;
  XHAL_RETURN_IF_ERROR(xhal__coll_check_stream(name, "src_stream", comm, src_rank, src_stream));
  XHAL_RETURN_IF_ERROR(xhal__coll_check_stream(name, "dst_stream", comm, dst_rank, dst_stream));
  XHAL_RETURN_IF_ERROR(xhal__coll_check_buffer(name, "send", comm, src_rank, send, send_offset,
                                               bytes, elem_size));
  XHAL_RETURN_IF_ERROR(xhal__coll_check_buffer(name, "recv", comm, dst_rank, recv, recv_offset,
                                               bytes, elem_size));
  if (count == 0) return XHAL_STATUS_OK;
  if (comm->native) {
    xhal_status_t status = XHAL__COLL_CALL(comm->plugin, send_recv, comm->native, src_rank,
                                           send->native, send_offset, dst_rank, recv->native,
                                           recv_offset, count, (uint32_t)dtype,
                                           src_stream->native, dst_stream->native);
    if (status != XHAL_STATUS_UNSUPPORTED) return status;
  }
  return xhal__send_recv_staged(send, send_offset, recv, recv_offset, bytes, src_stream,
                                dst_stream);
}
