/* cu_nccl.c - dlopen("libnccl.so.2") and its symbol table. */
#include "cu_nccl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_error.h"

#define CU_NCCL_LIBRARY "libnccl.so.2"

/* ncclResult_t values that blame the caller. */
#define CU_NCCL_INVALID_ARGUMENT 4
#define CU_NCCL_INVALID_USAGE 5

static cu_nccl_t cu_nccl_storage;
static _Atomic(const cu_nccl_t *) cu_nccl_ready;
static char cu_nccl_reason[512];
static pthread_once_t cu_nccl_once = PTHREAD_ONCE_INIT;

static void cu_nccl_init_once(void) {
  const char *file = getenv("XHAL_CUDA_NCCL_LIBRARY");
  if (!file || !*file) file = CU_NCCL_LIBRARY;
  if (strcmp(file, "none") == 0) {
    snprintf(cu_nccl_reason, sizeof cu_nccl_reason,
             "NCCL is disabled (XHAL_CUDA_NCCL_LIBRARY=none)");
    return;
  }
  void *library = dlopen(file, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *text = dlerror();
    snprintf(cu_nccl_reason, sizeof cu_nccl_reason,
             "NCCL is not installed: dlopen(\"%s\") failed (%s)", file,
             text ? text : "unknown error");
    return;
  }
  cu_nccl_t *n = &cu_nccl_storage;
  void *symbol = NULL;
#define CU_NCCL_RESOLVE(name, params)                                            \
  symbol = dlsym(library, #name);                                                \
  if (!symbol) {                                                                 \
    snprintf(cu_nccl_reason, sizeof cu_nccl_reason, "%s lacks %s", file, #name); \
    return;                                                                      \
  }                                                                              \
  memcpy(&n->name, &symbol, sizeof symbol);
  CU_NCCL_SYMBOLS(CU_NCCL_RESOLVE)
#undef CU_NCCL_RESOLVE
  int code = 0;
  if (n->ncclGetVersion(&code) != CU_NCCL_SUCCESS) code = 0;
  /* NCCL_VERSION_CODE: 10000 * major + 100 * minor + patch from 2.9 on,
   * 1000 * major + 100 * minor + patch before. */
  const int major = code >= 10000 ? code / 10000 : code / 1000;
  const int minor = code >= 10000 ? code / 100 % 100 : code / 100 % 10;
  n->version = 100 * major + minor;
  if (n->version < CU_NCCL_MIN_VERSION) {
    snprintf(cu_nccl_reason, sizeof cu_nccl_reason,
             "%s is NCCL %d.%d; the CUDA backend needs 2.7 or newer", file, major, minor);
    return;
  }
  atomic_store(&cu_nccl_ready, n);
}

const cu_nccl_t *cu_nccl_load(const char **reason) {
  pthread_once(&cu_nccl_once, cu_nccl_init_once);
  const cu_nccl_t *nccl = atomic_load(&cu_nccl_ready);
  if (!nccl && reason) *reason = cu_nccl_reason;
  return nccl;
}

int32_t cu_nccl_check(const cu_nccl_t *nccl, cu_nccl_result_t result, const char *call) {
  if (result == CU_NCCL_SUCCESS) return XHAL_STATUS_OK;
  const char *text = nccl->ncclGetErrorString(result);
  const int32_t status = result == CU_NCCL_INVALID_ARGUMENT || result == CU_NCCL_INVALID_USAGE
                             ? XHAL_STATUS_INVALID_ARGUMENT
                             : XHAL_STATUS_INTERNAL;
  return cu_error(status, "%s: ncclResult %d: %s", call, result, text ? text : "unknown error");
}
