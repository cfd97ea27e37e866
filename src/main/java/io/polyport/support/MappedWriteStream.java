package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.WriteStream;

import java.util.function.Function;

/**
 * A WriteStream of {@code T} that writes each item, mapped, to a WriteStream of {@code U} (same backpressure),
 * and knows when what it wrote has left ({@link #written()}).
 */
public final class MappedWriteStream<T, U> implements WriteStream<T> {
  private final WriteStream<U> target;
  private final Function<T, U> map;
  private Future<Void> lastWrite = Future.succeededFuture();

  public MappedWriteStream(WriteStream<U> target, Function<T, U> map) {
    this.target = target;
    this.map = map;
  }

  @Override
  public WriteStream<T> exceptionHandler(Handler<Throwable> handler) {
    target.exceptionHandler(handler);
    return this;
  }

  @Override
  public Future<Void> write(T data) {
    lastWrite = target.write(map.apply(data));
    return lastWrite;
  }

  /**
   * Completes once every write so far has completed: written, or failed because the target closed (it never
   * fails). What the caller writes next, an end or an error, then does not queue behind items still held.
   */
  public Future<Void> written() {
    return lastWrite.<Void>mapEmpty().otherwiseEmpty();
  }

  @Override
  public Future<Void> end() {
    return target.end();
  }

  @Override
  public WriteStream<T> setWriteQueueMaxSize(int maxSize) {
    target.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return target.writeQueueFull();
  }

  @Override
  public WriteStream<T> drainHandler(Handler<Void> handler) {
    target.drainHandler(handler);
    return this;
  }
}
