/* cu_kernels.c - loading the embedded fatbin and launching its kernels. */
#include "cu_kernels.h"

#include <stdio.h>
#include <stdlib.h>

/* The fatbin, embedded by tools/embed_binary.py (cu_kernels_fatbin.c in
 * the build directory). */
extern const unsigned char cu_kernels_fatbin[];
extern const size_t cu_kernels_fatbin_size;

struct cu_kernels {
  pthread_mutex_t mutex; /* guards loading and resolving */
  atomic_int loaded;     /* module and the hand-written functions are ready */
  int32_t load_status;   /* a failed load is not retried */
  CUmodule module;
  CUfunction functions[CU_KERNEL_COUNT];
  /* The OpenCL C programs' kernels, resolved on first use per slot. */
  _Atomic(CUfunction) cl_functions[XOP_CL_PROGRAM_COUNT][XOP_CL_MAX_SLOTS];
};

int32_t cu_kernels_create(xhal_plugin_device_t *device, cu_kernels_t **out_kernels) {
  (void)device;
  cu_kernels_t *kernels = calloc(1, sizeof *kernels);
  if (!kernels) return cu_error(XHAL_STATUS_OUT_OF_MEMORY, "kernel table");
  pthread_mutex_init(&kernels->mutex, NULL);
  atomic_init(&kernels->loaded, 0);
  for (int p = 0; p < XOP_CL_PROGRAM_COUNT; ++p)
    for (int k = 0; k < XOP_CL_MAX_SLOTS; ++k) atomic_init(&kernels->cl_functions[p][k], NULL);
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

/* ---- the OpenCL C programs ---------------------------------------------------------------- */

/* The function of a program's slot, resolved by name on first use. */
static int32_t cu_kernels_cl_function(xhal_plugin_device_t *device, cu_kernels_t *kernels,
                                      xop_cl_program_t program, uint32_t index,
                                      const xop_launch_name_t *name, CUfunction *out) {
  _Atomic(CUfunction) *slot = &kernels->cl_functions[program][index];
  CUfunction f = atomic_load_explicit(slot, memory_order_acquire);
  if (f) {
    *out = f;
    return XHAL_STATUS_OK;
  }
  CU_RETURN_IF_ERROR(cu_kernels_ready(device, kernels));
  int32_t status = XHAL_STATUS_OK;
  pthread_mutex_lock(&kernels->mutex);
  f = atomic_load_explicit(slot, memory_order_relaxed);
  if (!f) {
    char text[64];
    snprintf(text, sizeof text, XOP_LAUNCH_NAME_FORMAT, XOP_LAUNCH_NAME_ARGS(name));
    status = cu_check(cu_api()->cuModuleGetFunction(&f, kernels->module, text),
                      "cuModuleGetFunction('%s') in the embedded fatbin", text);
    if (status == XHAL_STATUS_OK) atomic_store_explicit(slot, f, memory_order_release);
  }
  pthread_mutex_unlock(&kernels->mutex);
  *out = f;
  return status;
}

int32_t cu_kernels_cl_launch(xhal_plugin_device_t *device, CUstream stream,
                             xop_cl_program_t program, uint32_t slot,
                             const xop_launch_name_t *name, uint32_t grid, uint32_t block,
                             void **params) {
  CUfunction f = NULL;
  CU_RETURN_IF_ERROR(cu_kernels_cl_function(device, device->kernels, program, slot, name, &f));
  return cu_check(cu_api()->cuLaunchKernel(f, grid, 1, 1, block, 1, 1, 0, stream, params, NULL),
                  "cuLaunchKernel('" XOP_LAUNCH_NAME_FORMAT "', grid %u, block %u)",
                  XOP_LAUNCH_NAME_ARGS(name), grid, block);
}
