/* conf_registry.c - case registration, deterministic inputs and verdicts. */
#include "conf_registry.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t conf_hash_name(const char *name) {
  uint64_t hash = UINT64_C(0xcbf29ce484222325); /* FNV-1a */
  for (const unsigned char *c = (const unsigned char *)name; *c; ++c) {
    hash ^= *c;
    hash *= UINT64_C(0x100000001b3);
  }
  return hash;
}

static void conf_die(const char *format, const char *name) {
  fprintf(stderr, "conformance: internal error: ");
  fprintf(stderr, format, name);
  fprintf(stderr, "\n");
  exit(2);
}

static void conf_check_name(const char *name) {
  if (!name || !*name) conf_die("empty case name%s", "");
  for (const char *c = name; *c; ++c) {
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '.')) {
      conf_die("case name '%s' has a character outside [a-z0-9_.]", name);
    }
  }
}

static void conf_name_set_insert(conf_registry_t *registry, size_t index);

static void conf_name_set_grow(conf_registry_t *registry) {
  free(registry->name_slots);
  registry->name_capacity = registry->name_capacity ? registry->name_capacity * 2 : 4096;
  registry->name_slots = calloc(registry->name_capacity, sizeof *registry->name_slots);
  if (!registry->name_slots) conf_die("out of memory%s", "");
  for (size_t i = 0; i < registry->count; ++i) conf_name_set_insert(registry, i);
}

static void conf_name_set_insert(conf_registry_t *registry, size_t index) {
  const char *name = registry->cases[index].name;
  size_t mask = registry->name_capacity - 1;
  for (size_t slot = conf_hash_name(name) & mask;; slot = (slot + 1) & mask) {
    if (!registry->name_slots[slot]) {
      registry->name_slots[slot] = index + 1;
      return;
    }
    if (strcmp(registry->cases[registry->name_slots[slot] - 1].name, name) == 0) {
      conf_die("duplicate case name '%s'", name);
    }
  }
}

void conf_register(conf_registry_t *registry, const char *name, conf_tier_t tier,
                   conf_case_fn fn, const void *params, size_t params_size) {
  conf_check_name(name);
  if (registry->count == registry->capacity) {
    registry->capacity = registry->capacity ? registry->capacity * 2 : 1024;
    registry->cases = realloc(registry->cases, registry->capacity * sizeof *registry->cases);
    if (!registry->cases) conf_die("out of memory registering '%s'", name);
  }
  conf_case_entry_t *entry = &registry->cases[registry->count];
  entry->name = strdup(name);
  entry->tier = tier;
  entry->fn = fn;
  entry->params = NULL;
  if (params_size) {
    entry->params = malloc(params_size);
    if (!entry->params) conf_die("out of memory registering '%s'", name);
    memcpy(entry->params, params, params_size);
  }
  registry->count++;
  if (registry->count * 2 > registry->name_capacity) {
    conf_name_set_grow(registry); /* re-inserts everything, this one included */
  } else {
    conf_name_set_insert(registry, registry->count - 1);
  }
}

int conf_registry_build(conf_registry_t *registry, const char *onnx_tests, char *error,
                        size_t error_size) {
  memset(registry, 0, sizeof *registry);
  conf_area_info_register(registry);
  conf_area_loader_register(registry);
  conf_area_abi_register(registry);
  conf_area_mem_register(registry);
  conf_area_stream_register(registry);
  conf_area_ops_register(registry);
  conf_area_coll_register(registry);
  conf_area_xbackend_register(registry);
  if (!onnx_tests) return 0;
#ifdef XHAL_CONFORMANCE_ONNX
  return conf_area_onnx_register(registry, onnx_tests, error, error_size);
#else
  snprintf(error, error_size,
           "--onnx-tests: this conformance was built without the ONNX reader (protoc-c, "
           "libprotobuf-c or onnx.proto was missing at build time; see the ONNX section of "
           "`meson setup`'s summary)");
  return -1;
#endif
}

void conf_registry_free(conf_registry_t *registry) {
  for (size_t i = 0; i < registry->count; ++i) {
    free(registry->cases[i].name);
    free(registry->cases[i].params);
  }
  free(registry->cases);
  free(registry->name_slots);
  memset(registry, 0, sizeof *registry);
}

static uint64_t conf_mix(uint64_t x);

/* The per-case part of every random value, hashed once per run. */
static uint64_t conf_case_key(const char *name, uint64_t seed) {
  return conf_mix(conf_hash_name(name) ^ conf_mix(seed));
}

conf_result_t conf_registry_run_case(const conf_case_entry_t *entry, const conf_env_t *env,
                                     conf_run_t *run) {
  memset(run, 0, sizeof *run);
  run->env = env;
  run->name = entry->name;
  run->random_key = conf_case_key(entry->name, env->seed);
  return entry->fn(run, entry->params);
}

const char *conf_result_name(conf_result_t result) {
  static const char *const names[CONF_RESULT_COUNT] = {"PASS",  "FAIL",    "NOT_SUPPORTED",
                                                       "CRASH", "TIMEOUT", "NOT_APPLICABLE"};
  return (unsigned)result < CONF_RESULT_COUNT ? names[result] : "?";
}

/* ---- verdict helpers ----------------------------------------------------- */

static void conf_append(conf_run_t *run, const char *format, va_list args) {
  size_t room = sizeof run->message - run->message_length;
  if (room <= 1) return;
  int written = vsnprintf(run->message + run->message_length, room, format, args);
  if (written < 0) return;
  run->message_length += (size_t)written < room ? (size_t)written : room - 1;
}

conf_result_t conf_fail(conf_run_t *run, const char *format, ...) {
  va_list args;
  va_start(args, format);
  conf_append(run, format, args);
  va_end(args);
  return CONF_FAIL;
}

conf_result_t conf_not_supported(conf_run_t *run, const char *format, ...) {
  va_list args;
  va_start(args, format);
  conf_append(run, format, args);
  va_end(args);
  return CONF_NOT_SUPPORTED;
}

conf_result_t conf_not_applicable(conf_run_t *run, const char *format, ...) {
  va_list args;
  va_start(args, format);
  conf_append(run, format, args);
  va_end(args);
  return CONF_NOT_APPLICABLE;
}

void conf_note(conf_run_t *run, const char *format, ...) {
  va_list args;
  va_start(args, format);
  conf_append(run, format, args);
  va_end(args);
}

conf_result_t conf_fail_status(conf_run_t *run, const char *what, xhal_status_t status) {
  return conf_fail(run, "%s returned %s (%d): %s", what, xhal_status_string(status), (int)status,
                   xhal_last_error());
}

/* ---- deterministic inputs ------------------------------------------------ */

static uint64_t conf_mix(uint64_t x) { /* splitmix64 finaliser */
  x += UINT64_C(0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
  return x ^ (x >> 31);
}

uint64_t conf_random_bits(const conf_run_t *run, uint32_t tensor_index, uint64_t element_index) {
  uint64_t key = conf_mix(run->random_key ^ (uint64_t)tensor_index * UINT64_C(0xd1b54a32d192ed03));
  return conf_mix(key ^ element_index);
}

double conf_random_unit(const conf_run_t *run, uint32_t tensor_index, uint64_t element_index) {
  return (double)(conf_random_bits(run, tensor_index, element_index) >> 11) * 0x1.0p-53;
}
