package io.polyport.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed loop: each worker starts its next operation when the previous one completes, so exactly
 * {@code workers} operations are in flight. Unary workloads, timed: a warm-up, then operations that complete
 * within the measured window count. Unary workloads, counted: the workers share numbered tickets; the first
 * {@code warmupOps} operations are unmeasured, the next {@code ops} are measured, and the window runs from the
 * start of the first measured one to the end of the last (so two servers given the same counts take the same
 * writes, whatever their speed). Stream workloads: warm-up rounds, then every worker runs {@code rounds}
 * operations and the window is the wall time until the last one completes. Only successes are counted
 * as units and latency; failures are errors.
 */
final class Runner {
  private static final long DRAIN_TIMEOUT_MS = 30_000;

  private final Workload workload;
  private final CpuMeter cpu;
  private final List<Context> contexts;
  private final int workers;
  private final Recorder latency = new Recorder(3);
  private final LongAdder okOps = new LongAdder();
  private final LongAdder units = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private volatile boolean measuring;
  private volatile boolean stopping;
  private volatile CpuMeter.Usage cpuUsed = CpuMeter.Usage.NONE;
  private final double ratePerWorker;
  private long[] due;
  private final long[] window = new long[2];
  private final AtomicLong tickets = new AtomicLong();
  private final AtomicLong measuredDone = new AtomicLong();
  private long warmupOps;
  private long ops;

  /** @param contexts one event-loop context per connection; worker w runs on context w % size */
  Runner(Workload workload, CpuMeter cpu, List<Context> contexts, int workers) {
    this(workload, cpu, contexts, workers, 0);
  }

  /**
   * @param rate with a unary workload, the operations per second of all workers together (0 = as fast as they
   *             complete): each worker starts its operations at a steady pace, at once when it is behind
   */
  Runner(Workload workload, CpuMeter cpu, List<Context> contexts, int workers, double rate) {
    this.workload = workload;
    this.cpu = cpu;
    this.contexts = contexts;
    this.workers = workers;
    this.ratePerWorker = rate / workers;
  }

  /** Unary, timed: {@code warmupMs} unmeasured, then {@code durationMs} measured. */
  Future<Result> timed(Vertx vertx, long warmupMs, long durationMs) {
    Promise<Void> stopped = launch();
    vertx.setTimer(Math.max(1, warmupMs), t -> {
      openWindow();
      vertx.setTimer(Math.max(1, durationMs), t2 -> {
        closeWindow();
        stopping = true;
      });
    });
    return stopped.future().timeout(warmupMs + durationMs + DRAIN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> Future.succeededFuture())
        .map(v -> result(((window[1] == 0 ? System.nanoTime() : window[1]) - window[0]) / 1e9));
  }

  /**
   * Unary, counted: {@code warmupOps} operations unmeasured, then {@code ops} measured (ops > 0). Operations still
   * unanswered {@code DRAIN_TIMEOUT_MS} after the last one started count as errors, and the row ends.
   */
  Future<Result> counted(long warmupOps, long ops) {
    this.warmupOps = warmupOps;
    this.ops = ops;
    return launch().future().map(v -> result((window[1] - window[0]) / 1e9));
  }

  private Promise<Void> launch() {
    Promise<Void> stopped = Promise.promise();
    AtomicInteger live = new AtomicInteger(workers);
    due = new long[workers];
    long now = System.nanoTime();
    for (int w = 0; w < workers; w++) {
      due[w] = now + (ratePerWorker > 0 ? (long) (w / (ratePerWorker * workers) * 1e9) : 0);
    }
    for (int w = 0; w < workers; w++) {
      int worker = w;
      context(worker).runOnContext(v -> loop(worker, live, stopped));
    }
    return stopped;
  }

  /**
   * Counted: every operation has started; if some are still unanswered after the drain timeout, they count as
   * errors and the row ends with what completed (a window already closed means all were answered).
   */
  private void drainOrGiveUp(int worker, Promise<Void> stopped) {
    context(worker).owner().setTimer(DRAIN_TIMEOUT_MS, t -> {
      long missing = ops - measuredDone.get();
      if (missing > 0 && measuring) {
        closeWindow();
        errors.add(missing);
        firstError.compareAndSet(null, missing + " requests unanswered " + DRAIN_TIMEOUT_MS / 1000 + " s after the last one started");
        stopped.tryComplete();
      }
    });
  }

