package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

import java.util.function.Function;

/** Moves items from a ReadStream to a WriteStream with backpressure, mapping each on the way. */
public final class Streams {
  private Streams() {
  }

  /**
   * Writes every item of {@code source}, mapped, to {@code sink}, pausing the source while the sink's
   * write queue is full. The future completes when the source ends (the sink is not ended: the caller
   * decides how to finish) and fails when the source fails or the mapping throws.
   */
  public static <T, U> Future<Void> pump(ReadStream<T> source, WriteStream<U> sink, Function<T, U> map) {
    Promise<Void> done = Promise.promise();
    sink.drainHandler(v -> source.resume());
    source.exceptionHandler(done::tryFail);
    source.endHandler(done::tryComplete);
    source.handler(item -> {
      U mapped;
      try {
        mapped = map.apply(item);
      } catch (RuntimeException e) {
        source.pause();
        done.tryFail(e);
        return;
      }
      sink.write(mapped);
      if (sink.writeQueueFull()) {
        source.pause();
      }
    });
    return done.future();
  }
}
