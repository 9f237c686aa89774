/* conf_runner.c - case execution: in process, or in forked workers that
 * take one case at a time over a pipe, so a crash or a hang costs one case. */
#include "conf_runner.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double conf_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

int conf_env_create(const char *backend, uint64_t seed, const char *test_plugin_dir,
                    conf_env_t *env, char *reason, size_t reason_size) {
  memset(env, 0, sizeof *env);
  env->backend = backend;
  env->seed = seed;
  env->test_plugin_dir = test_plugin_dir;
  xhal_context_options_t options = {.struct_size = sizeof options, .no_default_plugins = 1};
  xhal_status_t status = xhal_context_create(&options, &env->context);
  if (status != XHAL_STATUS_OK) {
    snprintf(reason, reason_size, "xhal_context_create: %s", xhal_last_error());
    return 3;
  }
  uint32_t plugin_index = 0;
  status = xhal_context_load_plugin(env->context, backend, &plugin_index);
  if (status != XHAL_STATUS_OK) {
    snprintf(reason, reason_size, "%s", xhal_last_error());
    conf_env_destroy(env);
    return 3;
  }
  xhal_plugin_info_t info;
  xhal_context_plugin_info(env->context, plugin_index, &info);
  env->plugin_path = info.path;
  xhal_context_device_count(env->context, &env->device_count);
  if (env->device_count == 0) {
    snprintf(reason, reason_size, "backend '%s' (%s) loaded but reports no device", info.name,
             info.path);
    conf_env_destroy(env);
    return 77;
  }
  env->devices = calloc(env->device_count, sizeof *env->devices);
  for (uint32_t i = 0; env->devices && i < env->device_count; ++i) {
    xhal_context_device(env->context, i, &env->devices[i]);
  }
  if (!env->devices) {
    snprintf(reason, reason_size, "out of memory");
    conf_env_destroy(env);
    return 3;
  }
  return 0;
}

static void conf_probe_in_process(const char *backend, uint64_t seed,
                                  const char *test_plugin_dir, conf_probe_t *probe) {
  conf_env_t env;
  memset(probe, 0, sizeof *probe);
  probe->code = conf_env_create(backend, seed, test_plugin_dir, &env, probe->reason,
                                sizeof probe->reason);
  if (probe->code) return;
  snprintf(probe->plugin_path, sizeof probe->plugin_path, "%s", env.plugin_path);
  xhal_plugin_info_t info;
  if (xhal_context_plugin_info(env.context, 0, &info) == XHAL_STATUS_OK) {
    snprintf(probe->plugin_version, sizeof probe->plugin_version, "%s", info.version);
  }
  probe->device_count =
      env.device_count < CONF_PROBE_MAX_DEVICES ? env.device_count : CONF_PROBE_MAX_DEVICES;
  for (uint32_t d = 0; d < probe->device_count; ++d) {
    probe->devices[d].header.stype = XHAL_STYPE_DEVICE_PROPERTIES;
    probe->devices[d].header.struct_size = sizeof probe->devices[d];
    xhal_device_properties(env.devices[d], &probe->devices[d]);
    probe->devices[d].header.next = NULL;
  }
  conf_env_destroy(&env);
}

static int conf_write_all(int fd, const void *data, size_t size);
static int conf_read_all(int fd, void *data, size_t size);

void conf_probe_plugin(const char *backend, uint64_t seed, const char *test_plugin_dir,
                       conf_probe_t *probe) {
  int channel[2];
  memset(probe, 0, sizeof *probe);
  probe->code = 3;
  if (pipe(channel) != 0) {
    snprintf(probe->reason, sizeof probe->reason, "pipe: %s", strerror(errno));
    return;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(probe->reason, sizeof probe->reason, "fork: %s", strerror(errno));
    close(channel[0]);
    close(channel[1]);
    return;
  }
  if (pid == 0) {
    close(channel[0]);
    conf_probe_t *found = malloc(sizeof *found);
    if (!found) _exit(3);
    conf_probe_in_process(backend, seed, test_plugin_dir, found);
    int written = conf_write_all(channel[1], found, sizeof *found);
    _exit(written == 0 ? 0 : 3);
  }
  close(channel[1]);
  int got = conf_read_all(channel[0], probe, sizeof *probe);
  close(channel[0]);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (got != 0) {
    memset(probe, 0, sizeof *probe);
    probe->code = 3;
    if (WIFSIGNALED(wait_status)) {
      snprintf(probe->reason, sizeof probe->reason,
               "loading the plugin killed the probe process with signal %d (%s)",
               WTERMSIG(wait_status), strsignal(WTERMSIG(wait_status)));
    } else {
      snprintf(probe->reason, sizeof probe->reason,
               "the probe process exited with status %d before reporting",
               WEXITSTATUS(wait_status));
    }
  }
}

