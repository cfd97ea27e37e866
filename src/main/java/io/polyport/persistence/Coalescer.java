package io.polyport.persistence;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Database calls of one kind, coalesced under load. Each event loop runs at most {@code maxInFlight} batches at a
 * time; a call that arrives while they all run waits, and when one returns, the calls waiting leave together as
 * one batch (at most {@code maxBatch}). A call never joins a batch already sent, so it sees every write that
 * completed before it arrived. While fewer calls are in flight nothing waits: each is a batch of one, as without
 * coalescing. Per call, the database command and the driver's connection checkout (a hop through its pool
 * thread) were most of a GetUser's or CreateUser's cost; a batch pays them once for many. {@code maxInFlight} 0
 * sends every call on its own; so do calls made off an event loop.
 */
public final class Coalescer<Q, R> {
  /**
   * Runs a batch: the i-th result answers the i-th call; a failed future fails them all. Completes on
   * {@code context} (the event loop whose calls these are).
   */
  public interface Batch<Q, R> {
    Future<List<AsyncResult<R>>> run(Context context, List<Q> calls);
  }

  private final Vertx vertx;
  private final int maxInFlight;
  private final int maxBatch;
  private final Batch<Q, R> batch;
  /** Touched only by the event loop it belongs to (batches complete on the caller's context). */
  private final ThreadLocal<Lane<Q, R>> lanes = ThreadLocal.withInitial(Lane::new);
  private final LongAdder calls = new LongAdder();
  private final LongAdder commands = new LongAdder();

  Coalescer(Vertx vertx, int maxInFlight, int maxBatch, Batch<Q, R> batch) {
    this.vertx = vertx;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
    this.batch = batch;
  }

  /** Calls made since start. */
  public long calls() {
    return calls.sum();
  }

  /** Database commands (batches) sent for them: fewer than the calls when some were coalesced. */
  public long commands() {
    return commands.sum();
  }

  Future<R> call(Q call) {
    calls.increment();
    Context context = Vertx.currentContext();
    if (maxInFlight == 0 || context == null || !context.isEventLoopContext()) {
      commands.increment();
      return run(context != null ? context : vertx.getOrCreateContext(), List.of(call))
          .compose(results -> results.get(0).succeeded()
              ? Future.succeededFuture(results.get(0).result()) : Future.failedFuture(results.get(0).cause()));
    }
    Lane<Q, R> lane = lanes.get();
    Promise<R> promise = ((ContextInternal) context).promise();
    lane.waiting.add(new Waiting<>(call, promise));
    if (lane.inFlight < maxInFlight) {
      send(lane, context);
    }
    return promise.future();
  }

  /** Sends the calls waiting (up to maxBatch) as one batch; when it returns, sends the next ones. */
  private void send(Lane<Q, R> lane, Context context) {
    int n = Math.min(maxBatch, lane.waiting.size());
    List<Q> sent = new ArrayList<>(n);
    List<Promise<R>> promises = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Waiting<Q, R> w = lane.waiting.poll();
      sent.add(w.call());
      promises.add(w.promise());
    }
    lane.inFlight++;
    commands.increment();
    run(context, sent).onComplete(outcome -> {
      lane.inFlight--;
      for (int i = 0; i < promises.size(); i++) {
        AsyncResult<R> result = outcome.failed() ? outcome.mapEmpty() : outcome.result().get(i);
        if (result.succeeded()) {
          promises.get(i).complete(result.result());
        } else {
          promises.get(i).fail(result.cause());
        }
      }
      if (!lane.waiting.isEmpty() && lane.inFlight < maxInFlight) {
        send(lane, context);
      }
    });
  }

  private Future<List<AsyncResult<R>>> run(Context context, List<Q> sent) {
    try {
      return batch.run(context, sent);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private record Waiting<Q, R>(Q call, Promise<R> promise) {
  }

  private static final class Lane<Q, R> {
    final ArrayDeque<Waiting<Q, R>> waiting = new ArrayDeque<>();
    int inFlight;
  }
}
