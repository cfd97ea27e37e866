package io.polyport.ops;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Whether the server can do its work, i.e. whether MongoDB answers a ping within a bounded time. The
 * database is pinged on a timer and on demand ({@link #check}) when the last answer is older than the
 * interval; at most one ping is in flight, so probes never hammer the database. Watchers hear of every
 * change, on their own context. Thread-safe: the server verticles on every event loop share one instance.
 */
public final class Readiness {
  /** The last answer: ready or not, why not, and when it was established. */
  public record Status(boolean ready, String detail, Instant checkedAt) {
  }

  /** A registration made by {@link #watch}; closing it stops the notifications. */
  public interface Watch extends AutoCloseable {
    @Override
    void close();
  }

  private final Vertx vertx;
  private final Supplier<Future<Void>> ping;
  private final Duration interval;
  private final Duration timeout;
  private final Clock clock;
  private final AtomicReference<Status> current;
  private final AtomicReference<Future<Status>> inFlight = new AtomicReference<>();
  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private volatile boolean stopped;
  private long timer = -1;

  public Readiness(Vertx vertx, Supplier<Future<Void>> ping, Duration interval, Duration timeout, Clock clock) {
    this.vertx = vertx;
    this.ping = ping;
    this.interval = interval;
    this.timeout = timeout;
    this.clock = clock;
    this.current = new AtomicReference<>(new Status(false, "not checked yet", Instant.EPOCH));
  }

  /** Pings now and then every interval; the future completes (never fails) once the first answer is in. */
  public Future<Status> start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> ping());
    return ping();
  }

  /** Turns not ready ("shutting down") for good, stops pinging and tells every watcher to finish. */
  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    record(new Status(false, "the server is shutting down", clock.instant()));
    for (Watcher w : watchers) {
      w.context.runOnContext(v -> w.onStop.handle(null));
    }
    watchers.clear();
  }

  /** The last answer, however old. */
  public Status current() {
    return current.get();
  }

  /** A recent answer: the last one if younger than the interval, else a new ping's (joined if one is under way). */
  public Future<Status> check() {
    Status last = current.get();
    if (stopped || Duration.between(last.checkedAt(), clock.instant()).compareTo(interval) < 0) {
      return Future.succeededFuture(last);
    }
    return onCallerContext(ping());
  }

  /**
   * Calls {@code onChange} (on the caller's context) each time readiness flips, and {@code onStop} when
   * the server shuts down; the caller reads the state at registration with {@link #current()}.
   */
  public Watch watch(Handler<Status> onChange, Handler<Void> onStop) {
    var watcher = new Watcher(vertx.getOrCreateContext(), onChange, onStop);
    watchers.add(watcher);
    if (stopped) {
      watchers.remove(watcher);
      watcher.context.runOnContext(v -> onStop.handle(null));
    }
    return () -> watchers.remove(watcher);
  }

  /** How many watches are registered (for tests and metrics). */
  public int watchers() {
    return watchers.size();
  }

  private Future<Status> ping() {
    Promise<Status> promise = Promise.promise();
    Future<Status> mine = promise.future();
    Future<Status> running = inFlight.compareAndExchange(null, mine);
    if (running != null) {
      return running;
    }
    Future<Void> answer;
    try {
      answer = ping.get();
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).onComplete(result -> {
      Status status = result.succeeded()
          ? new Status(true, "MongoDB answers", clock.instant())
          : new Status(false, describe(result.cause()), clock.instant());
      if (!stopped) {
        record(status);
      }
      inFlight.set(null);
      promise.complete(current.get());
    });
    return mine;
  }

  private String describe(Throwable failure) {
    if (failure instanceof java.util.concurrent.TimeoutException) {
      return "MongoDB did not answer a ping within " + timeout.toMillis() + " ms";
    }
    return "MongoDB does not answer: " + failure.getMessage();
  }

  private void record(Status status) {
    Status previous = current.getAndSet(status);
    if (previous.ready() != status.ready()) {
      for (Watcher w : watchers) {
        w.context.runOnContext(v -> w.onChange.handle(status));
      }
    }
  }

  private static <T> Future<T> onCallerContext(Future<T> future) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(result -> caller.runOnContext(v -> promise.handle(result)));
    return promise.future();
  }

  private record Watcher(Context context, Handler<Status> onChange, Handler<Void> onStop) {
  }
}