void conf_env_destroy(conf_env_t *env) {
  free(env->devices);
  xhal_context_destroy(env->context);
  memset(env, 0, sizeof *env);
}

/* ---- reporting as results arrive ----------------------------------------- */

typedef struct conf_tally {
  size_t done, count;
  size_t by_result[CONF_RESULT_COUNT];
} conf_tally_t;

static void conf_print_outcome(const conf_case_entry_t *entry, const conf_outcome_t *outcome,
                               const conf_run_options_t *options, conf_tally_t *tally) {
  tally->done++;
  tally->by_result[outcome->result]++;
  int bad = outcome->result == CONF_FAIL || outcome->result == CONF_CRASH ||
            outcome->result == CONF_TIMEOUT;
  if (options->progress) printf("\r\033[K");
  if (bad || options->verbose) {
    printf("%-13s %s (%.3f s)\n", conf_result_name(outcome->result), entry->name,
           outcome->seconds);
    if (outcome->message && *outcome->message &&
        (bad || outcome->result == CONF_NOT_SUPPORTED ||
         outcome->result == CONF_NOT_APPLICABLE)) {
      /* indent every line of the detail */
      const char *line = outcome->message;
      while (*line) {
        size_t length = strcspn(line, "\n");
        printf("    %.*s\n", (int)length, line);
        line += length + (line[length] == '\n');
      }
    }
    /* onnx.* cases write their own repro line (it needs --onnx-tests) */
    if (bad && !(outcome->message && strstr(outcome->message, "repro: "))) {
      int onnx = options->onnx_tests && strncmp(entry->name, "onnx.", 5) == 0;
      printf("    repro: conformance --backend=%s%s%s --filter=%s --seed=%llu\n", options->backend,
             onnx ? " --onnx-tests=" : "", onnx ? options->onnx_tests : "", entry->name,
             (unsigned long long)options->seed);
    }
  }
  if (options->progress) {
    printf("[%zu/%zu] pass %zu  fail %zu  not supported %zu  n/a %zu  %s", tally->done,
           tally->count, tally->by_result[CONF_PASS],
           tally->by_result[CONF_FAIL] + tally->by_result[CONF_CRASH] +
               tally->by_result[CONF_TIMEOUT],
           tally->by_result[CONF_NOT_SUPPORTED], tally->by_result[CONF_NOT_APPLICABLE],
           entry->name);
  }
  fflush(stdout);
}

static void conf_set_outcome(conf_outcome_t *outcome, conf_result_t result, double max_error,
                             double seconds, const char *message) {
  outcome->result = result;
  outcome->max_error = max_error;
  outcome->seconds = seconds;
  outcome->message = strdup(message ? message : "");
}

/* ---- in process ---------------------------------------------------------- */

static void conf_run_in_process(const conf_registry_t *registry, const size_t *selected,
                                size_t count, const conf_run_options_t *options,
                                conf_outcome_t *outcomes, conf_tally_t *tally) {
  char reason[1024];
  conf_env_t env;
  int code = conf_env_create(options->backend, options->seed, options->test_plugin_dir, &env,
                             reason, sizeof reason);
  conf_run_t *run = malloc(sizeof *run);
  for (size_t i = 0; i < count; ++i) {
    const conf_case_entry_t *entry = &registry->cases[selected[i]];
    if (code != 0 || !run) {
      conf_set_outcome(&outcomes[i], CONF_FAIL, 0, 0, code ? reason : "out of memory");
    } else {
      double start = conf_now();
      conf_result_t result = conf_registry_run_case(entry, &env, run);
      conf_set_outcome(&outcomes[i], result, run->max_error, conf_now() - start, run->message);
    }
    conf_print_outcome(entry, &outcomes[i], options, tally);
  }
  free(run);
  if (code == 0) conf_env_destroy(&env);
}

/* ---- workers ------------------------------------------------------------- */

typedef struct conf_reply_header {
  uint32_t position; /* index into selected[] */
  int32_t result;
  double max_error;
  double seconds;
  uint32_t message_length;
} conf_reply_header_t;

typedef struct conf_worker {
  pid_t pid;
  int to_worker;   /* write end: case positions */
  int from_worker; /* read end: replies */
  long position;   /* case in flight, -1 when idle */
  double deadline;
} conf_worker_t;

