/* conf_report.c - JUnit XML (NOT_SUPPORTED and NOT_APPLICABLE as <skipped>,
 * CRASH/TIMEOUT as <error>) and the JSON report whose schema is versioned. */
#include "conf_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void conf_file_hash(const char *path, char out[17]) {
  out[0] = '\0';
  FILE *file = path ? fopen(path, "rb") : NULL;
  if (!file) return;
  uint64_t hash = UINT64_C(0xcbf29ce484222325);
  unsigned char chunk[65536];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, file)) > 0) {
    for (size_t i = 0; i < got; ++i) {
      hash ^= chunk[i];
      hash *= UINT64_C(0x100000001b3);
    }
  }
  fclose(file);
  snprintf(out, 17, "%016llx", (unsigned long long)hash);
}

static void conf_xml_escaped(FILE *file, const char *text) {
  for (const unsigned char *c = (const unsigned char *)text; *c; ++c) {
    switch (*c) {
      case '<': fputs("&lt;", file); break;
      case '>': fputs("&gt;", file); break;
      case '&': fputs("&amp;", file); break;
      case '"': fputs("&quot;", file); break;
      default:
        if (*c < 0x20 && *c != '\n' && *c != '\t') {
          fprintf(file, "&#x%x;", *c == '\r' ? 0xd : 0xfffd);
        } else {
          fputc(*c, file);
        }
    }
  }
}

static void conf_json_string(FILE *file, const char *text) {
  fputc('"', file);
  for (const unsigned char *c = (const unsigned char *)(text ? text : ""); *c; ++c) {
    if (*c == '"' || *c == '\\') {
      fprintf(file, "\\%c", *c);
    } else if (*c == '\n') {
      fputs("\\n", file);
    } else if (*c < 0x20) {
      fprintf(file, "\\u%04x", *c);
    } else {
      fputc(*c, file);
    }
  }
  fputc('"', file);
}

static FILE *conf_open(const char *path) {
  FILE *file = fopen(path, "w");
  if (!file) fprintf(stderr, "conformance: cannot write report %s: %s\n", path, strerror(errno));
  return file;
}

