package io.polyport.persistence;

import com.mongodb.event.ConnectionCheckOutFailedEvent;
import com.mongodb.event.ConnectionCheckOutStartedEvent;
import com.mongodb.event.ConnectionCheckedInEvent;
import com.mongodb.event.ConnectionPoolListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the driver's connections in use — being checked out, or held by an operation until its check-in — so that
 * the client is closed only once the driver is done. Closing it under a command still waiting (the change
 * stream's getMore awaits data for up to a second after the feed was cancelled, then the cursor is killed) made
 * the driver fail that command's callback on its closed session pool and log an ERROR with a stack trace at
 * every stop. Every command runs on a connection held from its checkout (started before the driver hands the
 * command to its own thread) to its check-in, so counting connections counts the commands. It is a pool
 * listener only: a command listener made the driver copy every command and every reply into the listener's
 * events, about 3 µs of a GetUser's CPU (docs/benchmarks.md).
 */
public final class ConnectionsInUse implements ConnectionPoolListener {
  /**
   * How long nothing may happen before the driver counts as done. One operation can be several commands: the
   * cancelled change stream's getMore is checked in a moment before its killCursors is checked out, and a
   * close in that gap failed the killCursors with the same ERROR (seen once in CI).
   */
  private static final long QUIET_MS = 20;
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Every start and end, to tell a quiet driver from one between two operations. */
  private final AtomicLong events = new AtomicLong();

  @Override
  public void connectionCheckOutStarted(ConnectionCheckOutStartedEvent event) {
    started();
  }

  @Override
  public void connectionCheckOutFailed(ConnectionCheckOutFailedEvent event) {
    answered();
  }

  @Override
  public void connectionCheckedIn(ConnectionCheckedInEvent event) {
    answered();
  }

  private void started() {
    inFlight.incrementAndGet();
    events.incrementAndGet();
  }

  private void answered() {
    inFlight.decrementAndGet();
    events.incrementAndGet();
  }

  /**
   * Completes once nothing has been in flight, nor started or ended, for {@link #QUIET_MS}; or after
   * {@code atMost} (a database that stopped answering). Checked on a timer: it runs once, at stop.
   */
  Future<Void> drained(Vertx vertx, Duration atMost) {
    Promise<Void> promise = Promise.promise();
    long giveUp = System.nanoTime() + atMost.toNanos();
    long[] seen = {events.get()};
    vertx.setPeriodic(QUIET_MS, id -> {
      long now = events.get();
      if ((inFlight.get() <= 0 && now == seen[0]) || System.nanoTime() - giveUp > 0) {
        vertx.cancelTimer(id);
        promise.tryComplete();
      }
      seen[0] = now;
    });
    return promise.future();
  }
}
