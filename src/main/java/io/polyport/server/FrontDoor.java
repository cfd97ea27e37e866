package io.polyport.server;

import io.polyport.observe.Observability;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.grpc.server.GrpcServer;

import java.util.UUID;

/**
 * The one entry of every request on the port: gives it a request id (the client's x-request-id, else a
 * new one, echoed in the response) and starts observing it (metrics, access log, span name), then sends
 * gRPC (and gRPC-Web) to the GrpcServer and the rest to the router.
 */
final class FrontDoor implements Handler<HttpServerRequest> {
  static final String REQUEST_ID = "x-request-id";
  private final GrpcServer grpc;
  private final Router router;
  private final Observability observability;

  FrontDoor(GrpcServer grpc, Router router, Observability observability) {
    this.grpc = grpc;
    this.router = router;
    this.observability = observability;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String id = request.getHeader(REQUEST_ID);
    if (id == null || id.isBlank() || id.length() > 128) {
      id = UUID.randomUUID().toString();
    }
    request.response().putHeader(REQUEST_ID, id);
    boolean grpcCall = isGrpc(request);
    observability.begin(request, id, grpcCall);
    if (grpcCall) {
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
