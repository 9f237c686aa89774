/* handle_registry.c - an open-addressing hash set of live handles.
 *
 * Every public call checks its handles here before dereferencing them, so a
 * destroyed handle gives INVALID_HANDLE instead of a use-after-free. One
 * process-wide set, guarded by a mutex: lookups are a hash and a probe or two,
 * well under the per-op dispatch budget. */
#include "handle_registry.h"

#include <pthread.h>
#include <stdlib.h>

#include "status.h"

typedef struct xhal__handle_slot {
  uintptr_t key; /* 0 empty, 1 tombstone */
  uint32_t type;
} xhal__handle_slot_t;

static pthread_mutex_t xhal__registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static xhal__handle_slot_t *xhal__slots;
static size_t xhal__capacity; /* power of two */
static size_t xhal__used;     /* live + tombstones */

#define XHAL__TOMBSTONE ((uintptr_t)1)

static size_t xhal__hash(uintptr_t key) {
  uint64_t x = (uint64_t)key;
  x ^= x >> 33;
  x *= UINT64_C(0xff51afd7ed558ccd);
  x ^= x >> 33;
  return (size_t)x;
}

static xhal__handle_slot_t *xhal__find(uintptr_t key) {
  if (!xhal__slots) return NULL;
  size_t mask = xhal__capacity - 1;
  for (size_t i = xhal__hash(key) & mask;; i = (i + 1) & mask) {
    if (xhal__slots[i].key == key) return &xhal__slots[i];
    if (xhal__slots[i].key == 0) return NULL;
  }
}

static int xhal__grow(void) {
  size_t new_capacity = xhal__capacity ? xhal__capacity * 2 : 256;
  xhal__handle_slot_t *new_slots = calloc(new_capacity, sizeof *new_slots);
  if (!new_slots) return 0;
  size_t live = 0;
  for (size_t i = 0; i < xhal__capacity; ++i) {
    uintptr_t key = xhal__slots[i].key;
    if (key <= XHAL__TOMBSTONE) continue;
    size_t j = xhal__hash(key) & (new_capacity - 1);
    while (new_slots[j].key) j = (j + 1) & (new_capacity - 1);
    new_slots[j] = xhal__slots[i];
    ++live;
  }
  free(xhal__slots);
  xhal__slots = new_slots;
  xhal__capacity = new_capacity;
  xhal__used = live;
  return 1;
}

xhal_status_t xhal__handle_register(const void *handle, xhal__handle_type_t type) {
  uintptr_t key = (uintptr_t)handle;
  pthread_mutex_lock(&xhal__registry_mutex);
  /* Keep the load factor (tombstones included) under one half. */
  if ((xhal__used + 1) * 2 > xhal__capacity && !xhal__grow()) {
    pthread_mutex_unlock(&xhal__registry_mutex);
    return xhal__error(XHAL_STATUS_OUT_OF_MEMORY, "handle registry: cannot grow past %zu slots",
                       xhal__capacity);
  }
  size_t mask = xhal__capacity - 1;
  size_t i = xhal__hash(key) & mask;
  while (xhal__slots[i].key > XHAL__TOMBSTONE && xhal__slots[i].key != key) i = (i + 1) & mask;
  if (xhal__slots[i].key == 0) ++xhal__used;
  xhal__slots[i].key = key;
  xhal__slots[i].type = (uint32_t)type;
  pthread_mutex_unlock(&xhal__registry_mutex);
  return XHAL_STATUS_OK;
}

void xhal__handle_unregister(const void *handle) {
  pthread_mutex_lock(&xhal__registry_mutex);
  xhal__handle_slot_t *slot = xhal__find((uintptr_t)handle);
  if (slot) slot->key = XHAL__TOMBSTONE;
  pthread_mutex_unlock(&xhal__registry_mutex);
}

void xhal__handle_lock(void) { pthread_mutex_lock(&xhal__registry_mutex); }

void xhal__handle_unlock(void) { pthread_mutex_unlock(&xhal__registry_mutex); }

bool xhal__handle_is_live_locked(const void *handle, xhal__handle_type_t type) {
  if (!handle) return false;
  xhal__handle_slot_t *slot = xhal__find((uintptr_t)handle);
  return slot && slot->type == (uint32_t)type;
}

bool xhal__handle_is_live(const void *handle, xhal__handle_type_t type) {
  xhal__handle_lock();
  bool live = xhal__handle_is_live_locked(handle, type);
  xhal__handle_unlock();
  return live;
}

static const char *xhal__handle_type_name(xhal__handle_type_t type) {
  static const char *const names[] = {"?",      "context", "device",   "buffer",
                                      "stream", "event",   "module",   "function",
                                      "communicator"};
  return (unsigned)type < sizeof names / sizeof names[0] ? names[type] : "?";
}

xhal_status_t xhal__handle_check(const char *call, const char *argument, const void *handle,
                                 xhal__handle_type_t type) {
  if (!handle) {
    return xhal__error(XHAL_STATUS_INVALID_ARGUMENT, "%s: %s is NULL", call, argument);
  }
  if (!xhal__handle_is_live(handle, type)) {
    return xhal__error(XHAL_STATUS_INVALID_HANDLE, "%s: %s %p is not a live %s", call, argument,
                       handle, xhal__handle_type_name(type));
  }
  return XHAL_STATUS_OK;
}
