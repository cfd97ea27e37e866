package io.polyport.persistence.embedded;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Counts the commands a client starts and sees succeed, and waits for counts. */
final class Commands implements CommandListener {
  private final Map<String, Integer> started = new HashMap<>();
  private final Map<String, Integer> succeeded = new HashMap<>();
  private final Map<String, Integer> finished = new HashMap<>();

  @Override
  public synchronized void commandStarted(CommandStartedEvent event) {
    started.merge(event.getCommandName(), 1, Integer::sum);
    notifyAll();
  }

  @Override
  public synchronized void commandSucceeded(CommandSucceededEvent event) {
    succeeded.merge(event.getCommandName(), 1, Integer::sum);
    finished.merge(event.getCommandName(), 1, Integer::sum);
    notifyAll();
  }

  @Override
  public synchronized void commandFailed(CommandFailedEvent event) {
    finished.merge(event.getCommandName(), 1, Integer::sum);
    notifyAll();
  }

  synchronized int started(String command) {
    return started.getOrDefault(command, 0);
  }

  synchronized int succeeded(String command) {
    return succeeded.getOrDefault(command, 0);
  }

  /** Succeeded or failed. */
  synchronized int finished(String command) {
    return finished.getOrDefault(command, 0);
  }

  /** Waits until {@code count} commands named {@code command} have been started. */
  synchronized void awaitStarted(String command, int count) {
    await(() -> started(command) >= count, count + " " + command + " started");
  }

  /** Waits until {@code count} commands named {@code command} have succeeded. */
  synchronized void awaitSucceeded(String command, int count) {
    await(() -> succeeded(command) >= count, count + " " + command + " succeeded");
  }

  /** Waits until {@code count} commands named {@code command} have succeeded or failed. */
  synchronized void awaitFinished(String command, int count) {
    await(() -> finished(command) >= count, count + " " + command + " finished");
  }

  private void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Driver.TIMEOUT_SECONDS);
    try {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("not within " + Driver.TIMEOUT_SECONDS + " s: " + what);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
