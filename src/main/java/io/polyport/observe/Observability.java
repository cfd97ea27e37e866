package io.polyport.observe;

import com.mongodb.event.ConnectionPoolListener;
import io.micrometer.core.instrument.binder.mongodb.MongoMetricsConnectionPoolListener;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.polyport.AppConfig;
import io.polyport.persistence.UserRepository;
import io.polyport.support.VertxChannels;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.Shareable;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Metrics, traces and logs of one Vertx instance. {@link #vertx} is the one way the application builds
 * its Vertx (Main and the tests alike): with Micrometer metrics into a Prometheus registry of its own, the
 * OpenTelemetry tracer when tracing is on, and the log format of the configuration. Everything else finds
 * this object with {@link #of(Vertx)}.
 */
public final class Observability implements Shareable {
  /** The operation label of requests outside the contract (and before routing names them). */
  static final String OTHER = "other";
  private static final String KEY = "polyport.observability";

  private final PrometheusMeterRegistry registry;
  private final CallMetrics metrics;
  /** What the function counters read; they hold it weakly. */
  private final List<LongSupplier> sources = new CopyOnWriteArrayList<>();
  private final OpenTelemetrySdk otel;
  private final Tracer tracer;
  private final boolean accessLog;

  private Observability(PrometheusMeterRegistry registry, OpenTelemetrySdk otel, boolean accessLog) {
    this.registry = registry;
    this.metrics = new CallMetrics(registry);
    this.otel = otel;
    this.tracer = (otel == null ? TracerProvider.noop() : otel.getTracerProvider()).get("io.polyport");
    this.accessLog = accessLog;
  }

  /** The application's Vertx, observed as {@code config.telemetry()} says. */
  public static Vertx vertx(AppConfig config) {
    return vertx(config, null);
  }

  /**
   * The same with spans sent to {@code exporter} (when not null) instead of the configured OTLP endpoint:
   * tests pass an in-memory exporter here.
   */
  public static Vertx vertx(AppConfig config, SpanExporter exporter) {
    AppConfig.Telemetry telemetry = config.telemetry();
    LogFormat.apply(telemetry.jsonLogs());
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OpenTelemetrySdk otel = Tracing.sdk(telemetry, exporter);
    var metricsOptions = new MicrometerMetricsOptions()
        .setEnabled(true)
        // Vert.x keeps backend registries by name, process-wide: one name per instance
        .setRegistryName("polyport-" + UUID.randomUUID())
        .setJvmMetricsEnabled(true)
        // every call is in polyport_requests_seconds (with its gRPC status) and every connection in
        // polyport_connections; Vert.x's own per-request HTTP server meters cost about 5 µs a call on the
        // event loop to say the same again
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
    VertxBuilder builder = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metricsOptions).setEventLoopPoolSize(config.http().eventLoops()))
        .withMetrics(new MicrometerMetricsFactory(registry));
    if (otel != null) {
      builder.withTracer(new OpenTelemetryTracingFactory(otel));
    }
    Vertx vertx = builder.build();
    Observability observability = new Observability(registry, otel, telemetry.accessLog());
    vertx.sharedData().getLocalMap(KEY).put(KEY, observability);
    ((VertxInternal) vertx).addCloseHook(completion -> observability.close().onComplete(completion));
    return vertx;
  }

  /**
   * The observability of {@code vertx}; for a Vertx not built by {@link #vertx} (no Vert.x metrics, no
   * tracing), one that still counts the application's own meters.
   */
  public static Observability of(Vertx vertx) {
    var map = vertx.sharedData().<String, Observability>getLocalMap(KEY);
    Observability existing = map.get(KEY);
    if (existing != null) {
      return existing;
    }
    Observability created = new Observability(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null, false);
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
    Spans.requestId(requestId);
    if (grpc) {
      GrpcObservation.begin(request, exchange);
    }
    return exchange;
  }

  /**
   * Counts {@code connection} in {@code polyport_connections} until its channel closes. The channel, not the
   * connection's close handler: an HTTP/1.1 connection that becomes a WebSocket is handed to a new Vert.x
   * connection, and the first one never hears of the close.
   */
  public void connected(HttpConnection connection) {
    metrics.connectionOpened();
    var channel = VertxChannels.of(connection);
    if (channel != null) {
      channel.closeFuture().addListener(closed -> metrics.connectionClosed());
    } else {
      connection.closeHandler(v -> metrics.connectionClosed());
    }
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

  /** Whether spans are recorded (an OTLP endpoint or an exporter was given). */
  public boolean tracing() {
    return otel != null;
  }

  /** The pool listener that publishes the MongoDB connection pool gauges (mongodb_driver_pool_*). */
  public ConnectionPoolListener mongoPoolListener() {
    return new MongoMetricsConnectionPoolListener(registry);
  }

  /** The repository with a client span around each database call when tracing is on; else itself. */
  public UserRepository traced(UserRepository repository, String database) {
    return otel == null ? repository : new TracedUserRepository(repository, tracer, database);
  }

  /**
   * A kind of coalesced database call ("read", "create"): {@code polyport_db_calls_total{kind}} counts the calls,
   * {@code polyport_db_commands_total{kind}} the database commands that served them (fewer under load).
   */
  public void coalescing(String kind, LongSupplier calls, LongSupplier commands) {
    // a function counter holds its object weakly: the suppliers live as long as this
    sources.add(calls);
    sources.add(commands);
    FunctionCounter.builder("polyport_db_calls", calls, LongSupplier::getAsLong).tag("kind", kind)
        .description("database calls of this kind made by the service").register(registry);
    FunctionCounter.builder("polyport_db_commands", commands, LongSupplier::getAsLong).tag("kind", kind)
        .description("database commands that served them (calls arriving together share one)").register(registry);
  }

  /** Where the live-feed subscriber gauge reads its value (refreshed before each scrape). */
  public void feedSubscribers(Supplier<Future<Integer>> count) {
    metrics.subscriberCount(count);
  }

  /** The metrics in the Prometheus text format, with the asynchronous gauges brought up to date first. */
  Future<String> scrape() {
    return metrics.refresh().map(v -> registry.scrape());
  }

  /** Exports the spans ended so far (the batch processor otherwise sends them every few seconds). */
  public Future<Void> flushTraces() {
    return otel == null ? Future.succeededFuture() : completion(otel.getSdkTracerProvider().forceFlush());
  }

  private Future<Void> close() {
    registry.close();
    return otel == null ? Future.succeededFuture() : completion(otel.getSdkTracerProvider().shutdown());
  }

  private static Future<Void> completion(io.opentelemetry.sdk.common.CompletableResultCode code) {
    Promise<Void> done = Promise.promise();
    code.whenComplete(() -> {
      if (code.isSuccess()) {
        done.tryComplete();
      } else {
        done.tryFail("span export failed");
      }
    });
    return done.future();
  }
}
