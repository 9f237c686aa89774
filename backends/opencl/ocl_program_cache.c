/* ocl_program_cache.c - in-memory map of built programs per device and the
 * on-disk cache of program binaries. */
#include "ocl_program_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the in-memory map ------------------------------------------------------ */

typedef struct ocl_program_entry {
  ocl_program_kind_t kind;
  char *options;
  unsigned char *data;
  size_t size;
  cl_program program; /* NULL while being built */
  struct ocl_program_entry *next;
} ocl_program_entry_t;

struct ocl_program_cache {
  pthread_mutex_t mutex;
  pthread_cond_t built; /* an entry finished building (or was dropped) */
  ocl_program_entry_t *entries;
};

int32_t ocl_program_cache_create(ocl_program_cache_t **out_cache) {
  ocl_program_cache_t *cache = calloc(1, sizeof *cache);
  if (!cache) return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "program cache record");
  pthread_mutex_init(&cache->mutex, NULL);
  pthread_cond_init(&cache->built, NULL);
  *out_cache = cache;
  return XHAL_STATUS_OK;
}

static void ocl_program_entry_free(ocl_program_entry_t *entry) {
  if (entry->program) clReleaseProgram(entry->program);
  free(entry->options);
  free(entry->data);
  free(entry);
}

void ocl_program_cache_destroy(ocl_program_cache_t *cache) {
  if (!cache) return;
  for (ocl_program_entry_t *entry = cache->entries; entry;) {
    ocl_program_entry_t *next = entry->next;
    ocl_program_entry_free(entry);
    entry = next;
  }
  pthread_cond_destroy(&cache->built);
  pthread_mutex_destroy(&cache->mutex);
  free(cache);
}

static ocl_program_entry_t *ocl_program_find(ocl_program_cache_t *cache, ocl_program_kind_t kind,
                                             const void *data, size_t size, const char *options) {
  for (ocl_program_entry_t *entry = cache->entries; entry; entry = entry->next) {
    if (entry->kind == kind && entry->size == size && strcmp(entry->options, options) == 0 &&
        memcmp(entry->data, data, size) == 0) {
      return entry;
    }
  }
  return NULL;
}

static void ocl_program_unlink(ocl_program_cache_t *cache, ocl_program_entry_t *gone) {
  for (ocl_program_entry_t **link = &cache->entries; *link; link = &(*link)->next) {
    if (*link == gone) {
      *link = gone->next;
      return;
    }
  }
}

/* ---- hashing ----------------------------------------------------------------- */

/* Two unrelated 64-bit hashes (FNV-1a and a multiply-xorshift) make the
 * 128-bit key of a disk entry. */
typedef struct ocl_hash {
  uint64_t a, b;
} ocl_hash_t;

static void ocl_hash_bytes(ocl_hash_t *hash, const void *data, size_t size) {
  const unsigned char *bytes = data;
  for (size_t i = 0; i < size; ++i) {
    hash->a = (hash->a ^ bytes[i]) * UINT64_C(0x100000001b3);
    hash->b = (hash->b ^ bytes[i]) * UINT64_C(0x9e3779b97f4a7c15);
    hash->b ^= hash->b >> 29;
  }
}

/* A field: its length first, so that ("ab", "c") and ("a", "bc") differ. */
static void ocl_hash_field(ocl_hash_t *hash, const void *data, size_t size) {
  uint64_t length = size;
  ocl_hash_bytes(hash, &length, sizeof length);
  ocl_hash_bytes(hash, data, size);
}

static void ocl_hash_string(ocl_hash_t *hash, const char *text) {
  ocl_hash_field(hash, text, strlen(text));
}

static ocl_hash_t ocl_hash_init(void) {
  return (ocl_hash_t){UINT64_C(0xcbf29ce484222325), UINT64_C(0x243f6a8885a308d3)};
}

static uint64_t ocl_checksum(const void *data, size_t size) {
  ocl_hash_t hash = ocl_hash_init();
  ocl_hash_bytes(&hash, data, size);
  return hash.a ^ (hash.b * 31);
}

/* ---- the disk cache ---------------------------------------------------------- */

