package dev.switchboard.titancompute.agent;

import dev.switchboard.titancompute.v1.GpuMetrics;
import dev.switchboard.titancompute.v1.SystemMetrics;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.GraphicsCard;
import oshi.hardware.HardwareAbstractionLayer;

/**
 * Host resource use from OSHI. CPU use is measured between two consecutive samples, so the first
 * figure covers the time since construction. Thread-safe.
 */
final class HostMetrics {
  private static final Logger log = LoggerFactory.getLogger(HostMetrics.class);

  private final CentralProcessor processor;
  private final GlobalMemory memory;
  private final List<GpuMetrics> gpus;
  private long[] previousTicks; // guarded by this

  HostMetrics() {
    HardwareAbstractionLayer hardware = new SystemInfo().getHardware();
    this.processor = hardware.getProcessor();
    this.memory = hardware.getMemory();
    this.previousTicks = processor.getSystemCpuLoadTicks();
    this.gpus = gpus(hardware);
  }

  private static List<GpuMetrics> gpus(HardwareAbstractionLayer hardware) {
    List<GpuMetrics> list = new ArrayList<>();
    try {
      for (GraphicsCard card : hardware.getGraphicsCards()) {
        // Virtual machines report an "unknown" display adapter without memory; that is no GPU.
        if (card.getVRam() <= 0 && "unknown".equalsIgnoreCase(card.getName())) {
          continue;
        }
        list.add(
            GpuMetrics.newBuilder()
                .setName(card.getName())
                .setVendor(card.getVendor())
                .setMemoryTotalBytes(Math.max(0, card.getVRam()))
                .build());
      }
    } catch (RuntimeException e) {
      // Some hosts (containers without /sys/class/drm or lshw) cannot list GPUs; report none.
      log.debug("cannot list GPUs: {}", e.toString());
    }
    return List.copyOf(list);
  }

  /** Host figures; the agent adds its queue depth and active streams. */
  synchronized SystemMetrics.Builder sample() {
    double cpu = processor.getSystemCpuLoadBetweenTicks(previousTicks) * 100.0;
    previousTicks = processor.getSystemCpuLoadTicks();
    long total = memory.getTotal();
    double[] load = processor.getSystemLoadAverage(1);
    return SystemMetrics.newBuilder()
        .setCpuPercent(Double.isNaN(cpu) ? 0 : Math.max(0, Math.min(100, cpu)))
        .setMemoryTotalBytes(total)
        .setMemoryUsedBytes(total - memory.getAvailable())
        .addAllGpus(gpus)
        .setLoadAverage(load.length > 0 && load[0] >= 0 ? load[0] : 0)
        .setSampledAtUnixMs(System.currentTimeMillis());
  }
}
