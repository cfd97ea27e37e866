package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A response that is ended only while its stream and connection are open. A gRPC answer that comes after the
 * client's connection closed (the call was at the database when the client was killed) would otherwise end a
 * dead HTTP/2 stream, and Vert.x 5.0.7 queues the trailers of that end with no promise, then fails it when
 * it drops the stream's queue: a NullPointerException logged as an ERROR for what is only a client gone (the
 * call is counted as CANCELLED when its stream closes). Body writes need no guard: a closed stream fails
 * their futures. For the same reason a stream past its deadline whose client has stopped reading is reset
 * instead of ended.
 */
public final class OpenStreamResponse extends ForwardingHttpServerResponse {
  private static final String DEADLINE_EXCEEDED = "4";
  private static final long CANCEL = 0x8;
  private final HttpConnection connection;

  public OpenStreamResponse(HttpServerRequest request) {
    super(request.response());
    this.connection = request.connection();
  }

  @Override
  public Future<Void> end(Buffer chunk) {
    return open() ? delegate.end(chunk) : gone();
  }

  @Override
  public Future<Void> end() {
    if (!open()) {
      return gone();
    }
    if (delegate.writeQueueFull() && DEADLINE_EXCEEDED.equals(delegate.trailers().get("grpc-status"))) {
      // the deadline passed while the client was not reading: the trailers would wait behind data it will
      // never read (and be dropped as above when it resets); the stream is reset at once, as grpc-java does
      return delegate.reset(CANCEL);
    }
    return delegate.end();
  }

  /**
   * The stream is open and so is its connection: a connection closed by its peer is inactive a moment
   * before Vert.x closes its streams.
   */
  private boolean open() {
    var channel = VertxChannels.of(connection);
    return !delegate.closed() && (channel == null || channel.isActive());
  }

  private static Future<Void> gone() {
    return Future.failedFuture("the stream closed before the response ended");
  }
}