#define OCL_CACHE_MAGIC "XHALOCLB"
#define OCL_CACHE_FORMAT 1u
#define OCL_CACHE_MAX_FILE (UINT64_C(1) << 30)

typedef struct ocl_cache_header {
  char magic[8];
  uint32_t format;
  uint32_t reserved;
  uint64_t key[2];
  uint64_t payload_size;
  uint64_t payload_checksum;
} ocl_cache_header_t;

typedef struct ocl_cache_file {
  char path[4096];
  uint64_t key[2];
} ocl_cache_file_t;

static int ocl_cache_disabled(void) {
  const char *setting = getenv("XHAL_OPENCL_CACHE");
  return setting && (strcmp(setting, "0") == 0 || strcmp(setting, "off") == 0);
}

/* The cache directory, or 0 if there is none to use. */
static int ocl_cache_directory(char *out, size_t size) {
  const char *base = getenv("XHAL_CACHE_DIR");
  if (base && *base) return snprintf(out, size, "%s/opencl", base) < (int)size;
  base = getenv("XDG_CACHE_HOME");
  if (base && *base) return snprintf(out, size, "%s/xhal/opencl", base) < (int)size;
  base = getenv("HOME");
  if (base && *base) return snprintf(out, size, "%s/.cache/xhal/opencl", base) < (int)size;
  return 0;
}

/* Names the disk entry of a program; 0 if the disk cache is not in use. */
static int ocl_cache_file(const xhal_plugin_device_t *device, ocl_program_kind_t kind,
                          const void *data, size_t size, const char *options,
                          ocl_cache_file_t *file) {
  if (ocl_cache_disabled()) return 0;
  char directory[3900];
  if (!ocl_cache_directory(directory, sizeof directory)) return 0;
  const ocl_device_info_t *info = &device->info;
  ocl_hash_t hash = ocl_hash_init();
  ocl_hash_string(&hash, "xhal opencl program cache 1");
  ocl_hash_string(&hash, info->platform_name);
  ocl_hash_string(&hash, info->platform_version);
  ocl_hash_string(&hash, info->name);
  ocl_hash_string(&hash, info->device_version);
  ocl_hash_string(&hash, info->driver_version);
  uint32_t kind_value = (uint32_t)kind;
  ocl_hash_field(&hash, &kind_value, sizeof kind_value);
  ocl_hash_string(&hash, options);
  ocl_hash_field(&hash, data, size);
  file->key[0] = hash.a;
  file->key[1] = hash.b;
  snprintf(file->path, sizeof file->path, "%s/%016llx%016llx.bin", directory,
           (unsigned long long)hash.a, (unsigned long long)hash.b);
  return 1;
}

/* Reads and checks an entry; returns the payload (malloc'd) or NULL with
 * *why set to a reason ("" when there simply is no entry). */
static unsigned char *ocl_cache_read(const ocl_cache_file_t *file, size_t *out_size,
                                     const char **why) {
  *why = "";
  FILE *in = fopen(file->path, "rb");
  if (!in) return NULL;
  ocl_cache_header_t header;
  unsigned char *payload = NULL;
  if (fread(&header, sizeof header, 1, in) != 1) {
    *why = "shorter than its header";
  } else if (memcmp(header.magic, OCL_CACHE_MAGIC, sizeof header.magic) != 0 ||
             header.format != OCL_CACHE_FORMAT) {
    *why = "not an xhal program cache file of this format";
  } else if (header.key[0] != file->key[0] || header.key[1] != file->key[1]) {
    *why = "written for another key";
  } else if (header.payload_size == 0 || header.payload_size > OCL_CACHE_MAX_FILE) {
    *why = "of implausible payload size";
  } else if (!(payload = malloc((size_t)header.payload_size))) {
    *why = "too large for the memory at hand";
  } else if (fread(payload, 1, (size_t)header.payload_size, in) != header.payload_size) {
    *why = "truncated";
  } else if (ocl_checksum(payload, (size_t)header.payload_size) != header.payload_checksum) {
    *why = "corrupt (checksum mismatch)";
  } else {
    fclose(in);
    *out_size = (size_t)header.payload_size;
    return payload;
  }
  free(payload);
  fclose(in);
  return NULL;
}

