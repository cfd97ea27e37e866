package io.polyport.server;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.polyport.observe.Scrapes;
import io.polyport.testing.Await;
import io.polyport.testing.LogCapture;
import io.polyport.testing.Seed;
import io.polyport.testing.TestApp;
import io.polyport.testing.VertxGrpc;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ListUsers / GET /users: the same stream on every transport, in id order, filtered and paged; the cursor
 * is read only as fast as the client reads, and closed when the client goes away.
 */
class ListUsersTest {
  static final int USERS = 50_000;
  static TestApp app;
  static HttpClientAgent http;
  static String firstId;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("limits", new JsonObject().put("listBatchSize", 100)));
    // a fixed receive buffer: what the kernel holds for a paused client must not depend on buffer autotuning
    // (loopback autotuned to megabytes once, half the result, and the bound below failed)
    http = app.vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setReceiveBufferSize(64 * 1024));
    Seed.users(app, USERS, i -> CreateUserRequest.newBuilder().setName("user " + i)
        .setEmail("list" + i + "@example.com").addTags(i % 2 == 0 ? "even" : "odd").addTags("mod10-" + (i % 10)).build());
    firstId = idOf(0);
  }

  @AfterAll
  static void stop() {
    http.close();
    app.close();
  }

  /** The names of a listing, through each transport; all must agree. */
  static List<String> namesEverywhere(String after, String tag, int limit) {
    var request = ListUsersRequest.newBuilder().setAfterId(after).setTag(tag).setLimit(limit).build();
    List<String> viaVertx = app.grpc.serverStream(UserServiceGrpcClient.ListUsers, request).await()
        .stream().map(User::getName).toList();
    List<String> viaGrpcJava = new ArrayList<>();
    app.blocking().listUsers(request).forEachRemaining(u -> viaGrpcJava.add(u.getName()));
    String query = "?after=" + after + "&tag=" + tag + (limit == 0 ? "" : "&limit=" + limit);
    var ndjson = app.web.get("/users" + query).putHeader("accept", "application/x-ndjson").send().await();
    assertThat(ndjson.getHeader("content-type")).isEqualTo("application/x-ndjson");
    List<String> viaNdjson = (ndjson.bodyAsString() == null ? "" : ndjson.bodyAsString()).lines().map(l -> new JsonObject(l).getString("name")).toList();
    var json = app.web.get("/users" + query).send().await();
    assertThat(json.getHeader("content-type")).isEqualTo("application/json");
    List<String> viaJson = json.bodyAsJsonArray().stream().map(o -> ((JsonObject) o).getString("name")).toList();

    assertThat(viaGrpcJava).isEqualTo(viaVertx);
    assertThat(viaNdjson).isEqualTo(viaVertx);
    assertThat(viaJson).isEqualTo(viaVertx);
    return viaVertx;
  }

  static String idOf(int index) {
    var first = app.blocking().listUsers(ListUsersRequest.newBuilder().setLimit(index + 1).build());
    User last = null;
    while (first.hasNext()) {
      last = first.next();
    }
    return last.getId();
  }

  static List<String> names(IntStream indexes) {
    return indexes.mapToObj(i -> "user " + i).toList();
  }

  @Test
  void filtersAndPagesAgreeOnEveryTransport() {
    assertThat(namesEverywhere("", "", 5)).isEqualTo(names(IntStream.range(0, 5)));
    String tenth = idOf(9);
    assertThat(namesEverywhere(tenth, "", 3)).isEqualTo(names(IntStream.range(10, 13)));
    assertThat(namesEverywhere("", "mod10-3", 4)).isEqualTo(names(IntStream.of(3, 13, 23, 33)));
    assertThat(namesEverywhere(tenth, "odd", 2)).isEqualTo(names(IntStream.of(11, 13)));
    String nearEnd = idOf(USERS - 4);
    assertThat(namesEverywhere(nearEnd, "", 0)).isEqualTo(names(IntStream.range(USERS - 3, USERS)));
    assertThat(namesEverywhere(nearEnd, "mod10-0", 0)).isEmpty();
    assertThat(namesEverywhere("", "no-such-tag", 0)).isEmpty();
  }

  @Test
  void wholeCollectionStreamsOnBothProtocolsInIdOrder() {
    int openBefore = app.app.cursorStats().openCursors();
    Iterator<User> grpc = app.blocking().listUsers(ListUsersRequest.getDefaultInstance());
    String previous = "";
    int count = 0;
    while (grpc.hasNext()) {
      User u = grpc.next();
      assertThat(u.getId()).isGreaterThan(previous);
      previous = u.getId();
      count++;
    }
    assertThat(count).isEqualTo(USERS);

    var ndjson = app.web.get("/users").putHeader("accept", "application/x-ndjson").send().await();
    assertThat(ndjson.bodyAsString().lines().count()).isEqualTo(USERS);
    JsonArray array = app.web.get("/users").send().await().bodyAsJsonArray();
    assertThat(array.size()).isEqualTo(USERS);
    assertThat(array.getJsonObject(USERS - 1).getString("name")).isEqualTo("user " + (USERS - 1));
    assertThat(app.app.cursorStats().openCursors()).as("cursors left open").isEqualTo(openBefore);
  }

  @Test
  void badQueriesAreInvalidArgumentOnBothProtocols() {
    record Bad(String query, ListUsersRequest grpc, String message) {
    }
    for (Bad bad : List.of(
        new Bad("after=xyz", ListUsersRequest.newBuilder().setAfterId("xyz").build(), "after id must be 24 lowercase hex digits"),
        new Bad("tag=Bad!", ListUsersRequest.newBuilder().setTag("Bad!").build(), "tags must be 1-64 characters of [a-z0-9_-]"),
        new Bad("limit=-1", ListUsersRequest.newBuilder().setLimit(-1).build(), "limit must not be negative"))) {
      var rest = app.web.get("/users?" + bad.query()).send().await();
      assertThat(rest.statusCode()).isEqualTo(400);
      assertThat(rest.bodyAsJsonObject().getString("detail")).isEqualTo(bad.message());
      assertThatThrownBy(() -> app.blocking().listUsers(bad.grpc()).hasNext())
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).isEqualTo(bad.message());
          });
      assertThatThrownBy(() -> app.grpc.serverStream(UserServiceGrpcClient.ListUsers, bad.grpc()).await())
          .isInstanceOfSatisfying(VertxGrpc.Failure.class, e -> assertThat(e.description()).isEqualTo(bad.message()));
    }
  }

  /** Round trips through the server to the database: if a cursor were still reading, it would advance meanwhile. */
  static void barrier() {
    var first = GetUserRequest.newBuilder().setId(firstId).build();
    for (int i = 0; i < 40; i++) {
      app.blocking().getUser(first);
    }
  }

  /**
   * Runs barriers until the cursor count stops moving, then once more: the count must stay put while the
   * client reads nothing, and be far below the result size.
   */
  static long readWhilePaused(long before) {
    Await.until(app.vertx, "the cursor started", () -> app.app.cursorStats().documentsRead() > before);
    long read = -1;
    int stable = 0;
    for (int round = 0; round < 100 && stable < 3; round++) {
      barrier();
      long now = app.app.cursorStats().documentsRead() - before;
      stable = now == read ? stable + 1 : 0;
      read = now;
    }
    barrier();
    assertThat(app.app.cursorStats().documentsRead() - before).as("documents read while paused").isEqualTo(read);
    assertThat(read).isLessThan(USERS / 2);
    return read;
  }

  @Test
  void aPausedGrpcClientStopsTheCursor() {
    long before = app.app.cursorStats().documentsRead();
    List<User> received = new ArrayList<>();
    Promise<Void> ended = Promise.promise();
    var response = app.grpc.request(UserServiceGrpcClient.ListUsers)
        .compose(req -> req.send(ListUsersRequest.getDefaultInstance()))
        .map(resp -> {
          resp.pause();
          resp.handler(received::add);
          resp.endHandler(ended::complete);
          return resp;
        }).await();
    readWhilePaused(before);
    response.resume();
    ended.future().await();
    assertThat(received).hasSize(USERS);
  }

  @Test
  void aPausedRestClientStopsTheCursor() {
    long before = app.app.cursorStats().documentsRead();
    long[] lines = {0};
    Promise<Void> ended = Promise.promise();
    HttpClientResponse response = http.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users")
        .compose(req -> req.putHeader("accept", "application/x-ndjson").send())
        .map(resp -> {
          resp.pause();
          resp.handler(buf -> lines[0] += buf.toString().chars().filter(c -> c == '\n').count());
          resp.endHandler(ended::complete);
          return resp;
        }).await();
    readWhilePaused(before);
    response.resume();
    ended.future().await();
    assertThat(lines[0]).isEqualTo(USERS);
  }

  @Test
  void cancellingOrDisconnectingOrMissingTheDeadlineClosesTheCursor() {
    // gRPC cancel (Vert.x client)
    int open = app.app.cursorStats().openCursors();
    var request = app.grpc.request(UserServiceGrpcClient.ListUsers).await();
    request.send(ListUsersRequest.getDefaultInstance()).map(resp -> resp.pause()).await();
    Await.until(app.vertx, "a cursor is open", () -> app.app.cursorStats().openCursors() == open + 1);
    request.cancel();
    Await.until(app.vertx, "the cursor is closed after cancel", () -> app.app.cursorStats().openCursors() == open);

    // gRPC deadline (grpc-java, a client that reads one message and then nothing)
    var withDeadline = app.blocking().withDeadline(Deadline.after(2, TimeUnit.SECONDS))
        .listUsers(ListUsersRequest.getDefaultInstance());
    withDeadline.next();
    Await.until(app.vertx, "the cursor is closed after the deadline", () -> app.app.cursorStats().openCursors() == open);
    assertThatThrownBy(() -> withDeadline.forEachRemaining(u -> { }))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED));

    // REST disconnect
    var connection = app.vertx.createHttpClient();
    // the test closes this connection under the answer itself: its end is no error for the client to log
    HttpClientResponse response = connection.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users")
        .compose(req -> req.send()).map(resp -> resp.exceptionHandler(closedByTheTest -> { }).pause()).await();
    Await.until(app.vertx, "a cursor is open", () -> app.app.cursorStats().openCursors() == open + 1);
    connection.close().await();
    Await.until(app.vertx, "the cursor is closed after disconnect", () -> app.app.cursorStats().openCursors() == open);
  }

  /**
   * A list that ends while its client reads nothing, its limit five users past what fills the client's
   * 64 KiB HTTP/2 window (so a few messages wait on the server, far fewer than would pause the cursor), then
   * cancelled: the server ends the stream only once its last message is written, so no trailers wait behind
   * the held messages when the client resets. It counts as CANCELLED, and nothing is logged as an ERROR
   * (Vert.x 5.0.7 logs a NullPointerException when a reset drops queued trailers).
   */
  @Test
  void aListEndedBehindTheClientsWindowThenCancelledIsNoError() {
    int limit = pastTheWindow(65_535) + 5;
    Map<String, String> cancelled = Scrapes.call("grpc", "ListUsers", "CANCELLED");
    double before = Scrapes.valueOrZero(Scrapes.scrape(app), Scrapes.REQUESTS, cancelled);
    int open = app.app.cursorStats().openCursors();
    long read = app.app.cursorStats().documentsRead();
    try (var errors = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      var request = app.grpc.request(UserServiceGrpcClient.ListUsers).await();
      request.send(ListUsersRequest.newBuilder().setLimit(limit).build()).map(resp -> resp.pause()).await();
      try {
        Await.until(app.vertx, "the list read to its limit and its cursor closed",
            () -> app.app.cursorStats().documentsRead() - read >= limit && app.app.cursorStats().openCursors() == open);
      } catch (AssertionError e) {
        request.cancel(); // the other tests count open cursors
        throw e;
      }
      request.cancel();
      Scrapes.until(app, "the call counted", t -> Scrapes.valueOrZero(t, Scrapes.REQUESTS, cancelled) == before + 1);
      assertThat(errors.errors()).isEmpty();
    }
  }

  /** How many of the first users, as length-prefixed messages, fill {@code windowBytes}. */
  private static int pastTheWindow(int windowBytes) {
    Iterator<User> users = app.blocking().listUsers(ListUsersRequest.newBuilder().setLimit(USERS / 2).build());
    int count = 0;
    for (long bytes = 0; bytes <= windowBytes; count++) {
      bytes += 5 + users.next().getSerializedSize();
    }
    return count;
  }

  /**
   * A client that reads nothing, with a deadline that only the server enforces (the Vert.x client sends
   * grpc-timeout without a timer of its own, so no client reset races the server's): when it passes, the
   * cursor is closed, and the stream, whose client is not reading, is reset at once (as grpc-java's server
   * does) instead of ended with trailers queued behind data nobody reads; it counts as DEADLINE_EXCEEDED, and
   * nothing is logged as an ERROR (Vert.x 5.0.7 logs a NullPointerException when a reset drops such trailers).
   */
  @Test
  void aStuckStreamPastItsDeadlineClosesTheCursorAndIsReset() {
    Map<String, String> deadline = Scrapes.call("grpc", "ListUsers", "DEADLINE_EXCEEDED");
    double before = Scrapes.valueOrZero(Scrapes.scrape(app), Scrapes.REQUESTS, deadline);
    int open = app.app.cursorStats().openCursors();
    try (var errors = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      var request = app.grpc.request(UserServiceGrpcClient.ListUsers).await();
      request.timeout(2, TimeUnit.SECONDS);
      Promise<Void> ended = Promise.promise();
      request.send(ListUsersRequest.getDefaultInstance()).map(resp -> resp.pause()).await()
          .exceptionHandler(ended::tryFail).endHandler(ended::tryComplete);
      Await.until(app.vertx, "the cursor is closed after the deadline", () -> app.app.cursorStats().openCursors() == open);
      Scrapes.until(app, "the call counted", t -> Scrapes.valueOrZero(t, Scrapes.REQUESTS, deadline) == before + 1);
      assertThatThrownBy(() -> ended.future().timeout(20, TimeUnit.SECONDS).await()).as("the stream reset, not ended")
          .isInstanceOfAny(StreamResetException.class, HttpClosedException.class);
      assertThat(errors.errors()).isEmpty();
    }
  }



}
