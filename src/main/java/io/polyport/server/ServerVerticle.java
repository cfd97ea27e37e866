package io.polyport.server;

import io.polyport.AppConfig;
import io.polyport.grpc.FeedGrpcService;
import io.polyport.grpc.UserGrpcService;
import io.polyport.rest.RestContract;
import io.polyport.rest.RestRouter;
import io.polyport.service.UserService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;

/**
 * One instance per event loop, all listening on the same port: the front door sends
 * {@code application/grpc*} to the GrpcServer and everything else to the REST router.
 */
public final class ServerVerticle extends VerticleBase {
  private final AppConfig config;
  private final UserService users;
  private final RestContract contract;
  private HttpServer server;

  public ServerVerticle(AppConfig config, UserService users, RestContract contract) {
    this.config = config;
    this.users = users;
    this.contract = contract;
  }

  @Override
  public Future<?> start() {
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions()
        .setScheduleDeadlineAutomatically(true)
        .setDeadlinePropagation(true)
        .setMaxMessageSize(config.limits().grpcMaxMessageBytes()));
    new UserGrpcService(users, config.limits().grpcMaxMessageBytes()).bind(grpc);
    new FeedGrpcService(users, config.limits().grpcMaxMessageBytes()).bind(grpc);
    return RestRouter.create(vertx, config, contract, users).compose(router -> {
      server = vertx.createHttpServer(HttpOptions.server(config))
          .requestHandler(request -> dispatch(request, grpc, router));
      // a negative port shares one random port between all instances; 0 would give each its own
      int port = config.http().port() == 0 ? -1 : config.http().port();
      return server.listen(port, config.http().host());
    });
  }

  private static void dispatch(HttpServerRequest request, GrpcServer grpc, Router router) {
    String type = request.getHeader("content-type");
    if (type != null && type.startsWith("application/grpc")) {
      grpc.handle(request);
    } else {
      router.handle(request);
    }
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }
}
