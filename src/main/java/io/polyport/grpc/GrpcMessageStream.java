package io.polyport.grpc;

import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.function.Function;

/**
 * The messages of a client stream as a ReadStream of {@code T}, decoded by our own function (so a bad
 * message becomes a value, not a cancelled stream); pause/resume reach the HTTP/2 flow control. A client
 * cancel, reset or lost connection arrives as a CANCELLED exception. With a {@code stop} function, a message over
 * the size limit and a malformed message prefix (GrpcFraming) arrive as the value it makes of their error (an
 * import's last record, so that it reports what it stored); without one, the call fails as any other does. Vert.x
 * hands both on at once, so while the reader is paused they overtake the messages it has queued (at most a chunk's
 * worth): those are never read, and the import's count says so.
 */
final class GrpcMessageStream<T> implements ReadStream<T> {
  private final GrpcServerRequest<?, ?> request;
  private final Function<GrpcMessage, T> decode;
  private final long maxMessageBytes;
  private final Function<ServiceException, T> stop;
  private Handler<T> handler;

  GrpcMessageStream(GrpcServerRequest<?, ?> request, Function<GrpcMessage, T> decode) {
    this(request, decode, 0, null);
  }

  GrpcMessageStream(GrpcServerRequest<?, ?> request, Function<GrpcMessage, T> decode, long maxMessageBytes,
                    Function<ServiceException, T> stop) {
    this.request = request;
    this.decode = decode;
    this.maxMessageBytes = maxMessageBytes;
    this.stop = stop;
  }

  @Override
  public ReadStream<T> exceptionHandler(Handler<Throwable> exceptionHandler) {
    if (stop == null) {
      GrpcCalls.onClientGone(request, exceptionHandler);
    } else {
      GrpcCalls.onClientGone(request, exceptionHandler, broken -> {
        Handler<T> values = handler;
        if (values != null) {
          values.handle(stop.apply(broken));
        }
      });
    }
    return this;
  }

  @Override
  public ReadStream<T> handler(Handler<T> handler) {
    this.handler = handler;
    request.messageHandler(handler == null ? null : message -> handler.handle(decode.apply(message)));
    if (stop != null) {
      request.invalidMessageHandler(handler == null ? null
          : invalid -> handler.handle(stop.apply(GrpcInput.invalid(invalid, maxMessageBytes))));
    }
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
