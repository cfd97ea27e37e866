package io.polyport.testing;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for a condition that an event makes true (checked on a Vert.x timer), failing after a generous bound. */
public final class Await {
  private Await() {
  }

  public static void until(Vertx vertx, String what, BooleanSupplier condition) {
    Promise<Void> done = Promise.promise();
    long timer = vertx.setPeriodic(5, id -> {
      if (condition.getAsBoolean()) {
        done.tryComplete();
      }
    });
    try {
      done.future().timeout(20, TimeUnit.SECONDS).await();
    } catch (Exception e) {
      throw new AssertionError("never happened: " + what, e);
    } finally {
      vertx.cancelTimer(timer);
    }
  }
}