/* mkdir -p with mode 0700 for what it creates. */
static int ocl_make_directories(const char *path) {
  char partial[4096];
  if (snprintf(partial, sizeof partial, "%s", path) >= (int)sizeof partial) {
    errno = ENAMETOOLONG;
    return -1;
  }
  for (char *at = partial + 1; *at; ++at) {
    if (*at != '/') continue;
    *at = '\0';
    if (mkdir(partial, 0700) != 0 && errno != EEXIST) return -1;
    *at = '/';
  }
  return mkdir(partial, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static void ocl_cache_warn_unwritable(const char *path, const char *what, int error) {
  static atomic_int warned;
  if (atomic_exchange(&warned, 1)) return;
  ocl_log(XHAL_LOG_WARNING,
          "OpenCL program cache: cannot write %s (%s: %s); programs will be compiled again in "
          "every process (set XHAL_CACHE_DIR to a writable directory)",
          path, what, strerror(error));
}

/* Writes the program's binary atomically: a temporary file, then rename. */
static void ocl_cache_write(const ocl_cache_file_t *file, cl_program program) {
  size_t size = 0;
  if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL) != CL_SUCCESS ||
      size == 0) {
    ocl_log(XHAL_LOG_DEBUG, "OpenCL program cache: the driver offers no binary to cache");
    return;
  }
  unsigned char *binary = malloc(size);
  if (!binary) return;
  if (clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof binary, &binary, NULL) != CL_SUCCESS) {
    free(binary);
    return;
  }
  char directory[4096];
  snprintf(directory, sizeof directory, "%s", file->path);
  char *slash = strrchr(directory, '/');
  if (slash) *slash = '\0';
  char temporary[4200];
  snprintf(temporary, sizeof temporary, "%s.tmp-XXXXXX", file->path);
  int descriptor = -1;
  if (ocl_make_directories(directory) != 0) {
    ocl_cache_warn_unwritable(directory, "mkdir", errno);
  } else if ((descriptor = mkstemp(temporary)) < 0) {
    ocl_cache_warn_unwritable(temporary, "mkstemp", errno);
  } else {
    ocl_cache_header_t header;
    memset(&header, 0, sizeof header);
    memcpy(header.magic, OCL_CACHE_MAGIC, sizeof header.magic);
    header.format = OCL_CACHE_FORMAT;
    header.key[0] = file->key[0];
    header.key[1] = file->key[1];
    header.payload_size = size;
    header.payload_checksum = ocl_checksum(binary, size);
    FILE *out = fdopen(descriptor, "wb");
    int ok = out && fwrite(&header, sizeof header, 1, out) == 1 &&
             fwrite(binary, 1, size, out) == size;
    int error = errno;
    if (out) {
      ok = fclose(out) == 0 && ok;
    } else {
      close(descriptor);
    }
    if (!ok) {
      ocl_cache_warn_unwritable(temporary, "write", error);
      unlink(temporary);
    } else if (rename(temporary, file->path) != 0) {
      ocl_cache_warn_unwritable(file->path, "rename", errno);
      unlink(temporary);
    } else {
      ocl_log(XHAL_LOG_DEBUG, "OpenCL program cache: wrote %s (%zu bytes)", file->path, size);
    }
  }
  free(binary);
}

/* ---- building ---------------------------------------------------------------- */

static double ocl_now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1e3 + (double)now.tv_nsec * 1e-6;
}

/* Reports a failed clBuildProgram with the beginning of the build log (the
 * host keeps about 1 KiB of message); the whole log goes to DEBUG. */
