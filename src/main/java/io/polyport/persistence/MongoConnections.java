package io.polyport.persistence;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.ConnectionPoolListener;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import io.polyport.AppConfig;

import java.util.concurrent.TimeUnit;

/**
 * The process's one reactive driver client (the repository and the change stream share it): the connection
 * string's settings (hosts, credentials, TLS, read and write concern...), then the configured pool size and
 * timeouts over them, a pool listener (for the pool metrics) and a count of the commands in flight (so that
 * it is closed after they answer). The driver keeps its own transport (NIO.2 channels, its own threads): on
 * Netty channels sharing the Vert.x event loops, every BSON read went through Netty's composite-buffer
 * checks, and 1M-user lists ran 130-150k users/s against 165-181k on its own transport (unary calls and
 * imports the same either way; docs/benchmarks.md).
 */
public final class MongoConnections {
  /** The driver's shortest connect timeout: it is also the read limit of its heartbeats (see {@link #settings}). */
  static final long MIN_CONNECT_TIMEOUT_MS = 10_000;

  private MongoConnections() {
  }

  public static MongoClient create(AppConfig.Mongo config, String uri, ConnectionPoolListener poolListener,
                                   CommandsInFlight commands) {
    return MongoClients.create(MongoClientSettings.builder(settings(config, uri))
        .applyToConnectionPoolSettings(pool -> pool.addConnectionPoolListener(poolListener).addConnectionPoolListener(commands))
        .addCommandListener(commands)
        .build());
  }

  /**
   * The request timeout bounds server selection and the wait for a pooled connection; connecting gets at least
   * the driver's default 10 s, because the driver also uses the connect timeout as the read limit of its
   * heartbeats, and a heartbeat that misses it clears the pool, failing every operation in flight (with a 2 s
   * limit, a heartbeat answered late by a database busy with a 1M-user list did that).
   */
  static MongoClientSettings settings(AppConfig.Mongo config, String uri) {
    long timeout = config.timeout().toMillis();
    var connectionString = new ConnectionString(uri);
    return MongoClientSettings.builder()
        .applyConnectionString(connectionString)
        .applicationName(connectionString.getApplicationName() != null ? connectionString.getApplicationName() : "polyport")
        .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(timeout, TimeUnit.MILLISECONDS))
        .applyToConnectionPoolSettings(pool -> pool.maxSize(config.poolSize())
            .maxWaitTime(timeout, TimeUnit.MILLISECONDS))
        .applyToSocketSettings(socket -> socket.connectTimeout(Math.max(timeout, MIN_CONNECT_TIMEOUT_MS),
            TimeUnit.MILLISECONDS))
        .build();
  }
}
