/* cu_cl_programs.h - the OpenCL backend's kernel programs the CUDA backend
 * compiles as CUDA C++ (kernels/cu_opencl_compat.cuh): X(program) for
 * kernels/cu_cl_<program>.cu, built by nvcc into cu_cl_<program>.fatbin,
 * embedded as cu_cl_<program>_fatbin and loaded as a module of its own on
 * a device's first launch of one of its kernels. backends/cuda/meson.build
 * lists the same names (a name missing there leaves the embedded symbol
 * undefined, so the plugin does not link). Plain C. */
#ifndef XHAL_CU_CL_PROGRAMS_H
#define XHAL_CU_CL_PROGRAMS_H

#define CU_CL_PROGRAM_LIST(X) \
  X(shape) X(conv) X(unary) X(gather) X(resize) X(binary) X(norm) X(binary_fp64)

/* The build options of every program (ocl_op.c's on a device with
 * work-groups of 256 or more, as every CUDA GPU has): OCL_GROUP, the block
 * size of the *_group_* kernels (the launcher passes it to the planner),
 * OCL_TILE and OCL_REG (MatMul's; no program here uses them). */
#define CU_CL_GROUP 64
#define CU_CL_TILE 16
#define CU_CL_REG 4

#endif