static int conf_write_all(int fd, const void *data, size_t size) {
  const char *bytes = data;
  while (size) {
    ssize_t written = write(fd, bytes, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return -1;
    bytes += written;
    size -= (size_t)written;
  }
  return 0;
}

static int conf_read_all(int fd, void *data, size_t size) {
  char *bytes = data;
  while (size) {
    ssize_t got = read(fd, bytes, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return -1;
    bytes += got;
    size -= (size_t)got;
  }
  return 0;
}

static void conf_worker_main(const conf_registry_t *registry, const size_t *selected,
                             const conf_run_options_t *options, int in, int out) {
  char reason[1024];
  conf_env_t env;
  int code = conf_env_create(options->backend, options->seed, options->test_plugin_dir, &env,
                             reason, sizeof reason);
  if (code != 0) {
    fprintf(stderr, "conformance worker: %s\n", reason);
    _exit(code);
  }
  conf_run_t *run = malloc(sizeof *run);
  if (!run) _exit(3);
  uint32_t position;
  while (conf_read_all(in, &position, sizeof position) == 0 && position != UINT32_MAX) {
    const conf_case_entry_t *entry = &registry->cases[selected[position]];
    double start = conf_now();
    conf_result_t result = conf_registry_run_case(entry, &env, run);
    conf_reply_header_t header = {position, (int32_t)result, run->max_error, conf_now() - start,
                                  (uint32_t)run->message_length};
    if (conf_write_all(out, &header, sizeof header) != 0 ||
        conf_write_all(out, run->message, run->message_length) != 0) {
      break;
    }
  }
  free(run);
  conf_env_destroy(&env);
  _exit(0);
}

static int conf_worker_start(conf_worker_t *worker, const conf_registry_t *registry,
                             const size_t *selected, const conf_run_options_t *options) {
  int to_worker[2], from_worker[2];
  if (pipe(to_worker) != 0) return -1;
  if (pipe(from_worker) != 0) {
    close(to_worker[0]);
    close(to_worker[1]);
    return -1;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(to_worker[1]);
    close(from_worker[0]);
    conf_worker_main(registry, selected, options, to_worker[0], from_worker[1]);
  }
  close(to_worker[0]);
  close(from_worker[1]);
  worker->pid = pid;
  worker->to_worker = to_worker[1];
  worker->from_worker = from_worker[0];
  worker->position = -1;
  return 0;
}

static void conf_worker_stop(conf_worker_t *worker, int kill_it, int *out_wait_status) {
  if (worker->pid <= 0) return;
  if (kill_it) kill(worker->pid, SIGKILL);
  close(worker->to_worker);
  close(worker->from_worker);
  int wait_status = 0;
  while (waitpid(worker->pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (out_wait_status) *out_wait_status = wait_status;
  worker->pid = 0;
}

static void conf_describe_exit(int wait_status, char *text, size_t size) {
  if (WIFSIGNALED(wait_status)) {
    snprintf(text, size, "worker process killed by signal %d (%s) while running this case",
             WTERMSIG(wait_status), strsignal(WTERMSIG(wait_status)));
  } else {
    snprintf(text, size, "worker process exited with status %d while running this case",
             WEXITSTATUS(wait_status));
  }
}

typedef struct conf_pool {
  const conf_registry_t *registry;
  const size_t *selected;
  size_t count;
  const conf_run_options_t *options;
  conf_outcome_t *outcomes;
  conf_tally_t *tally;
  size_t next; /* next position to hand out */
} conf_pool_t;

static void conf_finish_case(conf_pool_t *pool, size_t position, conf_result_t result,
                             double max_error, double seconds, const char *message) {
  conf_set_outcome(&pool->outcomes[position], result, max_error, seconds, message);
  conf_print_outcome(&pool->registry->cases[pool->selected[position]], &pool->outcomes[position],
                     pool->options, pool->tally);
}

/* Gives the worker its next case, starting it first if needed. */
static void conf_dispatch(conf_pool_t *pool, conf_worker_t *worker) {
  while (pool->next < pool->count) {
    if (worker->pid <= 0 &&
        conf_worker_start(worker, pool->registry, pool->selected, pool->options) != 0) {
      conf_finish_case(pool, pool->next++, CONF_CRASH, 0, 0, "could not start a worker process");
      continue;
    }
    uint32_t position = (uint32_t)pool->next++;
    if (conf_write_all(worker->to_worker, &position, sizeof position) != 0) {
      int wait_status = 0;
      char text[256];
      conf_worker_stop(worker, 1, &wait_status);
      conf_describe_exit(wait_status, text, sizeof text);
      conf_finish_case(pool, position, CONF_CRASH, 0, 0, text);
      continue;
    }
    worker->position = position;
    worker->deadline = conf_now() + pool->options->timeout_seconds;
    return;
  }
}

/* Reads one reply, or turns a dead worker into a CRASH of its case. */
static void conf_collect(conf_pool_t *pool, conf_worker_t *worker) {
  conf_reply_header_t header;
  size_t position = (size_t)worker->position;
  worker->position = -1;
  if (conf_read_all(worker->from_worker, &header, sizeof header) == 0 &&
      header.position == position) {
    char *message = calloc(header.message_length + 1, 1);
    if (message && conf_read_all(worker->from_worker, message, header.message_length) == 0) {
      conf_finish_case(pool, position, (conf_result_t)header.result, header.max_error,
                       header.seconds, message);
      free(message);
      return;
    }
    free(message);
  }
  int wait_status = 0;
  char text[256];
  conf_worker_stop(worker, 1, &wait_status);
  conf_describe_exit(wait_status, text, sizeof text);
  conf_finish_case(pool, position, CONF_CRASH, 0, 0, text);
}

static void conf_run_workers(conf_pool_t *pool) {
  unsigned jobs = pool->options->jobs;
  if (jobs > pool->count) jobs = (unsigned)pool->count;
  conf_worker_t *workers = calloc(jobs ? jobs : 1, sizeof *workers);
  struct pollfd *fds = calloc(jobs ? jobs : 1, sizeof *fds);
  if (!workers || !fds) {
    free(workers);
    free(fds);
    return;
  }
  for (unsigned w = 0; w < jobs; ++w) {
    workers[w].position = -1;
    conf_dispatch(pool, &workers[w]);
  }
  for (;;) {
    nfds_t active = 0;
    double now = conf_now(), nearest = now + 3600;
    for (unsigned w = 0; w < jobs; ++w) {
      if (workers[w].position < 0) continue;
      fds[active].fd = workers[w].from_worker;
      fds[active].events = POLLIN;
      fds[active].revents = 0;
      ++active;
      if (workers[w].deadline < nearest) nearest = workers[w].deadline;
    }
    if (!active) break;
    int wait_ms = (int)((nearest - now) * 1000) + 1;
    if (wait_ms < 0) wait_ms = 0;
    if (poll(fds, active, wait_ms) < 0 && errno != EINTR) break;
    now = conf_now();
    for (unsigned w = 0; w < jobs; ++w) {
      conf_worker_t *worker = &workers[w];
      if (worker->position < 0) continue;
      struct pollfd *fd = NULL;
      for (nfds_t f = 0; f < active; ++f) {
        if (fds[f].fd == worker->from_worker) fd = &fds[f];
      }
      if (fd && (fd->revents & (POLLIN | POLLHUP | POLLERR))) {
        conf_collect(pool, worker);
      } else if (now >= worker->deadline) {
        size_t position = (size_t)worker->position;
        worker->position = -1;
        conf_worker_stop(worker, 1, NULL);
        char text[128];
        snprintf(text, sizeof text, "case did not finish within %.0f s; its worker was killed",
                 pool->options->timeout_seconds);
        conf_finish_case(pool, position, CONF_TIMEOUT, 0, pool->options->timeout_seconds, text);
      } else {
        continue;
      }
      conf_dispatch(pool, worker);
    }
  }
  for (unsigned w = 0; w < jobs; ++w) {
    if (workers[w].pid <= 0) continue;
    uint32_t stop = UINT32_MAX;
    conf_write_all(workers[w].to_worker, &stop, sizeof stop);
    conf_worker_stop(&workers[w], 0, NULL);
  }
  free(workers);
  free(fds);
}

void conf_run_cases(const conf_registry_t *registry, const size_t *selected, size_t count,
                    const conf_run_options_t *options, conf_outcome_t *outcomes) {
  conf_tally_t tally = {.count = count};
  /* A worker that dies mid-write must not kill the runner. */
  signal(SIGPIPE, SIG_IGN);
  if (options->jobs == 0) {
    conf_run_in_process(registry, selected, count, options, outcomes, &tally);
  } else {
    conf_pool_t pool = {registry, selected, count, options, outcomes, &tally, 0};
    conf_run_workers(&pool);
  }
  if (options->progress) printf("\r\033[K");
  fflush(stdout);
}
