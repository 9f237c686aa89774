/* cu_opencl_compat.cuh - the OpenCL C 1.2 kernel sources of the OpenCL
 * backend (backends/opencl/kernels/<file>.cl) compiled as CUDA C++ by nvcc, and
 * as host C++ by the driver emulator (emu/cu_emu_cl.cc), unchanged.
 *
 * A program's translation unit (kernels/cu_cl_<program>.cu) includes this
 * header, then common.cl and the program's .cl files, exactly as
 * backends/opencl/ocl_op.c concatenates them. What OpenCL C gives and C++
 * lacks is defined here:
 *
 *  - address spaces: __global and __private are nothing (one address
 *    space), __local is __shared__ (the emulator: one copy per OS thread,
 *    shared by the coroutines of a block), __kernel an extern "C"
 *    __global__ function (emulator: a static function its table names);
 *  - reqd_work_group_size(x, y, z) becomes launch_bounds(x * y * z), the
 *    attribute nvcc's __launch_bounds__ stands for (the launcher's blocks
 *    have exactly x * y * z threads, as OpenCL requires);
 *  - OpenCL C's `inline` functions become device functions with internal
 *    linkage (so two programs' helpers never meet);
 *  - the work-item functions read threadIdx/blockIdx/blockDim/gridDim:
 *    work-group = block, local size = block size, get_global_id(d) =
 *    get_group_id(d) * get_local_size(d) + get_local_id(d) (no global
 *    offset); barrier() is __syncthreads();
 *  - uchar ushort uint ulong, half (16-bit storage only, as OpenCL 1.2
 *    without cl_khr_fp16), vload_half and vstore_half_rte through
 *    cu_scalar.h's exact conversions (round to nearest even, subnormals);
 *  - convert_float_rte, convert_<int|long|uchar>_sat_rte, as_<type> bit
 *    casts, pown, and min/max for the
 *    emulator (CUDA has integer min/max overloads; the float math built-ins
 *    exp log sqrt erf expm1 log1p rint floor ceil tanh pow fma fabs isnan
 *    signbit come from CUDA's and C++'s float overloads).
 *
 * Float rules are OpenCL's without -cl-fast-relaxed-math: nvcc compiles
 * with -ftz=false -prec-div=true -prec-sqrt=true (subnormals kept, IEEE
 * division and square root). FMA contraction is left on (nvcc's default,
 * like the existing kernels); OpenCL allows it too (-cl-mad-enable only
 * widens it to less accurate mads). */
#ifndef XHAL_CU_OPENCL_COMPAT_CUH
#define XHAL_CU_OPENCL_COMPAT_CUH

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cu_cl_programs.h"
#include "cu_scalar.h"

#if defined(__CUDACC__)
#define OCL_BUILTIN static __device__ __forceinline__
#else
/* The emulator's threadIdx, blockIdx, blockDim, gridDim, __syncthreads. */
#include "cu_emu_device.h"
#define OCL_BUILTIN static inline
#endif

/* The build options (cu_cl_programs.h). */
#define OCL_GROUP CU_CL_GROUP
#define OCL_TILE CU_CL_TILE
#define OCL_REG CU_CL_REG

/* ---- types ------------------------------------------------------------------------ */
typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned long ulong;
/* 16-bit storage, reached only through vload_half / vstore_half_rte. */
typedef struct ocl_half {
  uint16_t bits;
} half;

static_assert(sizeof(long) == 8, "OpenCL's long is 64 bits");
static_assert(sizeof(half) == 2, "half is 16 bits");

/* ---- address spaces, kernels ------------------------------------------------------- */
#define __global
#define __private
/* common.cl's address space of pointers to __local arrays passed to helper
 * functions: none in C++ (CUDA's generic pointers reach shared memory). */
#define OCL_LOCAL_PARAM

#if defined(__CUDACC__)
#define __kernel extern "C" __global__
#define __local __shared__
#define reqd_work_group_size(x, y, z) launch_bounds((x) * (y) * (z))
#else
#define __kernel static
#define __local static thread_local
/* The host has no launch bounds; noinline changes nothing for a kernel,
 * which the emulator only calls through its table. */
#define reqd_work_group_size(x, y, z) noinline
#endif

/* ---- work-items ------------------------------------------------------------------- */
#define CLK_LOCAL_MEM_FENCE 1
#define CLK_GLOBAL_MEM_FENCE 2

