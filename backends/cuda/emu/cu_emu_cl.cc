// cu_emu_cl.cc - the OpenCL backend's kernel programs as the CUDA backend
// compiles them (cu_cl_programs.cuh, the text nvcc compiles into the
// fatbin after the hand-written kernels) compiled as host C++ for the
// driver emulator, and their kernel table.
//
// cu_cl_kernels.h is written by fatbin_inspect.py from that fatbin: X(name)
// for every kernel nvcc compiled but the hand-written xhal_cu_* ones. Each
// becomes an entry of the table; a name this compilation lacks does not
// compile, and a kernel the fatbin lacks is an unused static function
// (-Werror), so the host build and nvcc's agree on the programs' kernels.
#include "cu_emu_device.h"

// OpenCL C kernels of one family share a parameter list; not every kernel
// reads every parameter. gcc cannot see that a loop over a launch
// struct's count (binary.cl's Min/Max: nin + 1 >= 2 operands) sets what
// is read after it.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "cu_cl_programs.cuh"
#include "cu_cl_kernels.h"

#define CU_EMU_CL_ENTRY(name) cu_emu_entry<&name>(#name, CU_EMU_BARRIERS_PER_BLOCK, 0),
const cu_emu_kernel cu_emu_cl_kernels[] = {CU_CL_KERNELS(CU_EMU_CL_ENTRY)};
const int cu_emu_cl_count = (int)(sizeof cu_emu_cl_kernels / sizeof cu_emu_cl_kernels[0]);