  private void openWindow() {
    if (ops == 0) {
      latency.reset(); // timed: drop what the warm-up recorded (counted: only measured operations are recorded)
    }
    cpu.start();
    window[0] = System.nanoTime();
    measuring = true;
  }

  private void closeWindow() {
    measuring = false;
    window[1] = System.nanoTime();
    cpuUsed = cpu.stop();
  }

  private void loop(int worker, AtomicInteger live, Promise<Void> stopped) {
    if (ratePerWorker > 0 && !stopping) {
      long wait = due[worker] - System.nanoTime();
      if (wait >= 1_000_000) {
        context(worker).owner().setTimer(wait / 1_000_000, t -> loop(worker, live, stopped));
        return;
      }
      due[worker] += (long) (1e9 / ratePerWorker);
    }
    long ticket = ops > 0 ? tickets.getAndIncrement() : -1;
    if (stopping || ticket >= warmupOps + ops) {
      if (ticket == warmupOps + ops) {
        drainOrGiveUp(worker, stopped);
      }
      if (live.decrementAndGet() == 0) {
        stopped.tryComplete();
      }
      return;
    }
    boolean counted = ticket >= warmupOps;
    if (ticket == warmupOps) {
      openWindow();
    }
    long start = System.nanoTime();
    boolean[] returned = {false};
    start(worker).onComplete(ar -> {
      if (counted || ticket < 0 && measuring) {
        count(ar.succeeded() ? ar.result() : null, ar.cause(), System.nanoTime() - start);
      }
      if (counted && measuredDone.incrementAndGet() == ops) {
        closeWindow();
      }
      if (returned[0]) {
        loop(worker, live, stopped);
      } else {
        context(worker).runOnContext(v -> loop(worker, live, stopped));
      }
    });
    returned[0] = true;
  }

  /**
   * Streams: every worker runs {@code warmupRounds} of {@code warmup}'s operations (this runner's workload, or a
   * smaller import, say), then (measured) {@code rounds} of this runner's.
   */
  Future<Result> rounds(Workload warmup, int warmupRounds, int rounds) {
    return phase(warmup, warmupRounds).compose(v -> {
      latency.reset();
      measuring = true;
      cpu.start();
      long start = System.nanoTime();
      return phase(workload, rounds).map(x -> {
        cpuUsed = cpu.stop();
        return result((System.nanoTime() - start) / 1e9);
      });
    });
  }

  private Future<Void> phase(Workload operation, int rounds) {
    if (rounds <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    AtomicInteger live = new AtomicInteger(workers);
    for (int w = 0; w < workers; w++) {
      int worker = w;
      context(worker).runOnContext(v -> round(operation, worker, rounds, live, done));
    }
    return done.future();
  }

  private void round(Workload operation, int worker, int left, AtomicInteger live, Promise<Void> done) {
    if (left == 0) {
      if (live.decrementAndGet() == 0) {
        done.complete();
      }
      return;
    }
    long start = System.nanoTime();
    start(operation, worker).onComplete(ar -> {
      if (measuring) {
        count(ar.succeeded() ? ar.result() : null, ar.cause(), System.nanoTime() - start);
      } else if (ar.failed()) {
        noteError(ar.cause());
      }
      context(worker).runOnContext(v -> round(operation, worker, left - 1, live, done));
    });
  }

  private Future<Long> start(int worker) {
    return start(workload, worker);
  }

  private Future<Long> start(Workload operation, int worker) {
    try {
      return operation.call(worker);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void count(Long done, Throwable failure, long nanos) {
    if (failure != null) {
      errors.increment();
      noteError(failure);
      return;
    }
    okOps.increment();
    units.add(done);
    latency.recordValue(Math.max(1, nanos / 1000));
  }

  private void noteError(Throwable failure) {
    firstError.compareAndSet(null, failure.getClass().getSimpleName() + ": " + failure.getMessage());
  }

  private Context context(int worker) {
    return contexts.get(worker % contexts.size());
  }

  private Result result(double seconds) {
    Histogram h = latency.getIntervalHistogram();
    return new Result(workload.name(), workload.unary() ? "req/s" : "records/s", contexts.size(), workers,
        okOps.sum(), units.sum(), errors.sum(), seconds, h, cpuUsed, firstError.get());
  }
}
