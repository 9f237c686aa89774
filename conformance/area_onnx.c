/*
 * area_onnx.c - onnx.*: the official ONNX node tests (--onnx-tests=DIR).
 *
 * One case per node-test directory (model.onnx + test_data_set_0/
 * {input,output}_N.pb), named onnx.<dirname> lowercased. A case loads the
 * model and data set 0, runs the graph node by node on device 0
 * (onnx_runner.c) and compares every graph output with the expected tensor:
 * floats (f16, bf16, f32, f64) within |actual - expected| <= atol + rtol *
 * |expected| (NaN matches NaN, infinities must be equal), integers and bools
 * exactly, shapes and dtypes equal. A directory that cannot be read is FAIL
 * (the run must notice a broken test directory; the message says it is not
 * the backend's fault); what xhal cannot express is NOT_APPLICABLE.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_case.h"
#include "onnx_model.h"
#include "onnx_runner.h"
#include "ref_dtype.h"

#define ONNX_RTOL 1e-3
#define ONNX_ATOL 1e-5
#define ONNX_MISMATCH_LINES 5

#define ONNX_BROKEN "broken test directory (not a backend defect): "

/* ---- loading one directory -------------------------------------------------------- */

typedef struct onnx_case_data {
  const char *dir;
  xhal__onnx_model_t *model;
  uint32_t feed_count;
  const char **feed_names; /* borrowed from the model */
  xhal__onnx_tensor_t *feeds;
  xhal__onnx_tensor_t *expected; /* [model->output_count] */
  xhal__onnx_tensor_t *actual;   /* [model->output_count] */
} onnx_case_data_t;

static void onnx_case_data_free(onnx_case_data_t *d) {
  for (uint32_t i = 0; d->feeds && i < d->feed_count; ++i) xhal__onnx_tensor_deinit(&d->feeds[i]);
  for (uint32_t j = 0; d->model && j < d->model->output_count; ++j) {
    if (d->expected) xhal__onnx_tensor_deinit(&d->expected[j]);
    if (d->actual) xhal__onnx_tensor_deinit(&d->actual[j]);
  }
  free(d->feeds);
  free(d->feed_names);
  free(d->expected);
  free(d->actual);
  xhal__onnx_model_destroy(d->model);
}

static int onnx_is_file(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISREG(info.st_mode);
}

