/* cu_cl_unary.cu - the OpenCL backend's program unary.cl (common.cl and unary.cl,
 * as backends/opencl/ocl_op.c builds it) compiled as CUDA C++: one fatbin
 * of its own (cu_cl_unary.fatbin), loaded as one module. */
#include "cu_opencl_compat.cuh"

#include "common.cl"
#include "unary.cl"
