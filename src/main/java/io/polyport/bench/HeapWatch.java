package io.polyport.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
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
 * local JVM): every garbage collection's heap before and after (from the GC notifications, summed over the
 * heap pools) and the heap in use sampled every 100 ms. The peak is the largest heap in use seen (a heap
 * peaks just before a collection); "after GC" is what survives each collection, which must not grow
 * during a stream for memory to be bounded.
 */
final class HeapWatch implements AutoCloseable {
  private record Gc(double atSeconds, String name, String cause, long before, long after) {
  }

  private final long pid;
  private final JMXConnector connector;
  private final MemoryMXBean memory;
  private final Set<String> heapPools = new HashSet<>();
  private final List<Gc> gcs = new ArrayList<>();
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
    NotificationListener listener = this::onNotification;
    for (GarbageCollectorMXBean gc : ManagementFactory.getPlatformMXBeans(mbs, GarbageCollectorMXBean.class)) {
      mbs.addNotificationListener(gc.getObjectName(), listener, null, null);
    }
    sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
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
    } catch (RuntimeException e) {
      // the server went away; the summary says what was seen until then
    }
  }

  private void onNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long before = heap(info.getGcInfo().getMemoryUsageBeforeGc());
    long after = heap(info.getGcInfo().getMemoryUsageAfterGc());
    synchronized (gcs) {
      gcs.add(new Gc((System.nanoTime() - start) / 1e9, info.getGcName(), info.getGcCause(), before, after));
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
   * average of the first and the last third of the collections.
   */
  String summary() {
    List<Gc> seen;
    synchronized (gcs) {
      seen = new ArrayList<>(gcs);
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
    return String.format(Locale.ROOT, "heap pid=%d max_heap_mb=%.0f gcs=%d full_gcs=%d peak_used_mb=%.1f"
            + " live_before_mb=%.1f live_after_mb=%.1f %s",
        pid, mb(maxHeap), seen.size(), seen.stream().filter(g -> !g.name().contains("Young")
            && !g.name().contains("Scavenge") && !g.name().contains("Copy")).count(), mb(peak),
        mb(liveBefore), mb(liveAfter), after);
  }

  private static double avgAfter(List<Gc> list) {
    return list.stream().mapToLong(Gc::after).average().orElse(0);
  }

  /** Every collection as CSV: seconds since the watch started, collector, cause, heap before and after (MiB). */
  void writeCsv(PrintWriter out) {
    out.println("t_s,gc,cause,before_mb,after_mb");
    synchronized (gcs) {
      for (Gc gc : gcs) {
        out.printf(Locale.ROOT, "%.3f,%s,%s,%.1f,%.1f%n", gc.atSeconds(), gc.name(), gc.cause(),
            mb(gc.before()), mb(gc.after()));
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
