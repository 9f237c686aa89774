/* cu_cl_binary.cu - the OpenCL backend's program binary.cl (common.cl and binary.cl,
 * as backends/opencl/ocl_op.c builds it) compiled as CUDA C++: one fatbin
 * of its own (cu_cl_binary.fatbin), loaded as one module. */
#include "cu_opencl_compat.cuh"

#include "common.cl"
#include "binary.cl"
