package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Handler;
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
   * decides how to finish) and fails when the source fails or the mapping throws; from then on nothing more
   * is read or written.
   */
  public static <T, U> Future<Void> pump(ReadStream<T> source, WriteStream<U> sink, Function<T, U> map) {
    Promise<Void> done = Promise.promise();
    boolean[] failed = {false};
    sink.drainHandler(v -> source.resume());
    Handler<Throwable> fail = e -> {
      failed[0] = true;
      source.pause();
      sink.drainHandler(null);
      done.tryFail(e);
    };
    source.exceptionHandler(fail);
    source.endHandler(done::tryComplete);
    source.handler(item -> {
      if (failed[0]) {
        return;
      }
      U mapped;
      try {
        mapped = map.apply(item);
      } catch (RuntimeException e) {
        fail.handle(e);
        return;
      }
      sink.write(mapped);
      if (sink.writeQueueFull()) {
        source.pause();
      }
    });
    return done.future();
  }

  /**
   * The same, but the future completes (on the source's end) or fails (on its failure) only once the last
   * write has completed (written, or failed because the sink closed, see {@link MappedWriteStream#written}):
   * what the caller writes next, an end or an error, does not queue behind items the sink still holds. Not
   * for a sink that holds a write until the next one or its end.
   */
  public static <T, U> Future<Void> pumpWritten(ReadStream<T> source, WriteStream<U> sink, Function<T, U> map) {
    var tracked = new MappedWriteStream<U, U>(sink, Function.identity());
    return pump(source, tracked, map).eventually(tracked::written);
  }
}
