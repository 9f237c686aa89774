/*
 * conf_case.h - what a conformance case sees: the registry it is added to,
 * the environment it runs in, and the helpers that report its verdict.
 *
 * Cases are registered in the same order in every process (the list is a pure
 * function of the code, never of the device), so names, indices, --shard and
 * --jobs agree everywhere. A case returns one conf_result_t.
 */
#ifndef XHAL_CONF_CASE_H
#define XHAL_CONF_CASE_H

#include <stddef.h>
#include <stdint.h>
#include <xhal/xhal.h>

typedef enum conf_result {
  CONF_PASS = 0,
  CONF_FAIL = 1,
  CONF_NOT_SUPPORTED = 2,
  CONF_CRASH = 3,
  CONF_TIMEOUT = 4,
  CONF_NOT_APPLICABLE = 5, /* the case cannot be expressed on xhal (ONNX node tests) */
} conf_result_t;

#define CONF_RESULT_COUNT 6

typedef enum conf_tier {
  CONF_TIER_QUICK = 0, /* runs in --tier=quick and --tier=full */
  CONF_TIER_FULL = 1,  /* runs in --tier=full only */
} conf_tier_t;

/* What every case of one worker process shares. */
typedef struct conf_env {
  xhal_context_t *context;  /* holds only the plugin under test */
  xhal_device_t **devices;  /* the plugin's devices */
  uint32_t device_count;
  const char *backend;      /* --backend as given */
  uint64_t seed;            /* --seed */
  const char *plugin_path;  /* resolved plugin file */
  const char *test_plugin_dir; /* directory of the deliberately broken plugins */
} conf_env_t;

/* One run of one case. */
typedef struct conf_run {
  const conf_env_t *env;
  const char *name;       /* case name */
  char message[8192];     /* failure / not-supported detail, NUL-terminated */
  size_t message_length;
  double max_error;       /* largest |actual - expected| seen, for reports */
  uint64_t random_key;    /* hash of (seed, name), set by the runner */
} conf_run_t;

typedef conf_result_t (*conf_case_fn)(conf_run_t *run, const void *params);

typedef struct conf_registry conf_registry_t;

/* Adds a case. name must be unique, lowercase [a-z0-9_.]; params (params_size
 * bytes, may be 0) are copied. Aborts the program on a duplicate name (a
 * programming error in the suite, caught by every test run). */
void conf_register(conf_registry_t *registry, const char *name, conf_tier_t tier,
                   conf_case_fn fn, const void *params, size_t params_size);

/* Appends printf-style text to run->message and returns CONF_FAIL. Every
 * failure should name expected vs actual, index/coordinates and the bound. */
conf_result_t conf_fail(conf_run_t *run, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends text and returns CONF_NOT_SUPPORTED. Only for what the device
 * declared absent (op_supported said UNSUPPORTED, a missing optional
 * feature, too few devices). */
conf_result_t conf_not_supported(conf_run_t *run, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends text and returns CONF_NOT_APPLICABLE: the case itself lies outside
 * what xhal can express (an ONNX node test using an op xhal lacks, a string
 * tensor, a run-time value where xhal takes an attribute). Not a defect of
 * the backend, so it does not make a run non-conformant. */
conf_result_t conf_not_applicable(conf_run_t *run, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends text without deciding the result. */
void conf_note(conf_run_t *run, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Records an xhal call's failure (status name + xhal_last_error) and returns
 * CONF_FAIL; use as `if (s) return conf_fail_status(run, "xhal_op_launch", s);`. */
conf_result_t conf_fail_status(conf_run_t *run, const char *what, xhal_status_t status);

/* Deterministic inputs: a pure function of (seed, case name, tensor index,
 * element index). Uniform in [0, 1). */
double conf_random_unit(const conf_run_t *run, uint32_t tensor_index, uint64_t element_index);
/* 64 random bits from the same stream. */
uint64_t conf_random_bits(const conf_run_t *run, uint32_t tensor_index, uint64_t element_index);

/* Area registration functions, called in this order by the runner. */
void conf_area_info_register(conf_registry_t *registry);
void conf_area_loader_register(conf_registry_t *registry);
void conf_area_abi_register(conf_registry_t *registry);
void conf_area_mem_register(conf_registry_t *registry);
void conf_area_stream_register(conf_registry_t *registry);
void conf_area_ops_register(conf_registry_t *registry);
void conf_area_coll_register(conf_registry_t *registry);
void conf_area_xbackend_register(conf_registry_t *registry);
/* onnx.*: one case per ONNX node-test directory under dir (or dir itself).
 * Returns 0, or -1 with the reason in error. */
int conf_area_onnx_register(conf_registry_t *registry, const char *dir, char *error,
                            size_t error_size);

#endif
