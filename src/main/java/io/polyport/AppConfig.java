package io.polyport;

import io.polyport.support.FlushBatching;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * All configuration, built and validated once at start from conf/config.json overridden by environment
 * variables (see the table in README.md). Immutable; handed to everything that needs a setting.
 */
public record AppConfig(Http http, Mongo mongo, Limits limits, Feed feed, Tls tls, Auth auth, Telemetry telemetry,
                        Health health) {

  /**
   * The one listening port. {@code instances} verticles (one per event loop) share it. HTTP/2 limits and
   * timeouts apply to every protocol on it; {@code compression}: gzip REST answers when the client accepts it
   * (GzipResponse, from GZIP_MIN_BYTES, at GZIP_LEVEL);
   * {@code grpcCompression}: gzip gRPC server streams when the client accepts it (off by default, as in
   * grpc-java: clients accept gzip by default, and it costs more CPU than a stream on a fast network saves);
   * {@code shutdownGrace} is how long unary calls in flight may
   * finish after SIGTERM; {@code flushBatch}: up to this many flushes of one connection made in one event-loop
   * turn leave as one system call (0 = flush every write); {@code eventLoops}: Vert.x event loops (default
   * twice the cores this process may use; the database connections have the driver's own threads).
   */
  public record Http(String host, int port, int instances, int maxHeaderBytes, int maxConcurrentStreams,
                     Duration idleTimeout, boolean compression, boolean grpcCompression, Duration shutdownGrace,
                     int flushBatch, int eventLoops) {
    /** REST answers smaller than this are never gzipped (gzip costs more than it saves on a single user). */
    public static final int GZIP_MIN_BYTES = 1024;
    /** gzip level of REST answers: 1 keeps the CPU of a compressed list stream low at a ratio near the default's. */
    public static final int GZIP_LEVEL = 1;

    public boolean loopbackOnly() {
      return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }
  }

  /** TLS on the one port (ALPN h2 + http/1.1): PEM certificate and key, or a PKCS12 keystore. Off when unset. */
  public record Tls(String certPath, String keyPath, String keystorePath, String keystorePassword) {
    public boolean enabled() {
      return certPath != null || keystorePath != null;
    }
  }

  /**
   * Authentication: {@code mode} JWT checks bearer tokens (HS256 {@code secret} or an RS256/ES256
   * {@code publicKeyPath}; issuer and audience when set); NONE lets every call in. {@code protectMetrics}
   * puts GET /metrics behind the users:read scope.
   */
  public record Auth(Mode mode, String secret, String publicKeyPath, String issuer, String audience,
                     boolean protectMetrics) {
    public enum Mode { JWT, NONE }

    public boolean enabled() {
      return mode == Mode.JWT;
    }
  }

  /**
   * Logs and traces: an access log line per request, JSON log lines, spans exported over OTLP/HTTP to
   * {@code otlpEndpoint} (the collector's base URL; no tracing at all when unset) as {@code serviceName}.
   */
  public record Telemetry(boolean accessLog, boolean jsonLogs, String otlpEndpoint, String serviceName) {
  }

  /**
   * The database: {@code uri} null means start the embedded one in {@code dataDir} ("memory" keeps it in
   * memory) on loopback port {@code embeddedPort} (0 = any free port).
   */
  public record Mongo(String uri, String database, String dataDir, int embeddedPort,
                      Duration startTimeout, Duration timeout, int poolSize, int inFlightPerLoop, int ioThreads) {
    /**
     * Threads that poll the driver's sockets and complete its replies (process-wide; see MongoConnections): one
     * has no hand-over of the poll between threads, the fewest wake-ups per call (measured on 2 cores only).
     */
    public static final int DEFAULT_IO_THREADS = 1;

    public boolean embedded() {
      return uri == null;
    }
  }

  /** Sizes and counts that bound what one request may cost. */
  public record Limits(int grpcMaxMessageBytes, long restMaxBodyBytes, int importBatchSize,
                       long importMaxRecords, int importMaxLineBytes, int listBatchSize) {
  }

  /**
   * Live feeds: each subscriber may fall {@code queueSize} events behind before it is ended; the last
   * {@code history} events are kept for resumes; an open feed shows it is alive every {@code heartbeat} at most
   * (see {@link AppConfig#feedKeepAlive}).
   */
  public record Feed(int queueSize, int history, Duration heartbeat) {
  }

  /**
   * How often an open live feed shows that it is alive, however quiet it is: an SSE comment, a WebSocket ping, an
   * HTTP/2 PING on the connection of a gRPC feed. {@code feed.heartbeat} (for proxies), but at most a third of
   * the idle timeout, which closes a connection after that long without a byte either way: a keep-alive may come
   * late, or one go unanswered, and the connection still stays open.
   */
  public Duration feedKeepAlive() {
    Duration idle = http.idleTimeout();
    if (idle.isZero()) {
      return feed.heartbeat();
    }
    Duration third = idle.dividedBy(3);
    return third.compareTo(feed.heartbeat()) < 0 ? third : feed.heartbeat();
  }

  /**
   * Readiness: the database is pinged every {@code interval} (and on demand by a probe when the last answer
   * is older than that); a ping not answered within {@code timeout} counts as down.
   */
  public record Health(Duration interval, Duration timeout) {
  }

  /** Reads {@code file} (if it exists) and the process environment. */
  public static AppConfig load(Path file) {
    JsonObject json = new JsonObject();
    try {
      if (file != null && Files.exists(file)) {
        json = new JsonObject(Files.readString(file));
      }
    } catch (Exception e) {
      throw new IllegalArgumentException("config file " + file + " is not valid JSON: " + e.getMessage(), e);
    }
    return from(json, System.getenv());
  }

  /** Builds the configuration from a JSON document (keys as in conf/config.json) and an environment. */
  public static AppConfig from(JsonObject json, Map<String, String> env) {
    var k = new ConfigKeys(json, env);
    // Vert.x's 2 x cores. One per core was faster for unary calls on a server pinned to one core (11 of 12 paired
    // GetUser measurements) but slower for 1M-user gRPC lists on two shared cores (2 of 2 pairs): docs/benchmarks.md
    int loops = k.integer("http.eventLoops", "EVENT_LOOPS", 2 * Runtime.getRuntime().availableProcessors(), 1, 1024);
    var http = new Http(
        k.string("http.host", "HOST", "127.0.0.1"),
        k.integer("http.port", "PORT", 8080, 0, 65535),
        k.integer("http.instances", "HTTP_INSTANCES", loops, 1, 1024),
        k.integer("http.maxHeaderBytes", "MAX_HEADER_BYTES", 8192, 1024, 1024 * 1024),
        k.integer("http.maxConcurrentStreams", "MAX_CONCURRENT_STREAMS", 1000, 1, 100_000),
        Duration.ofSeconds(k.integer("http.idleTimeoutSeconds", "IDLE_TIMEOUT_SECONDS", 300, 0, 86_400)),
        k.bool("http.compression", "COMPRESSION", true),
        k.bool("http.grpcCompression", "GRPC_COMPRESSION", false),
        Duration.ofMillis(k.longValue("http.shutdownGraceMs", "SHUTDOWN_GRACE_MS", 10_000, 0, 600_000)),
        k.integer("http.flushBatch", "HTTP_FLUSH_BATCH", FlushBatching.DEFAULT_MAX_FLUSHES, 0, 65_536),
        loops);
    String uri = k.raw("mongo.uri", "MONGO_URI").filter(s -> !s.isBlank()).orElse(null);
    var mongo = new Mongo(uri,
        database(k.string("mongo.database", "MONGO_DB", "polyport")),
        k.string("embedded.dataDir", "DATA_DIR", "./data"),
        k.integer("embedded.port", "EMBEDDED_MONGO_PORT", 0, 0, 65535),
        Duration.ofMillis(k.longValue("mongo.startTimeoutMs", "MONGO_START_TIMEOUT_MS", 10_000, 100, 600_000)),
        Duration.ofMillis(k.longValue("mongo.timeoutMs", "MONGO_TIMEOUT_MS", 2_000, 100, 600_000)),
        k.integer("mongo.poolSize", "MONGO_POOL_SIZE", 100, 1, 10_000),
        k.integer("mongo.inFlightPerLoop", "MONGO_IN_FLIGHT_PER_LOOP", 2, 0, 10_000),
        k.integer("mongo.ioThreads", "MONGO_IO_THREADS", Mongo.DEFAULT_IO_THREADS, 1, 256));
    var limits = new Limits(
        k.integer("limits.grpcMaxMessageBytes", "GRPC_MAX_MESSAGE_BYTES", 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
        k.longValue("limits.restMaxBodyBytes", "REST_MAX_BODY_BYTES", 1024 * 1024, 1024, 64L * 1024 * 1024),
        k.integer("limits.importBatchSize", "IMPORT_BATCH_SIZE", 1000, 1, 100_000),
        k.longValue("limits.importMaxRecords", "IMPORT_MAX_RECORDS", 10_000_000, 1, Integer.MAX_VALUE),
        k.integer("limits.importMaxLineBytes", "IMPORT_MAX_LINE_BYTES", 64 * 1024, 256, 16 * 1024 * 1024),
        k.integer("limits.listBatchSize", "LIST_BATCH_SIZE", 1000, 1, 100_000));
    var feed = new Feed(
        k.integer("feed.queueSize", "FEED_QUEUE_SIZE", 1000, 1, 1_000_000),
        k.integer("feed.history", "FEED_HISTORY", 10_000, 1, 10_000_000),
        Duration.ofMillis(k.longValue("feed.heartbeatMs", "SSE_HEARTBEAT_MS", 15_000, 10, 3_600_000)));
    if (feed.history() < feed.queueSize()) {
      throw ConfigKeys.bad("feed.history", "FEED_HISTORY", String.valueOf(feed.history()),
          "at least feed.queueSize (" + feed.queueSize() + ")");
    }
    var tls = new Tls(
        k.raw("tls.cert", "TLS_CERT").orElse(null),
        k.raw("tls.key", "TLS_KEY").orElse(null),
        k.raw("tls.keystore", "TLS_KEYSTORE").orElse(null),
        k.raw("tls.keystorePassword", "TLS_KEYSTORE_PASSWORD").orElse(null));
    if ((tls.certPath() == null) != (tls.keyPath() == null)) {
      throw ConfigKeys.bad("tls.cert / tls.key", "TLS_CERT / TLS_KEY", "only one of them", "both, or neither");
    }
    if (tls.certPath() != null && tls.keystorePath() != null) {
      throw ConfigKeys.bad("tls.keystore", "TLS_KEYSTORE", tls.keystorePath(), "unset when tls.cert/tls.key are set");
    }
    var auth = auth(k, http);
    var telemetry = new Telemetry(
        k.bool("telemetry.accessLog", "ACCESS_LOG", false),
        k.bool("telemetry.jsonLogs", "JSON_LOGS", false),
        k.raw("telemetry.otlpEndpoint", "OTEL_EXPORTER_OTLP_ENDPOINT").orElse(null),
        k.string("telemetry.serviceName", "OTEL_SERVICE_NAME", "polyport"));
    var health = new Health(
        Duration.ofMillis(k.longValue("health.intervalMs", "HEALTH_INTERVAL_MS", 5_000, 10, 3_600_000)),
        Duration.ofMillis(k.longValue("health.timeoutMs", "HEALTH_TIMEOUT_MS", 1_000, 10, 60_000)));
    if (telemetry.otlpEndpoint() != null && !telemetry.otlpEndpoint().matches("https?://[^/\\s]+.*")) {
      throw ConfigKeys.bad("telemetry.otlpEndpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", telemetry.otlpEndpoint(),
          "the http(s) URL of an OTLP/HTTP collector, such as http://localhost:4318");
    }
    return new AppConfig(http, mongo, limits, feed, tls, auth, telemetry, health);
  }

  /**
   * Secure by default: with a key, JWT; without one, no authentication but only on loopback. Listening
   * elsewhere without authentication needs an explicit auth.mode=none.
   */
  private static Auth auth(ConfigKeys k, Http http) {
    String secret = k.raw("auth.secret", "JWT_SECRET").orElse(null);
    String publicKey = k.raw("auth.publicKey", "JWT_PUBLIC_KEY").orElse(null);
    String mode = k.raw("auth.mode", "AUTH_MODE").orElse(null);
    boolean keyed = secret != null || publicKey != null;
    Auth.Mode chosen;
    if (mode == null) {
      chosen = keyed ? Auth.Mode.JWT : Auth.Mode.NONE;
      if (!keyed && !http.loopbackOnly()) {
        throw ConfigKeys.bad("http.host", "HOST", http.host(), "a loopback address while no JWT key is configured"
            + " (set JWT_SECRET or JWT_PUBLIC_KEY, or AUTH_MODE=none to serve without authentication)");
      }
    } else {
      chosen = switch (mode.toLowerCase()) {
        case "jwt" -> Auth.Mode.JWT;
        case "none" -> Auth.Mode.NONE;
        default -> throw ConfigKeys.bad("auth.mode", "AUTH_MODE", mode, "jwt or none");
      };
      if (chosen == Auth.Mode.JWT && !keyed) {
        throw ConfigKeys.bad("auth.mode", "AUTH_MODE", mode, "none, unless JWT_SECRET or JWT_PUBLIC_KEY is set");
      }
    }
    if (secret != null && publicKey != null) {
      throw ConfigKeys.bad("auth.secret", "JWT_SECRET", "set", "unset when JWT_PUBLIC_KEY is set (one key)");
    }
    return new Auth(chosen, secret, publicKey, k.raw("auth.issuer", "JWT_ISSUER").orElse(null),
        k.raw("auth.audience", "JWT_AUDIENCE").orElse(null), k.bool("auth.protectMetrics", "PROTECT_METRICS", false));
  }

  private static String database(String name) {
    if (!name.matches("[A-Za-z0-9_-]{1,63}")) {
      throw ConfigKeys.bad("mongo.database", "MONGO_DB", name, "1-63 characters of [A-Za-z0-9_-]");
    }
    return name;
  }
}