OCL_BUILTIN size_t get_local_id(uint d) {
  return d == 0 ? threadIdx.x : d == 1 ? threadIdx.y : d == 2 ? threadIdx.z : 0;
}
OCL_BUILTIN size_t get_group_id(uint d) {
  return d == 0 ? blockIdx.x : d == 1 ? blockIdx.y : d == 2 ? blockIdx.z : 0;
}
OCL_BUILTIN size_t get_local_size(uint d) {
  return d == 0 ? blockDim.x : d == 1 ? blockDim.y : d == 2 ? blockDim.z : 1;
}
OCL_BUILTIN size_t get_num_groups(uint d) {
  return d == 0 ? gridDim.x : d == 1 ? gridDim.y : d == 2 ? gridDim.z : 1;
}
OCL_BUILTIN size_t get_global_id(uint d) {
  return get_group_id(d) * get_local_size(d) + get_local_id(d);
}
OCL_BUILTIN size_t get_global_size(uint d) { return get_num_groups(d) * get_local_size(d); }
OCL_BUILTIN uint get_work_dim(void) { return 3; }

/* Local and global memory: __syncthreads orders both for the block. */
OCL_BUILTIN void barrier(int flags) {
  (void)flags;
  __syncthreads();
}

/* ---- f16 storage ---------------------------------------------------------------------- */
OCL_BUILTIN float vload_half(size_t i, const half *p) { return cu_f16_to_f32(p[i].bits); }
OCL_BUILTIN void vstore_half_rte(float v, size_t i, half *p) { p[i].bits = cu_f32_to_f16(v); }

/* ---- conversions and bit casts ---------------------------------------------------------- */
/* Integer -> float rounds to nearest even in C++ and CUDA alike. */
template <typename T>
OCL_BUILTIN float convert_float_rte(T x) {
  return (float)x;
}

/* convert_<int|long|uchar>_sat_rte of a float: round to nearest even, NaN
 * -> 0, out-of-range values clamp to the type's range (OpenCL C 6.2.3.3). */
template <typename To>
OCL_BUILTIN To ocl_convert_sat_rte(float v, double lowest, double past_max, To max) {
  if (v != v) return (To)0;
  const double r = rint((double)v);
  if (r < lowest) return (To)lowest;
  if (r >= past_max) return max;
  return (To)r;
}
OCL_BUILTIN int convert_int_sat_rte(float v) {
  return ocl_convert_sat_rte<int>(v, -2147483648.0, 2147483648.0, 2147483647);
}
OCL_BUILTIN long convert_long_sat_rte(float v) {
  return ocl_convert_sat_rte<long>(v, -9223372036854775808.0, 9223372036854775808.0,
                                   9223372036854775807L);
}
OCL_BUILTIN unsigned char convert_uchar_sat_rte(float v) {
  return ocl_convert_sat_rte<unsigned char>(v, 0.0, 256.0, 255);
}

template <typename To, typename From>
OCL_BUILTIN To ocl_bit_cast(From v) {
  static_assert(sizeof(To) == sizeof(From), "as_<type> needs operands of one size");
  To t;
  memcpy(&t, &v, sizeof t);
  return t;
}
#define OCL_AS(type)                                                                               \
  template <typename From>                                                                         \
  OCL_BUILTIN type as_##type(From v) {                                                             \
    return ocl_bit_cast<type>(v);                                                                  \
  }
OCL_AS(int)
OCL_AS(uint)
OCL_AS(long)
OCL_AS(ulong)
OCL_AS(float)
OCL_AS(short)
OCL_AS(ushort)
OCL_AS(char)
OCL_AS(uchar)
#undef OCL_AS

/* ---- math built-ins C++ and CUDA lack ------------------------------------------------------ */
/* pown(x, n): x^n for an integer n. |x|^n in float (n converted exactly
 * below 2^24; beyond that every |x| != 1 over- or underflows anyway), the
 * sign from n's own parity, so pown(-2, 3) = -8 and pown(-0, -1) = -Inf. */
OCL_BUILTIN float pown(float x, int n) {
  const float r = pow(fabs(x), (float)n);
  return (n & 1) && signbit(x) ? -r : r;
}

#if !defined(__CUDACC__)
/* OpenCL's integer min/max (CUDA has them as device overloads). */
template <typename T>
OCL_BUILTIN T min(T a, T b) {
  return b < a ? b : a;
}
template <typename T>
OCL_BUILTIN T max(T a, T b) {
  return a < b ? b : a;
}
#endif

/* OpenCL C `inline` functions: device functions, internal linkage. Last:
 * no header may be included after this. */
#if defined(__CUDACC__)
#define inline static __device__ __forceinline__
#else
#define inline static inline
#endif

#endif
