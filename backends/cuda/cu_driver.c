/* cu_driver.c - dlopen("libcuda.so.1") and its symbol table. */
#include "cu_driver.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_error.h"

#define CU_DRIVER_LIBRARY "libcuda.so.1"

/* Two levels so that the argument is macro-expanded first: cuMemAlloc ->
 * "cuMemAlloc_v2", exactly what cuda.h declares. */
#define CU_STRING2(x) #x
#define CU_STRING(x) CU_STRING2(x)

static cu_driver_t cu_driver_storage;
static _Atomic(const cu_driver_t *) cu_driver_ready;
static char cu_driver_reason[1024];
static pthread_once_t cu_driver_once = PTHREAD_ONCE_INIT;

static void cu_driver_version_text(int version, char *text, size_t size) {
  snprintf(text, size, "%d.%d", version / 1000, version % 1000 / 10);
}

/* Reason text for a CUresult that ends initialisation. */
static void cu_driver_fail_call(const char *call, CUresult result) {
  char number[32];
  if (result == CUDA_ERROR_STUB_LIBRARY) {
    snprintf(cu_driver_reason, sizeof cu_driver_reason,
             "%s at %s is the CUDA toolkit's stub library (%s returned CUDA_ERROR_STUB_LIBRARY): "
             "it only satisfies linkers; install the NVIDIA driver to use a GPU",
             CU_DRIVER_LIBRARY, cu_driver_storage.path, call);
  } else if (result == CUDA_ERROR_NO_DEVICE) {
    snprintf(cu_driver_reason, sizeof cu_driver_reason,
             "the NVIDIA driver at %s reports no CUDA device (%s: CUDA_ERROR_NO_DEVICE)",
             cu_driver_storage.path, call);
  } else {
    snprintf(cu_driver_reason, sizeof cu_driver_reason,
             "the NVIDIA driver at %s cannot be used: %s failed with %s (%d)",
             cu_driver_storage.path, call, cu_result_name(result, number, sizeof number),
             (int)result);
  }
}

static void cu_driver_find_path(void *library) {
  struct link_map *map = NULL;
  snprintf(cu_driver_storage.path, sizeof cu_driver_storage.path, "%s", CU_DRIVER_LIBRARY);
  if (dlinfo(library, RTLD_DI_LINKMAP, &map) != 0 || !map || !map->l_name || !*map->l_name) return;
  /* Name the file itself, not a symlink to it. */
  char *resolved = realpath(map->l_name, NULL);
  snprintf(cu_driver_storage.path, sizeof cu_driver_storage.path, "%s",
           resolved ? resolved : map->l_name);
  free(resolved);
}

/* Resolves every symbol; returns the first required one that is missing. */
static const char *cu_driver_resolve(void *library) {
  cu_driver_t *d = &cu_driver_storage;
  const char *missing = NULL;
  void *symbol = NULL;
#define CU_DRIVER_RESOLVE(name)                                                                    \
  symbol = dlsym(library, CU_STRING(name));                                                        \
  memcpy(&d->name, &symbol, sizeof symbol);                                                        \
  if (!symbol && !missing) missing = CU_STRING(name);
  CU_DRIVER_REQUIRED(CU_DRIVER_RESOLVE)
#undef CU_DRIVER_RESOLVE
#define CU_DRIVER_RESOLVE_OPTIONAL(name)                                                           \
  symbol = dlsym(library, CU_STRING(name));                                                        \
  memcpy(&d->name, &symbol, sizeof symbol);
  CU_DRIVER_OPTIONAL(CU_DRIVER_RESOLVE_OPTIONAL)
#undef CU_DRIVER_RESOLVE_OPTIONAL
  return missing;
}

static void cu_driver_init_once(void) {
  cu_driver_t *d = &cu_driver_storage;
  char need[16], have[16];
  cu_driver_version_text(CU_DRIVER_MIN_VERSION, need, sizeof need);
  const char *file = getenv("XHAL_CUDA_DRIVER_LIBRARY");
  if (!file || !*file) file = CU_DRIVER_LIBRARY;
  void *library = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *text = dlerror();
    snprintf(cu_driver_reason, sizeof cu_driver_reason,
             "no NVIDIA driver: dlopen(\"%s\") failed (%s); the CUDA backend needs the NVIDIA "
             "driver's %s for CUDA %s or newer",
             file, text ? text : "unknown error", CU_DRIVER_LIBRARY, need);
    return;
  }
  cu_driver_find_path(library);
  const char *missing = cu_driver_resolve(library);
  /* The version first: a missing symbol of an old driver is best explained
   * by its version. */
  if (!d->cuDriverGetVersion) {
    snprintf(cu_driver_reason, sizeof cu_driver_reason,
             "%s at %s has no cuDriverGetVersion: not a CUDA driver library", CU_DRIVER_LIBRARY,
             d->path);
    return;
  }
  CUresult result = d->cuDriverGetVersion(&d->version);
  if (result != CUDA_SUCCESS) {
    cu_driver_fail_call("cuDriverGetVersion", result);
    return;
  }
  cu_driver_version_text(d->version, have, sizeof have);
  if (d->version < CU_DRIVER_MIN_VERSION) {
    snprintf(cu_driver_reason, sizeof cu_driver_reason,
             "the NVIDIA driver at %s supports CUDA %s (cuDriverGetVersion = %d); the CUDA "
             "backend's kernels were built with CUDA %d.%d and need a driver for CUDA %s or newer",
             d->path, have, d->version, CUDA_VERSION / 1000, CUDA_VERSION % 1000 / 10, need);
    return;
  }
  if (missing) {
    snprintf(cu_driver_reason, sizeof cu_driver_reason,
             "the NVIDIA driver at %s (CUDA %s) lacks the entry point %s", d->path, have,
             missing);
    return;
  }
  result = d->cuInit(0);
  if (result != CUDA_SUCCESS) {
    cu_driver_fail_call("cuInit(0)", result);
    return;
  }
  result = d->cuDeviceGetCount(&d->device_count);
  if (result != CUDA_SUCCESS) {
    cu_driver_fail_call("cuDeviceGetCount", result);
    return;
  }
  if (d->device_count <= 0) {
    snprintf(cu_driver_reason, sizeof cu_driver_reason,
             "the NVIDIA driver at %s (CUDA %s) reports no CUDA device", d->path, have);
    return;
  }
  atomic_store(&cu_driver_ready, d);
}

const cu_driver_t *cu_driver_load(const char **reason) {
  pthread_once(&cu_driver_once, cu_driver_init_once);
  const cu_driver_t *driver = atomic_load(&cu_driver_ready);
  if (!driver && reason) *reason = cu_driver_reason;
  return driver;
}

const cu_driver_t *cu_driver_table(void) { return atomic_load(&cu_driver_ready); }