static int onnx_is_dir(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

/* A reader error: NOT_APPLICABLE for valid content xhal has no type for
 * (strings), FAIL naming the broken file otherwise. */
static conf_result_t onnx_reader_verdict(conf_run_t *run, xhal_status_t status,
                                         const xhal__onnx_error_t *err) {
  if (status == XHAL_STATUS_UNSUPPORTED) return conf_not_applicable(run, "%s", err->message);
  return conf_fail(run, ONNX_BROKEN "%s", err->message);
}

/* Counts the consecutive files dir/test_data_set_0/<prefix>_N.pb. */
static uint32_t onnx_count_files(const char *dir, const char *prefix) {
  char path[4096];
  uint32_t n = 0;
  for (;; ++n) {
    snprintf(path, sizeof path, "%s/test_data_set_0/%s_%u.pb", dir, prefix, n);
    if (!onnx_is_file(path)) return n;
  }
}

static conf_result_t onnx_load_tensor(conf_run_t *run, const char *dir, const char *prefix,
                                      uint32_t index, xhal__onnx_tensor_t *out) {
  char path[4096];
  xhal__onnx_error_t err = {""};
  snprintf(path, sizeof path, "%s/test_data_set_0/%s_%u.pb", dir, prefix, index);
  xhal_status_t status = xhal__onnx_tensor_load(path, out, &err);
  return status == XHAL_STATUS_OK ? CONF_PASS : onnx_reader_verdict(run, status, &err);
}

/* Graph inputs and outputs must be tensors; a declared element type must
 * match the data. numpy has no bfloat16, so the node tests of onnx <= 1.13
 * store BFLOAT16 values as their UINT16 bit patterns: such data takes the
 * declared type. */
static conf_result_t onnx_check_value(conf_run_t *run, const char *role,
                                      const xhal__onnx_value_info_t *v,
                                      xhal__onnx_tensor_t *data, const char *file) {
  static const char *const kinds[] = {"an untyped value", "a tensor",   "a sequence",
                                      "a map",            "an optional", "a sparse tensor"};
  if (v->kind != XHAL__ONNX_VALUE_TENSOR && v->kind != XHAL__ONNX_VALUE_UNKNOWN) {
    return conf_not_applicable(run, "graph %s '%s' is %s; xhal runs dense tensors only", role,
                               v->name, kinds[v->kind]);
  }
  if (data && v->elem_type == XHAL_DTYPE_BF16 && data->dtype == XHAL_DTYPE_U16) {
    data->dtype = XHAL_DTYPE_BF16;
  }
  if (data && v->elem_type && v->elem_type != (int32_t)data->dtype) {
    return conf_fail(run, ONNX_BROKEN "graph %s '%s' is declared %s but %s holds %s", role,
                     v->name, xhal__onnx_dtype_name(v->elem_type), file,
                     xhal__onnx_dtype_name((int32_t)data->dtype));
  }
  return CONF_PASS;
}

/* The graph inputs that data set 0 feeds: those without an initializer
 * (an initializer of the same name is a default), or all of them when the
 * data set has a file for each. */
static conf_result_t onnx_load_feeds(conf_run_t *run, onnx_case_data_t *d) {
  const xhal__onnx_model_t *m = d->model;
  uint32_t files = onnx_count_files(d->dir, "input");
  d->feed_names = calloc(m->input_count + 1, sizeof *d->feed_names);
  d->feeds = calloc(m->input_count + 1, sizeof *d->feeds);
  if (!d->feed_names || !d->feeds) return conf_fail(run, "out of host memory");
  uint32_t unshadowed = 0;
  for (uint32_t i = 0; i < m->input_count; ++i) {
    int shadowed = 0;
    for (uint32_t k = 0; k < m->initializer_count && !shadowed; ++k) {
      shadowed = strcmp(m->initializers[k].name, m->inputs[i].name) == 0;
    }
    if (!shadowed || files == m->input_count) d->feed_names[unshadowed++] = m->inputs[i].name;
  }
  if (files != unshadowed) {
    return conf_fail(run, ONNX_BROKEN "%s/test_data_set_0 has %u input_N.pb files, the graph "
                                      "takes %u inputs",
                     d->dir, files, unshadowed);
  }
  for (uint32_t i = 0; i < files; ++i) {
    conf_result_t result = onnx_load_tensor(run, d->dir, "input", i, &d->feeds[i]);
    d->feed_count = i + (result == CONF_PASS);
    if (result != CONF_PASS) return result;
    for (uint32_t k = 0; k < m->input_count; ++k) {
      if (strcmp(m->inputs[k].name, d->feed_names[i]) != 0) continue;
      char file[32];
      snprintf(file, sizeof file, "input_%u.pb", i);
      result = onnx_check_value(run, "input", &m->inputs[k], &d->feeds[i], file);
      if (result != CONF_PASS) return result;
    }
  }
  return CONF_PASS;
}

static conf_result_t onnx_load_case(conf_run_t *run, onnx_case_data_t *d) {
  char path[4096];
  xhal__onnx_error_t err = {""};
  snprintf(path, sizeof path, "%s/model.onnx", d->dir);
  xhal_status_t status = xhal__onnx_model_load(path, &d->model, &err);
  if (status != XHAL_STATUS_OK) return onnx_reader_verdict(run, status, &err);
  const xhal__onnx_model_t *m = d->model;
  /* Types first: the data files of sequences and maps are not TensorProtos. */
  for (uint32_t i = 0; i < m->input_count; ++i) {
    conf_result_t result = onnx_check_value(run, "input", &m->inputs[i], NULL, NULL);
    if (result != CONF_PASS) return result;
  }
  for (uint32_t j = 0; j < m->output_count; ++j) {
    conf_result_t result = onnx_check_value(run, "output", &m->outputs[j], NULL, NULL);
    if (result != CONF_PASS) return result;
  }
  snprintf(path, sizeof path, "%s/test_data_set_0", d->dir);
  if (!onnx_is_dir(path)) return conf_fail(run, ONNX_BROKEN "%s is missing", path);
  conf_result_t result = onnx_load_feeds(run, d);
  if (result != CONF_PASS) return result;
  uint32_t files = onnx_count_files(d->dir, "output");
  if (files != m->output_count) {
    return conf_fail(run, ONNX_BROKEN "%s has %u output_N.pb files, the graph has %u outputs",
                     path, files, m->output_count);
  }
  d->expected = calloc(m->output_count + 1, sizeof *d->expected);
  d->actual = calloc(m->output_count + 1, sizeof *d->actual);
  if (!d->expected || !d->actual) return conf_fail(run, "out of host memory");
  for (uint32_t j = 0; j < m->output_count; ++j) {
    result = onnx_load_tensor(run, d->dir, "output", j, &d->expected[j]);
    if (result != CONF_PASS) return result;
    char file[32];
    snprintf(file, sizeof file, "output_%u.pb", j);
    result = onnx_check_value(run, "output", &m->outputs[j], &d->expected[j], file);
    if (result != CONF_PASS) return result;
  }
  return CONF_PASS;
}

/* ---- comparison ------------------------------------------------------------------- */

static int onnx_is_float(xhal_dtype_t dtype) {
  return dtype == XHAL_DTYPE_F16 || dtype == XHAL_DTYPE_BF16 || dtype == XHAL_DTYPE_F32 ||
         dtype == XHAL_DTYPE_F64;
}

static int onnx_is_signed(xhal_dtype_t dtype) {
  return dtype == XHAL_DTYPE_I8 || dtype == XHAL_DTYPE_I16 || dtype == XHAL_DTYPE_I32 ||
         dtype == XHAL_DTYPE_I64;
}

static double onnx_float_at(const xhal__onnx_tensor_t *t, uint64_t i) {
  const uint8_t *p = (const uint8_t *)t->data + i * xhal_dtype_size(t->dtype);
  switch (t->dtype) {
    case XHAL_DTYPE_F16: return ref_f16_value((uint16_t)ref_load_bits(2, p));
    case XHAL_DTYPE_BF16: {
      uint32_t bits = (uint32_t)ref_load_bits(2, p) << 16;
      float f;
      memcpy(&f, &bits, sizeof f);
      return f;
    }
    case XHAL_DTYPE_F32: {
      float f;
      memcpy(&f, p, sizeof f);
      return f;
    }
    default: {
      double f;
      memcpy(&f, p, sizeof f);
      return f;
    }
  }
}

/* Integers and bools as raw bits of their size, sign-extended when signed. */
static int64_t onnx_int_at(const xhal__onnx_tensor_t *t, uint64_t i) {
  size_t size = xhal_dtype_size(t->dtype);
  uint64_t bits = ref_load_bits(size, (const uint8_t *)t->data + i * size);
  if (t->dtype == XHAL_DTYPE_BOOL) return bits != 0;
  if (onnx_is_signed(t->dtype) && size < 8 && (bits >> (8 * size - 1)) & 1) {
    bits |= ~UINT64_C(0) << (8 * size);
  }
  return (int64_t)bits;
}

static void onnx_format_int(char *out, size_t out_size, xhal_dtype_t dtype, int64_t v) {
  if (dtype == XHAL_DTYPE_U64) {
    snprintf(out, out_size, "%llu", (unsigned long long)(uint64_t)v);
  } else {
    snprintf(out, out_size, "%lld", (long long)v);
  }
}

/* "(1,0,2)" for flat index i of dims. */
static void onnx_coords(char *out, size_t out_size, const xhal__onnx_tensor_t *t, uint64_t i) {
  int64_t coords[64];
  uint32_t rank = t->rank < 64 ? t->rank : 64;
  for (uint32_t d = rank; d-- > 0;) {
    coords[d] = t->dims[d] ? (int64_t)(i % (uint64_t)t->dims[d]) : 0;
    i = t->dims[d] ? i / (uint64_t)t->dims[d] : 0;
  }
  size_t used = (size_t)snprintf(out, out_size, "(");
  for (uint32_t d = 0; d < rank && used < out_size; ++d) {
    used += (size_t)snprintf(out + used, out_size - used, d ? ",%lld" : "%lld",
                             (long long)coords[d]);
  }
  if (used < out_size) snprintf(out + used, out_size - used, ")");
}

static void onnx_shape_text(char *out, size_t out_size, const xhal__onnx_tensor_t *t) {
  size_t used = (size_t)snprintf(out, out_size, "%s ", xhal__onnx_dtype_name((int32_t)t->dtype));
  if (!t->rank && used < out_size) snprintf(out + used, out_size - used, "scalar");
  for (uint32_t d = 0; d < t->rank && used < out_size; ++d) {
    used += (size_t)snprintf(out + used, out_size - used, d ? "x%lld" : "%lld",
                             (long long)t->dims[d]);
  }
}

/* One element: 1 if it matches; fills the texts and the error. */
static int onnx_element_matches(const xhal__onnx_tensor_t *e, const xhal__onnx_tensor_t *a,
                                uint64_t i, char *expected, char *actual, size_t text_size,
                                double *error, double *bound) {
  if (!onnx_is_float(e->dtype)) {
    int64_t ev = onnx_int_at(e, i), av = onnx_int_at(a, i);
    onnx_format_int(expected, text_size, e->dtype, ev);
    onnx_format_int(actual, text_size, a->dtype, av);
    *bound = 0;
    *error = ev == av ? 0 : fabs((double)ev - (double)av);
    return ev == av;
  }
  double ev = onnx_float_at(e, i), av = onnx_float_at(a, i);
  snprintf(expected, text_size, "%.9g", ev);
  snprintf(actual, text_size, "%.9g", av);
  *bound = ONNX_ATOL + ONNX_RTOL * fabs(ev);
  if (isnan(ev) || isnan(av) || isinf(ev) || isinf(av)) {
    int same = (isnan(ev) && isnan(av)) || ev == av;
    *error = same ? 0 : INFINITY;
    return same;
  }
  *error = fabs(av - ev);
  return *error <= *bound;
}

static conf_result_t onnx_compare(conf_run_t *run, uint32_t j, const char *name,
                                  const xhal__onnx_tensor_t *e, const xhal__onnx_tensor_t *a) {
  char expected_shape[256], actual_shape[256], ev[64], av[64], coords[256];
  onnx_shape_text(expected_shape, sizeof expected_shape, e);
  onnx_shape_text(actual_shape, sizeof actual_shape, a);
  int same_shape = e->dtype == a->dtype && e->rank == a->rank;
  for (uint32_t d = 0; same_shape && d < e->rank; ++d) same_shape = e->dims[d] == a->dims[d];
  if (!same_shape) {
    return conf_fail(run, "output %u '%s': expected %s, the device produced %s\n", j, name,
                     expected_shape, actual_shape);
  }
  double error = 0, bound = 0;
  uint64_t mismatches = 0;
  for (uint64_t i = 0; i < e->element_count; ++i) {
    mismatches += !onnx_element_matches(e, a, i, ev, av, sizeof ev, &error, &bound);
    if (isfinite(error) && error > run->max_error) run->max_error = error;
  }
  if (!mismatches) return CONF_PASS;
  conf_fail(run, "output %u '%s' (%s): %llu of %llu elements outside the bound %s\n", j, name,
            expected_shape, (unsigned long long)mismatches, (unsigned long long)e->element_count,
            onnx_is_float(e->dtype) ? "|actual - expected| <= 1e-05 + 0.001 * |expected| (NaN "
                                      "matches NaN)"
                                    : "(exact)");
  uint64_t shown = 0;
  for (uint64_t i = 0; i < e->element_count && shown < ONNX_MISMATCH_LINES; ++i) {
    if (onnx_element_matches(e, a, i, ev, av, sizeof ev, &error, &bound)) continue;
    onnx_coords(coords, sizeof coords, e, i);
    conf_note(run, "  flat %llu at %s: expected %s, actual %s, |error| %.6g, bound %.6g\n",
              (unsigned long long)i, coords, ev, av, error, bound);
    shown++;
  }
  if (mismatches > shown) {
    conf_note(run, "  ... %llu more\n", (unsigned long long)(mismatches - shown));
  }
  return CONF_FAIL;
}

/* ---- the case --------------------------------------------------------------------- */

static conf_result_t onnx_case_run(conf_run_t *run, const void *params) {
  const char *dir = params;
  onnx_case_data_t d;
  memset(&d, 0, sizeof d);
  d.dir = dir;
  conf_result_t result = onnx_load_case(run, &d);
  if (result == CONF_PASS) {
    result = onnx_runner_execute(run, run->env->devices[0], d.model, d.feed_count, d.feed_names,
                                 d.feeds, d.expected, d.actual);
  }
  for (uint32_t j = 0; result == CONF_PASS && j < d.model->output_count; ++j) {
    result = onnx_compare(run, j, d.model->outputs[j].name, &d.expected[j], &d.actual[j]);
  }
  onnx_case_data_free(&d);
  if (result == CONF_FAIL) {
    if (run->message_length && run->message[run->message_length - 1] != '\n') conf_note(run, "\n");
    conf_note(run, "test directory: %s\nrepro: conformance --backend=%s --onnx-tests=%s "
                   "--filter=%s --seed=%llu",
              dir, run->env->backend, dir, run->name, (unsigned long long)run->env->seed);
  }
  return result;
}

/* ---- registration ----------------------------------------------------------------- */

typedef struct onnx_entry {
  char *name; /* onnx.<dirname> */
  char *path;
} onnx_entry_t;

static int onnx_entry_compare(const void *a, const void *b) {
  return strcmp(((const onnx_entry_t *)a)->name, ((const onnx_entry_t *)b)->name);
}

/* onnx.<dirname>, lowercased; any character outside [a-z0-9_] becomes '_'. */
static char *onnx_case_name(const char *dirname) {
  size_t length = strlen(dirname);
  char *name = malloc(length + 6);
  if (!name) return NULL;
  memcpy(name, "onnx.", 5);
  for (size_t i = 0; i < length; ++i) {
    char c = dirname[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    name[5 + i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
  }
  name[5 + length] = '\0';
  return name;
}

/* A node-test directory holds model.onnx or test_data_set_0 (one without
 * model.onnx is registered so that its case reports the defect). */
static int onnx_is_test_dir(const char *path) {
  char child[4096];
  snprintf(child, sizeof child, "%s/model.onnx", path);
  if (onnx_is_file(child)) return 1;
  snprintf(child, sizeof child, "%s/test_data_set_0", path);
  return onnx_is_dir(child);
}

static int onnx_add_entry(onnx_entry_t **entries, size_t *count, size_t *capacity,
                          const char *path, const char *dirname) {
  if (*count == *capacity) {
    size_t grown = *capacity ? *capacity * 2 : 256;
    onnx_entry_t *bigger = realloc(*entries, grown * sizeof *bigger);
    if (!bigger) return -1;
    *entries = bigger;
    *capacity = grown;
  }
  onnx_entry_t *e = &(*entries)[*count];
  e->name = onnx_case_name(dirname);
  e->path = strdup(path);
  if (!e->name || !e->path) {
    free(e->name);
    free(e->path);
    return -1;
  }
  (*count)++;
  return 0;
}

/* Collects dir itself (a node-test directory) or its node-test
 * subdirectories, sorted by case name. */
static int onnx_collect(const char *dir, onnx_entry_t **entries, size_t *count, char *error,
                        size_t error_size) {
  size_t capacity = 0;
  if (onnx_is_test_dir(dir)) {
    char *copy = strdup(dir);
    if (!copy) return -1;
    size_t length = strlen(copy);
    while (length > 1 && copy[length - 1] == '/') copy[--length] = '\0';
    const char *slash = strrchr(copy, '/');
    int failed = onnx_add_entry(entries, count, &capacity, copy, slash ? slash + 1 : copy);
    free(copy);
    return failed;
  }
  DIR *handle = opendir(dir);
  if (!handle) {
    snprintf(error, error_size, "--onnx-tests=%s: cannot open the directory", dir);
    return -1;
  }
  struct dirent *item;
  int failed = 0;
  while (!failed && (item = readdir(handle)) != NULL) {
    if (item->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, item->d_name);
    if (!onnx_is_dir(path) || !onnx_is_test_dir(path)) continue;
    failed = onnx_add_entry(entries, count, &capacity, path, item->d_name);
  }
  closedir(handle);
  if (failed) snprintf(error, error_size, "--onnx-tests=%s: out of memory", dir);
  if (!failed && !*count) {
    snprintf(error, error_size,
             "--onnx-tests=%s: no ONNX node-test directories there (a node-test directory "
             "holds model.onnx and test_data_set_0/)",
             dir);
    failed = -1;
  }
  if (!failed) qsort(*entries, *count, sizeof **entries, onnx_entry_compare);
  for (size_t i = 1; !failed && i < *count; ++i) {
    if (strcmp((*entries)[i - 1].name, (*entries)[i].name) == 0) {
      snprintf(error, error_size, "--onnx-tests: %s and %s both become case %s",
               (*entries)[i - 1].path, (*entries)[i].path, (*entries)[i].name);
      failed = -1;
    }
  }
  return failed;
}

int conf_area_onnx_register(conf_registry_t *registry, const char *dir, char *error,
                            size_t error_size) {
  if (!onnx_is_dir(dir)) {
    snprintf(error, error_size, "--onnx-tests=%s: not a directory", dir);
    return -1;
  }
  onnx_entry_t *entries = NULL;
  size_t count = 0;
  snprintf(error, error_size, "--onnx-tests=%s: out of memory", dir);
  int failed = onnx_collect(dir, &entries, &count, error, error_size);
  for (size_t i = 0; i < count; ++i) {
    if (!failed) {
      conf_register(registry, entries[i].name, CONF_TIER_QUICK, onnx_case_run, entries[i].path,
                    strlen(entries[i].path) + 1);
    }
    free(entries[i].name);
    free(entries[i].path);
  }
  free(entries);
  return failed ? -1 : 0;
}
