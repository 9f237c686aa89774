/* cu_cl_norm.cu - the OpenCL backend's program norm.cl (common.cl,
 * reduce.cl, softmax.cl and norm.cl, as backends/opencl/ocl_op.c builds
 * it) compiled as CUDA C++: one fatbin of its own (cu_cl_norm.fatbin),
 * loaded as one module. */
#include "cu_opencl_compat.cuh"

#include "common.cl"
#include "reduce.cl"
#include "softmax.cl"
#include "norm.cl"
