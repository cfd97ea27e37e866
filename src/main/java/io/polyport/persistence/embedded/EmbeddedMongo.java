package io.polyport.persistence.embedded;

import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The default database: mongo-java-server in this process on a loopback port, reached by the real driver over
 * TCP exactly as it would reach a MongoDB server. With a data directory, documents are kept in the H2 file
 * {@code polyport.mv.db} there, and every write command is committed to the file before it is acknowledged (an
 * acknowledged write survives the process being killed); with "memory", in mongo-java-server's memory backend.
 *
 * <p>Change streams are served from an in-memory oplog of the last {@link EmbeddedOptions#oplogSize()} changes:
 * insert, update, replace and delete events (also from findAndModify) with the documents after and before the
 * change, drops, resume tokens, {@code postBatchResumeToken}, and getMores that await data for their
 * {@code maxTimeMS} instead of answering at once. The oplog does not survive a restart: a resume token from
 * before one fails with ChangeStreamHistoryLost (286), as does one older than the oldest change kept.
 */
public final class EmbeddedMongo implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);
  public static final String MEMORY = "memory";
  private static final String FILE_NAME = "polyport.mv.db";

  private final WireServer server;
  private final EmbeddedBackend backend;
  private final int port;
  private boolean closed;

  private EmbeddedMongo(WireServer server, EmbeddedBackend backend, int port) {
    this.server = server;
    this.backend = backend;
    this.port = port;
  }

  /** {@link #start(String, int, EmbeddedOptions)} with the default options. */
  public static EmbeddedMongo start(String dataDir, int port) {
    return start(dataDir, port, EmbeddedOptions.defaults());
  }

  /**
   * Opens the store and listens on 127.0.0.1:{@code port} (0 = any free port). Blocking: call off the event loop.
   *
   * @param dataDir the directory of the H2 file (created if missing), or "memory"
   */
  public static EmbeddedMongo start(String dataDir, int port, EmbeddedOptions options) {
    EmbeddedBackend backend = MEMORY.equals(dataDir)
        ? new MemoryStore(options.oplogSize())
        : h2Store(dataDir, options.oplogSize());
    backend.enableOplog();
    WireServer server = new WireServer(backend);
    int boundPort;
    try {
      boundPort = server.listen(port);
    } catch (RuntimeException e) {
      server.close();
      backend.close();
      throw new IllegalStateException("the embedded database cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    LOG.info("embedded database listening on 127.0.0.1:{} (data: {})", boundPort,
        MEMORY.equals(dataDir) ? "in memory" : Path.of(dataDir).toAbsolutePath().normalize());
    return new EmbeddedMongo(server, backend, boundPort);
  }

  private static H2Store h2Store(String dataDir, int oplogSize) {
    MVStore store = openStore(dataDir);
    try {
      return new H2Store(store, oplogSize);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static MVStore openStore(String dataDir) {
    Path dir = Path.of(dataDir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir.toAbsolutePath(), e);
    }
    Path file = dir.resolve(FILE_NAME);
    try {
      return new MVStore.Builder().fileName(file.toString()).open();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open the database file " + file.toAbsolutePath()
          + " (is another Polyport using this DATA_DIR?): " + e.getMessage(), e);
    }
  }

  public String connectionString() {
    return "mongodb://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * Stops listening and closes every client connection; the data and the oplog stay. Clients fail until
   * {@link #resume()}. Blocking. Meant for fault tests.
   */
  public synchronized void suspend() {
    server.suspend();
  }

  /**
   * Holds every data command (connections stay open, pings answer) until {@link #unstall()}: a slow
   * database rather than a gone one. Meant for fault tests.
   */
  public void stall() {
    server.stall(true);
  }

  /** How many commands have been held by {@link #stall()} so far. */
  public long heldCommands() {
    return server.heldCommands();
  }

  /** Passes the held commands on, in order. */
  public void unstall() {
    server.stall(false);
  }

  /** Listens again on the same port after {@link #suspend()}. Blocking. */
  public synchronized void resume() {
    server.resume();
  }

  /** Stops listening, closes the connections, then commits and closes the store. Blocking; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.close();
    } finally {
      backend.close();
    }
  }
}
