package io.polyport.persistence;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The default database: mongo-java-server in this process on a loopback port, with its H2 backend in
 * {@code dataDir} (or in memory when dataDir is "memory"), oplog enabled for change streams. The
 * application reaches it through the real driver over TCP, exactly as it would reach a MongoDB server.
 * Every write command is committed to the file before it is acknowledged, so an acknowledged write
 * survives the process being killed.
 */
public final class EmbeddedMongo implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMongo.class);
  public static final String MEMORY = "memory";

  private final MongoServer server;
  private final H2Backend backend;
  private final InetSocketAddress address;

  private EmbeddedMongo(MongoServer server, H2Backend backend, InetSocketAddress address) {
    this.server = server;
    this.backend = backend;
    this.address = address;
  }

  /** Opens the store and listens on 127.0.0.1:{@code port} (0 = any free port). Blocking: call off the event loop. */
  public static EmbeddedMongo start(String dataDir, int port) {
    H2Backend backend = new CommittingH2Backend(openStore(dataDir));
    MongoServer server = new MongoServer(backend);
    server.enableOplog();
    try {
      server.bind("127.0.0.1", port);
    } catch (RuntimeException e) {
      backend.close();
      throw new IllegalStateException("the embedded database cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    InetSocketAddress address = server.getLocalAddress();
    LOG.info("embedded database listening on 127.0.0.1:{} (data: {})", address.getPort(),
        MEMORY.equals(dataDir) ? "in memory" : Path.of(dataDir).toAbsolutePath().normalize());
    return new EmbeddedMongo(server, backend, address);
  }

  private static MVStore openStore(String dataDir) {
    if (MEMORY.equals(dataDir)) {
      return new MVStore.Builder().open();
    }
    Path dir = Path.of(dataDir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dir.toAbsolutePath(), e);
    }
    Path file = dir.resolve("polyport.mv.db");
    try {
      return new MVStore.Builder().fileName(file.toString()).open();
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot open the database file " + file.toAbsolutePath()
          + " (is another Polyport using this DATA_DIR?): " + e.getMessage(), e);
    }
  }

  public String connectionString() {
    return "mongodb://127.0.0.1:" + address.getPort();
  }

  public int port() {
    return address.getPort();
  }

  /** Stops listening, closes the connections and commits and closes the store. Blocking. */
  @Override
  public void close() {
    server.shutdownNow();
    backend.close();
  }

  /** Commits the store after each command that changes data, before the answer is sent. */
  private static final class CommittingH2Backend extends H2Backend {
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify",
        "createindexes", "dropindexes", "drop", "create", "renamecollection");

    CommittingH2Backend(MVStore store) {
      super(store);
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
      try {
        return super.handleCommand(channel, databaseName, command, query);
      } finally {
        if (WRITES.contains(command.toLowerCase(Locale.ROOT))) {
          commit();
        }
      }
    }
  }
}
