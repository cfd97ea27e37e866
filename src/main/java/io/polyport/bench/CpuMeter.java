package io.polyport.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU used during the measured phase, in % of one core (the machine has up to 100 x cores): the whole
 * machine (/proc/stat), this load generator, the server (--server-pid) and the database (--db-pid), and
 * what the rest of the machine used meanwhile ("other": other work disturbs a figure when it is high).
 * Linux only; on other systems the fields are left out.
 */
final class CpuMeter {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ, 100 on Linux
  private final Long serverPid;
  private final Long dbPid;
  private long t0;
  private long[] machine0;
  private long self0;
  private long server0;
  private long db0;

  CpuMeter(Long serverPid, Long dbPid) {
    this.serverPid = serverPid;
    this.dbPid = dbPid;
  }

  void start() {
    t0 = System.nanoTime();
    machine0 = machine();
    self0 = selfNanos();
    server0 = ticks(serverPid);
    db0 = ticks(dbPid);
  }

  /** CPU in % of one core over the measured phase; {@code server}/{@code db} are NaN when not watched. */
  record Usage(double machine, double bench, double server, double db, double other) {
    static final Usage NONE = new Usage(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** " machine_cpu=..% bench_cpu=..% server_cpu=..% db_cpu=..% other_cpu=..%", or "" when not measured. */
    String fields() {
      if (Double.isNaN(machine)) {
        return "";
      }
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, " machine_cpu=%.0f%% bench_cpu=%.0f%%", machine, bench));
      if (!Double.isNaN(server)) {
        sb.append(String.format(Locale.ROOT, " server_cpu=%.0f%%", server));
      }
      if (!Double.isNaN(db)) {
        sb.append(String.format(Locale.ROOT, " db_cpu=%.0f%%", db));
      }
      return sb.append(String.format(Locale.ROOT, " other_cpu=%.0f%%", other)).toString();
    }
  }

  Usage stop() {
    double seconds = (System.nanoTime() - t0) / 1e9;
    long[] machine1 = machine();
    if (machine0 == null || machine1 == null || seconds <= 0) {
      return Usage.NONE;
    }
    long busy = machine1[0] - machine0[0];
    long total = machine1[1] - machine0[1];
    double machinePct = total > 0 ? 100.0 * machine1[2] * busy / total : 0;
    double self = 100.0 * (selfNanos() - self0) / 1e9 / seconds;
    double server = serverPid == null ? Double.NaN : 100.0 * (ticks(serverPid) - server0) / TICKS_PER_SECOND / seconds;
    double db = dbPid == null ? Double.NaN : 100.0 * (ticks(dbPid) - db0) / TICKS_PER_SECOND / seconds;
    double other = machinePct - self - (Double.isNaN(server) ? 0 : server) - (Double.isNaN(db) ? 0 : db);
    return new Usage(machinePct, self, server, db, Math.max(0, other));
  }

  private static long selfNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  /** {busy, total} ticks of all cores, and the number of cores (not this process's affinity). */
  private static long[] machine() {
    try {
      var lines = Files.readAllLines(Path.of("/proc/stat"));
      long cores = lines.stream().filter(l -> l.matches("cpu\\d+ .*")).count();
      String[] f = lines.get(0).trim().split("\\s+");
      long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
          + Long.parseLong(f[7]) + Long.parseLong(f[8]);
      return new long[] {busy, busy + Long.parseLong(f[4]) + Long.parseLong(f[5]), cores};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** utime + stime of a process (all threads), in ticks; 0 when unknown. */
  private static long ticks(Long pid) {
    if (pid == null) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
