/* conf_report.h - machine-readable reports: JUnit XML and versioned JSON. */
#ifndef XHAL_CONF_REPORT_H
#define XHAL_CONF_REPORT_H

#include "conf_runner.h"

/* 2: adds the NOT_APPLICABLE result and summary.not_applicable. */
#define CONF_REPORT_SCHEMA_VERSION 2

typedef struct conf_report_input {
  const char *backend;
  const char *plugin_path;
  const char *plugin_version;
  const char *tier;
  uint64_t seed;
  uint32_t device_count;
  const xhal_device_properties_t *devices; /* [device_count] */
  const conf_registry_t *registry;
  const size_t *selected;
  const conf_outcome_t *outcomes;
  size_t count;
  double seconds;
} conf_report_input_t;

/* Each returns 0, or -1 with a message on stderr naming the path. */
int conf_report_junit(const conf_report_input_t *input, const char *path);
int conf_report_json(const conf_report_input_t *input, const char *path);

/* FNV-1a 64 of the file's bytes as 16 hex digits ("" if unreadable). */
void conf_file_hash(const char *path, char out[17]);

#endif
