package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.ArrayList;
import java.util.List;

/**
 * Reactive Streams publishers of the MongoDB driver (find first, insert, update, delete, commands, a short find)
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
    var first = new ToFuture<T, T>(context, 1) {
      @Override
      public void onNext(T item) {
        promise.tryComplete(item);
      }

      @Override
      public void onComplete() {
        promise.tryComplete(null);
      }
    };
    publisher.subscribe(first);
    return first.promise.future();
  }

  /** Every item of the publisher, in order, once it completes; callbacks on {@code context}. */
  public static <T> Future<List<T>> all(Context context, Publisher<T> publisher) {
    var all = new ToFuture<T, List<T>>(context, Long.MAX_VALUE) {
      // the publisher signals serially, each signal happening before the next (Reactive Streams 1.3)
      private final List<T> items = new ArrayList<>();

      @Override
      public void onNext(T item) {
        items.add(item);
      }

      @Override
      public void onComplete() {
        promise.tryComplete(items);
      }
    };
    publisher.subscribe(all);
    return all.promise.future();
  }

  /** A subscriber asking for {@code demand} items and answering through a promise on a context. */
  private abstract static class ToFuture<T, R> implements Subscriber<T> {
    final Promise<R> promise;
    private final long demand;

    ToFuture(Context context, long demand) {
      this.promise = ((ContextInternal) context).promise();
      this.demand = demand;
    }

    @Override
    public void onSubscribe(Subscription s) {
      s.request(demand);
    }

    @Override
    public void onError(Throwable e) {
      promise.tryFail(e);
    }
  }
}
