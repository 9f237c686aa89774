/* cu_fatbin.cu - the translation unit nvcc compiles into the CUDA
 * backend's one fatbin (cu_kernels.fatbin, backends/cuda/meson.build):
 * the hand-written kernels (cu_kernels.cu, xhal_cu_* names) and the OpenCL
 * backend's kernel programs as CUDA C++ (cu_cl_programs.cuh, written by
 * cu_cl_join.py into the build directory: each program in a namespace of
 * its own, kernels under their OpenCL names). */
#include "cu_kernels.cu"

#include "cu_cl_programs.cuh"
