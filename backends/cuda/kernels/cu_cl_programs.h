/* cu_cl_programs.h - the build options of the OpenCL backend's kernel
 * programs as the CUDA backend compiles them (kernels/cu_opencl_compat.cuh;
 * backends/cuda/meson.build lists the programs and their files, and
 * kernels/cu_cl_join.py joins them into the one fatbin). Plain C. */
#ifndef XHAL_CU_CL_PROGRAMS_H
#define XHAL_CU_CL_PROGRAMS_H

/* The build options of every program (ocl_op.c's on a device with
 * work-groups of 256 or more, as every CUDA GPU has): OCL_GROUP, the block
 * size of the *_group_* kernels (the launcher passes it to the planner),
 * OCL_TILE and OCL_REG (MatMul's; no program here uses them). */
#define CU_CL_GROUP 64
#define CU_CL_TILE 16
#define CU_CL_REG 4

#endif
