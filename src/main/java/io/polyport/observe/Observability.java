package io.polyport.observe;

import com.mongodb.event.ConnectionPoolListener;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsConnectionPoolListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.polyport.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.Shareable;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.UUID;
import java.util.function.Supplier;

/**
 * Metrics and the access log of one Vertx instance. {@link #vertx} is the one way the application builds
 * its Vertx (Main and the tests alike): with Micrometer metrics into a Prometheus registry of its own.
 * Everything else finds this object with {@link #of(Vertx)}.
 */
public final class Observability implements Shareable {
  /** The operation label of requests outside the contract (and before routing names them). */
  static final String OTHER = "other";
  private static final String KEY = "polyport.observability";

  private final PrometheusMeterRegistry registry;
  private final CallMetrics metrics;
  private final boolean accessLog;

  private Observability(PrometheusMeterRegistry registry, boolean accessLog) {
    this.registry = registry;
    this.metrics = new CallMetrics(registry);
    this.accessLog = accessLog;
  }

  /** The application's Vertx, observed as {@code config.telemetry()} says. */
  public static Vertx vertx(AppConfig config) {
    AppConfig.Telemetry telemetry = config.telemetry();
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var metricsOptions = new MicrometerMetricsOptions()
        .setEnabled(true)
        // Vert.x keeps backend registries by name, process-wide: one name per instance
        .setRegistryName("polyport-" + UUID.randomUUID())
        .setJvmMetricsEnabled(true);
    VertxBuilder builder = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metricsOptions))
        .withMetrics(new MicrometerMetricsFactory(registry));
    Vertx vertx = builder.build();
    Observability observability = new Observability(registry, telemetry.accessLog());
    vertx.sharedData().getLocalMap(KEY).put(KEY, observability);
    ((VertxInternal) vertx).addCloseHook(completion -> {
      registry.close();
      completion.succeed();
    });
    return vertx;
  }

  /**
   * The observability of {@code vertx}; for a Vertx not built by {@link #vertx} (no Vert.x metrics), one
   * that still counts the application's own meters.
   */
  public static Observability of(Vertx vertx) {
    var map = vertx.sharedData().<String, Observability>getLocalMap(KEY);
    Observability existing = map.get(KEY);
    if (existing != null) {
      return existing;
    }
    Observability created = new Observability(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);
    existing = map.putIfAbsent(KEY, created);
    return existing != null ? existing : created;
  }

  /** Starts observing a request at the front door: its exchange, and for gRPC the whole call. */
  public Exchange begin(HttpServerRequest request, String requestId, boolean grpc) {
    String protocol = !grpc ? Exchange.REST
        : request.getHeader("content-type").startsWith("application/grpc-web") ? Exchange.GRPC_WEB : Exchange.GRPC;
    var remote = request.remoteAddress();
    var exchange = new Exchange(this, requestId, protocol, remote == null ? "-" : remote.toString(), OTHER);
    exchange.attach();
    if (grpc) {
      GrpcObservation.begin(request, exchange);
    }
    return exchange;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  CallMetrics metrics() {
    return metrics;
  }

  boolean accessLog() {
    return accessLog;
  }

  /** The pool listener that publishes the MongoDB connection pool gauges (mongodb_driver_pool_*). */
  public ConnectionPoolListener mongoPoolListener() {
    return new MongoMetricsConnectionPoolListener(registry);
  }

  /** Where the live-feed subscriber gauge reads its value (refreshed before each scrape). */
  public void feedSubscribers(Supplier<Future<Integer>> count) {
    metrics.subscriberCount(count);
  }

  /** The metrics in the Prometheus text format, with the asynchronous gauges brought up to date first. */
  Future<String> scrape() {
    return metrics.refresh().map(v -> registry.scrape());
  }
}
