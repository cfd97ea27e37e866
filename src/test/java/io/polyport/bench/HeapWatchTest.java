package io.polyport.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench tool's heap watch, on this JVM: it counts the collections and reads what survives them, from the log
 * it has the JVM write, which it switches off and deletes at the end.
 */
class HeapWatchTest {
  @Test
  void reportsTheCollectionsAndTheLiveHeapOfTheWatchedJvm() throws Exception {
    Map<String, Double> figures = new HashMap<>();
    Path log;
    long pid = ProcessHandle.current().pid();
    try (HeapWatch watch = HeapWatch.attach(pid)) {
      log = watch.log();
      byte[][] garbage = new byte[64][];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < garbage.length; j++) {
          garbage[j] = new byte[64 * 1024];
        }
        System.gc();
      }
      assertThat(garbage[0]).hasSize(64 * 1024);
      String line = watch.summary();
      for (String field : line.split(" ")) {
        String[] kv = field.split("=");
        if (kv.length == 2 && kv[1].matches("[0-9.]+")) {
          figures.put(kv[0], Double.parseDouble(kv[1]));
        }
      }
      // every collection read from the log's heap blocks, to the KiB, not from the pause lines' whole MiB
      assertThat(watch.collections()).hasSize(figures.get("gcs").intValue()).allMatch(GcLog.Gc::exact);
      long sizeAtSummary = Files.size(log);
      System.gc();
      assertThat(Files.size(log)).as("the log is switched off by the summary").isEqualTo(sizeAtSummary);
    }
    assertThat(log).doesNotExist();
    assertThat(figures.get("gcs")).isGreaterThanOrEqualTo(3);
    assertThat(figures.get("full_gcs")).isGreaterThanOrEqualTo(3);
    assertThat(figures.get("live_before_mb")).isPositive();
    assertThat(figures.get("live_after_mb")).isPositive().isLessThanOrEqualTo(figures.get("max_heap_mb"));
    assertThat(figures.get("after_gc_min_mb")).isPositive().isLessThanOrEqualTo(figures.get("after_gc_max_mb"));
    assertThat(figures.get("peak_used_mb")).isGreaterThanOrEqualTo(figures.get("after_gc_max_mb"));
  }
}
