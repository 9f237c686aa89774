/* cu_cl_resize.cu - the OpenCL backend's program resize.cl (common.cl and resize.cl,
 * as backends/opencl/ocl_op.c builds it) compiled as CUDA C++: one fatbin
 * of its own (cu_cl_resize.fatbin), loaded as one module. */
#include "cu_opencl_compat.cuh"

#include "common.cl"
#include "resize.cl"
