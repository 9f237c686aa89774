/*
 * test_plugin_base.h - the working baseline that every test plugin in this
 * directory starts from.
 *
 * The baseline is a synchronous host-memory backend: one device per
 * instance, buffers are malloc'd, work on a stream executes before the
 * enqueueing call returns, and events are complete as soon as they are
 * recorded. It fills every mandatory slot of xhal_plugin_api_v1_t and leaves
 * every optional slot NULL. Each test plugin (one .c per defect) takes this
 * table, changes exactly one thing, and exports its own entry point, so the
 * loader cases in conformance/area_loader.c see one defect at a time.
 */
#ifndef XHAL_TEST_PLUGIN_BASE_H
#define XHAL_TEST_PLUGIN_BASE_H

#include <xhal/xhal_plugin.h>

/* Changes the baseline table into one test plugin's table. Called once per
 * process, under a lock, before the table is first handed out. */
typedef void (*tp_customize_fn)(xhal_plugin_api_v1_t *api);

/* The body of a test plugin's entry: remembers host, negotiates minor 0
 * (INCOMPATIBLE when host_min_minor is above it), builds the table once
 * (baseline, then customize, which may be NULL) and writes it to *out_api.
 * Thread-safe. */
int32_t tp_query(const xhal_host_api_v1_t *host, uint32_t host_min_minor, uint32_t host_max_minor,
                 const xhal_plugin_api_v1_t **out_api, tp_customize_fn customize);

/* Remembers the host table for tp_error (tp_query does this too). */
void tp_set_host(const xhal_host_api_v1_t *host);

/* Attaches a printf-style message to status through host->set_error and
 * returns status. */
int32_t tp_error(int32_t status, const char *format, ...) __attribute__((format(printf, 2, 3)));

#endif
