package io.polyport.persistence;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import com.mongodb.event.ConnectionCheckOutFailedEvent;
import com.mongodb.event.ConnectionCheckOutStartedEvent;
import com.mongodb.event.ConnectionCheckedInEvent;
import com.mongodb.event.ConnectionPoolListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the driver's work in flight — commands sent and not answered, connections being checked out or held —
 * so that the client is closed only once it is done. Closing it under a command still waiting (the change
 * stream's getMore awaits data for up to a second after the feed was cancelled, then the cursor is killed) made
 * the driver fail that command's callback on its closed session pool and log an ERROR with a stack trace at
 * every stop. Connections count from the start of their checkout (the driver hands it to its own thread before
 * the command starts) to their check-in.
 */
public final class CommandsInFlight implements CommandListener, ConnectionPoolListener {
  // every command and checkout passes here: a counter, and the lock only while a close waits
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<Promise<Void>> waiting = new ArrayList<>();
  private volatile boolean closing;

  @Override
  public void commandStarted(CommandStartedEvent event) {
    inFlight.incrementAndGet();
  }

  @Override
  public void commandSucceeded(CommandSucceededEvent event) {
    answered();
  }

  @Override
  public void commandFailed(CommandFailedEvent event) {
    answered();
  }

  @Override
  public void connectionCheckOutStarted(ConnectionCheckOutStartedEvent event) {
    inFlight.incrementAndGet();
  }

  @Override
  public void connectionCheckOutFailed(ConnectionCheckOutFailedEvent event) {
    answered();
  }

  @Override
  public void connectionCheckedIn(ConnectionCheckedInEvent event) {
    answered();
  }

  private void answered() {
    if (inFlight.decrementAndGet() == 0 && closing) {
      List<Promise<Void>> done;
      synchronized (waiting) {
        done = new ArrayList<>(waiting);
        waiting.clear();
      }
      done.forEach(Promise::tryComplete);
    }
  }

  /** Completes once nothing is in flight, or after {@code atMost} (a database that stopped answering). */
  Future<Void> drained(Vertx vertx, Duration atMost) {
    Promise<Void> promise = Promise.promise();
    closing = true;
    synchronized (waiting) {
      waiting.add(promise);
    }
    if (inFlight.get() <= 0) {
      // nothing in flight now (answered() may have run before the promise was added)
      promise.tryComplete();
      return promise.future();
    }
    long timer = vertx.setTimer(atMost.toMillis(), id -> promise.tryComplete());
    return promise.future().onComplete(v -> vertx.cancelTimer(timer));
  }
}
