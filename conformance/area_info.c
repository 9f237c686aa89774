/* area_info.c - info.*: records the backend's declared capabilities in the
 * report and checks that they are self-consistent. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "conf_case.h"

static conf_result_t conf_info_properties(conf_run_t *run, const void *params) {
  (void)params;
  conf_result_t result = CONF_PASS;
  for (uint32_t d = 0; d < run->env->device_count; ++d) {
    xhal_device_properties_t p = {
        .header = XHAL_STRUCT_HEADER_INIT(XHAL_STYPE_DEVICE_PROPERTIES, xhal_device_properties_t)};
    xhal_status_t status = xhal_device_properties(run->env->devices[d], &p);
    if (status) return conf_fail_status(run, "xhal_device_properties", status);
    conf_note(run,
              "device %u: '%s' by '%s', type %u, %u compute units, %llu bytes (max allocation "
              "%llu, alignment %u), features 0x%x, dtypes 0x%llx, kernel formats 0x%x, %u MHz, "
              "peak f32 %.3g FLOP/s, f16 %.3g FLOP/s, bandwidth %.3g B/s\n",
              d, p.name, p.vendor, p.device_type, p.compute_units,
              (unsigned long long)p.memory_bytes, (unsigned long long)p.max_allocation_bytes,
              p.min_alignment_bytes, p.features, (unsigned long long)p.dtypes, p.kernel_formats,
              p.clock_mhz, p.peak_f32_flops, p.peak_f16_flops, p.memory_bandwidth_bps);
    if (!p.name[0]) result = conf_fail(run, "device %u: empty name\n", d);
    if (!p.min_alignment_bytes || (p.min_alignment_bytes & (p.min_alignment_bytes - 1))) {
      result = conf_fail(run, "device %u: min_alignment_bytes %u is not a power of two\n", d,
                         p.min_alignment_bytes);
    }
    if (!p.memory_bytes || !p.max_allocation_bytes || p.max_allocation_bytes > p.memory_bytes) {
      result = conf_fail(run, "device %u: memory_bytes %llu / max_allocation_bytes %llu are "
                              "zero or inconsistent\n",
                         d, (unsigned long long)p.memory_bytes,
                         (unsigned long long)p.max_allocation_bytes);
    }
    if (!(p.peak_f32_flops > 0) || !(p.memory_bandwidth_bps > 0) || !isfinite(p.peak_f32_flops)) {
      result = conf_fail(run, "device %u: the scheduler needs positive finite peak_f32_flops "
                              "(%g) and memory_bandwidth_bps (%g)\n",
                         d, p.peak_f32_flops, p.memory_bandwidth_bps);
    }
    if (!(p.dtypes & XHAL_DTYPE_BIT(XHAL_DTYPE_F32))) {
      result = conf_fail(run, "device %u: dtypes 0x%llx lacks f32, which every device stores\n",
                         d, (unsigned long long)p.dtypes);
    }
    if ((p.features & XHAL_FEATURE_KERNEL_MODULES) && !p.kernel_formats) {
      result = conf_fail(run, "device %u: declares KERNEL_MODULES but no kernel format\n", d);
    }
  }
  return result;
}

static conf_result_t conf_info_links(conf_run_t *run, const void *params) {
  (void)params;
  for (uint32_t a = 0; a < run->env->device_count; ++a) {
    for (uint32_t b = 0; b < run->env->device_count; ++b) {
      xhal_device_link_t link;
      xhal_status_t status = xhal_device_link(run->env->devices[a], run->env->devices[b], &link);
      if (status) return conf_fail_status(run, "xhal_device_link", status);
      conf_note(run, "link %u->%u: peer_copy %u, same_memory %u, %.3g B/s, %.3g ns\n", a, b,
                link.peer_copy, link.same_memory, link.bandwidth_bps, link.latency_ns);
      if (link.bandwidth_bps < 0 || link.latency_ns < 0) {
        return conf_fail(run, "link %u->%u: negative estimate\n", a, b);
      }
    }
  }
  return CONF_PASS;
}

static conf_result_t conf_info_plugin(conf_run_t *run, const void *params) {
  (void)params;
  uint32_t count = 0;
  xhal_context_plugin_count(run->env->context, &count);
  for (uint32_t i = 0; i < count; ++i) {
    xhal_plugin_info_t info;
    xhal_status_t status = xhal_context_plugin_info(run->env->context, i, &info);
    if (status) return conf_fail_status(run, "xhal_context_plugin_info", status);
    conf_note(run, "plugin '%s' version '%s', ABI 1.%u, %u device(s), %s\n", info.name,
              info.version, info.abi_minor, info.device_count, info.path);
  }
  return CONF_PASS;
}

void conf_area_info_register(conf_registry_t *registry) {
  conf_register(registry, "info.plugin", CONF_TIER_QUICK, conf_info_plugin, NULL, 0);
  conf_register(registry, "info.device.properties", CONF_TIER_QUICK, conf_info_properties, NULL, 0);
  conf_register(registry, "info.device.links", CONF_TIER_QUICK, conf_info_links, NULL, 0);
}
