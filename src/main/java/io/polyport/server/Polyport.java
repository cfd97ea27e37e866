package io.polyport.server;

import io.polyport.AppConfig;
import io.polyport.persistence.Coalescer;
import io.polyport.persistence.CursorStats;
import io.polyport.feed.FeedHub;
import io.polyport.feed.Feeds;
import io.polyport.ops.Ops;
import io.polyport.ops.Readiness;
import io.polyport.observe.Observability;
import io.polyport.persistence.ConnectionsInUse;
import io.polyport.persistence.MongoConnections;
import io.polyport.persistence.MongoUserRepository;
import io.polyport.persistence.UserChangeStream;
import io.polyport.persistence.UserRepository;
import io.polyport.persistence.embedded.EmbeddedMongo;
import io.polyport.rest.RestContract;
import io.polyport.rest.RestRouter;
import io.polyport.service.DefaultUserService;
import io.polyport.service.UserService;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The composition root: database (embedded or by URI), repository, service and the server verticles on
 * the one port. {@code Main} and the tests start the application the same way, through {@link #start}.
 */
public final class Polyport {
  private static final Logger LOG = LoggerFactory.getLogger(Polyport.class);

  private final Vertx vertx;
  private final AppConfig config;
  private final EmbeddedMongo embedded;
  private final MongoUserRepository repository;
  private final FeedHub hub;
  private final Readiness readiness;
  private final String deploymentId;
  private final List<ServerVerticle> verticles;
  private final int port;

  private Polyport(Vertx vertx, AppConfig config, EmbeddedMongo embedded, MongoUserRepository repository,
                   FeedHub hub, Readiness readiness, Deployed deployed) {
    this.vertx = vertx;
    this.config = config;
    this.embedded = embedded;
    this.repository = repository;
    this.hub = hub;
    this.readiness = readiness;
    this.deploymentId = deployed.id();
    this.verticles = deployed.verticles();
    this.port = deployed.port();
  }

  /** Starts everything; fails with a message naming what could not start. */
  public static Future<Polyport> start(Vertx vertx, AppConfig config) {
    Future<EmbeddedMongo> embedded = config.mongo().embedded()
        ? vertx.executeBlocking(() -> EmbeddedMongo.start(config.mongo().dataDir(), config.mongo().embeddedPort()), false)
        : Future.succeededFuture(null);
    return embedded.compose(db -> {
      String uri = db != null ? db.connectionString() : config.mongo().uri();
      Observability observability = Observability.of(vertx);
      var connections = new ConnectionsInUse();
      var client = MongoConnections.create(config.mongo(), uri, observability.mongoPoolListener(), connections);
      var repository = new MongoUserRepository(vertx, client, connections, config.mongo().database(),
          config.limits().listBatchSize(), config.mongo().inFlightPerLoop());
      var changes = new UserChangeStream(client, config.mongo().database());
      var hub = new FeedHub(vertx, changes, config.feed().history(), config.feed().queueSize());
      var readiness = new Readiness(vertx, repository::ping, config.health().interval(), config.health().timeout(),
          Clock.systemUTC());
      observability.feedSubscribers(hub::subscribers);
      observability.coalescing("read", repository.reads()::calls, repository.reads()::commands);
      observability.coalescing("create", repository.creates()::calls, repository.creates()::commands);
      return connect(vertx, config, uri, repository)
          .compose(v -> readiness.start())
          .compose(v -> Ops.create(vertx, readiness))
          .compose(ops -> {
            hub.start();
            return deploy(vertx, config, observability.traced(repository, config.mongo().database()),
                new Feeds(hub, Clock.systemUTC()), ops);
          })
          .map(deployed -> new Polyport(vertx, config, db, repository, hub, readiness, deployed))
          .onFailure(e -> {
            readiness.stop();
            hub.stop();
            repository.close();
            if (db != null) {
              vertx.executeBlocking(() -> {
                db.close();
                return null;
              }, false);
            }
          });
    });
  }

  private static Future<Void> connect(Vertx vertx, AppConfig config, String uri, UserRepository repository) {
    long timeout = config.mongo().startTimeout().toMillis();
    return repository.ensureIndexes()
        .timeout(timeout, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "cannot reach MongoDB at " + redact(uri) + " within " + timeout + " ms (" + e.getMessage() + ")", e)));
  }

  private record Deployed(String id, int port, List<ServerVerticle> verticles) {
  }

  private static Future<Deployed> deploy(Vertx vertx, AppConfig config, UserRepository repository, Feeds feeds,
                                         Ops ops) {
    UserService users = new DefaultUserService(repository, Clock.systemUTC(),
        new DefaultUserService.ImportLimits(config.limits().importBatchSize(), config.limits().importMaxRecords()), feeds);
    RestContract contract = RestContract.load();
    List<ServerVerticle> verticles = new CopyOnWriteArrayList<>();
    return RestRouter.openApi(vertx, contract).compose(openApi -> vertx.deployVerticle(() -> {
          var verticle = new ServerVerticle(config, users, contract, openApi, ops);
          verticles.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(config.http().instances())))
        .map(id -> new Deployed(id, verticles.get(0).port(), List.copyOf(verticles)));
  }

  private static String redact(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }

  public int port() {
    return port;
  }

  /** What the list cursors read and how many are open (for metrics and tests). */
  public CursorStats cursorStats() {
    return repository.cursorStats();
  }

  /** The by-id reads made and the finds that served them. */
  public Coalescer<?, ?> reads() {
    return repository.reads();
  }

  /** The creates made and the inserts that served them. */
  public Coalescer<?, ?> creates() {
    return repository.creates();
  }

  /** The live-feed hub (for metrics and tests). */
  public FeedHub hub() {
    return hub;
  }

  /** Whether the database answers (drives /health/ready and gRPC health). */
  public Readiness readiness() {
    return readiness;
  }

  public AppConfig config() {
    return config;
  }

  /** The embedded database's connection string, or the configured URI. */
  public String mongoUri() {
    return embedded != null ? embedded.connectionString() : config.mongo().uri();
  }

  /** Turns not ready, stops the servers, then the database connection, then the embedded database. */
  public Future<Void> stop() {
    readiness.stop();
    return hub.stop()
        // every instance's server at once: stop accepting, GOAWAY, let calls in flight finish within the grace
        .eventually(() -> Future.join(verticles.stream().map(ServerVerticle::shutdown).toList()))
        .eventually(() -> vertx.undeploy(deploymentId))
        .eventually(repository::close)
        .eventually(() -> embedded == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
          embedded.close();
          return null;
        }, false))
        .onComplete(ar -> LOG.info("stopped"))
        .mapEmpty();
  }
}
