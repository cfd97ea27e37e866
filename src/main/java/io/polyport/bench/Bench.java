package io.polyport.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Load for a running Polyport (or any server of the UserService contract): unary, streaming and database
 * baseline scenarios, several at once on the same port, one result line each. See docs/benchmarks.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Drives a running server over REST and gRPC and prints requests/s or records/s, errors and latency.")
public final class Bench implements Callable<Integer> {
  static final List<String> SCENARIOS = List.of("rest-create", "rest-get", "grpc-create", "grpc-get", "grpc-list",
      "rest-list", "grpc-import", "rest-import", "driver-read", "driver-insert", "grpc-watch");

  @Option(names = "--host", description = "server host (default: ${DEFAULT-VALUE})")
  String host = "127.0.0.1";
  @Option(names = {"-p", "--port"}, description = "server port (default: ${DEFAULT-VALUE})")
  int port = 8080;
  @Option(names = {"-s", "--scenario"}, split = ",", required = true,
      description = "comma-separated, run at the same time: ${COMPLETION-CANDIDATES}", completionCandidates = Names.class)
  List<String> scenarios;
  @Option(names = {"-c", "--connections"}, description = "connections per scenario (default: ${DEFAULT-VALUE})")
  int connections = 1;
  @Option(names = {"-m", "--concurrency"}, description = "unary requests in flight per scenario (default: connections)")
  Integer concurrency;
  @Option(names = {"-d", "--duration"}, description = "measured seconds of a unary scenario (default: ${DEFAULT-VALUE})")
  double duration = 10;
  @Option(names = {"-w", "--warmup"}, description = "unmeasured seconds first; the client's own JIT needs about 10 (default: ${DEFAULT-VALUE})")
  double warmup = 10;
  @Option(names = "--requests", description = "measured requests of a unary scenario, instead of --duration: servers "
      + "given the same counts take the same writes (default: 0 = timed)")
  long requests;
  @Option(names = "--warmup-requests", description = "with --requests: unmeasured requests first, instead of --warmup "
      + "(default: ${DEFAULT-VALUE})")
  long warmupRequests;
  @Option(names = "--rate", description = "requests/s of each unary scenario, paced (default: 0 = as fast as answered)")
  double rate;
  @Option(names = "--subscribers", description = "WatchUsers streams of grpc-watch (default: ${DEFAULT-VALUE})")
  int subscribers = 100;
  @Option(names = "--non-readers", description = "of those, streams that never read (default: ${DEFAULT-VALUE})")
  int nonReaders = 0;
  @Option(names = "--watch-tag", description = "tag filter of the WatchUsers streams (default: all users)")
  String watchTag = "";
  @Option(names = "--h2c", description = "REST over h2c (prior knowledge) instead of HTTP/1.1")
  boolean h2c;
  @Option(names = "--gzip", description = "REST clients accept gzip (and inflate what comes compressed)")
  boolean gzip;
  @Option(names = "--streams", description = "concurrent streams of a stream scenario (default: ${DEFAULT-VALUE})")
  int streams = 1;
  @Option(names = "--rounds", description = "measured streams per stream worker (default: ${DEFAULT-VALUE})")
  int rounds = 1;
  @Option(names = "--warmup-rounds", description = "unmeasured streams per stream worker first (default: ${DEFAULT-VALUE})")
  int warmupRounds = 0;
  @Option(names = "--records", description = "users per import stream (default: ${DEFAULT-VALUE})")
  long records = 100_000;
  @Option(names = "--warmup-records", description = "users per unmeasured import stream (default: --records)")
  Long warmupRecords;
  @Option(names = "--list-limit", description = "limit of a list stream and of the read baselines, 0 = all (default: ${DEFAULT-VALUE})")
  int listLimit = 0;
  @Option(names = "--preload", description = "import this many users over gRPC before the scenarios (default: ${DEFAULT-VALUE})")
  long preload = 0;
  @Option(names = "--ids", description = "user ids (the first in id order) the get scenarios cycle through (default: ${DEFAULT-VALUE})")
  int ids = 10_000;
  @Option(names = "--mongo-uri", description = "database of the driver-* baselines")
  String mongoUri;
  @Option(names = "--mongo-db", description = "its database name (default: ${DEFAULT-VALUE})")
  String mongoDb = "polyport";
  @Option(names = "--batch-size", description = "cursor batch / insert batch of the baselines, as the server's (default: ${DEFAULT-VALUE})")
  int batchSize = 1000;
  @Option(names = "--event-loops", description = "event loops of the load generator (default: ${DEFAULT-VALUE})")
  int eventLoops = 1;
  @Option(names = "--h2-window", description = "HTTP/2 stream and connection window of the clients, bytes (default: ${DEFAULT-VALUE})")
  int windowBytes = 1024 * 1024;
  @Option(names = "--server-pid", description = "report the server's CPU, and if it is a JVM its heap (peak, after each GC)")
  Long serverPid;
  @Option(names = "--db-pid", description = "report this process's CPU (the database) as db_cpu")
  Long dbPid;
  @Option(names = "--heap-log", description = "with --server-pid: every GC as CSV to this file")
  Path heapLog;
  @Option(names = "--json", description = "also write the results as JSON to this file")
  Path json;
  @Option(names = "--run-tag", description = "tag in generated emails (default: random; emails are unique per run)")
  String runTag = Users.randomRun();
  @Option(names = "--max-seconds", description = "give up (exit 124) after this long (default: ${DEFAULT-VALUE})")
  long maxSeconds = 1800;

  private final PrintStream out;

  public Bench() {
    this(System.out);
  }

  Bench(PrintStream out) {
    this.out = out;
  }

  static final class Names extends ArrayList<String> {
    Names() {
      super(SCENARIOS);
    }
  }

  public static void main(String[] args) {
    int exit = new CommandLine(new Bench()).execute(args);
    System.exit(exit);
  }

  @Override
  public Integer call() throws Exception {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(maxSeconds));
        System.err.println("bench: gave up after " + maxSeconds + " s (--max-seconds)");
        System.exit(124);
      } catch (InterruptedException e) {
        // finished in time
      }
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    List<Result> results = run();
    watchdog.interrupt();
    return results.stream().allMatch(r -> r.errors() == 0 && r.okOps() > 0) ? 0 : 3;
  }

  /** Checks the options, then runs everything and returns the results (see BenchRun). */
  List<Result> run() throws Exception {
    for (String s : scenarios) {
      if (!SCENARIOS.contains(s)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "unknown scenario " + s + "; known: " + SCENARIOS);
      }
    }
    if (warmupRecords != null && (warmupRecords < 1 || warmupRounds < 1)) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--warmup-records takes a positive count and needs --warmup-rounds");
    }
    if (requests < 0 || warmupRequests < 0 || warmupRequests > 0 && requests == 0) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--requests takes a positive count, and --warmup-requests (0 or more) needs --requests");
    }
    return new BenchRun(this, out).run();
  }
}
