package io.polyport.persistence;

import io.polyport.domain.User;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A driver cursor of users as a Vert.x ReadStream, read two batches ahead. The driver is asked for three
 * batches at first and for one more each time a batch has been handed on, so the next getMores run while this
 * batch is written, and no more than three batches are ever held (with two, the driver ran out of demand
 * often enough to leave the database idle: a 1M-user gRPC list went 151-156k users/s, with three 159-165k).
 * Pausing stops the hand-over and with it, once the requested documents are in, the cursor. Users arrive on the driver's threads and are handed on, in order,
 * on the context that opened the list; demand is only ever signalled from that context (so serially).
 * Closing cancels the subscription, which kills the server-side cursor.
 */
final class CursorStream implements ClosableReadStream<User>, Subscriber<User> {
  private static final long BATCHES_HELD = 3;
  private final Publisher<User> publisher;
  private final CursorStats stats;
  private final Context context;
  private final int batchSize;
  private final ConcurrentLinkedQueue<User> arrived = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile boolean completed;
  private volatile Throwable failure;
  // only touched on the context
  private Subscription subscription;
  private Handler<User> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private int handedSinceRequest;
  private boolean opened;
  private boolean closed;

  CursorStream(Publisher<User> publisher, CursorStats stats, int batchSize) {
    this.publisher = publisher;
    this.stats = stats;
    this.context = Objects.requireNonNull(Vertx.currentContext(), "a list is opened on a Vert.x context");
    this.batchSize = batchSize;
  }

  @Override
  public ReadStream<User> handler(Handler<User> handler) {
    if (closed) {
      return this;
    }
    if (handler == null) {
      close();
      return this;
    }
    this.handler = handler;
    if (!opened) {
      opened = true;
      stats.opened();
      publisher.subscribe(this);
    }
    return this;
  }

  @Override
  public void onSubscribe(Subscription s) {
    context.runOnContext(v -> {
      if (closed) {
        s.cancel();
      } else {
        subscription = s;
        s.request(BATCHES_HELD * batchSize);
      }
    });
  }

  @Override
  public void onNext(User user) {
    stats.read();
    arrived.add(user);
    scheduleDrain();
  }

  @Override
  public void onError(Throwable e) {
    failure = e;
    scheduleDrain();
  }

  @Override
  public void onComplete() {
    completed = true;
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  /** Hands arrived users on while there is demand; then the end or the failure, once everything went out. */
  private void drain() {
    drainScheduled.set(false);
    User user;
    while (!closed && demand > 0 && (user = arrived.poll()) != null) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(user);
      if (++handedSinceRequest == batchSize && subscription != null && !closed) {
        handedSinceRequest = 0;
        subscription.request(batchSize);
      }
    }
    boolean ended = completed;
    Throwable failed = failure;
    if (closed || !arrived.isEmpty()) {
      return;
    }
    if (failed != null) {
      Handler<Throwable> onError = exceptionHandler;
      finished();
      if (onError != null) {
        Throwable translated = MongoErrors.translate(failed);
        onError.handle(translated != null ? translated : failed);
      }
    } else if (ended) {
      Handler<Void> end = endHandler;
      finished();
      if (end != null) {
        end.handle(null);
      }
    }
  }

  @Override
  public ReadStream<User> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<User> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<User> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<User> fetch(long amount) {
    if (amount > 0) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
      scheduleDrain();
    }
    return this;
  }

  @Override
  public ReadStream<User> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public void close() {
    if (!closed) {
      if (subscription != null && !completed && failure == null) {
        subscription.cancel();
      }
      arrived.clear();
      finished();
    }
  }

  private void finished() {
    if (!closed) {
      closed = true;
      if (opened) {
        stats.closed();
      }
    }
  }
}
