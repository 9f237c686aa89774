/* cu_kernels.c - loading the embedded fatbin and launching its kernels. */
#include "cu_kernels.h"

#include <stdlib.h>

/* The fatbin, embedded by tools/embed_binary.py (cu_kernels_fatbin.c in
 * the build directory). */
extern const unsigned char cu_kernels_fatbin[];
extern const size_t cu_kernels_fatbin_size;

struct cu_kernels {
  pthread_mutex_t mutex; /* guards loading */
  atomic_int loaded;     /* module and functions are ready */
  int32_t load_status;   /* a failed load is not retried */
  CUmodule module;
  CUfunction functions[CU_KERNEL_COUNT];
};

int32_t cu_kernels_create(xhal_plugin_device_t *device, cu_kernels_t **out_kernels) {
  (void)device;
  cu_kernels_t *kernels = calloc(1, sizeof *kernels);
  if (!kernels) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "kernel table");
  pthread_mutex_init(&kernels->mutex, NULL);
  atomic_init(&kernels->loaded, 0);
  *out_kernels = kernels;
  return XHAL_STATUS_OK;
}

void cu_kernels_destroy(xhal_plugin_device_t *device, cu_kernels_t *kernels) {
  if (!kernels) return;
  if (kernels->module && cu_context_enter(device) == XHAL_STATUS_OK) {
    cu_check(cu_api()->cuModuleUnload(kernels->module), "cuModuleUnload(operator kernels)");
    cu_context_leave(device);
  }
  pthread_mutex_destroy(&kernels->mutex);
  free(kernels);
}

/* Loads the module and resolves every kernel; context current, mutex held. */
static int32_t cu_kernels_load_locked(xhal_plugin_device_t *device, cu_kernels_t *kernels) {
  const cu_driver_t *cu = cu_api();
  CU_RETURN_IF_ERROR(cu_check(cu->cuModuleLoadData(&kernels->module, cu_kernels_fatbin),
                              "cuModuleLoadData(operator kernels, fatbin of %zu bytes with sm_80 "
                              "and sm_90 SASS and compute_90 PTX) on %s (compute capability %d.%d)",
                              cu_kernels_fatbin_size, device->info.name, device->info.cc_major,
                              device->info.cc_minor));
  for (int id = 0; id < CU_KERNEL_COUNT; ++id) {
    CU_RETURN_IF_ERROR(cu_check(
        cu->cuModuleGetFunction(&kernels->functions[id], kernels->module, cu_kernel_names[id]),
        "cuModuleGetFunction('%s') in the embedded fatbin", cu_kernel_names[id]));
  }
  return XHAL_STATUS_OK;
}

static int32_t cu_kernels_ready(xhal_plugin_device_t *device, cu_kernels_t *kernels) {
  if (atomic_load_explicit(&kernels->loaded, memory_order_acquire)) return XHAL_STATUS_OK;
  pthread_mutex_lock(&kernels->mutex);
  int32_t status = kernels->load_status;
  if (status == XHAL_STATUS_OK && !atomic_load_explicit(&kernels->loaded, memory_order_relaxed)) {
    status = cu_kernels_load_locked(device, kernels);
    if (status == XHAL_STATUS_OK) {
      atomic_store_explicit(&kernels->loaded, 1, memory_order_release);
    } else {
      kernels->load_status = status;
    }
  } else if (status != XHAL_STATUS_OK) {
    cu_error(status, "the operator kernels failed to load on %s earlier", device->info.name);
  }
  pthread_mutex_unlock(&kernels->mutex);
  return status;
}

int32_t cu_kernels_launch(xhal_plugin_device_t *device, CUstream stream, cu_kernel_id_t id,
                          const uint32_t grid[3], void *args) {
  cu_kernels_t *kernels = device->kernels;
  CU_RETURN_IF_ERROR(cu_kernels_ready(device, kernels));
  void *params[1] = {args};
  return cu_check(cu_api()->cuLaunchKernel(kernels->functions[id], grid[0], grid[1], grid[2],
                                           CU_K_BLOCK, 1, 1, 0, stream, params, NULL),
                  "cuLaunchKernel('%s', grid (%u,%u,%u), block %d)", cu_kernel_names[id], grid[0],
                  grid[1], grid[2], CU_K_BLOCK);
}
