/* conf_main.c - `conformance`: the command line, the probe of the plugin, the
 * summary and the exit code (0 conformant, 1 failures, 2 usage, 3 plugin
 * failed to load, 77 no device). */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf_report.h"
#include "conf_runner.h"

#ifndef XHAL_CONFORMANCE_PLUGIN_DIR
#define XHAL_CONFORMANCE_PLUGIN_DIR ""
#endif

#define CONF_DEFAULT_SEED 20261124u

typedef struct conf_cli {
  const char *backend;
  const char *filter;
  uint64_t seed;
  conf_tier_t tier;
  long jobs; /* -1: one per core */
  unsigned shard_index, shard_count;
  const char *junit_path;
  const char *json_path;
  const char *onnx_tests; /* --onnx-tests: directory of ONNX node tests */
  char *report_spec; /* owns the report paths */
  double timeout_seconds;
  int list;
  int verbose;
} conf_cli_t;

static void conf_usage(FILE *out) {
  fprintf(out,
          "usage: conformance --backend=NAME|PATH [options]\n"
          "  --backend=NAME|PATH   backend name (libxhal-NAME.so on XHAL_PLUGIN_PATH or the\n"
          "                        install dir) or a plugin file\n"
          "  --list                print the selected case names and exit\n"
          "  --filter=PAT[,PAT]    exact names, name prefixes ending at a '.', or globs\n"
          "  --seed=N              input seed (default %u; printed in every report)\n"
          "  --tier=quick|full     quick (default) or the full suite\n"
          "  --jobs=N              worker processes (default: one per core; 0 = no isolation)\n"
          "  --shard=I/N           run only cases whose index %% N == I\n"
          "  --timeout=SECONDS     per-case limit with workers (default 120)\n"
          "  --report=junit:PATH,json:PATH   machine-readable reports\n"
          "  --onnx-tests=DIR      also run the ONNX node tests in DIR (a directory of\n"
          "                        node-test directories, or one): cases onnx.<dirname>\n"
          "  --verbose             print every case, not only failures\n"
          "exit: 0 conformant, 1 failures, 2 usage, 3 plugin failed to load, 77 no device\n",
          CONF_DEFAULT_SEED);
}

static int conf_usage_error(const char *format, const char *value) {
  fprintf(stderr, "conformance: ");
  fprintf(stderr, format, value);
  fprintf(stderr, "\n");
  conf_usage(stderr);
  return 2;
}

static int conf_parse_unsigned(const char *text, unsigned long long *out) {
  if (!text || !*text) return 0;
  char *end = NULL;
  *out = strtoull(text, &end, 10);
  return *end == '\0' && text[0] != '-';
}

/* Splits "junit:PATH,json:PATH"; the paths point into cli->report_spec, a
 * copy that lives as long as the process. */
static int conf_parse_reports(conf_cli_t *cli, const char *value) {
  free(cli->report_spec);
  cli->report_spec = strdup(value);
  if (!cli->report_spec) return 0;
  char *saveptr = NULL;
  for (char *item = strtok_r(cli->report_spec, ",", &saveptr); item;
       item = strtok_r(NULL, ",", &saveptr)) {
    if (strncmp(item, "junit:", 6) == 0 && item[6]) {
      cli->junit_path = item + 6;
    } else if (strncmp(item, "json:", 5) == 0 && item[5]) {
      cli->json_path = item + 5;
    } else {
      return 0;
    }
  }
  return 1;
}

