package io.polyport.support;

import io.vertx.core.streams.ReadStream;

/**
 * A ReadStream whose consumer can end it early (client cancelled, deadline passed, disconnect): the
 * source stops and releases what it holds (a database cursor, a subscription).
 */
public interface ClosableReadStream<T> extends ReadStream<T> {
  /** Stops the stream and releases its source; idempotent; no handler is called afterwards. */
  void close();
}