static int32_t ocl_build_failure(xhal_plugin_device_t *device, cl_program program, cl_int err,
                                 const char *options) {
  size_t length = 0;
  char *log = NULL;
  if (clGetProgramBuildInfo(program, device->id, CL_PROGRAM_BUILD_LOG, 0, NULL, &length) ==
          CL_SUCCESS &&
      length && (log = malloc(length + 1)) &&
      clGetProgramBuildInfo(program, device->id, CL_PROGRAM_BUILD_LOG, length, log, NULL) ==
          CL_SUCCESS) {
    log[length] = '\0';
  } else if (log) {
    log[0] = '\0';
  }
  const char *text = log ? log : "";
  while (*text == '\n' || *text == ' ') ++text;
  size_t shown = strlen(text);
  const size_t limit = 640;
  if (*text) ocl_log(XHAL_LOG_DEBUG, "OpenCL build log for %s:\n%s", device->info.name, text);
  int32_t status = ocl_status_from_cl(err);
  if (status == XHAL_STATUS_OK) status = XHAL_STATUS_INTERNAL;
  ocl_error(status, "clBuildProgram(%s, options \"%s\"): %s (%d); build log: %.*s%s", device->info.name,
            options, ocl_cl_error_name(err), (int)err, (int)(shown < limit ? shown : limit),
            *text ? text : "(empty)",
            shown > limit ? " [... truncated; XHAL_LOG=3 logs it whole]" : "");
  free(log);
  return status;
}

static int32_t ocl_build(xhal_plugin_device_t *device, cl_program program, const char *options) {
  cl_int err = clBuildProgram(program, 1, &device->id, options, NULL, NULL);
  if (err == CL_SUCCESS) return XHAL_STATUS_OK;
  return ocl_build_failure(device, program, err, options);
}

/* Creates the program from its input (no cache involved) and builds it. */
static int32_t ocl_build_from_input(xhal_plugin_device_t *device, ocl_program_kind_t kind,
                                    const void *data, size_t size, const char *options,
                                    cl_program *out_program) {
  cl_int err = CL_SUCCESS;
  cl_program program = NULL;
  const char *how = "clCreateProgramWithSource";
  if (kind == OCL_PROGRAM_SOURCE) {
    const char *text = data;
    program = clCreateProgramWithSource(device->context, 1, &text, &size, &err);
  } else if (kind == OCL_PROGRAM_SPIRV) {
    how = "clCreateProgramWithIL";
    program = clCreateProgramWithIL(device->context, data, size, &err);
  } else {
    how = "clCreateProgramWithBinary(SPIR)";
    const unsigned char *bytes = data;
    cl_int binary_status = CL_SUCCESS;
    program = clCreateProgramWithBinary(device->context, 1, &device->id, &size, &bytes,
                                        &binary_status, &err);
    if (err == CL_SUCCESS && binary_status != CL_SUCCESS) err = binary_status;
  }
  if (err != CL_SUCCESS) {
    if (program) clReleaseProgram(program);
    return ocl_check(err, "%s(%zu bytes)", how, size);
  }
  int32_t status = ocl_build(device, program, options);
  if (status != XHAL_STATUS_OK) {
    clReleaseProgram(program);
    return status;
  }
  *out_program = program;
  return XHAL_STATUS_OK;
}

/* A program from a cached binary, or NULL (the caller builds from input). */
static cl_program ocl_build_from_cache(xhal_plugin_device_t *device, const ocl_cache_file_t *file,
                                       const char *options) {
  size_t size = 0;
  const char *why = "";
  unsigned char *binary = ocl_cache_read(file, &size, &why);
  if (!binary) {
    if (*why) ocl_log(XHAL_LOG_WARNING, "OpenCL program cache: %s is %s; rebuilding it", file->path, why);
    return NULL;
  }
  const unsigned char *bytes = binary;
  cl_int binary_status = CL_SUCCESS, err = CL_SUCCESS;
  cl_program program = clCreateProgramWithBinary(device->context, 1, &device->id, &size, &bytes,
                                                 &binary_status, &err);
  free(binary);
  if (err == CL_SUCCESS && binary_status != CL_SUCCESS) err = binary_status;
  if (err == CL_SUCCESS) err = clBuildProgram(program, 1, &device->id, options, NULL, NULL);
  if (err != CL_SUCCESS) {
    ocl_log(XHAL_LOG_WARNING, "OpenCL program cache: the driver rejected %s (%s); rebuilding it",
            file->path, ocl_cl_error_name(err));
    if (program) clReleaseProgram(program);
    return NULL;
  }
  return program;
}

