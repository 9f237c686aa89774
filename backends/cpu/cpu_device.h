/* cpu_device.h - instances and logical devices of the CPU backend.
 *
 * XHAL_CPU_DEVICES=N (default 1, at most 64) exposes N logical devices that
 * share the host's memory and cores, so multi-device paths and collectives
 * are testable in one process. XHAL_CPU_THREADS=N sets the kernel threads
 * per launch (default: the number of online cores). */
#ifndef XHAL_CPU_DEVICE_H
#define XHAL_CPU_DEVICE_H

#include <xhal/xhal_plugin.h>

struct xhal_plugin_device {
  struct xhal_plugin_instance *instance;
  uint32_t index;
};

struct xhal_plugin_instance {
  uint32_t device_count;
  struct xhal_plugin_device *devices;
};

int32_t cpu_instance_create(const xhal_plugin_instance_info_t *info,
                            xhal_plugin_instance_t **out_instance);
int32_t cpu_instance_destroy(xhal_plugin_instance_t *instance);
int32_t cpu_device_count(xhal_plugin_instance_t *instance, uint32_t *out_count);
int32_t cpu_device_get(xhal_plugin_instance_t *instance, uint32_t index,
                       xhal_plugin_device_t **out_device);
int32_t cpu_device_get_properties(xhal_plugin_device_t *device,
                                  xhal_device_properties_t *properties);
int32_t cpu_device_get_link(xhal_plugin_device_t *from, xhal_plugin_device_t *to,
                            xhal_device_link_t *link);

/* Threads a kernel may use (XHAL_CPU_THREADS or the core count). */
int cpu_kernel_threads(void);

#endif
