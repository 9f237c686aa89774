/* conf_registry.h - the ordered list of cases and the verdict helpers. */
#ifndef XHAL_CONF_REGISTRY_H
#define XHAL_CONF_REGISTRY_H

#include "conf_case.h"

typedef struct conf_case_entry {
  char *name;
  conf_tier_t tier;
  conf_case_fn fn;
  void *params;
} conf_case_entry_t;

struct conf_registry {
  conf_case_entry_t *cases;
  size_t count;
  size_t capacity;
  /* open-addressing set of names for the duplicate check */
  size_t *name_slots; /* case index + 1, 0 = empty */
  size_t name_capacity;
};

/* Builds the full list: every area, in the documented order, then, when
 * onnx_tests is not NULL (--onnx-tests), one onnx.* case per ONNX node-test
 * directory there. Returns 0, or -1 with the reason in error (a usage error:
 * no such directory, or a conformance built without the ONNX reader). */
int conf_registry_build(conf_registry_t *registry, const char *onnx_tests, char *error,
                        size_t error_size);
void conf_registry_free(conf_registry_t *registry);

/* Runs one case in this process and returns its result (message in run). */
conf_result_t conf_registry_run_case(const conf_case_entry_t *entry, const conf_env_t *env,
                                     conf_run_t *run);

const char *conf_result_name(conf_result_t result);

#endif
