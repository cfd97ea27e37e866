package io.polyport.server;

import io.grpc.stub.ClientCallStreamObserver;
import io.polyport.observe.Scrapes;
import io.polyport.testing.LogCapture;
import io.polyport.testing.TestApp;
import io.polyport.testing.VertxGrpc;
import io.polyport.testing.Watchers;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.EventType;
import io.polyport.users.v1.FeedRequest;
import io.polyport.users.v1.UpdateUserRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Snapshot + live with racing writes (no gap, no duplicate), and a slow consumer that is cut off alone. */
class FeedGuaranteesTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("feed", new JsonObject().put("queueSize", 50).put("history", 20_000)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static UpdateUserRequest bump(User u, int n) {
    return UpdateUserRequest.newBuilder().setUser(User.newBuilder().setId(u.getId()).setName("v" + n)).build();
  }

  @Test
  void snapshotThenLiveSeesEveryVersionExactlyOnceWhileWritesRace() {
    // a queue large enough that a loaded machine does not cut this reader off: this test is about order
    try (TestApp app = TestApp.start(new JsonObject().put("feed", new JsonObject().put("queueSize", 5000).put("history", 20_000)))) {
      snapshotRace(app);
    }
  }

  static void snapshotRace(TestApp app) {
    String tag = "snap";
    List<User> users = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      users.add(app.blocking().createUser(CreateUserRequest.newBuilder().setName("s" + i)
          .setEmail("snap" + i + "@example.com").addTags(tag).build()));
    }
    // writers race with the snapshot: every user gets 3 more versions, some new users appear
    List<Future<?>> writes = new ArrayList<>();
    var watch = Watchers.vertx(app, WatchUsersRequest.newBuilder().setTag(tag).setSnapshot(true).build());
    for (int round = 2; round <= 4; round++) {
      for (User u : users) {
        writes.add(app.grpc.unary(UserServiceGrpcClient.UpdateUser, bump(u, round)));
      }
      Future.all(writes).await();
    }
    List<User> late = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      late.add(app.blocking().createUser(CreateUserRequest.newBuilder().setName("late" + i)
          .setEmail("late" + i + "@example.com").addTags(tag).build()));
    }

    Map<String, Set<Integer>> seen = new HashMap<>();
    int expected = users.size() * 4 + late.size();
    int received = 0;
    int snapshot = 0;
    while (received < expected) {
      UserEvent e = watch.next();
      if (e.getType() == EventType.EVENT_TYPE_SNAPSHOT) {
        snapshot++;
      }
      Set<Integer> versions = seen.computeIfAbsent(e.getUser().getId(), k -> new HashSet<>());
      if (e.getType() == EventType.EVENT_TYPE_SNAPSHOT) {
        // a snapshot may start at any version, but every later version comes once
        versions.clear();
        for (int v = 1; v <= e.getUser().getVersion(); v++) {
          versions.add(v);
        }
        received += e.getUser().getVersion();
      } else {
        assertThat(versions.add(e.getUser().getVersion()))
            .as("version %d of %s delivered twice", e.getUser().getVersion(), e.getUser().getId()).isTrue();
        received++;
      }
    }
    assertThat(snapshot).isGreaterThanOrEqualTo(users.size());
    for (User u : users) {
      assertThat(seen.get(u.getId())).as("versions of %s", u.getId()).containsExactlyInAnyOrder(1, 2, 3, 4);
    }
    for (User u : late) {
      assertThat(seen.get(u.getId())).containsExactly(1);
    }
    assertThat(watch.size()).as("nothing beyond the expected versions").isZero();
  }

  @Test
  void aSubscriberThatDoesNotReadIsCutOffWhileAReaderGetsEverything() {
    String tag = "slow";
    // a raw Vert.x client that never reads, on a connection of its own (a paused stream holds its
    // connection's HTTP/2 window, which must not stall the writers' calls)
    GrpcClient own = GrpcClient.client(app.vertx);
    var stalled = own.request(SocketAddress.inetSocketAddress(app.port(), "127.0.0.1"), UserServiceGrpcClient.WatchUsers)
        .compose(req -> req.send(WatchUsersRequest.newBuilder().setTag(tag).build()))
        .map(resp -> resp.pause()).await();
    var reader = Watchers.grpcJava(app, WatchUsersRequest.newBuilder().setTag(tag).build(), null);

    int writes = 3000;
    List<Future<User>> created = new ArrayList<>();
    for (int i = 0; i < writes; i++) {
      created.add(app.grpc.unary(UserServiceGrpcClient.CreateUser, CreateUserRequest.newBuilder()
          .setName("slow" + i).setEmail("slow" + i + "@example.com").addTags(tag).build()));
      if (created.size() % 200 == 0) {
        Future.all(created).await();
      }
    }
    Future.all(created).await();
    Set<String> got = new HashSet<>();
    for (int i = 0; i < writes; i++) {
      got.add(reader.next().getUser().getId());
    }
    assertThat(got).hasSize(writes);

    stalled.resume();
    var ended = stalled.end().map(v -> (Throwable) null).otherwise(e -> VertxGrpc.failure(stalled)).await();
    assertThat(ended).isInstanceOfSatisfying(VertxGrpc.Failure.class, f -> {
      assertThat(f.status.name()).isEqualTo("RESOURCE_EXHAUSTED");
      assertThat(f.description()).startsWith("the subscriber fell more than 50 events behind");
    });
    assertThat(stalled.trailers().get("polyport-resume-token")).isNotEmpty();
    own.close().await();
  }

  /**
   * A live stream cut off (more than 50 events behind) while its client read nothing, which then cancels: the
   * server counts the call as cancelled, since the client never read its end. Its error trailers, queued behind
   * messages the client did not read, would be dropped with Vert.x 5.0.7's NullPointerException, logged as an
   * ERROR, and the call counted with a status the client never received.
   */
  @Test
  void aWatchCutOffWhileNotReadingThatThenCancelsIsNoError() {
    cutOffWhileNotReadingThenCancelled("WatchUsers", "gone", own -> {
      var request = own.request(SERVER.apply(app), UserServiceGrpcClient.WatchUsers).await();
      request.send(WatchUsersRequest.newBuilder().setTag("gone").build()).map(resp -> resp.pause()).await();
      return request;
    });
  }

  @Test
  void aFeedSessionCutOffWhileNotReadingThatThenCancelsIsNoError() {
    cutOffWhileNotReadingThenCancelled("Feed", "gonefeed", own -> {
      var request = own.request(SERVER.apply(app), UserServiceGrpcClient.Feed).await();
      request.write(FeedRequest.newBuilder().setRequestId("w1").setWatch(WatchUsersRequest.newBuilder().setTag("gonefeed")).build());
      request.response().map(resp -> resp.pause()).await();
      return request;
    });
  }

  private static final Function<TestApp, SocketAddress> SERVER = a -> SocketAddress.inetSocketAddress(a.port(), "127.0.0.1");

  /** {@code open} starts the call that stops reading, on a client of its own, watching {@code tag}. */
  private static void cutOffWhileNotReadingThenCancelled(String rpc, String tag, Function<GrpcClient, GrpcClientRequest<?, ?>> open) {
    try (var logs = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      Map<String, String> cancelled = Scrapes.call("grpc", rpc, "CANCELLED");
      Map<String, String> cutOff = Scrapes.call("grpc", rpc, "RESOURCE_EXHAUSTED");
      String before = Scrapes.scrape(app);
      double subscribers = Scrapes.value(before, "polyport_feed_subscribers", Map.of());
      GrpcClient own = GrpcClient.client(app.vertx);
      var stalled = open.apply(own);
      ClientCallStreamObserver<?>[] readerCall = {null};
      var reader = Watchers.grpcJava(app, WatchUsersRequest.newBuilder().setTag(tag).build(), readerCall);
      // enough events to fill the stalled client's 64 KiB window and then its queue of 50
      int writes = 1500;
      List<Future<User>> created = new ArrayList<>();
      for (int i = 0; i < writes; i++) {
        created.add(app.grpc.unary(UserServiceGrpcClient.CreateUser, CreateUserRequest.newBuilder()
            .setName(tag + i).setEmail(tag + i + "@example.com").addTags(tag).build()));
        if (created.size() % 200 == 0) {
          Future.all(created).await();
        }
      }
      Future.all(created).await();
      for (int i = 0; i < writes; i++) {
        reader.next();
      }
      Scrapes.until(app, "the stalled subscriber cut off (only the reader's subscription left)",
          t -> Scrapes.valueOrZero(t, "polyport_feed_subscribers", Map.of()) == subscribers + 1);

      stalled.cancel();
      String after = Scrapes.until(app, "the stalled call counted as cancelled",
          t -> Scrapes.valueOrZero(t, Scrapes.REQUESTS, cancelled) == Scrapes.valueOrZero(before, Scrapes.REQUESTS, cancelled) + 1);
      assertThat(Scrapes.valueOrZero(after, Scrapes.REQUESTS, cutOff)).as("the client never received that status")
          .isEqualTo(Scrapes.valueOrZero(before, Scrapes.REQUESTS, cutOff));
      own.close().await();
      // the reader's call is over on the server before the next test takes its counts
      Map<String, String> watchCancelled = Scrapes.call("grpc", "WatchUsers", "CANCELLED");
      double readersCancelled = Scrapes.valueOrZero(after, Scrapes.REQUESTS, watchCancelled);
      readerCall[0].cancel("done", null);
      Scrapes.until(app, "the reader's call ended", t -> Scrapes.valueOrZero(t, "polyport_feed_subscribers", Map.of()) == subscribers
          && Scrapes.valueOrZero(t, Scrapes.REQUESTS, watchCancelled) == readersCancelled + 1);
      assertThat(logs.errors()).isEmpty();
    }
  }
}
