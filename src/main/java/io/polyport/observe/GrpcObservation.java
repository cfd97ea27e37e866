package io.polyport.observe;

import com.google.protobuf.Descriptors;
import io.polyport.users.v1.UsersProto;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.impl.GrpcServerResponseImpl;

import java.util.HashMap;
import java.util.Map;

/**
 * The gRPC side of the front door: a call is named by its rpc (only the rpcs of the contract; any other
 * path is "unknown"), and recorded when its HTTP response ends, with its gRPC status. Vert.x's own HTTP
 * server metrics (turned off, see {@link Observability}) saw every call as a POST answered 200, whatever its
 * status, hence this.
 */
public final class GrpcObservation {
  static final String UNKNOWN = "unknown";
  private static final Map<String, Rpc> RPCS = rpcs();

  private record Rpc(String service, String method, boolean streaming) {
  }

  private GrpcObservation() {
  }

  private static Map<String, Rpc> rpcs() {
    Map<String, Rpc> rpcs = new HashMap<>();
    for (Descriptors.ServiceDescriptor service : UsersProto.getDescriptor().getServices()) {
      for (Descriptors.MethodDescriptor m : service.getMethods()) {
        rpcs.put("/" + service.getFullName() + "/" + m.getName(),
            new Rpc(service.getFullName(), m.getName(), m.isClientStreaming() || m.isServerStreaming()));
      }
    }
    return rpcs;
  }

  static void begin(HttpServerRequest request, Exchange exchange) {
    Rpc rpc = RPCS.get(request.path());
    if (rpc == null) {
      exchange.operation(UNKNOWN, false);
    } else {
      exchange.operation(rpc.method(), rpc.streaming());
      Spans.grpc(rpc.service(), rpc.method());
    }
    HttpServerResponse http = request.response();
    // called when the response ends, and when the stream closes before (cancel, reset, disconnect)
    http.endHandler(v -> exchange.finish(status(exchange, http)));
  }

  /**
   * Lets the exchange read the call's final status from the gRPC response itself: gRPC-Web sends it in
   * the body, where the HTTP layer cannot see it. The rpc handlers call this first.
   */
  public static void call(GrpcServerRequest<?, ?> request) {
    Exchange exchange = Exchange.current();
    if (exchange != null) {
      exchange.grpcResponse = request.response();
    }
  }

  private static String status(Exchange exchange, HttpServerResponse http) {
    if (exchange.grpcResponse instanceof GrpcServerResponseImpl<?, ?> response) {
      // a stream reset at its deadline (see OpenStreamResponse) carries the deadline's status
      boolean deadline = response.status() == GrpcStatus.DEADLINE_EXCEEDED;
      return http.ended() || deadline ? response.status().name() : GrpcStatus.CANCELLED.name();
    }
    if (!http.ended()) {
      return GrpcStatus.CANCELLED.name();
    }
    // answered before any rpc handler ran (unknown method, refused protocol): the status is in the headers
    String code = http.headers().get("grpc-status");
    if (code == null) {
      code = http.trailers().get("grpc-status");
    }
    try {
      return code == null ? GrpcStatus.UNKNOWN.name() : GrpcStatus.valueOf(Integer.parseInt(code)).name();
    } catch (RuntimeException e) {
      return GrpcStatus.UNKNOWN.name();
    }
  }
}
