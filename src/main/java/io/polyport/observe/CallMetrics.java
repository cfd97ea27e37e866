package io.polyport.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.vertx.core.Future;

/**
 * The per-call meters, the same for every protocol: {@code polyport_requests_seconds} (a latency histogram
 * whose count is the number of calls) by protocol, operation and status; {@code polyport_active_streams}
 * (streaming calls open) by protocol and operation; {@code polyport_feed_subscribers} (live-feed
 * subscriptions); {@code polyport_connections} (client connections open) and
 * {@code polyport_connections_opened_total}. Labels only take bounded values: protocol names, operation names
 * of the contract (or "other"/"unknown"), HTTP status codes and gRPC status names.
 */
final class CallMetrics {
  static final String REQUESTS = "polyport.requests";
  static final String ACTIVE_STREAMS = "polyport.active.streams";
  static final String FEED_SUBSCRIBERS = "polyport.feed.subscribers";
  static final String CONNECTIONS = "polyport.connections";

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();
  private final AtomicInteger subscribers = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final Counter connectionsOpened;
  private volatile Supplier<Future<Integer>> subscriberCount;

  CallMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(FEED_SUBSCRIBERS, subscribers, AtomicInteger::get)
        .description("Live-feed subscriptions open (gRPC WatchUsers/Feed, SSE, WebSocket)")
        .register(registry);
    Gauge.builder(CONNECTIONS, connections, AtomicInteger::get)
        .description("Client connections open (HTTP/1.1 and HTTP/2, all protocols)")
        .register(registry);
    connectionsOpened = Counter.builder(CONNECTIONS + ".opened")
        .description("Client connections accepted since the start")
        .register(registry);
  }

  void connectionOpened() {
    connections.incrementAndGet();
    connectionsOpened.increment();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  /** Records one finished call. */
  void record(String protocol, String operation, String status, long nanos) {
    timers.computeIfAbsent(protocol + '\n' + operation + '\n' + status, k -> Timer.builder(REQUESTS)
            .description("Calls by protocol, operation and status, with their duration (whole stream for streaming calls)")
            .tag("protocol", protocol)
            .tag("operation", operation)
            .tag("status", status)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void streamOpened(String protocol, String operation) {
    stream(protocol, operation).incrementAndGet();
  }

  void streamClosed(String protocol, String operation) {
    stream(protocol, operation).decrementAndGet();
  }

  private AtomicInteger stream(String protocol, String operation) {
    return streams.computeIfAbsent(protocol + '\n' + operation, k -> {
      AtomicInteger open = new AtomicInteger();
      Gauge.builder(ACTIVE_STREAMS, open, AtomicInteger::get)
          .description("Streaming calls open (server streams, client streams and feed sessions)")
          .tag("protocol", protocol)
          .tag("operation", operation)
          .register(registry);
      return open;
    });
  }

  /** Where the subscriber gauge reads from (the feed hub answers on its own context). */
  void subscriberCount(Supplier<Future<Integer>> count) {
    this.subscriberCount = count;
  }

  /** Brings the gauges that are read asynchronously up to date (before a scrape). */
  Future<Void> refresh() {
    Supplier<Future<Integer>> count = subscriberCount;
    if (count == null) {
      return Future.succeededFuture();
    }
    return count.get().onSuccess(subscribers::set).<Void>mapEmpty().otherwiseEmpty();
  }
}
