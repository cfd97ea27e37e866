package io.polyport.server;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.Http2ServerConnection;

/**
 * One system call per event-loop turn and connection instead of one per flush. Vert.x flushes every write made
 * outside the connection's own read: a unary gRPC answer from a database callback is two flushes (the message,
 * then the trailers), a list stream one per message. Netty's FlushConsolidationHandler at the head of the
 * pipeline holds the flushes of one turn and issues one (at most {@code maxFlushes} are merged). Backpressure is
 * unchanged: unflushed bytes count as pending in the channel's outbound buffer, and the handler flushes at once
 * when the channel stops being writable or closes. Vert.x exposes no public hook into the pipeline, hence the
 * internal connection class; without it (another connection type) nothing is installed. HTTP/2 only: an HTTP/1.1
 * connection answers one request at a time (one flush per answer already), and there Netty's handler, flushing
 * from inside a write when the channel turns unwritable, broke large compressed file answers (the Swagger UI
 * bundle) with a double release in Netty 4.2.
 */
final class FlushBatching {
  private static final String NAME = "polyport-flush-batching";

  private FlushBatching() {
  }

  static void install(HttpConnection connection, int maxFlushes) {
    if (maxFlushes > 0 && connection instanceof Http2ServerConnection h2) {
      var pipeline = h2.channel().pipeline();
      if (pipeline.get(NAME) == null) {
        pipeline.addFirst(NAME, new FlushConsolidationHandler(maxFlushes, true));
      }
    }
  }
}
