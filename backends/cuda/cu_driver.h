/* cu_driver.h - the CUDA driver API, loaded at run time.
 *
 * The plugin never links against libcuda: it dlopen()s "libcuda.so.1" once
 * per process and resolves every entry point it uses through one X-macro
 * table, so the plugin loads on any machine and explains why it has no
 * device (no driver, the toolkit's stub library, a driver too old, no GPU).
 *
 * cuda.h maps many names to versioned symbols (cuMemAlloc -> cuMemAlloc_v2,
 * cuEventElapsedTime -> cuEventElapsedTime_v2, ...). The table's member
 * names and the strings passed to dlsym() go through the same macros, so
 * the plugin binds exactly the symbol versions the header it was compiled
 * against declares, with the header's prototypes (__typeof__).
 *
 * The library stays loaded for the life of the process (driver threads may
 * still run its code when the plugin is released). XHAL_CUDA_DRIVER_LIBRARY
 * names another file to load instead (tests use it for "no driver" on
 * machines that have one). */
#ifndef XHAL_CU_DRIVER_H
#define XHAL_CU_DRIVER_H

#include <cuda.h>

/* The kernels embedded in the plugin were built by the toolkit whose cuda.h
 * this file is compiled with; a driver loads them from the same CUDA major
 * version on (minor-version compatibility), so that is the minimum. */
#define CU_DRIVER_MIN_VERSION (CUDA_VERSION / 1000 * 1000)

/* Entry points the backend cannot work without. */
#define CU_DRIVER_REQUIRED(X)                                                                      \
  X(cuInit)                                                                                        \
  X(cuDriverGetVersion)                                                                            \
  X(cuGetErrorName)                                                                                \
  X(cuGetErrorString)                                                                              \
  X(cuDeviceGetCount)                                                                              \
  X(cuDeviceGet)                                                                                   \
  X(cuDeviceGetName)                                                                               \
  X(cuDeviceGetAttribute)                                                                          \
  X(cuDeviceTotalMem)                                                                              \
  X(cuDeviceCanAccessPeer)                                                                         \
  X(cuDevicePrimaryCtxRetain)                                                                      \
  X(cuDevicePrimaryCtxRelease)                                                                     \
  X(cuCtxPushCurrent)                                                                              \
  X(cuCtxPopCurrent)                                                                               \
  X(cuMemAlloc)                                                                                    \
  X(cuMemFree)                                                                                     \
  X(cuMemHostAlloc)                                                                                \
  X(cuMemFreeHost)                                                                                 \
  X(cuMemsetD8Async)                                                                               \
  X(cuMemcpyHtoDAsync)                                                                             \
  X(cuMemcpyDtoHAsync)                                                                             \
  X(cuMemcpyDtoDAsync)                                                                             \
  X(cuMemcpyPeerAsync)                                                                             \
  X(cuMemAllocAsync)                                                                               \
  X(cuMemFreeAsync)                                                                                \
  X(cuStreamCreate)                                                                                \
  X(cuStreamDestroy)                                                                               \
  X(cuStreamSynchronize)                                                                           \
  X(cuStreamWaitEvent)                                                                             \
  X(cuLaunchHostFunc)                                                                              \
  X(cuEventCreate)                                                                                 \
  X(cuEventDestroy)                                                                                \
  X(cuEventRecord)                                                                                 \
  X(cuEventQuery)                                                                                  \
  X(cuEventSynchronize)                                                                            \
  X(cuEventElapsedTime)                                                                            \
  X(cuModuleLoadData)                                                                              \
  X(cuModuleLoadDataEx)                                                                            \
  X(cuModuleUnload)                                                                                \
  X(cuModuleGetFunction)                                                                           \
  X(cuLaunchKernel)

/* Entry points used when present. cuStreamAddCallback hands host callbacks
 * the status of the stream's earlier work (cuLaunchHostFunc does not, and
 * does not run at all after a device error); NVIDIA has announced its
 * eventual removal, so without it callbacks fall back to cuLaunchHostFunc.
 * cuFuncGetParamInfo lets kernel_launch check argument counts and sizes. */
#define CU_DRIVER_OPTIONAL(X) X(cuStreamAddCallback) X(cuFuncGetParamInfo)

#define CU_DRIVER_MEMBER(name) __typeof__(name) *name;

typedef struct cu_driver {
  CU_DRIVER_REQUIRED(CU_DRIVER_MEMBER)
  CU_DRIVER_OPTIONAL(CU_DRIVER_MEMBER) /* NULL when the driver lacks it */
  int version;     /* cuDriverGetVersion: 1000 * major + 10 * minor */
  int device_count; /* cuDeviceGetCount after cuInit */
  char path[512];  /* the file libcuda.so.1 resolved to */
} cu_driver_t;

/* Loads and initialises the driver on the first call (thread-safe, once
 * per process) and returns the table, or NULL with *reason saying why the
 * backend has no device: no libcuda.so.1, the toolkit's stub library, a
 * driver older than CU_DRIVER_MIN_VERSION or lacking an entry point, a
 * failing cuInit (no GPU, ...). *reason is a static string. */
const cu_driver_t *cu_driver_load(const char **reason);

/* The table if cu_driver_load() succeeded before, else NULL. Never loads. */
const cu_driver_t *cu_driver_table(void);

#endif
