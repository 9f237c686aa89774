/* cu_cl_conv.cu - the OpenCL backend's program conv.cl (common.cl and conv.cl,
 * as backends/opencl/ocl_op.c builds it) compiled as CUDA C++: one fatbin
 * of its own (cu_cl_conv.fatbin), loaded as one module. */
#include "cu_opencl_compat.cuh"

#include "common.cl"
#include "conv.cl"
