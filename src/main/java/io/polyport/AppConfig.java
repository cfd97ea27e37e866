package io.polyport;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * All configuration, built and validated once at start from conf/config.json overridden by environment
 * variables (see the table in README.md). Immutable; handed to everything that needs a setting.
 */
public record AppConfig(Http http, Mongo mongo, Limits limits, Feed feed) {

  /** The one listening port. {@code instances} verticles (one per event loop) share it. */
  public record Http(String host, int port, int instances) {
  }

  /**
   * The database: {@code uri} null means start the embedded one in {@code dataDir} ("memory" keeps it in
   * memory) on loopback port {@code embeddedPort} (0 = any free port).
   */
  public record Mongo(String uri, String database, String dataDir, int embeddedPort,
                      Duration startTimeout, Duration timeout, int poolSize) {
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
   * {@code history} events are kept for resumes; SSE streams send a comment every {@code heartbeat}.
   */
  public record Feed(int queueSize, int history, Duration heartbeat) {
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
    int loops = 2 * Runtime.getRuntime().availableProcessors();
    var http = new Http(
        k.string("http.host", "HOST", "127.0.0.1"),
        k.integer("http.port", "PORT", 8080, 0, 65535),
        k.integer("http.instances", "HTTP_INSTANCES", loops, 1, 1024));
    String uri = k.raw("mongo.uri", "MONGO_URI").filter(s -> !s.isBlank()).orElse(null);
    var mongo = new Mongo(uri,
        database(k.string("mongo.database", "MONGO_DB", "polyport")),
        k.string("embedded.dataDir", "DATA_DIR", "./data"),
        k.integer("embedded.port", "EMBEDDED_MONGO_PORT", 0, 0, 65535),
        Duration.ofMillis(k.longValue("mongo.startTimeoutMs", "MONGO_START_TIMEOUT_MS", 10_000, 100, 600_000)),
        Duration.ofMillis(k.longValue("mongo.timeoutMs", "MONGO_TIMEOUT_MS", 2_000, 100, 600_000)),
        k.integer("mongo.poolSize", "MONGO_POOL_SIZE", 100, 1, 10_000));
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
    return new AppConfig(http, mongo, limits, feed);
  }

  private static String database(String name) {
    if (!name.matches("[A-Za-z0-9_-]{1,63}")) {
      throw ConfigKeys.bad("mongo.database", "MONGO_DB", name, "1-63 characters of [A-Za-z0-9_-]");
    }
    return name;
  }
}
