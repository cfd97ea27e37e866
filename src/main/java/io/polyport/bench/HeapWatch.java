package io.polyport.bench;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches a server JVM's heap during a run, through the Attach API and JMX (the same user may attach to a
 * local JVM), every 50 ms: the heap in use, and each collector's last collection (its heap before and after,
 * summed over the heap pools). The peak is the largest heap in use seen (a heap peaks just before a
 * collection); "after GC" is what survives a collection, which must not grow during a stream for memory to be
 * bounded. Collections are polled, not subscribed to: the JVM keeps the data of every GC notification for a
 * subscribed JMX client, which grew the very heap being measured (by 1-6 MiB per scenario); when several
 * collections of one collector fall between two polls, the last one stands for them (the count is exact).
 */
final class HeapWatch implements AutoCloseable {
  private record Gc(double atSeconds, String name, long before, long after) {
  }

  private final long pid;
  private final JMXConnector connector;
  private final MemoryMXBean memory;
  private final Set<String> heapPools = new HashSet<>();
  private final List<Gc> gcs = new ArrayList<>();
  private final List<GarbageCollectorMXBean> collectors;
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final Map<String, Long> countAtStart = new HashMap<>();
  private volatile long collections;
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "heap-watch");
    t.setDaemon(true);
    return t;
  });
  private final long start = System.nanoTime();
  private volatile long peakSampled;
  private long maxHeap;
  private final long liveBefore;

  private HeapWatch(long pid, JMXConnector connector) throws Exception {
    this.pid = pid;
    this.connector = connector;
    MBeanServerConnection mbs = connector.getMBeanServerConnection();
    memory = ManagementFactory.newPlatformMXBeanProxy(mbs, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    maxHeap = memory.getHeapMemoryUsage().getMax();
    liveBefore = live();
    for (MemoryPoolMXBean pool : ManagementFactory.getPlatformMXBeans(mbs, MemoryPoolMXBean.class)) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    collectors = ManagementFactory.getPlatformMXBeans(mbs, GarbageCollectorMXBean.class);
    for (var gc : collectors) {
      countAtStart.put(gc.getName(), gc.getCollectionCount());
      GcInfo last = gc.getLastGcInfo();
      lastSeen.put(gc.getName(), last == null ? 0 : last.getId());
    }
    sampler.scheduleAtFixedRate(this::sample, 0, 50, TimeUnit.MILLISECONDS);
  }

  /** Attaches to the JVM with this process id. */
  static HeapWatch attach(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
    return new HeapWatch(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
  }

  /**
   * The heap still in use after a full collection of the server (MemoryMXBean.gc): what it really holds, where
   * the heap after a young collection also counts garbage already promoted to the old generation.
   */
  private long live() {
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private void sample() {
    try {
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used > peakSampled) {
        peakSampled = used;
      }
      long count = 0;
      for (var gc : collectors) {
        count += gc.getCollectionCount() - countAtStart.get(gc.getName());
        GcInfo last = gc.getLastGcInfo();
        if (last != null && last.getId() > lastSeen.get(gc.getName())) {
          lastSeen.put(gc.getName(), last.getId());
          synchronized (gcs) {
            gcs.add(new Gc((System.nanoTime() - start) / 1e9, gc.getName(), heap(last.getMemoryUsageBeforeGc()),
                heap(last.getMemoryUsageAfterGc())));
          }
        }
      }
      collections = count;
    } catch (RuntimeException e) {
      // the server went away; the summary says what was seen until then
    }
  }

  private long heap(Map<String, MemoryUsage> pools) {
    long sum = 0;
    for (var e : pools.entrySet()) {
      if (heapPools.contains(e.getKey())) {
        sum += e.getValue().getUsed();
      }
    }
    return sum;
  }

  private static double mb(double bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  /**
   * One line: GC count, peak heap in use, the live heap (after a full collection) before the scenarios and
   * after them (equal when nothing is retained), and the heap after each GC: first, min, max, last, and the
   * average of the first and the last third of the collections seen. Ends the watch.
   */
  String summary() throws InterruptedException {
    sampler.shutdownNow();
    sampler.awaitTermination(5, TimeUnit.SECONDS);
    sample();
    List<Gc> seen;
    synchronized (gcs) {
      seen = new ArrayList<>(gcs);
    }
    long full = 0;
    for (var gc : collectors) {
      if (!isYoung(gc.getName())) {
        full += gc.getCollectionCount() - countAtStart.get(gc.getName());
      }
    }
    long liveAfter = live();
    long peak = peakSampled;
    long minAfter = Long.MAX_VALUE;
    long maxAfter = 0;
    for (Gc gc : seen) {
      peak = Math.max(peak, gc.before());
      minAfter = Math.min(minAfter, gc.after());
      maxAfter = Math.max(maxAfter, gc.after());
    }
    int third = Math.max(1, seen.size() / 3);
    String after = seen.isEmpty() ? "after_gc=none" : String.format(Locale.ROOT,
        "after_gc_first_mb=%.1f after_gc_min_mb=%.1f after_gc_max_mb=%.1f after_gc_last_mb=%.1f"
            + " after_gc_first_third_avg_mb=%.1f after_gc_last_third_avg_mb=%.1f",
        mb(seen.get(0).after()), mb(minAfter), mb(maxAfter), mb(seen.get(seen.size() - 1).after()),
        mb(avgAfter(seen.subList(0, Math.min(third, seen.size())))),
        mb(avgAfter(seen.subList(Math.max(0, seen.size() - third), seen.size()))));
    return String.format(Locale.ROOT, "heap pid=%d max_heap_mb=%.0f gcs=%d full_gcs=%d gcs_seen=%d peak_used_mb=%.1f"
            + " live_before_mb=%.1f live_after_mb=%.1f %s",
        pid, mb(maxHeap), collections, full, seen.size(), mb(peak), mb(liveBefore), mb(liveAfter), after);
  }

  private static boolean isYoung(String collector) {
    return collector.contains("Young") || collector.contains("Scavenge") || collector.contains("Copy");
  }

  private static double avgAfter(List<Gc> list) {
    return list.stream().mapToLong(Gc::after).average().orElse(0);
  }

  /** Every collection seen as CSV: seconds since the watch started, collector, heap before and after (MiB). */
  void writeCsv(PrintWriter out) {
    out.println("t_s,gc,before_mb,after_mb");
    synchronized (gcs) {
      for (Gc gc : gcs) {
        out.printf(Locale.ROOT, "%.3f,%s,%.1f,%.1f%n", gc.atSeconds(), gc.name(), mb(gc.before()), mb(gc.after()));
      }
    }
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    try {
      connector.close();
    } catch (Exception e) {
      // already gone
    }
  }
}
