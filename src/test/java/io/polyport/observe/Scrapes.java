package io.polyport.observe;

import io.polyport.testing.TestApp;
import io.vertx.core.Promise;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Reads GET /metrics of a test server: one value by name and labels, or the first scrape that satisfies a condition. */
public final class Scrapes {
  /** Calls recorded, by protocol, operation and status (the count of polyport_requests_seconds). */
  public static final String REQUESTS = "polyport_requests_seconds_count";

  private Scrapes() {
  }

  /** The labels of one kind of call in {@link #REQUESTS}. */
  public static Map<String, String> call(String protocol, String operation, String status) {
    return Map.of("protocol", protocol, "operation", operation, "status", status);
  }

  /** The value of the sample {@code name} with (at least) these labels, or null when there is none. */
  public static Double value(String text, String name, Map<String, String> labels) {
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      int close = line.lastIndexOf('}');
      String labelPart = close < 0 ? "" : line.substring(name.length(), close + 1);
      if (labels.entrySet().stream().allMatch(e -> labelPart.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return null;
  }

  public static double valueOrZero(String text, String name, Map<String, String> labels) {
    Double v = value(text, name, labels);
    return v == null ? 0 : v;
  }

  public static String scrape(TestApp app) {
    var response = app.web.get("/metrics").send().await();
    if (response.statusCode() != 200) {
      throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.bodyAsString();
  }

  /**
   * Scrapes until {@code condition} holds (the calls observed are recorded when their response ends,
   * which the client may see a moment before), failing after 20 s with the last scrape.
   */
  public static String until(TestApp app, String what, Predicate<String> condition) {
    Promise<String> done = Promise.promise();
    String[] last = {""};
    var inFlight = new java.util.concurrent.atomic.AtomicBoolean();
    long timer = app.vertx.setPeriodic(10, id -> {
      if (!inFlight.compareAndSet(false, true)) {
        return;
      }
      app.web.get("/metrics").send().onComplete(r -> {
        inFlight.set(false);
        if (r.succeeded()) {
          last[0] = r.result().bodyAsString();
          if (condition.test(last[0])) {
            done.tryComplete(last[0]);
          }
        }
      });
    });
    try {
      return done.future().timeout(20, TimeUnit.SECONDS).await();
    } catch (Exception e) {
      throw new AssertionError("never happened: " + what + "\nlast scrape:\n" + last[0], e);
    } finally {
      app.vertx.cancelTimer(timer);
    }
  }
}
