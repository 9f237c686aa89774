// cu_emu_kernels.cc - host execution of the operator kernels (see
// cu_emu_kernels.h). The kernel sources are included unchanged; the macros
// below give CUDA's keywords host meanings:
//   __shared__     one copy per OS thread (a block runs on one thread)
//   __syncthreads  switch to the next coroutine of the block
// Blocks run in order; a kernel without barriers runs its threads as plain
// calls, one with barriers as ucontext coroutines, round-robin from barrier
// to barrier, which is a correct schedule for any kernel whose threads all
// reach the same barriers.
#include "cu_emu_kernels.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

struct cu_emu_dim3 {
  unsigned x, y, z;
};

static thread_local cu_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;
static void __syncthreads();

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __grid_constant__
#define __shared__ static thread_local

#include "cu_kernels.cu"

namespace {

struct cu_emu_kernel {
  const char *name;
  void (*run)(const void *args);
  size_t args_size;
  bool barriers;
};

#define CU_EMU_ENTRY(kernel, type, barriers)                                                       \
  {#kernel, [](const void *a) { kernel(*static_cast<const type *>(a)); }, sizeof(type), barriers},
#define CU_EMU_ELTWISE(op, dt) CU_EMU_ENTRY(xhal_cu_##op##_##dt, cu_k_eltwise_args_t, false)
#define CU_EMU_CAST(from, to) \
  CU_EMU_ENTRY(xhal_cu_cast_##from##_to_##to, cu_k_eltwise_args_t, false)
#define CU_EMU_MATMUL(op, dt) CU_EMU_ENTRY(xhal_cu_##op##_##dt, cu_k_matmul_args_t, true)
#define CU_EMU_SOFTMAX(op, dt) CU_EMU_ENTRY(xhal_cu_##op##_##dt, cu_k_softmax_args_t, true)
#define CU_EMU_REDUCE(op, dt) CU_EMU_ENTRY(xhal_cu_##op##_##dt, cu_k_reduce_args_t, true)

const cu_emu_kernel cu_emu_kernels[] = {
    CU_K_COPY_LIST(CU_EMU_ELTWISE)
    CU_K_BINARY_LIST(CU_EMU_ELTWISE)
    CU_K_UNARY_LIST(CU_EMU_ELTWISE)
    CU_K_CAST_LIST(CU_EMU_CAST)
    CU_K_MATMUL_LIST(CU_EMU_MATMUL)
    CU_K_SOFTMAX_LIST(CU_EMU_SOFTMAX)
    CU_K_REDUCE_LIST(CU_EMU_REDUCE)
};
const int cu_emu_kernel_count = sizeof cu_emu_kernels / sizeof cu_emu_kernels[0];

// ---- coroutines ----------------------------------------------------------
const size_t cu_emu_stack_size = 64 * 1024;

struct cu_emu_block {
  const cu_emu_kernel *kernel;
  const void *args;
  unsigned threads;
  ucontext_t scheduler;
  ucontext_t *contexts;
  bool *done;
  unsigned current;
  bool alive;
};

thread_local cu_emu_block *cu_emu_active;

void cu_emu_set_thread(unsigned t) {
  threadIdx.x = t % blockDim.x;
  threadIdx.y = t / blockDim.x % blockDim.y;
  threadIdx.z = t / (blockDim.x * blockDim.y);
}

void cu_emu_coroutine() {
  cu_emu_block *b = cu_emu_active;
  b->kernel->run(b->args);
  b->done[b->current] = true;  // returning resumes the scheduler (uc_link)
}

// A function of its own: getcontext returns twice, which would clobber a
// caller's loop variable.
__attribute__((noinline)) void cu_emu_make_coroutine(cu_emu_block *b, unsigned t, char *stack) {
  getcontext(&b->contexts[t]);
  b->contexts[t].uc_stack.ss_sp = stack;
  b->contexts[t].uc_stack.ss_size = cu_emu_stack_size;
  b->contexts[t].uc_link = &b->scheduler;
  makecontext(&b->contexts[t], cu_emu_coroutine, 0);
  b->done[t] = false;
}

void cu_emu_run_block_coroutines(cu_emu_block *b, char *stacks) {
  for (unsigned t = 0; t < b->threads; ++t)
    cu_emu_make_coroutine(b, t, stacks + t * cu_emu_stack_size);
  // The loop state lives in *b, not in locals that swapcontext could clobber.
  for (b->alive = true; b->alive;) {
    b->alive = false;
    for (b->current = 0; b->current < b->threads; ++b->current) {
      if (b->done[b->current]) continue;
      cu_emu_set_thread(b->current);
      swapcontext(&b->scheduler, &b->contexts[b->current]);
      if (!b->done[b->current]) b->alive = true;
    }
  }
}

}  // namespace

static void __syncthreads() {
  cu_emu_block *b = cu_emu_active;
  if (b) swapcontext(&b->contexts[b->current], &b->scheduler);
}

extern "C" int cu_emu_kernel_find(const char *name) {
  for (int i = 0; i < cu_emu_kernel_count; ++i)
    if (strcmp(cu_emu_kernels[i].name, name) == 0) return i;
  return -1;
}

extern "C" size_t cu_emu_kernel_args_size(int kernel) { return cu_emu_kernels[kernel].args_size; }

extern "C" int cu_emu_kernel_run(int kernel, const unsigned grid[3], const unsigned block[3],
                                 const void *args) {
  const cu_emu_kernel *k = &cu_emu_kernels[kernel];
  const unsigned threads = block[0] * block[1] * block[2];
  if (threads != CU_K_BLOCK) return -1;  // every operator kernel assumes CU_K_BLOCK threads
  gridDim = {grid[0], grid[1], grid[2]};
  blockDim = {block[0], block[1], block[2]};
  cu_emu_block b = {};
  char *stacks = nullptr;
  if (k->barriers) {
    b.kernel = k;
    b.args = args;
    b.threads = threads;
    b.contexts = static_cast<ucontext_t *>(calloc(threads, sizeof(ucontext_t)));
    b.done = static_cast<bool *>(calloc(threads, sizeof(bool)));
    stacks = static_cast<char *>(malloc(threads * cu_emu_stack_size));
    if (!b.contexts || !b.done || !stacks) {
      free(b.contexts);
      free(b.done);
      free(stacks);
      return -1;
    }
  }
  for (unsigned z = 0; z < grid[2]; ++z) {
    for (unsigned y = 0; y < grid[1]; ++y) {
      for (unsigned x = 0; x < grid[0]; ++x) {
        blockIdx = {x, y, z};
        if (k->barriers) {
          cu_emu_active = &b;
          cu_emu_run_block_coroutines(&b, stacks);
          cu_emu_active = nullptr;
        } else {
          for (unsigned t = 0; t < threads; ++t) {
            cu_emu_set_thread(t);
            k->run(args);
          }
        }
      }
    }
  }
  free(b.contexts);
  free(b.done);
  free(stacks);
  return 0;
}
