package io.polyport.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * What one scenario achieved in its measured phase: successful operations and units (requests or records),
 * failed operations, elapsed time, the rate of successful units, and the latency of successful operations
 * (one request, or one whole stream) in microseconds.
 */
record Result(String scenario, String unit, int connections, int workers, long okOps, long units, long errors,
              double seconds, Histogram latencyMicros, CpuMeter.Usage cpu, String firstError) {

  double rate() {
    return seconds > 0 ? units / seconds : 0;
  }

  private double ms(double percentile) {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  private double maxMs() {
    return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0;
  }

  /** CPU microseconds per unit (request or record) of a process that used {@code pct} % of a core. */
  private double microsPerUnit(double pct) {
    return units == 0 || Double.isNaN(pct) ? Double.NaN : pct / 100.0 * seconds * 1e6 / units;
  }

  private String perUnit() {
    StringBuilder sb = new StringBuilder();
    if (!Double.isNaN(microsPerUnit(cpu.server()))) {
      sb.append(String.format(Locale.ROOT, " server_us_per_unit=%.1f", microsPerUnit(cpu.server())));
    }
    if (!Double.isNaN(microsPerUnit(cpu.db()))) {
      sb.append(String.format(Locale.ROOT, " db_us_per_unit=%.1f", microsPerUnit(cpu.db())));
    }
    return sb.toString();
  }

  /** One line: scenario, rate, errors, latency percentiles, CPU. */
  String line() {
    return String.format(Locale.ROOT,
        "bench scenario=%s rate=%.1f %s ok_ops=%d units=%d errors=%d conns=%d workers=%d secs=%.2f"
            + " p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f%s%s%s",
        scenario, rate(), unit, okOps, units, errors, connections, workers, seconds,
        ms(50), ms(90), ms(99), maxMs(), cpu.fields(), perUnit(), firstError == null ? "" : " first_error=\"" + firstError.replace('"', '\'') + "\"");
  }

  JsonObject json() {
    return new JsonObject().put("scenario", scenario).put("unit", unit).put("rate", rate())
        .put("okOps", okOps).put("units", units).put("errors", errors).put("connections", connections)
        .put("workers", workers).put("seconds", seconds)
        .put("p50Ms", ms(50)).put("p90Ms", ms(90)).put("p99Ms", ms(99)).put("maxMs", maxMs())
        .put("machineCpu", nan(cpu.machine())).put("benchCpu", nan(cpu.bench())).put("serverCpu", nan(cpu.server()))
        .put("dbCpu", nan(cpu.db())).put("otherCpu", nan(cpu.other()))
        .put("serverMicrosPerUnit", nan(microsPerUnit(cpu.server()))).put("dbMicrosPerUnit", nan(microsPerUnit(cpu.db())))
        .put("firstError", firstError);
  }

  private static Double nan(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
