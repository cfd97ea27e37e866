package io.polyport.persistence;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.ConnectionPoolListener;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import io.polyport.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The process's one reactive driver client (the repository and the change stream share it): the connection
 * string's settings (hosts, credentials, TLS, read and write concern...), then the configured pool size and
 * timeouts over them, a pool listener (for the pool metrics) and a count of the connections in use (so
 * that it is closed after their commands answer). The driver keeps its own transport (NIO.2 channels, its own
 * threads): on Netty channels sharing the Vert.x event loops, every BSON read went through Netty's
 * composite-buffer checks, and 1M-user lists ran 130-150k users/s against 165-181k on its own transport (unary
 * calls and imports the same either way; docs/benchmarks.md). Its replies are completed on the threads that
 * poll for them ({@link #completeWherePolled}).
 */
public final class MongoConnections {
  private static final Logger LOG = LoggerFactory.getLogger(MongoConnections.class);
  /** The JDK's settings of its default NIO.2 channel group (see {@link #completeWherePolled}). */
  private static final String INTERNAL_THREADS = "sun.nio.ch.internalThreadPoolSize";
  private static final String POOL_THREADS = "java.nio.channels.DefaultThreadPool.initialSize";
  /** The driver's shortest connect timeout: it is also the read limit of its heartbeats (see {@link #settings}). */
  static final long MIN_CONNECT_TIMEOUT_MS = 10_000;

  private MongoConnections() {
  }

  public static MongoClient create(AppConfig.Mongo config, String uri, ConnectionPoolListener poolListener,
                                   ConnectionsInUse connections) {
    completeWherePolled(config.ioThreads());
    return MongoClients.create(clientSettings(config, uri, poolListener, connections));
  }

  /**
   * {@link #settings} with the listeners: on the pool only. A command listener would make the driver copy every
   * command and every reply into its events (about 3 µs of a GetUser's CPU; docs/benchmarks.md).
   */
  static MongoClientSettings clientSettings(AppConfig.Mongo config, String uri, ConnectionPoolListener poolListener,
                                            ConnectionsInUse connections) {
    return MongoClientSettings.builder(settings(config, uri))
        .applyToConnectionPoolSettings(pool -> pool.addConnectionPoolListener(poolListener).addConnectionPoolListener(connections))
        .build();
  }

  /**
   * The driver's NIO.2 channels live in the JVM's default channel group. Left as it is, that group has an
   * internal thread that polls too and hands each completion it picks up to another thread of its pool: one more
   * thread wake-up on a reply, on the path of every database call. With no internal thread and {@code threads}
   * pool threads, the thread that polls a reply completes it (a 1x1 GetUser's driver I/O threads cost 43 µs
   * instead of 59 in a profile; docs/benchmarks.md). A write that completes at once on the driver's own
   * connection-checkout thread is still handed to a pool thread, which that thread is not.
   * <ul>
   * <li>The settings are the JDK's ({@code sun.nio.ch.internalThreadPoolSize} an OpenJDK internal one), read when
   * the process makes its first channel group, so they hold for the whole process; one given with -D is left as
   * it is (and a warning logged).</li>
   * <li>Every reply of every connection is completed on these threads, its decoding and the driver's heartbeats
   * included: nothing run on them may block (Polyport's subscribers only hand results to their event loop).</li>
   * <li>A channel group made with {@code AsynchronousChannelGroup.withThreadPool} (as the driver does when given
   * its own executor in {@code TransportSettings}) polls only with internal threads, so it would never complete
   * anything in this process: nothing here makes one.</li>
   * <li>TLS connections use the driver's own TLS channels and selector thread: the settings do not touch them.</li>
   * </ul>
   */
  public static void completeWherePolled(int threads) {
    setIfAbsent(INTERNAL_THREADS, "0");
    setIfAbsent(POOL_THREADS, Integer.toString(threads));
    if ("0".equals(System.getProperty(INTERNAL_THREADS)) && !polling(System.getProperty(POOL_THREADS))) {
      // the group would have no thread polling: the driver could not even connect
      throw new IllegalStateException(POOL_THREADS + "=" + System.getProperty(POOL_THREADS) + " with " + INTERNAL_THREADS
          + "=0 leaves the database connections unpolled: give it at least 1 (or leave both to mongo.ioThreads)");
    }
  }

  /** Whether the default group gets polling threads from this initial size (the JDK reads it with decode; negative = cores). */
  private static boolean polling(String initialSize) {
    try {
      return Integer.decode(initialSize.trim()) != 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void setIfAbsent(String property, String value) {
    String given = System.getProperty(property);
    if (given == null) {
      System.setProperty(property, value);
    } else if (!given.equals(value)) {
      LOG.warn("{} is {} (given with -D or by an earlier client), not {}: the driver's threads are as it says",
          property, given, value);
    }
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
