package io.polyport.grpc;

import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.function.Function;

/**
 * The messages of a client stream as a ReadStream of {@code T}, decoded by our own function (so a bad
 * message becomes a value, not a cancelled stream); pause/resume reach the HTTP/2 flow control. A client
 * cancel, reset or lost connection arrives as a CANCELLED exception.
 */
final class GrpcMessageStream<T> implements ReadStream<T> {
  private final GrpcServerRequest<?, ?> request;
  private final Function<GrpcMessage, T> decode;

  GrpcMessageStream(GrpcServerRequest<?, ?> request, Function<GrpcMessage, T> decode) {
    this.request = request;
    this.decode = decode;
  }

  @Override
  public ReadStream<T> exceptionHandler(Handler<Throwable> handler) {
    GrpcCalls.onClientGone(request, handler);
    return this;
  }

  @Override
  public ReadStream<T> handler(Handler<T> handler) {
    request.messageHandler(handler == null ? null : message -> handler.handle(decode.apply(message)));
    return this;
  }

  @Override
  public ReadStream<T> pause() {
    request.pause();
    return this;
  }

  @Override
  public ReadStream<T> resume() {
    request.resume();
    return this;
  }

  @Override
  public ReadStream<T> fetch(long amount) {
    request.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<T> endHandler(Handler<Void> endHandler) {
    request.endHandler(endHandler);
    return this;
  }
}
