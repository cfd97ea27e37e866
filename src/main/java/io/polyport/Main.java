package io.polyport;

import io.polyport.observe.Observability;
import io.polyport.server.Polyport;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Loads the configuration, starts Polyport and logs the address; stops it cleanly on SIGTERM. */
@Command(name = "polyport", mixinStandardHelpOptions = true, subcommands = TokenCommand.class,
    description = "REST and gRPC on one port, from one service layer, over MongoDB.")
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Option(names = {"-c", "--config"}, scope = CommandLine.ScopeType.INHERIT,
      description = "configuration file (default: ${DEFAULT-VALUE})")
  Path configFile = Path.of("conf/config.json");

  public static void main(String[] args) {
    int exit = new CommandLine(new Main()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() {
    AppConfig config;
    try {
      config = AppConfig.load(configFile);
    } catch (IllegalArgumentException e) {
      LOG.error("bad configuration: {}", e.getMessage());
      return 2;
    }
    Vertx vertx = Observability.vertx(config);
    AtomicReference<Polyport> running = new AtomicReference<>();
    // registered before the start, so a SIGTERM during start-up also closes what was opened
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx, running.get()), "polyport-shutdown"));
    Polyport app;
    try {
      app = Polyport.start(vertx, config).await();
      running.set(app);
    } catch (Exception e) {
      LOG.error("cannot start: {}", e.getMessage());
      vertx.close();
      return 1;
    }
    LOG.info("Polyport listening on {}://{}:{} (REST and gRPC){}", config.tls().enabled() ? "https" : "http",
        config.http().host(), app.port(), config.mongo().embedded() ? ", embedded database at " + app.mongoUri() : "");
    if (!config.auth().enabled()) {
      if (config.http().loopbackOnly()) {
        LOG.info("authentication is off, so Polyport listens on loopback only (set JWT_SECRET or JWT_PUBLIC_KEY to require tokens)");
      } else {
        LOG.warn("authentication is off (AUTH_MODE=none) on {}: every client may read and write", config.http().host());
      }
    }
    return 0;
  }

  /** SIGTERM: the application's graceful stop (GOAWAY, grace period, live streams ended, database last), then Vert.x. */
  private static void stop(Vertx vertx, Polyport app) {
    if (app != null) {
      try {
        app.stop().await(app.config().http().shutdownGrace().toMillis() + 20_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown: {}", e.getMessage());
      }
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("closing Vert.x: {}", e.getMessage());
    }
  }
}
