/* cu_cl_shape.cu - the OpenCL backend's program shape.cl (common.cl and shape.cl,
 * as backends/opencl/ocl_op.c builds it) compiled as CUDA C++: one fatbin
 * of its own (cu_cl_shape.fatbin), loaded as one module. */
#include "cu_opencl_compat.cuh"

#include "common.cl"
#include "shape.cl"
