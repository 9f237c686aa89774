// cu_emu_device.h - what kernels compiled for the driver emulator see of
// the device, and the emulator's kernel tables (C++ only).
//
// threadIdx, blockIdx, blockDim and gridDim are per OS thread (a block
// runs on one thread; cu_emu_kernels.cc sets them); __syncthreads switches
// to the next coroutine of the block. A table entry runs a kernel from its
// parameters packed one after another, each in a 16-byte aligned slot
// (cu_emu_kernel_pack), so kernels of any parameter list can be called:
// the hand-written ones take one argument struct, the OpenCL C ones
// (kernels/cu_opencl_compat.cuh) buffers, structs and scalars.
#ifndef XHAL_CU_EMU_DEVICE_H
#define XHAL_CU_EMU_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include <type_traits>
#include <utility>

struct cu_emu_dim3 {
  unsigned x, y, z;
};

extern thread_local cu_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;
void __syncthreads();

// How a kernel's threads are run: as plain calls (no barrier), as
// coroutines (barriers), or found out per block (thread 0 runs as a
// coroutine; if it reaches a barrier, the block's other threads become
// coroutines too, else they run as plain calls: a barrier is reached by
// every thread of a block or by none).
enum cu_emu_barriers { CU_EMU_NO_BARRIERS, CU_EMU_BARRIERS, CU_EMU_BARRIERS_PER_BLOCK };

#define CU_EMU_MAX_PARAMS 16

struct cu_emu_kernel {
  const char *name;
  void (*run)(const void *packed);
  unsigned params;
  size_t sizes[CU_EMU_MAX_PARAMS];
  cu_emu_barriers barriers;
  unsigned block;  // threads a block must have; 0: any
};

constexpr size_t cu_emu_slot(size_t size) { return (size + 15) & ~(size_t)15; }

template <typename... A>
constexpr size_t cu_emu_offset(size_t i) {
  constexpr size_t sizes[] = {cu_emu_slot(sizeof(A))..., 0};
  size_t offset = 0;
  for (size_t j = 0; j < i; ++j) offset += sizes[j];
  return offset;
}

template <typename F>
struct cu_emu_signature;

template <typename... A>
struct cu_emu_signature<void (*)(A...)> {
  static_assert(sizeof...(A) <= CU_EMU_MAX_PARAMS, "too many kernel parameters");
  template <void (*K)(A...), size_t... I>
  static void call(const char *packed, std::index_sequence<I...>) {
    K(*reinterpret_cast<const std::remove_cv_t<A> *>(packed + cu_emu_offset<A...>(I))...);
  }
  template <void (*K)(A...)>
  static void run(const void *packed) {
    call<K>(static_cast<const char *>(packed), std::index_sequence_for<A...>{});
  }
  static cu_emu_kernel entry(const char *name, void (*run_fn)(const void *),
                             cu_emu_barriers barriers, unsigned block) {
    cu_emu_kernel k = {name, run_fn, sizeof...(A), {sizeof(A)...}, barriers, block};
    return k;
  }
};

// The table entry of kernel K (a function), called name.
template <auto K>
cu_emu_kernel cu_emu_entry(const char *name, cu_emu_barriers barriers, unsigned block) {
  typedef cu_emu_signature<decltype(K)> S;
  return S::entry(name, &S::template run<K>, barriers, block);
}

// The OpenCL programs' kernels (emu/cu_emu_cl.cc).
extern const cu_emu_kernel cu_emu_cl_kernels[];
extern const int cu_emu_cl_count;

#endif
