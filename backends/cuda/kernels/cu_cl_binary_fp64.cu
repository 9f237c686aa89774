/* cu_cl_binary_fp64.cu - the OpenCL backend's program binary_fp64.cl
 * (common.cl and binary_fp64.cl, as backends/opencl/ocl_op.c builds it):
 * Pow with an integer base and a float exponent, in double, compiled as
 * CUDA C++: one fatbin of its own (cu_cl_binary_fp64.fatbin). */
#include "cu_opencl_compat.cuh"

#include "common.cl"
#include "binary_fp64.cl"
