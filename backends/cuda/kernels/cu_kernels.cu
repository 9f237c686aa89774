/* cu_kernels.cu - the one translation unit nvcc compiles into the backend's
 * fatbin (SASS for sm_80 and sm_90, PTX for compute_90): every operator
 * kernel of the CUDA backend, one file per operator family. */
#include "cu_k_copy.cu"
#include "cu_k_eltwise.cu"
#include "cu_k_matmul.cu"
#include "cu_k_reduce.cu"
#include "cu_k_softmax.cu"
