/* ocl_program_cache.h - builds OpenCL programs once, and keeps their
 * binaries on disk so that the next process skips the compiler.
 *
 * In memory: one map per device (per cl_context) from (kind, options,
 * source or IL) to the built cl_program. Concurrent requests for the same
 * program wait for one build. On disk: the program binary
 * (CL_PROGRAM_BINARIES) in a file named by a 128-bit hash of the platform
 * name and version, device name and version, driver version, program kind,
 * build options and source. The directory is $XHAL_CACHE_DIR/opencl, else
 * $XDG_CACHE_HOME/xhal/opencl, else ~/.cache/xhal/opencl;
 * XHAL_OPENCL_CACHE=0 turns the disk cache off. Files are written to a
 * temporary name and renamed, so readers never see half a file; an entry
 * that is corrupt or that the driver rejects is rebuilt from source and
 * replaced; a directory that cannot be written only logs a warning (once).
 * docs/opencl-backend.md has the measured effect (PoCL: ~0.4-1 s cold,
 * ~2 ms from the cache).
 *
 * Thread safety: every function is thread-safe. */
#ifndef XHAL_OCL_PROGRAM_CACHE_H
#define XHAL_OCL_PROGRAM_CACHE_H

#include "ocl_device.h"

typedef enum ocl_program_kind {
  OCL_PROGRAM_SOURCE = 0, /* OpenCL C text */
  OCL_PROGRAM_SPIRV = 1,  /* SPIR-V module, clCreateProgramWithIL */
  OCL_PROGRAM_SPIR = 2,   /* SPIR 1.2 bitcode, clCreateProgramWithBinary + "-x spir" */
} ocl_program_kind_t;

int32_t ocl_program_cache_create(ocl_program_cache_t **out_cache);
/* Releases every program of the map. NULL is a no-op. */
void ocl_program_cache_destroy(ocl_program_cache_t *cache);

/* Builds OpenCL C source (length bytes; NUL not required) for device with
 * options (NULL = ""), or returns the program built before. On success
 * *out_program holds a reference the caller releases with clReleaseProgram.
 * A failed build is INVALID_ARGUMENT with the start of the build log in the
 * message (the whole log is logged at DEBUG level); the ops code, whose
 * sources are its own, reports such a failure as INTERNAL. */
int32_t ocl_program_build(xhal_plugin_device_t *device, const char *source, size_t length,
                          const char *options, cl_program *out_program);

/* The same for SPIR-V or SPIR input (kind); the caller has checked that the
 * device accepts it. For SPIR, options must already contain "-x spir". */
int32_t ocl_program_build_kind(xhal_plugin_device_t *device, ocl_program_kind_t kind,
                               const void *data, size_t size, const char *options,
                               cl_program *out_program);

/* Creates kernel name of program. NOT_FOUND if the program has no such
 * kernel. The caller owns the kernel (clReleaseKernel). cl_kernel argument
 * state is not thread-safe: lock around clSetKernelArg + enqueue, or give
 * each thread its own kernel. */
int32_t ocl_kernel_create(xhal_plugin_device_t *device, cl_program program, const char *name,
                          cl_kernel *out_kernel);

#endif
