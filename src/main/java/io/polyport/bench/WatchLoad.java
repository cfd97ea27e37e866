package io.polyport.bench;

import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import org.HdrHistogram.Recorder;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The grpc-watch scenario: {@code subscribers} WatchUsers streams held open for the warm-up and the measured
 * window, spread over the connections; the first {@code nonReaders} pause at once and never read (the server
 * must end them on overflow without slowing the others), on connections of their own. The units are the events the reading subscribers
 * receive in the window; the latency is each event's delivery delay, its arrival minus its {@code time} (the
 * database's commit time, millisecond precision, same machine clock). A reading subscriber whose stream ends
 * before the window closes is an error. Writes come from another scenario run beside it (grpc-create --rate).
 */
final class WatchLoad {
  private final GrpcWorkloads readers;
  private final GrpcWorkloads idle;
  private final List<Context> contexts;
  private final int subscribers;
  private final int nonReaders;
  private final String tag;
  private final CpuMeter cpu;
  private final Recorder latency = new Recorder(3);
  private final LongAdder events = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private volatile boolean measuring;
  private volatile boolean closing;

  WatchLoad(GrpcWorkloads readers, GrpcWorkloads idle, List<Context> contexts, int subscribers, int nonReaders,
            String tag, CpuMeter cpu) {
    this.readers = readers;
    this.idle = idle;
    this.contexts = contexts;
    this.subscribers = subscribers;
    this.nonReaders = nonReaders;
    this.tag = tag;
    this.cpu = cpu;
  }

  Future<Result> run(Vertx vertx, long warmupMs, long durationMs) {
    for (int i = 0; i < subscribers; i++) {
      int index = i;
      contexts.get(i % contexts.size()).runOnContext(v -> subscribe(index));
    }
    Promise<Result> done = Promise.promise();
    vertx.setTimer(Math.max(1, warmupMs), t -> {
      latency.reset();
      cpu.start();
      long start = System.nanoTime();
      measuring = true;
      vertx.setTimer(Math.max(1, durationMs), t2 -> {
        measuring = false;
        closing = true;
        double seconds = (System.nanoTime() - start) / 1e9;
        CpuMeter.Usage used = cpu.stop();
        // the streams end with their connections when the bench closes its clients: cancelling a thousand
        // streams one by one would trip the HTTP/2 rapid-reset guard and close the connections anyway
        done.complete(new Result("grpc-watch", "events/s", contexts.size(), subscribers, subscribers - nonReaders,
            events.sum(), errors.sum(), seconds, latency.getIntervalHistogram(), used,
            firstError.get()));
      });
    });
    return done.future();
  }

  private void subscribe(int index) {
    boolean reader = index >= nonReaders;
    (reader ? readers : idle).watch(index, WatchUsersRequest.newBuilder().setTag(tag).build()).onSuccess(req -> {
      req.response().onSuccess(resp -> {
        if (!reader) {
          // never reads: how the server ends it shows in its metrics (a paused stream's end never arrives here)
          resp.pause();
          return;
        }
        resp.handler(event -> {
          if (measuring) {
            events.increment();
            long delayMicros = System.currentTimeMillis() * 1000 - event.getTime().getSeconds() * 1_000_000
                - event.getTime().getNanos() / 1000;
            latency.recordValue(Math.max(1, delayMicros));
          }
        });
        resp.end().onComplete(ar -> ended(resp.status(), resp.statusMessage()));
      }).onFailure(e -> ended(null, e.toString()));
    }).onFailure(e -> ended(null, e.toString()));
  }

  private void ended(GrpcStatus status, String message) {
    if (!closing) {
      errors.increment();
      firstError.compareAndSet(null, "watch ended: " + (status == null ? "" : status.name() + " ") + message);
    }
  }
}
