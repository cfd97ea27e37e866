package io.polyport.server;

import io.polyport.AppConfig;
import io.polyport.auth.Authenticator;
import io.polyport.auth.OperationScopes;
import io.polyport.grpc.FeedGrpcService;
import io.polyport.grpc.HealthGrpcService;
import io.polyport.grpc.ReflectionGrpcService;
import io.polyport.grpc.UserGrpcService;
import io.polyport.ops.Ops;
import io.polyport.observe.Observability;
import io.polyport.rest.RestContract;
import io.polyport.rest.RestRouter;
import io.polyport.service.UserService;
import io.polyport.support.ConnectionKeepAlive;
import io.polyport.support.FlushBatching;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.openapi.contract.OpenAPIContract;

import java.util.concurrent.TimeUnit;

/**
 * One instance per event loop, all listening on the same port; the {@link FrontDoor} sends
 * {@code application/grpc*} to the GrpcServer and everything else to the REST router.
 */
public final class ServerVerticle extends VerticleBase {
  private final AppConfig config;
  private final UserService users;
  private final RestContract contract;
  private final OpenAPIContract openApi;
  private final OperationScopes scopes;
  private final Ops ops;
  private HttpServer server;

  public ServerVerticle(AppConfig config, UserService users, RestContract contract, OpenAPIContract openApi, Ops ops) {
    this.config = config;
    this.users = users;
    this.contract = contract;
    this.openApi = openApi;
    this.ops = ops;
    this.scopes = new OperationScopes(contract.json());
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions()
        .setScheduleDeadlineAutomatically(true)
        .setDeadlinePropagation(true)
        .setMaxMessageSize(config.limits().grpcMaxMessageBytes()));
    Authenticator auth = Authenticator.create(vertx, config.auth());
    bindGrpc(grpc, auth);
    return RestRouter.create(vertx, config, contract, openApi, users, auth, ops).compose(router -> {
      Observability observability = Observability.of(vertx);
      server = vertx.createHttpServer(HttpOptions.server(config))
          .connectionHandler(connection -> {
            observability.connected(connection);
            FlushBatching.install(connection, config.http().flushBatch());
          })
          .requestHandler(new FrontDoor(grpc, router, observability, config.http().compression()));
      // a negative port shares one random port between all instances; 0 would give each its own
      int port = config.http().port() == 0 ? -1 : config.http().port();
      return server.listen(port, config.http().host());
    });
  }

  private void bindGrpc(GrpcServer grpc, Authenticator auth) {
    long max = config.limits().grpcMaxMessageBytes();
    boolean compress = config.http().grpcCompression();
    new UserGrpcService(users, max, compress, auth, scopes).bind(grpc);
    new FeedGrpcService(users, max, compress, auth, scopes, new ConnectionKeepAlive(config.feedKeepAlive())).bind(grpc);
    new HealthGrpcService(ops.readiness(), ops.protos(), max).bind(grpc);
    new ReflectionGrpcService(ops.protos().services(), max).bind(grpc);
  }

  /**
   * Stops accepting, sends GOAWAY on HTTP/2 connections and lets requests in flight finish within the grace
   * period. The application calls it on every instance at once before undeploying (one instance shutting
   * down alone could cut connections another one still serves).
   */
  public Future<Void> shutdown() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(config.http().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> stop() {
    return shutdown();
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }
}
