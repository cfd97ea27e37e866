package io.polyport.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the collections out of a HotSpot unified GC log written with {@code gc=info,gc+heap=debug} and the
 * {@code uptimenanos} decorator: for every young or full collection, when it ended and the heap in use before
 * and after it. The heap is the sum of the generations' "used" in the log's heap blocks (exact to the KiB, for
 * the Serial, Parallel and G1 collectors of JDK 17); a collection whose blocks are missing or hold no line read
 * falls back to its pause line's MiB. ZGC and Shenandoah log neither "Pause Young" nor "Pause Full": their
 * collections are not read.
 */
final class GcLog {
  /**
   * One collection: JVM uptime (s) when it ended, full or not, heap in use before and after (bytes), and whether
   * both came from the heap blocks (exact) rather than the pause line (whole MiB).
   */
  record Gc(double uptimeSeconds, boolean full, long before, long after, boolean exact) {
  }

  private static final Pattern LINE = Pattern.compile("^\\[(\\d+)ns] GC\\((\\d+)\\) (.*)$");
  private static final Pattern GENERATION = Pattern.compile("total \\d+K, used (\\d+)K");
  private static final Pattern PAUSE = Pattern.compile("^Pause (Young|Full)\\b.* (\\d+)M->(\\d+)M\\(\\d+M\\)");
  private static final long KIB = 1024;
  private static final long MIB = 1024 * 1024;

  /** What the log says of one GC id. */
  private static final class Entry {
    long[] usedKib = {-1, -1}; // in the "Heap before GC" and "Heap after GC" blocks; -1 when no line was read
    int block = -1;            // the block being read
    Gc pause;                  // from the pause line (MiB), when the id is a young or full collection
  }

  private GcLog() {
  }

  static List<Gc> collections(List<String> lines) {
    Map<Long, Entry> entries = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Entry e = entries.computeIfAbsent(Long.parseLong(m.group(2)), id -> new Entry());
      String text = m.group(3);
      Matcher used;
      Matcher pause;
      if (text.startsWith("Heap before GC") || text.startsWith("Heap after GC")) {
        e.block = text.startsWith("Heap before GC") ? 0 : 1;
      } else if (e.block >= 0 && (used = GENERATION.matcher(text)).find()) {
        e.usedKib[e.block] = Math.max(0, e.usedKib[e.block]) + Long.parseLong(used.group(1));
      } else if ((pause = PAUSE.matcher(text)).find()) {
        e.pause = new Gc(Long.parseLong(m.group(1)) / 1e9, pause.group(1).equals("Full"),
            Long.parseLong(pause.group(2)) * MIB, Long.parseLong(pause.group(3)) * MIB, false);
      }
    }
    List<Gc> gcs = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.pause != null) {
        gcs.add(new Gc(e.pause.uptimeSeconds(), e.pause.full(),
            e.usedKib[0] >= 0 ? e.usedKib[0] * KIB : e.pause.before(),
            e.usedKib[1] >= 0 ? e.usedKib[1] * KIB : e.pause.after(), e.usedKib[0] >= 0 && e.usedKib[1] >= 0));
      }
    }
    return gcs;
  }
}