static int conf_close(FILE *file, const char *path) {
  if (fclose(file) != 0) {
    fprintf(stderr, "conformance: writing report %s failed: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

int conf_report_junit(const conf_report_input_t *input, const char *path) {
  FILE *file = conf_open(path);
  if (!file) return -1;
  size_t failures = 0, errors = 0, skipped = 0;
  for (size_t i = 0; i < input->count; ++i) {
    conf_result_t result = input->outcomes[i].result;
    failures += result == CONF_FAIL;
    errors += result == CONF_CRASH || result == CONF_TIMEOUT;
    skipped += result == CONF_NOT_SUPPORTED || result == CONF_NOT_APPLICABLE;
  }
  fprintf(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
  fprintf(file,
          "<testsuite name=\"conformance.%s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
          "skipped=\"%zu\" time=\"%.3f\">\n",
          input->backend, input->count, failures, errors, skipped, input->seconds);
  fprintf(file, "<properties><property name=\"seed\" value=\"%llu\"/>"
                "<property name=\"tier\" value=\"%s\"/><property name=\"plugin\" value=\"",
          (unsigned long long)input->seed, input->tier);
  conf_xml_escaped(file, input->plugin_path ? input->plugin_path : "");
  fprintf(file, "\"/></properties>\n");
  for (size_t i = 0; i < input->count; ++i) {
    const char *name = input->registry->cases[input->selected[i]].name;
    const conf_outcome_t *outcome = &input->outcomes[i];
    const char *dot = strchr(name, '.');
    fprintf(file, "  <testcase classname=\"%.*s\" name=\"%s\" time=\"%.6f\"",
            dot ? (int)(dot - name) : (int)strlen(name), name, name, outcome->seconds);
    const char *tag = NULL;
    switch (outcome->result) {
      case CONF_FAIL: tag = "failure"; break;
      case CONF_CRASH:
      case CONF_TIMEOUT: tag = "error"; break;
      case CONF_NOT_SUPPORTED:
      case CONF_NOT_APPLICABLE: tag = "skipped"; break;
      default: break;
    }
    if (!tag) {
      fprintf(file, "/>\n");
      continue;
    }
    fprintf(file, ">\n    <%s type=\"%s\" message=\"", tag, conf_result_name(outcome->result));
    conf_xml_escaped(file, outcome->message);
    fprintf(file, "\">");
    if (strcmp(tag, "skipped") != 0) {
      conf_xml_escaped(file, outcome->message);
      if (strstr(outcome->message, "repro: ")) { /* the case wrote its own (onnx.*) */
        fprintf(file, "</%s>\n  </testcase>\n", tag);
        continue;
      }
      fprintf(file, "\nrepro: conformance --backend=%s --filter=%s --seed=%llu", input->backend,
              name, (unsigned long long)input->seed);
    }
    fprintf(file, "</%s>\n  </testcase>\n", tag);
  }
  fprintf(file, "</testsuite>\n</testsuites>\n");
  return conf_close(file, path);
}

static void conf_json_number(FILE *file, double value) {
  if (isfinite(value)) {
    fprintf(file, "%.17g", value);
  } else {
    fputs("null", file);
  }
}

static void conf_json_device(FILE *file, const xhal_device_properties_t *p) {
  fputs("{\"name\": ", file);
  conf_json_string(file, p->name);
  fputs(", \"vendor\": ", file);
  conf_json_string(file, p->vendor);
  fprintf(file,
          ", \"device_type\": %u, \"compute_units\": %u, \"memory_bytes\": %llu, "
          "\"max_allocation_bytes\": %llu, \"min_alignment_bytes\": %u, \"features\": %u, "
          "\"dtypes\": %llu, \"kernel_formats\": %u, \"clock_mhz\": %u, \"peak_f32_flops\": ",
          p->device_type, p->compute_units, (unsigned long long)p->memory_bytes,
          (unsigned long long)p->max_allocation_bytes, p->min_alignment_bytes, p->features,
          (unsigned long long)p->dtypes, p->kernel_formats, p->clock_mhz);
  conf_json_number(file, p->peak_f32_flops);
  fputs(", \"peak_f16_flops\": ", file);
  conf_json_number(file, p->peak_f16_flops);
  fputs(", \"memory_bandwidth_bps\": ", file);
  conf_json_number(file, p->memory_bandwidth_bps);
  fputs("}", file);
}

int conf_report_json(const conf_report_input_t *input, const char *path) {
  FILE *file = conf_open(path);
  if (!file) return -1;
  char hash[17];
  conf_file_hash(input->plugin_path, hash);
  size_t by_result[CONF_RESULT_COUNT] = {0};
  for (size_t i = 0; i < input->count; ++i) by_result[input->outcomes[i].result]++;
  fprintf(file, "{\n  \"schema\": \"xhal-conformance-report\",\n  \"schema_version\": %d,\n",
          CONF_REPORT_SCHEMA_VERSION);
  fprintf(file, "  \"tool_version\": \"%s\",\n  \"backend\": ", XHAL_VERSION);
  conf_json_string(file, input->backend);
  fputs(",\n  \"plugin_path\": ", file);
  conf_json_string(file, input->plugin_path);
  fputs(",\n  \"plugin_version\": ", file);
  conf_json_string(file, input->plugin_version);
  fprintf(file, ",\n  \"plugin_hash_fnv1a64\": \"%s\",\n  \"seed\": %llu,\n  \"tier\": \"%s\",\n",
          hash, (unsigned long long)input->seed, input->tier);
  fputs("  \"capabilities\": [", file);
  for (uint32_t d = 0; d < input->device_count; ++d) {
    fputs(d ? ",\n    " : "\n    ", file);
    conf_json_device(file, &input->devices[d]);
  }
  fprintf(file,
          "],\n  \"summary\": {\"cases\": %zu, \"pass\": %zu, \"fail\": %zu, "
          "\"not_supported\": %zu, \"crash\": %zu, \"timeout\": %zu, \"not_applicable\": %zu, "
          "\"seconds\": %.3f, \"conformant\": %s},\n  \"cases\": [",
          input->count, by_result[CONF_PASS], by_result[CONF_FAIL], by_result[CONF_NOT_SUPPORTED],
          by_result[CONF_CRASH], by_result[CONF_TIMEOUT], by_result[CONF_NOT_APPLICABLE],
          input->seconds,
          by_result[CONF_FAIL] + by_result[CONF_CRASH] + by_result[CONF_TIMEOUT] ? "false"
                                                                                 : "true");
  for (size_t i = 0; i < input->count; ++i) {
    const conf_outcome_t *outcome = &input->outcomes[i];
    fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", file);
    conf_json_string(file, input->registry->cases[input->selected[i]].name);
    fprintf(file, ", \"result\": \"%s\", \"seconds\": %.6f, \"max_error\": ",
            conf_result_name(outcome->result), outcome->seconds);
    conf_json_number(file, outcome->max_error);
    fputs(", \"message\": ", file);
    conf_json_string(file, outcome->message);
    fputs("}", file);
  }
  fputs("\n  ]\n}\n", file);
  return conf_close(file, path);
}
