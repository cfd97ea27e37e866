package io.polyport.support;

import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;

/**
 * A ReadStream whose consumer can end it early (client cancelled, deadline passed, disconnect): the
 * source stops and releases what it holds (a database cursor, a subscription).
 */
public interface ClosableReadStream<T> extends ReadStream<T> {
  /** Stops the stream and releases its source; idempotent; no handler is called afterwards. */
  void close();

  /** {@code stream}, which also runs {@code onClose} when it is closed (once, however often it is closed). */
  static <T> ClosableReadStream<T> onClose(ClosableReadStream<T> stream, Runnable onClose) {
    return new ClosableReadStream<>() {
      private boolean closed;

      @Override
      public void close() {
        stream.close();
        if (!closed) {
          closed = true;
          onClose.run();
        }
      }

      @Override
      public ReadStream<T> exceptionHandler(Handler<Throwable> handler) {
        stream.exceptionHandler(handler);
        return this;
      }

      @Override
      public ReadStream<T> handler(Handler<T> handler) {
        stream.handler(handler);
        return this;
      }

      @Override
      public ReadStream<T> pause() {
        stream.pause();
        return this;
      }

      @Override
      public ReadStream<T> resume() {
        stream.resume();
        return this;
      }

      @Override
      public ReadStream<T> fetch(long amount) {
        stream.fetch(amount);
        return this;
      }

      @Override
      public ReadStream<T> endHandler(Handler<Void> endHandler) {
        stream.endHandler(endHandler);
        return this;
      }
    };
  }
}
