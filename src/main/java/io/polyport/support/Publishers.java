package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Single-answer Reactive Streams publishers (the MongoDB driver's find first, insert, update, delete, commands)
 * as Vert.x futures.
 */
public final class Publishers {
  private Publishers() {
  }

  /**
   * The publisher's first item, or null when it completes empty. The driver signals on its own threads; the
   * future's callbacks run on {@code context}, as if the answer had come from a Vert.x client.
   */
  public static <T> Future<T> first(Context context, Publisher<T> publisher) {
    Promise<T> promise = ((ContextInternal) context).promise();
    publisher.subscribe(new Subscriber<T>() {
      @Override
      public void onSubscribe(Subscription s) {
        s.request(1);
      }

      @Override
      public void onNext(T item) {
        promise.tryComplete(item);
      }

      @Override
      public void onError(Throwable e) {
        promise.tryFail(e);
      }

      @Override
      public void onComplete() {
        promise.tryComplete(null);
      }
    });
    return promise.future();
  }
}