/* Builds a program, through the disk cache when it is in use. */
static int32_t ocl_build_program(xhal_plugin_device_t *device, ocl_program_kind_t kind,
                                 const void *data, size_t size, const char *options,
                                 cl_program *out_program) {
  double start = ocl_now_ms();
  ocl_cache_file_t file;
  int cached = ocl_cache_file(device, kind, data, size, options, &file);
  cl_program program = cached ? ocl_build_from_cache(device, &file, options) : NULL;
  if (program) {
    ocl_log(XHAL_LOG_DEBUG, "OpenCL program cache: %s loaded in %.1f ms", file.path,
            ocl_now_ms() - start);
    *out_program = program;
    return XHAL_STATUS_OK;
  }
  OCL_RETURN_IF_ERROR(ocl_build_from_input(device, kind, data, size, options, &program));
  ocl_log(XHAL_LOG_DEBUG, "OpenCL program built from input in %.1f ms", ocl_now_ms() - start);
  if (cached) ocl_cache_write(&file, program);
  *out_program = program;
  return XHAL_STATUS_OK;
}

int32_t ocl_program_build_kind(xhal_plugin_device_t *device, ocl_program_kind_t kind,
                               const void *data, size_t size, const char *options,
                               cl_program *out_program) {
  if (!device || !data || !size || !out_program) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, data %p, size %zu, out %p",
                     (void *)device, data, size, (void *)out_program);
  }
  if (!options) options = "";
  ocl_program_cache_t *cache = device->programs;
  pthread_mutex_lock(&cache->mutex);
  ocl_program_entry_t *entry;
  /* Someone else building the same program: wait for it rather than build
   * twice. If that build fails its entry goes away and we try ourselves. */
  while ((entry = ocl_program_find(cache, kind, data, size, options)) && !entry->program) {
    pthread_cond_wait(&cache->built, &cache->mutex);
  }
  if (entry) {
    clRetainProgram(entry->program);
    *out_program = entry->program;
    pthread_mutex_unlock(&cache->mutex);
    return XHAL_STATUS_OK;
  }
  entry = calloc(1, sizeof *entry);
  char *options_copy = strdup(options);
  unsigned char *data_copy = malloc(size);
  if (!entry || !options_copy || !data_copy) {
    pthread_mutex_unlock(&cache->mutex);
    free(entry);
    free(options_copy);
    free(data_copy);
    return ocl_error(XHAL_STATUS_OUT_OF_MEMORY, "program cache entry of %zu bytes", size);
  }
  memcpy(data_copy, data, size);
  *entry = (ocl_program_entry_t){kind, options_copy, data_copy, size, NULL, cache->entries};
  cache->entries = entry;
  pthread_mutex_unlock(&cache->mutex);

  cl_program program = NULL;
  int32_t status = ocl_build_program(device, kind, data, size, options, &program);

  pthread_mutex_lock(&cache->mutex);
  if (status == XHAL_STATUS_OK) {
    entry->program = program;
    clRetainProgram(program);
    *out_program = program;
  } else {
    ocl_program_unlink(cache, entry);
    ocl_program_entry_free(entry);
  }
  pthread_cond_broadcast(&cache->built);
  pthread_mutex_unlock(&cache->mutex);
  return status;
}

int32_t ocl_program_build(xhal_plugin_device_t *device, const char *source, size_t length,
                          const char *options, cl_program *out_program) {
  return ocl_program_build_kind(device, OCL_PROGRAM_SOURCE, source, length, options, out_program);
}

int32_t ocl_kernel_create(xhal_plugin_device_t *device, cl_program program, const char *name,
                          cl_kernel *out_kernel) {
  if (!device || !program || !name || !out_kernel) {
    return ocl_error(XHAL_STATUS_INVALID_ARGUMENT, "device %p, program %p, name %p, out %p",
                     (void *)device, (void *)program, (const void *)name, (void *)out_kernel);
  }
  cl_int err = CL_SUCCESS;
  cl_kernel kernel = clCreateKernel(program, name, &err);
  if (err == CL_INVALID_KERNEL_NAME) {
    return ocl_error(XHAL_STATUS_NOT_FOUND, "the program has no kernel named '%s'", name);
  }
  OCL_RETURN_IF_ERROR(ocl_check(err, "clCreateKernel(%s)", name));
  *out_kernel = kernel;
  return XHAL_STATUS_OK;
}
