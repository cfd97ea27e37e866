package io.polyport.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of the bench tool, given its checked command line: opens the clients, runs the scenarios at the same
 * time, prints one result line each (and the server's heap), and closes everything again.
 */
final class BenchRun {
  private final Bench o;
  private final PrintStream out;

  BenchRun(Bench options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  /** Runs everything and returns the results (also printed, and written as JSON with --json). */
  List<Result> run() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(o.eventLoops));
    Users users = new Users(o.runTag);
    var address = SocketAddress.inetSocketAddress(o.port, o.host);
    int inFlight = o.concurrency == null ? o.connections : o.concurrency;
    var grpc = new GrpcWorkloads(vertx, address, o.connections, o.windowBytes);
    var rest = new RestWorkloads(vertx, o.host, o.port, o.connections, o.h2c, o.gzip, o.windowBytes);
    DriverWorkloads driver = null;
    HeapWatch heap = null;
    List<GrpcWorkloads> extra = new ArrayList<>();
    try {
      if (o.preload > 0) {
        long t0 = System.nanoTime();
        grpc.importOnce(grpc.first(), users.source(), o.preload).await(o.maxSeconds, TimeUnit.SECONDS);
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf(java.util.Locale.ROOT, "# preload: imported %d users over gRPC in %.1f s (%.0f records/s)%n",
            o.preload, s, o.preload / s);
      }
      List<String> idList = List.of();
      if (o.scenarios.contains("rest-get") || o.scenarios.contains("grpc-get")) {
        idList = grpc.ids(o.ids).await(120, TimeUnit.SECONDS);
        if (idList.isEmpty()) {
          throw new IllegalStateException("the get scenarios need users: the server has none (use --preload N)");
        }
      }
      if (o.scenarios.stream().anyMatch(s -> s.startsWith("driver-"))) {
        if (o.mongoUri == null) {
          throw new IllegalArgumentException("the driver baselines need --mongo-uri");
        }
        driver = new DriverWorkloads(vertx, o.mongoUri, o.mongoDb, o.batchSize);
      }
      if (o.serverPid != null) {
        try {
          heap = HeapWatch.attach(o.serverPid);
        } catch (Exception | LinkageError e) {
          System.err.println("bench: no heap figures for pid " + o.serverPid + " (not an attachable JVM?): " + e);
        }
      }
      List<Future<Result>> running = new ArrayList<>();
      for (String name : o.scenarios) {
        if (name.equals("grpc-watch")) {
          running.add(watch(vertx, address, extra));
          continue;
        }
        Workload w = workload(name, grpc, rest, driver, users, idList, inFlight, o.records);
        int workers = w.unary() ? inFlight : o.streams;
        Runner runner = new Runner(w, new CpuMeter(o.serverPid, o.dbPid),
            eventLoops(vertx, Math.min(o.connections, workers)), workers, o.rate);
        running.add(!w.unary() ? runner.rounds(o.warmupRecords == null ? w
                : workload(name, grpc, rest, driver, users, idList, inFlight, o.warmupRecords), o.warmupRounds, o.rounds)
            : o.requests > 0 ? runner.counted(o.warmupRequests, o.requests)
            : runner.timed(vertx, (long) (o.warmup * 1000), (long) (o.duration * 1000)));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> f : running) {
        results.add(f.await(o.maxSeconds, TimeUnit.SECONDS));
      }
      report(results, heap);
      return results;
    } finally {
      if (heap != null) {
        heap.close();
      }
      if (driver != null) {
        driver.close();
      }
      grpc.close().await(10, TimeUnit.SECONDS);
      for (GrpcWorkloads g : extra) {
        g.close().await(10, TimeUnit.SECONDS);
      }
      rest.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** One event-loop context per connection (a worker runs on context worker % count). */
  private static List<Context> eventLoops(Vertx vertx, int count) {
    List<Context> contexts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      contexts.add(((VertxInternal) vertx).createEventLoopContext());
    }
    return contexts;
  }

  /**
   * grpc-watch: readers on connections of their own, and non-readers apart from them (a paused stream keeps its
   * bytes unconsumed, and with them the connection's flow-control window, in any HTTP/2 client).
   */
  private Future<Result> watch(Vertx vertx, SocketAddress address, List<GrpcWorkloads> opened) {
    var readers = new GrpcWorkloads(vertx, address, o.connections, o.windowBytes);
    var idle = new GrpcWorkloads(vertx, address, Math.max(1, (o.nonReaders + 99) / 100), o.windowBytes);
    opened.add(readers);
    opened.add(idle);
    return new WatchLoad(readers, idle, eventLoops(vertx, o.connections), o.subscribers,
        Math.min(o.nonReaders, o.subscribers), o.watchTag, new CpuMeter(o.serverPid, o.dbPid))
        .run(vertx, (long) (o.warmup * 1000), (long) (o.duration * 1000));
  }

  private Workload workload(String name, GrpcWorkloads grpc, RestWorkloads rest, DriverWorkloads driver,
                            Users users, List<String> idList, int inFlight, long importRecords) {
    return switch (name) {
      case "rest-create" -> rest.create(name, users, inFlight);
      case "rest-get" -> rest.get(name, idList, inFlight);
      case "grpc-create" -> grpc.create(name, users, inFlight);
      case "grpc-get" -> grpc.get(name, idList, inFlight);
      case "grpc-list" -> grpc.list(name, o.listLimit);
      case "rest-list" -> rest.list(name, o.listLimit);
      case "grpc-import" -> grpc.importUsers(name, users, importRecords);
      case "rest-import" -> rest.importUsers(name, users, importRecords);
      case "driver-read" -> driver.read(name, o.listLimit);
      case "driver-insert" -> driver.insert(name, users, importRecords);
      default -> throw new IllegalArgumentException(name);
    };
  }

  private void report(List<Result> results, HeapWatch heap) throws Exception {
    for (Result r : results) {
      out.println(r.line() + (o.h2c && rest(r) ? " http=h2c" : "") + (o.gzip && rest(r) ? " gzip=accepted" : ""));
    }
    String heapSummary = heap == null ? null : heap.summary();
    if (heap != null) {
      out.println(heapSummary);
      if (o.heapLog != null) {
        try (var w = new PrintWriter(Files.newBufferedWriter(o.heapLog))) {
          heap.writeCsv(w);
        }
      }
    }
    if (o.json != null) {
      var array = new JsonArray();
      results.forEach(r -> array.add(r.json().put("http", rest(r) ? (o.h2c ? "h2c" : "http/1.1") : null)
          .put("gzip", rest(r) ? o.gzip : null)));
      var doc = new JsonObject().put("host", o.host).put("port", o.port).put("results", array).put("heap", heapSummary);
      Files.writeString(o.json, doc.encodePrettily());
    }
  }

  /** Whether the result is a REST scenario's (the one the --h2c and --gzip options apply to). */
  private static boolean rest(Result r) {
    return r.scenario().startsWith("rest-");
  }
}
