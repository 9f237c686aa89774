/* cu_nccl.h - NCCL, loaded at run time with dlopen("libnccl.so.2").
 *
 * Like the driver, NCCL is never linked: one X-macro table of the entry
 * points the collectives use. The types are NCCL 2's C ABI as nccl.h
 * defines it (handles are pointers, results and enums are int-sized, the
 * enum values have been stable since NCCL 2.0; bf16 came with 2.10), so the
 * backend builds without nccl.h. Without the library, communicator_create
 * answers UNSUPPORTED and libxhal stages collectives through host memory. */
#ifndef XHAL_CU_NCCL_H
#define XHAL_CU_NCCL_H

#include <cuda.h>
#include <stddef.h>

typedef struct ncclComm *cu_nccl_comm_t;
typedef int cu_nccl_result_t; /* ncclResult_t */

enum {
  CU_NCCL_SUCCESS = 0,
  /* ncclDataType_t */
  CU_NCCL_INT8 = 0,
  CU_NCCL_UINT8 = 1,
  CU_NCCL_INT32 = 2,
  CU_NCCL_UINT32 = 3,
  CU_NCCL_INT64 = 4,
  CU_NCCL_UINT64 = 5,
  CU_NCCL_FLOAT16 = 6,
  CU_NCCL_FLOAT32 = 7,
  CU_NCCL_FLOAT64 = 8,
  CU_NCCL_BFLOAT16 = 9,
  /* ncclRedOp_t */
  CU_NCCL_SUM = 0,
  CU_NCCL_PROD = 1,
  CU_NCCL_MAX = 2,
  CU_NCCL_MIN = 3,
};

/* Versions as 100 * major + minor: NCCL 2.7 added point-to-point send and
 * receive, 2.10 bf16. */
#define CU_NCCL_MIN_VERSION 207
#define CU_NCCL_BF16_VERSION 210

#define CU_NCCL_SYMBOLS(X)                                                                         \
  X(ncclGetVersion, (int *version))                                                                \
  X(ncclGetErrorString, (cu_nccl_result_t result))                                                 \
  X(ncclCommInitAll, (cu_nccl_comm_t * comms, int count, const int *devices))                      \
  X(ncclCommDestroy, (cu_nccl_comm_t comm))                                                        \
  X(ncclCommAbort, (cu_nccl_comm_t comm))                                                          \
  X(ncclAllReduce, (const void *send, void *recv, size_t count, int dtype, int op,                 \
                    cu_nccl_comm_t comm, CUstream stream))                                         \
  X(ncclBroadcast, (const void *send, void *recv, size_t count, int dtype, int root,               \
                    cu_nccl_comm_t comm, CUstream stream))                                         \
  X(ncclAllGather, (const void *send, void *recv, size_t send_count, int dtype,                    \
                    cu_nccl_comm_t comm, CUstream stream))                                         \
  X(ncclReduceScatter, (const void *send, void *recv, size_t recv_count, int dtype, int op,        \
                        cu_nccl_comm_t comm, CUstream stream))                                     \
  X(ncclSend, (const void *send, size_t count, int dtype, int peer, cu_nccl_comm_t comm,           \
               CUstream stream))                                                                   \
  X(ncclRecv, (void *recv, size_t count, int dtype, int peer, cu_nccl_comm_t comm,                 \
               CUstream stream))                                                                   \
  X(ncclGroupStart, (void))                                                                        \
  X(ncclGroupEnd, (void))

typedef struct cu_nccl {
  cu_nccl_result_t (*ncclGetVersion)(int *version);
  const char *(*ncclGetErrorString)(cu_nccl_result_t result);
  cu_nccl_result_t (*ncclCommInitAll)(cu_nccl_comm_t *comms, int count, const int *devices);
  cu_nccl_result_t (*ncclCommDestroy)(cu_nccl_comm_t comm);
  cu_nccl_result_t (*ncclCommAbort)(cu_nccl_comm_t comm);
  cu_nccl_result_t (*ncclAllReduce)(const void *send, void *recv, size_t count, int dtype, int op,
                                    cu_nccl_comm_t comm, CUstream stream);
  cu_nccl_result_t (*ncclBroadcast)(const void *send, void *recv, size_t count, int dtype,
                                    int root, cu_nccl_comm_t comm, CUstream stream);
  cu_nccl_result_t (*ncclAllGather)(const void *send, void *recv, size_t send_count, int dtype,
                                    cu_nccl_comm_t comm, CUstream stream);
  cu_nccl_result_t (*ncclReduceScatter)(const void *send, void *recv, size_t recv_count,
                                        int dtype, int op, cu_nccl_comm_t comm, CUstream stream);
  cu_nccl_result_t (*ncclSend)(const void *send, size_t count, int dtype, int peer,
                               cu_nccl_comm_t comm, CUstream stream);
  cu_nccl_result_t (*ncclRecv)(void *recv, size_t count, int dtype, int peer, cu_nccl_comm_t comm,
                               CUstream stream);
  cu_nccl_result_t (*ncclGroupStart)(void);
  cu_nccl_result_t (*ncclGroupEnd)(void);
  int version; /* 100 * major + minor */
} cu_nccl_t;

/* Loads libnccl.so.2 once per process (XHAL_CUDA_NCCL_LIBRARY names
 * another file; "none" disables NCCL); NULL with *reason (static text,
 * reason may be NULL) when it is absent, too old or incomplete. */
const cu_nccl_t *cu_nccl_load(const char **reason);

/* OK, or the xhal status for result with "<call>: <NCCL's text>" reported
 * (INTERNAL for every NCCL failure except ncclInvalidArgument/
 * ncclInvalidUsage, which are INVALID_ARGUMENT). */
int32_t cu_nccl_check(const cu_nccl_t *nccl, cu_nccl_result_t result, const char *call);

#endif
