package io.polyport.bench;

import io.polyport.testing.TestApp;
import io.polyport.users.v1.ListUsersRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench tool against a real server: every scenario, all at once, reports a positive rate and no error. */
class BenchTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static List<Result> bench(ByteArrayOutputStream out, String... args) throws Exception {
    var bench = new Bench(new PrintStream(out, true, StandardCharsets.UTF_8));
    new CommandLine(bench).parseArgs(args);
    return bench.run();
  }

  static String[] args(String scenarios, String... more) {
    List<String> all = new java.util.ArrayList<>(List.of("--port", String.valueOf(app.port()), "--scenario", scenarios,
        "--connections", "2", "--concurrency", "4", "--duration", "1", "--warmup", "0.3", "--records", "1000",
        "--mongo-uri", app.app.mongoUri(), "--mongo-db", app.app.config().mongo().database()));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** Users the server holds whose generated email carries {@code runTag} (see Users). */
  static long storedUsersOfRun(String runTag) {
    long stored = 0;
    for (var it = app.blocking().listUsers(ListUsersRequest.getDefaultInstance()); it.hasNext(); ) {
      stored += it.next().getEmail().startsWith("b" + runTag + "-") ? 1 : 0;
    }
    return stored;
  }

  static void assertClean(List<Result> results, String printed) {
    for (Result r : results) {
      assertThat(r.errors()).as("%s errors (%s)", r.scenario(), r.firstError()).isZero();
      assertThat(r.rate()).as(r.scenario()).isPositive();
      assertThat(printed).contains("bench scenario=" + r.scenario() + " rate=");
    }
  }

  @Test
  void unaryScenariosAtOnceForASecondReportAPositiveRateAndNoErrors() throws Exception {
    var out = new ByteArrayOutputStream();
    List<Result> results = bench(out, args("rest-create,rest-get,grpc-create,grpc-get", "--preload", "200"));
    assertThat(results).extracting(Result::scenario).containsExactly("rest-create", "rest-get", "grpc-create", "grpc-get");
    assertClean(results, out.toString(StandardCharsets.UTF_8));
    assertThat(results).allSatisfy(r -> assertThat(r.seconds()).isBetween(0.9, 3.0));
  }

  @Test
  void countedUnaryScenariosMeasureExactlyTheRequestsAskedFor() throws Exception {
    var out = new ByteArrayOutputStream();
    long started = System.nanoTime();
    List<Result> results = bench(out, args("grpc-create,rest-create,grpc-get", "--preload", "50",
        "--requests", "300", "--warmup-requests", "40", "--run-tag", "counted"));
    double elapsed = (System.nanoTime() - started) / 1e9;
    assertClean(results, out.toString(StandardCharsets.UTF_8));
    // exactly the measured requests: counted, timed into the latency histogram, inside a window that is
    // shorter than the whole run (it opens after the warm-up)
    assertThat(results).allSatisfy(r -> {
      assertThat(r.okOps()).as(r.scenario()).isEqualTo(300);
      assertThat(r.latencyMicros().getTotalCount()).as(r.scenario()).isEqualTo(300);
      assertThat(r.seconds()).as(r.scenario()).isPositive().isLessThan(elapsed);
    });
    // the preload, then each create scenario's warm-up and measured creates, and not one more, were stored
    assertThat(storedUsersOfRun("counted")).isEqualTo(50 + 2 * (40 + 300));
  }

  @Test
  void importsWarmUpWithTheirOwnSmallerStreamsAndMeasureOnlyTheFullOnes() throws Exception {
    var out = new ByteArrayOutputStream();
    // the three import paths million.sh warms up: gRPC, REST NDJSON and the driver alone (into the same collection)
    List<Result> results = bench(out, args("grpc-import,rest-import,driver-insert", "--warmup-rounds", "2",
        "--warmup-records", "70", "--run-tag", "warmimport"));
    assertClean(results, out.toString(StandardCharsets.UTF_8));
    assertThat(results).allSatisfy(r -> {
      assertThat(r.units()).as(r.scenario()).isEqualTo(1000);
      assertThat(r.okOps()).as(r.scenario()).isEqualTo(1);
    });
    assertThat(storedUsersOfRun("warmimport")).isEqualTo(3 * (2 * 70 + 1000));
  }

  @Test
  void streamScenariosMoveWholeStreams() throws Exception {
    var out = new ByteArrayOutputStream();
    List<String> streams = Bench.SCENARIOS.stream()
        .filter(s -> !s.endsWith("-get") && !s.endsWith("-create") && !s.equals("grpc-watch")).toList();
    List<Result> results = bench(out, args(String.join(",", streams), "--preload", "300"));
    assertThat(results).extracting(Result::scenario).containsExactlyElementsOf(streams);
    assertClean(results, out.toString(StandardCharsets.UTF_8));
    // whole streams: imports of exactly --records users, lists of every stored user (at least the preload)
    assertThat(results.stream().filter(r -> r.scenario().endsWith("-import") || r.scenario().endsWith("-insert")))
        .allSatisfy(r -> assertThat(r.units()).isEqualTo(1000));
    assertThat(results.stream().filter(r -> r.scenario().endsWith("-list") || r.scenario().endsWith("-read")))
        .allSatisfy(r -> assertThat(r.units()).isGreaterThanOrEqualTo(300));
  }

  /** With --gzip the REST list arrives compressed (the server gzips it for a client that accepts it) and counts the same. */
  @Test
  void restListsCountTheSameUsersWhenTheyComeGzipped() throws Exception {
    var plainOut = new ByteArrayOutputStream();
    List<Result> plain = bench(plainOut, args("rest-list", "--preload", "300"));
    var gzipOut = new ByteArrayOutputStream();
    List<Result> gzipped = bench(gzipOut, args("rest-list", "--gzip"));
    assertClean(gzipped, gzipOut.toString(StandardCharsets.UTF_8));
    assertThat(gzipOut.toString(StandardCharsets.UTF_8)).contains("gzip=accepted");
    assertThat(plainOut.toString(StandardCharsets.UTF_8)).doesNotContain("gzip=");
    assertThat(gzipped.get(0).units()).isEqualTo(plain.get(0).units()).isGreaterThanOrEqualTo(300);
  }

  @Test
  void watchSubscribersReceiveTheEventsOfPacedWritesWhileNonReadersDoNotStopThem() throws Exception {
    var out = new ByteArrayOutputStream();
    List<Result> results = bench(out, "--port", String.valueOf(app.port()), "--scenario", "grpc-watch,grpc-create",
        "--connections", "2", "--concurrency", "2", "--duration", "2", "--warmup", "1", "--rate", "100",
        "--subscribers", "20", "--non-readers", "3");
    assertClean(results, out.toString(StandardCharsets.UTF_8));
    Result watch = results.get(0);
    Result creates = results.get(1);
    assertThat(watch.unit()).isEqualTo("events/s");
    // paced: about 100 creates/s for 2 s, never the unpaced rate
    assertThat(creates.units()).isBetween(100L, 300L);
    // every reading subscriber sees (nearly) every create of the window: the windows differ by a few ms
    assertThat(watch.units()).isGreaterThan(17L * creates.units() * 8 / 10);
  }

  @Test
  void aFailingScenarioCountsErrorsNotSuccesses() throws Exception {
    var out = new ByteArrayOutputStream();
    // an email that the server refuses: every import fails, none is counted as records/s
    List<Result> results = bench(out, "--port", String.valueOf(app.port()), "--scenario", "rest-import",
        "--records", "10", "--run-tag", "not an email ");
    assertThat(results.get(0).errors()).isEqualTo(1);
    assertThat(results.get(0).units()).isZero();
  }
}
