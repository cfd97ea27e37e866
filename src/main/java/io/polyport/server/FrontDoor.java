package io.polyport.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.grpc.server.GrpcServer;

import java.util.UUID;

/**
 * The one entry of every request on the port: gives it a request id (the client's x-request-id, else a
 * new one, echoed in the response), then sends gRPC (and gRPC-Web) to the GrpcServer and the rest to the router.
 */
final class FrontDoor implements Handler<HttpServerRequest> {
  static final String REQUEST_ID = "x-request-id";
  private final GrpcServer grpc;
  private final Router router;

  FrontDoor(GrpcServer grpc, Router router) {
    this.grpc = grpc;
    this.router = router;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String id = request.getHeader(REQUEST_ID);
    if (id == null || id.isBlank() || id.length() > 128) {
      id = UUID.randomUUID().toString();
    }
    request.response().putHeader(REQUEST_ID, id);
    if (isGrpc(request)) {
      // gRPC compresses per message (grpc-encoding), never with HTTP content-encoding
      request.response().putHeader("content-encoding", "identity");
      grpc.handle(request);
    } else {
      router.handle(request);
    }
  }

  static boolean isGrpc(HttpServerRequest request) {
    String type = request.getHeader("content-type");
    return type != null && type.startsWith("application/grpc");
  }
}
