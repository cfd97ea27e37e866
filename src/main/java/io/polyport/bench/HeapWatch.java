package io.polyport.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Watches a server JVM's heap during a run without polling it: through {@code jcmd}, the JVM writes a GC log of
 * its own ({@code VM.log}) for the length of the watch (a dozen lines per collection), which gives every
 * collection with the heap in use before and after it ({@link GcLog}). The peak is the largest heap in use before
 * or after a collection (a heap peaks just before one, but G1 counts the heap before a collection without its
 * current allocation regions, so it can read less than after); "after GC" is what survives a collection, which
 * must not grow during a stream for memory to be bounded. The live heap before and after the run is the total of
 * {@code GC.class_histogram}, which collects first (a full collection of the server at each end of the watch).
 * An earlier watch polled the server over JMX every 50 ms: its RMI calls cost the watched server ~1.7 ms of CPU
 * per poll (in a profile of a 1M import, 0.6 µs per user, 7 % of the server's CPU, and more in the JIT).
 */
final class HeapWatch implements AutoCloseable {
  private static final Pattern MAX_HEAP = Pattern.compile("-XX:MaxHeapSize=(\\d+)");
  private static final Pattern UPTIME = Pattern.compile("([0-9]+(?:\\.[0-9]+)?) s");
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
  private static final long JCMD_SECONDS = 60;

  private final long pid;
  private final Path log;
  private final long maxHeap;
  private final long liveBefore;
  private final double startUptime;
  private boolean logging;
  private List<GcLog.Gc> seen = List.of();

  private HeapWatch(long pid, Path log, long maxHeap, long liveBefore, double startUptime) {
    this.pid = pid;
    this.log = log;
    this.maxHeap = maxHeap;
    this.liveBefore = liveBefore;
    this.startUptime = startUptime;
  }

  /** Starts watching the JVM with this process id (the same user's, as for any jcmd). */
  static HeapWatch attach(long pid) throws IOException, InterruptedException {
    long maxHeap = Long.parseLong(find(MAX_HEAP, jcmd(pid, "VM.flags")));
    long liveBefore = live(pid);
    double uptime = Double.parseDouble(find(UPTIME, jcmd(pid, "VM.uptime")));
    Path log = Files.createTempFile("polyport-heap-" + pid + "-", ".log");
    var watch = new HeapWatch(pid, log, maxHeap, liveBefore, uptime);
    watch.logging = true; // from here on, close() switches the log off (a failed or timed-out start included)
    try {
      logCommand(pid, "output=file=" + log, "output_options=filecount=0", "what=gc=info,gc+heap=debug",
          "decorators=uptimenanos");
    } catch (IOException | InterruptedException | RuntimeException e) {
      watch.close();
      throw e;
    }
    return watch;
  }

  /**
   * A VM.log command: its errors (a bad option, a file the JVM cannot write) come back as text with jcmd's exit
   * code 0, so anything but jcmd's line for a command that printed nothing is a failure.
   */
  private static void logCommand(long pid, String... options) throws IOException, InterruptedException {
    String out = jcmd(pid, Stream.concat(Stream.of("VM.log"), Stream.of(options)).toArray(String[]::new));
    if (!out.strip().endsWith("Command executed successfully")) {
      throw new IOException("jcmd VM.log failed: " + out.strip());
    }
  }

  /** The live heap: what a full collection leaves, as the class histogram (which collects first) totals it. */
  private static long live(long pid) throws IOException, InterruptedException {
    return Long.parseLong(find(HISTOGRAM_TOTAL, jcmd(pid, "GC.class_histogram")));
  }

  /**
   * Ends the JVM's log of the watch, once; the collections it holds. The log is read even when switching it off
   * failed (a server that died keeps what it wrote).
   */
  private List<GcLog.Gc> stop() throws IOException, InterruptedException {
    if (logging) {
      logging = false;
      try {
        logCommand(pid, "output=file=" + log, "what=all=off");
      } finally {
        seen = GcLog.collections(Files.readAllLines(log, StandardCharsets.UTF_8));
      }
    }
    return seen;
  }

  /** The collections read (for tests). */
  List<GcLog.Gc> collections() {
    return seen;
  }

  /** The log the watched JVM writes (for tests). */
  Path log() {
    return log;
  }

  private static String find(Pattern pattern, String text) throws IOException {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IOException("unexpected jcmd output: " + text.strip());
    }
    return m.group(1);
  }

  private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      throw new IOException("no " + jcmd + ": the heap watch needs a JDK");
    }
    var args = Stream.concat(Stream.of(jcmd.toString(), Long.toString(pid)), Stream.of(command)).toList();
    // the output goes to a file, so that a jcmd that hangs cannot hold this thread past the wait
    Path out = Files.createTempFile("polyport-jcmd-", ".txt");
    try {
      Process p = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean exited = p.waitFor(JCMD_SECONDS, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly();
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (!exited || p.exitValue() != 0) {
        throw new IOException("jcmd " + String.join(" ", command) + (exited ? " failed: " + text.strip()
            : " did not answer within " + JCMD_SECONDS + " s"));
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static double mb(double bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  /**
   * One line: GC count (young and full), peak heap in use, the live heap before the scenarios and after them
   * (equal when nothing is retained), and the heap after each GC: first, min, max, last, and the average of the
   * first and the last third of the collections. Ends the watch.
   */
  String summary() throws IOException, InterruptedException {
    List<GcLog.Gc> gcs = stop();
    String liveAfter;
    try {
      liveAfter = String.format(Locale.ROOT, "%.1f", mb(live(pid)));
    } catch (IOException e) {
      liveAfter = "na"; // the server is gone
    }
    long full = gcs.stream().filter(GcLog.Gc::full).count();
    // after as well as before: a G1 log gave a full collection of HeapWatchTest 0.1 MiB more after it than before
    long peak = gcs.stream().mapToLong(gc -> Math.max(gc.before(), gc.after())).max().orElse(0);
    String after = "after_gc=none";
    if (!gcs.isEmpty()) {
      int third = Math.max(1, gcs.size() / 3);
      var afters = gcs.stream().mapToLong(GcLog.Gc::after).summaryStatistics();
      after = String.format(Locale.ROOT,
          "after_gc_first_mb=%.1f after_gc_min_mb=%.1f after_gc_max_mb=%.1f after_gc_last_mb=%.1f"
              + " after_gc_first_third_avg_mb=%.1f after_gc_last_third_avg_mb=%.1f",
          mb(gcs.get(0).after()), mb(afters.getMin()), mb(afters.getMax()), mb(gcs.get(gcs.size() - 1).after()),
          mb(avgAfter(gcs.subList(0, third))), mb(avgAfter(gcs.subList(gcs.size() - third, gcs.size()))));
    }
    return String.format(Locale.ROOT, "heap pid=%d max_heap_mb=%.0f gcs=%d full_gcs=%d peak_used_mb=%.1f"
            + " live_before_mb=%.1f live_after_mb=%s %s",
        pid, mb(maxHeap), gcs.size(), full, mb(peak), mb(liveBefore), liveAfter, after);
  }

  private static double avgAfter(List<GcLog.Gc> list) {
    return list.stream().mapToLong(GcLog.Gc::after).average().orElse(0);
  }

  /** Every collection as CSV: seconds since the watch started, young or full, heap before and after (MiB). */
  void writeCsv(PrintWriter out) throws IOException, InterruptedException {
    out.println("t_s,gc,before_mb,after_mb");
    for (GcLog.Gc gc : stop()) {
      out.printf(Locale.ROOT, "%.3f,%s,%.1f,%.1f%n", gc.uptimeSeconds() - startUptime, gc.full() ? "full" : "young",
          mb(gc.before()), mb(gc.after()));
    }
  }

  /** Ends the log (if the summary did not) and deletes it. */
  @Override
  public void close() {
    try {
      stop();
    } catch (IOException e) {
      // the server went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // left in the temp directory
    }
  }
}
