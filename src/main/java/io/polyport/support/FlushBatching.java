package io.polyport.support;

import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;

/**
 * One system call per event-loop turn and connection instead of one per flush, on an HTTP/2 connection of a
 * Vert.x server or client. Vert.x flushes every write made outside the connection's own read: a unary gRPC
 * answer from a database callback is two flushes (the message, then the trailers), a list stream one per
 * message, a client streaming records one per record. Netty's FlushConsolidationHandler at the head of the
 * pipeline holds the flushes of one turn and issues one (at most {@code maxFlushes} are merged). Backpressure is
 * unchanged: unflushed bytes count as pending in the channel's outbound buffer, and the handler flushes at once
 * when the channel stops being writable or closes. Vert.x exposes no public hook into the pipeline, hence
 * {@link VertxChannels}; on any other connection nothing is installed. HTTP/2 only: an HTTP/1.1
 * connection carries one exchange at a time (one flush per answer already), and there Netty's handler, flushing
 * from inside a write when the channel turns unwritable, broke large compressed file answers (the Swagger UI
 * bundle) with a double release in Netty 4.2.
 */
public final class FlushBatching {
  /** Flushes merged at most, by default (the server's {@code http.flushBatch}, the bench tool's clients). */
  public static final int DEFAULT_MAX_FLUSHES = 256;
  private static final String NAME = "polyport-flush-batching";

  private FlushBatching() {
  }

  /** Installs the batching on {@code connection} if it is HTTP/2 and {@code maxFlushes > 0}; true if it did. */
  public static boolean install(HttpConnection connection, int maxFlushes) {
    var channel = VertxChannels.of(connection);
    if (maxFlushes <= 0 || channel == null) {
      return false;
    }
    var pipeline = channel.pipeline();
    if (pipeline.get(Http2ConnectionHandler.class) == null) {
      return false;
    }
    if (pipeline.get(NAME) == null) {
      pipeline.addFirst(NAME, new FlushConsolidationHandler(maxFlushes, true));
    }
    return true;
  }

  /** Whether {@code connection} batches its flushes (for tests). */
  public static boolean installed(HttpConnection connection) {
    var channel = VertxChannels.of(connection);
    return channel != null && channel.pipeline().get(NAME) != null;
  }
}
