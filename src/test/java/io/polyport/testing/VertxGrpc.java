package io.polyport.testing;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Calls through the Vert.x gRPC client's raw API, so that a failure carries its status AND message
 * (the generated client drops the message).
 */
public final class VertxGrpc {
  private final GrpcClient client;
  private final SocketAddress server;

  public VertxGrpc(GrpcClient client, SocketAddress server) {
    this.client = client;
    this.server = server;
  }

  /** A non-OK status as an exception. */
  public static final class Failure extends RuntimeException {
    public final GrpcStatus status;

    Failure(GrpcStatus status, String message) {
      super(status.name() + ": " + message);
      this.status = status;
    }

    public String description() {
      String m = getMessage();
      return m.substring(m.indexOf(": ") + 2);
    }
  }

  public <Q, R> Future<R> unary(ServiceMethod<R, Q> method, Q request) {
    return unary(method, request, r -> {
    });
  }

  public <Q, R> Future<R> unary(ServiceMethod<R, Q> method, Q request, Consumer<GrpcClientRequest<Q, R>> customize) {
    return client.request(server, method).compose(req -> {
      customize.accept(req);
      return req.send(request);
    }).compose(resp -> resp.last().recover(e -> Future.failedFuture(failure(resp))));
  }

  /** A server-streaming call: every message, or the failure with its status and message. */
  public <Q, R> Future<List<R>> serverStream(ServiceMethod<R, Q> method, Q request) {
    return client.request(server, method).compose(req -> req.send(request)).compose(resp -> {
      List<R> items = new ArrayList<>();
      resp.handler(items::add);
      return resp.end().map(v -> items).recover(e -> Future.failedFuture(failure(resp)));
    });
  }

  /** A client-streaming call fed from a ReadStream. */
  public <Q, R> Future<R> clientStream(ServiceMethod<R, Q> method, ReadStream<Q> requests) {
    return client.request(server, method).compose(req -> req.send(requests))
        .compose(resp -> resp.last().recover(e -> Future.failedFuture(failure(resp))));
  }

  public <Q, R> Future<GrpcClientRequest<Q, R>> request(ServiceMethod<R, Q> method) {
    return client.request(server, method);
  }

  public static Failure failure(GrpcClientResponse<?, ?> resp) {
    String message = resp.statusMessage();
    if (message == null && resp.trailers() != null && resp.trailers().get("grpc-message") != null) {
      message = URLDecoder.decode(resp.trailers().get("grpc-message"), StandardCharsets.UTF_8);
    }
    return new Failure(resp.status(), message == null ? "" : message);
  }
}
