/* conf_runner.h - runs selected cases, isolated in worker processes so that a
 * crash or hang becomes a CRASH/TIMEOUT verdict and the run goes on. */
#ifndef XHAL_CONF_RUNNER_H
#define XHAL_CONF_RUNNER_H

#include "conf_registry.h"

typedef struct conf_outcome {
  conf_result_t result;
  double max_error;
  double seconds;
  char *message; /* heap, may be "" */
} conf_outcome_t;

typedef struct conf_run_options {
  const char *backend;    /* as given on the command line */
  uint64_t seed;
  unsigned jobs;          /* worker processes; 0 = in this process */
  double timeout_seconds; /* per case, with workers */
  int progress;           /* print a progress line (terminal) */
  int verbose;            /* print every case */
  const char *test_plugin_dir;
  const char *onnx_tests; /* --onnx-tests, for repro lines of onnx.* cases */
} conf_run_options_t;

/* Creates the environment of one process: a context holding only the plugin
 * under test. Returns 0, or 3 (plugin refused, message in reason) or 77 (no
 * device). */
int conf_env_create(const char *backend, uint64_t seed, const char *test_plugin_dir,
                    conf_env_t *env, char *reason, size_t reason_size);
void conf_env_destroy(conf_env_t *env);

/* What the probe learns about the plugin before any case runs. */
#define CONF_PROBE_MAX_DEVICES 64
typedef struct conf_probe {
  int code;                 /* 0, 3 (failed to load) or 77 (no device) */
  char reason[1024];        /* why, when code != 0 */
  char plugin_path[4096];
  char plugin_version[128];
  uint32_t device_count;    /* devices described below: at most CONF_PROBE_MAX_DEVICES */
  xhal_device_properties_t devices[CONF_PROBE_MAX_DEVICES];
} conf_probe_t;

/* Loads the plugin in a child process and reports what it found. A driver
 * initialised in this process would not survive the fork of the workers
 * (its threads stay behind in the parent), so the parent never loads the
 * plugin itself. */
void conf_probe_plugin(const char *backend, uint64_t seed, const char *test_plugin_dir,
                       conf_probe_t *probe);

/* Runs cases[selected[i]] for every i, filling outcomes[i]; prints failures
 * with their repro line as they come. */
void conf_run_cases(const conf_registry_t *registry, const size_t *selected, size_t count,
                    const conf_run_options_t *options, conf_outcome_t *outcomes);

#endif