/* Returns 0, or the usage exit code after printing why. */
static int conf_parse(int argc, char **argv, conf_cli_t *cli) {
  memset(cli, 0, sizeof *cli);
  cli->seed = CONF_DEFAULT_SEED;
  cli->jobs = -1;
  cli->shard_count = 1;
  cli->timeout_seconds = 120;
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    const char *eq = strchr(arg, '=');
    const char *value = eq ? eq + 1 : NULL;
    size_t key = eq ? (size_t)(eq - arg) : strlen(arg);
    unsigned long long number = 0;
#define CONF_IS(name) (key == strlen(name) && strncmp(arg, name, key) == 0)
    if (CONF_IS("--help") || CONF_IS("-h")) {
      conf_usage(stdout);
      exit(0);
    } else if (CONF_IS("--list")) {
      cli->list = 1;
    } else if (CONF_IS("--verbose") || CONF_IS("-v")) {
      cli->verbose = 1;
    } else if (!value) {
      return conf_usage_error("unknown or incomplete option '%s'", arg);
    } else if (CONF_IS("--backend")) {
      cli->backend = value;
    } else if (CONF_IS("--filter")) {
      cli->filter = value;
    } else if (CONF_IS("--seed")) {
      if (!conf_parse_unsigned(value, &number)) return conf_usage_error("bad --seed '%s'", value);
      cli->seed = number;
    } else if (CONF_IS("--tier")) {
      if (strcmp(value, "quick") == 0) {
        cli->tier = CONF_TIER_QUICK;
      } else if (strcmp(value, "full") == 0) {
        cli->tier = CONF_TIER_FULL;
      } else {
        return conf_usage_error("--tier must be quick or full, not '%s'", value);
      }
    } else if (CONF_IS("--jobs")) {
      if (!conf_parse_unsigned(value, &number) || number > 256) {
        return conf_usage_error("--jobs must be 0..256, not '%s'", value);
      }
      cli->jobs = (long)number;
    } else if (CONF_IS("--shard")) {
      unsigned index = 0, count = 0;
      char tail;
      if (sscanf(value, "%u/%u%c", &index, &count, &tail) != 2 || count == 0 || index >= count) {
        return conf_usage_error("--shard must be I/N with 0 <= I < N, not '%s'", value);
      }
      cli->shard_index = index;
      cli->shard_count = count;
    } else if (CONF_IS("--timeout")) {
      if (!conf_parse_unsigned(value, &number) || number == 0) {
        return conf_usage_error("--timeout must be a positive number of seconds, not '%s'", value);
      }
      cli->timeout_seconds = (double)number;
    } else if (CONF_IS("--onnx-tests")) {
      if (!*value) return conf_usage_error("--onnx-tests needs a directory%s", "");
      cli->onnx_tests = value;
    } else if (CONF_IS("--report")) {
      if (!conf_parse_reports(cli, value)) {
        return conf_usage_error("--report takes junit:PATH and/or json:PATH, not '%s'", value);
      }
    } else {
      return conf_usage_error("unknown option '%s'", arg);
    }
#undef CONF_IS
  }
  if (!cli->backend && !cli->list) return conf_usage_error("--backend is required%s", "");
  return 0;
}

/* A pattern selects a name when it is a glob that matches, the exact name,
 * or a prefix that ends where a name component ends. */
static int conf_pattern_matches(const char *pattern, const char *name) {
  if (strpbrk(pattern, "*?[")) return fnmatch(pattern, name, 0) == 0;
  size_t length = strlen(pattern);
  if (strncmp(pattern, name, length) != 0) return 0;
  return name[length] == '\0' || name[length] == '.' || (length && pattern[length - 1] == '.');
}

static int conf_filter_matches(const char *filter, const char *name) {
  if (!filter || !*filter) return 1;
  char *copy = strdup(filter);
  int matched = 0;
  char *saveptr = NULL;
  for (char *pattern = copy ? strtok_r(copy, ",", &saveptr) : NULL; pattern && !matched;
       pattern = strtok_r(NULL, ",", &saveptr)) {
    matched = conf_pattern_matches(pattern, name);
  }
  free(copy);
  return matched;
}

static size_t conf_select(const conf_registry_t *registry, const conf_cli_t *cli,
                          size_t *selected) {
  size_t count = 0;
  for (size_t i = 0; i < registry->count; ++i) {
    const conf_case_entry_t *entry = &registry->cases[i];
    if (entry->tier > cli->tier) continue;
    if (i % cli->shard_count != cli->shard_index) continue;
    if (!conf_filter_matches(cli->filter, entry->name)) continue;
    selected[count++] = i;
  }
  return count;
}

static double conf_seconds_since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

static const char *conf_test_plugin_dir(void) {
  const char *dir = getenv("XHAL_CONFORMANCE_PLUGIN_DIR");
  return dir && *dir ? dir : XHAL_CONFORMANCE_PLUGIN_DIR;
}

