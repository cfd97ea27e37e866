package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.WriteStream;

import java.util.function.Function;

/** A WriteStream of {@code T} that writes each item, mapped, to a WriteStream of {@code U} (same backpressure). */
public final class MappedWriteStream<T, U> implements WriteStream<T> {
  private final WriteStream<U> target;
  private final Function<T, U> map;

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
    return target.write(map.apply(data));
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
