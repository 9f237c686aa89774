// cu_emu_kernels.cc - host execution of the operator kernels (see
// cu_emu_kernels.h). The kernel sources are included unchanged; the macros
// below give CUDA's keywords host meanings:
//   __shared__     one copy per OS thread (a block runs on one thread)
//   __syncthreads  switch to the next coroutine of the block
// Blocks run in order; a kernel without barriers runs its threads as plain
// calls, one with barriers as ucontext coroutines, round-robin from barrier
// to barrier, which is a correct schedule for any kernel whose threads all
// reach the same barriers. The OpenCL C programs (emu/cu_emu_cl.cc, one
// translation unit) have a table of their own; their kernels find out per
// block whether they have barriers (cu_emu_barriers in cu_emu_device.h).
#include "cu_emu_kernels.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "cu_emu_device.h"

thread_local cu_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __grid_constant__
#define __shared__ static thread_local

#include "cu_kernels.cu"

namespace {

#define CU_EMU_ENTRY(kernel, barriers) cu_emu_entry<&kernel>(#kernel, barriers, CU_K_BLOCK),
#define CU_EMU_ELTWISE(op, dt) CU_EMU_ENTRY(xhal_cu_##op##_##dt, CU_EMU_NO_BARRIERS)
#define CU_EMU_CAST(from, to) CU_EMU_ENTRY(xhal_cu_cast_##from##_to_##to, CU_EMU_NO_BARRIERS)
#define CU_EMU_GROUP(op, dt) CU_EMU_ENTRY(xhal_cu_##op##_##dt, CU_EMU_BARRIERS)

// The hand-written kernels (kernels/cu_kernels.cu).
const cu_emu_kernel cu_emu_kernels[] = {
    CU_K_COPY_LIST(CU_EMU_ELTWISE)
    CU_K_BINARY_LIST(CU_EMU_ELTWISE)
    CU_K_UNARY_LIST(CU_EMU_ELTWISE)
    CU_K_CAST_LIST(CU_EMU_CAST)
    CU_K_MATMUL_LIST(CU_EMU_GROUP)
    CU_K_SOFTMAX_LIST(CU_EMU_GROUP)
    CU_K_REDUCE_LIST(CU_EMU_GROUP)
};

struct cu_emu_table {
  const cu_emu_kernel *kernels;
  const int *count;
};

const int cu_emu_hand_count = sizeof cu_emu_kernels / sizeof cu_emu_kernels[0];
// Every kernel has an index: the hand-written ones first, then the OpenCL
// programs'.
const cu_emu_table cu_emu_tables[] = {
    {cu_emu_kernels, &cu_emu_hand_count},
    {cu_emu_cl_kernels, &cu_emu_cl_count},
};

const cu_emu_kernel *cu_emu_kernel_at(int index) {
  for (const cu_emu_table &t : cu_emu_tables) {
    if (index < *t.count) return &t.kernels[index];
    index -= *t.count;
  }
  return nullptr;
}

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
  unsigned first;  // the first round of the schedule starts here
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

// Runs the block's coroutines round-robin from barrier to barrier until
// all are done; the first round starts at b->first (the threads before it
// already wait at their first barrier).
void cu_emu_schedule(cu_emu_block *b) {
  // The loop state lives in *b, not in locals that swapcontext could clobber.
  for (b->alive = true; b->alive;) {
    b->alive = false;
    for (b->current = b->first; b->current < b->threads; ++b->current) {
      if (b->done[b->current]) continue;
      cu_emu_set_thread(b->current);
      swapcontext(&b->scheduler, &b->contexts[b->current]);
      if (!b->done[b->current]) b->alive = true;
    }
    if (b->first) b->alive = true, b->first = 0;
  }
}

void cu_emu_run_block_coroutines(cu_emu_block *b, char *stacks, unsigned from) {
  for (unsigned t = from; t < b->threads; ++t)
    cu_emu_make_coroutine(b, t, stacks + t * cu_emu_stack_size);
  b->first = from;
  cu_emu_schedule(b);
}

// CU_EMU_BARRIERS_PER_BLOCK: thread 0 runs as a coroutine first. If it
// finishes without reaching a barrier, no thread of the block reaches one
// (a barrier is reached by all or none), so the others run as plain calls;
// otherwise they become coroutines and the schedule goes on from thread 1.
void cu_emu_run_block_per_block(cu_emu_block *b, char *stacks) {
  cu_emu_make_coroutine(b, 0, stacks);
  b->current = 0;
  cu_emu_set_thread(0);
  swapcontext(&b->scheduler, &b->contexts[0]);
  if (!b->done[0]) {
    cu_emu_run_block_coroutines(b, stacks, 1);
    return;
  }
  cu_emu_active = nullptr;
  for (unsigned t = 1; t < b->threads; ++t) {
    cu_emu_set_thread(t);
    b->kernel->run(b->args);
  }
  cu_emu_active = b;
}

}  // namespace

void __syncthreads() {
  cu_emu_block *b = cu_emu_active;
  if (b) swapcontext(&b->contexts[b->current], &b->scheduler);
}

extern "C" int cu_emu_kernel_find(const char *name) {
  for (int i = 0;; ++i) {
    const cu_emu_kernel *k = cu_emu_kernel_at(i);
    if (!k) return -1;
    if (strcmp(k->name, name) == 0) return i;
  }
}

extern "C" size_t cu_emu_kernel_args_size(int kernel) {
  const cu_emu_kernel *k = cu_emu_kernel_at(kernel);
  size_t size = 0;
  for (unsigned i = 0; i < k->params; ++i) size += cu_emu_slot(k->sizes[i]);
  return size;
}

extern "C" int cu_emu_kernel_pack(int kernel, void **params, void *out) {
  const cu_emu_kernel *k = cu_emu_kernel_at(kernel);
  char *p = static_cast<char *>(out);
  for (unsigned i = 0; i < k->params; ++i) {
    if (!params || !params[i]) return -1;
    memcpy(p, params[i], k->sizes[i]);
    p += cu_emu_slot(k->sizes[i]);
  }
  return 0;
}

extern "C" int cu_emu_kernel_block_ok(int kernel, const unsigned block[3]) {
  const cu_emu_kernel *k = cu_emu_kernel_at(kernel);
  const unsigned threads = block[0] * block[1] * block[2];
  return !k->block || threads == k->block;
}

extern "C" int cu_emu_kernel_run(int kernel, const unsigned grid[3], const unsigned block[3],
                                 const void *args) {
  const cu_emu_kernel *k = cu_emu_kernel_at(kernel);
  if (!cu_emu_kernel_block_ok(kernel, block)) return -1;
  const unsigned threads = block[0] * block[1] * block[2];
  gridDim = {grid[0], grid[1], grid[2]};
  blockDim = {block[0], block[1], block[2]};
  cu_emu_block b = {};
  b.kernel = k;
  b.args = args;
  b.threads = threads;
  char *stacks = nullptr;
  if (k->barriers != CU_EMU_NO_BARRIERS) {
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
        if (k->barriers == CU_EMU_NO_BARRIERS) {
          for (unsigned t = 0; t < threads; ++t) {
            cu_emu_set_thread(t);
            k->run(args);
          }
          continue;
        }
        cu_emu_active = &b;
        if (k->barriers == CU_EMU_BARRIERS)
          cu_emu_run_block_coroutines(&b, stacks, 0);
        else
          cu_emu_run_block_per_block(&b, stacks);
        cu_emu_active = nullptr;
      }
    }
  }
  free(b.contexts);
  free(b.done);
  free(stacks);
  return 0;
}