int main(int argc, char **argv) {
  conf_cli_t cli;
  int code = conf_parse(argc, argv, &cli);
  if (code) {
    free(cli.report_spec);
    return code;
  }

  conf_registry_t registry;
  char registry_error[1024];
  if (conf_registry_build(&registry, cli.onnx_tests, registry_error, sizeof registry_error) != 0) {
    conf_registry_free(&registry);
    free(cli.report_spec);
    return conf_usage_error("%s", registry_error);
  }
  size_t *selected = calloc(registry.count + 1, sizeof *selected);
  if (!selected) return 3;
  size_t count = conf_select(&registry, &cli, selected);
  if (cli.list) {
    for (size_t i = 0; i < count; ++i) printf("%s\n", registry.cases[selected[i]].name);
    free(cli.report_spec);
    free(selected);
    conf_registry_free(&registry);
    return 0;
  }

  /* Probe the plugin (in a child process) before any worker starts: a
   * plugin that does not load, or has no device, ends the run with its own
   * exit code. */
  conf_probe_t *probe = malloc(sizeof *probe);
  if (!probe) return 3;
  conf_probe_plugin(cli.backend, cli.seed, conf_test_plugin_dir(), probe);
  if (probe->code) {
    code = probe->code;
    fprintf(code == 77 ? stdout : stderr, "conformance: %s: %s\n",
            code == 77 ? "no device" : "plugin failed to load", probe->reason);
    free(probe);
    free(cli.report_spec);
    free(selected);
    conf_registry_free(&registry);
    return code;
  }
  const char *plugin_path = probe->plugin_path;
  const char *plugin_version = probe->plugin_version;
  uint32_t device_count = probe->device_count;
  const xhal_device_properties_t *devices = probe->devices;

  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  conf_run_options_t options = {
      .backend = cli.backend,
      .seed = cli.seed,
      .jobs = cli.jobs < 0 ? (unsigned)(cores > 0 ? cores : 1) : (unsigned)cli.jobs,
      .timeout_seconds = cli.timeout_seconds,
      .progress = isatty(STDOUT_FILENO),
      .verbose = cli.verbose,
      .test_plugin_dir = conf_test_plugin_dir(),
      .onnx_tests = cli.onnx_tests,
  };
  const char *tier = cli.tier == CONF_TIER_FULL ? "full" : "quick";
  printf("conformance %s: backend %s (%s), %u device(s), %zu cases, tier %s, seed %llu, "
         "%u job(s)\n",
         XHAL_VERSION, cli.backend, plugin_path, device_count, count, tier,
         (unsigned long long)cli.seed, options.jobs);
  fflush(stdout);

  conf_outcome_t *outcomes = calloc(count + 1, sizeof *outcomes);
  if (!outcomes) return 3;
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  conf_run_cases(&registry, selected, count, &options, outcomes);
  double seconds = conf_seconds_since(&start);

  size_t by_result[CONF_RESULT_COUNT] = {0};
  for (size_t i = 0; i < count; ++i) by_result[outcomes[i].result]++;
  size_t bad = by_result[CONF_FAIL] + by_result[CONF_CRASH] + by_result[CONF_TIMEOUT];
  conf_report_input_t report = {cli.backend, plugin_path, plugin_version, tier, cli.seed,
                                device_count, devices, &registry, selected, outcomes, count,
                                seconds};
  int report_failed = 0;
  if (cli.junit_path) report_failed |= conf_report_junit(&report, cli.junit_path) != 0;
  if (cli.json_path) report_failed |= conf_report_json(&report, cli.json_path) != 0;

  printf("%zu passed, %zu failed, %zu not supported, %zu crashed, %zu timed out, "
         "%zu not applicable in %.1f s\n",
         by_result[CONF_PASS], by_result[CONF_FAIL], by_result[CONF_NOT_SUPPORTED],
         by_result[CONF_CRASH], by_result[CONF_TIMEOUT], by_result[CONF_NOT_APPLICABLE], seconds);
  printf("%s: backend %s, %zu cases, seed %llu\n", bad ? "NOT CONFORMANT" : "CONFORMANT",
         cli.backend, count, (unsigned long long)cli.seed);

  for (size_t i = 0; i < count; ++i) free(outcomes[i].message);
  free(outcomes);
  free(probe);
  free(selected);
  free(cli.report_spec);
  conf_registry_free(&registry);
  if (bad) return 1;
  return report_failed ? 1 : 0;
}
