/* cu_cl_gather.cu - the OpenCL backend's program gather.cl (common.cl and gather.cl,
 * as backends/opencl/ocl_op.c builds it) compiled as CUDA C++: one fatbin
 * of its own (cu_cl_gather.fatbin), loaded as one module. */
#include "cu_opencl_compat.cuh"

#include "common.cl"
#include "gather.cl"
