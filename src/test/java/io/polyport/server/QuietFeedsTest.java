package io.polyport.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.polyport.testing.Await;
import io.polyport.testing.EventQueue;
import io.polyport.testing.GrpcWebFrames;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.FeedRequest;
import io.polyport.users.v1.FeedResponse;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.UserServiceGrpc;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live feed never ends on its own: with an idle timeout of 1 s, quiet gRPC feeds (WatchUsers on the Vert.x
 * client, Feed on grpc-java, WatchUsers over gRPC-Web on HTTP/1.1) outlive three idle timeouts and then deliver
 * the next event; once its feeds end, a connection is closed as idle again.
 */
class QuietFeedsTest {
  /** Keep-alives in three idle timeouts: a third of the 1 s timeout each. */
  static final int BEATS = 9;
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("http", new JsonObject().put("idleTimeoutSeconds", 1)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static User create(String tag) {
    return create(app, tag);
  }

  /** A user carrying {@code tag}, created on {@code server} (QuietWebFeedsTest's too). */
  static User create(TestApp server, String tag) {
    return server.blocking().createUser(CreateUserRequest.newBuilder().setName("quiet " + tag)
        .setEmail(tag + "-" + unique() + "@example.com").addTags(tag).build());
  }

  static SocketAddress server() {
    return SocketAddress.inetSocketAddress(app.port(), "127.0.0.1");
  }

  @Test
  void aQuietWatchUsersOutlivesThreeIdleTimeoutsOnPingsAndThenDelivers() {
    String tag = "quiet" + unique();
    GrpcClient client = GrpcClient.client(app.vertx);
    try {
      AtomicInteger pings = new AtomicInteger();
      EventQueue<UserEvent> events = new EventQueue<>();
      var request = client.request(server(), UserServiceGrpcClient.WatchUsers).await();
      request.connection().pingHandler(ping -> pings.incrementAndGet());
      var response = request.send(WatchUsersRequest.newBuilder().setTag(tag).build()).await();
      response.handler(events::add);
      response.endHandler(v -> events.end());
      response.exceptionHandler(events::fail);

      Await.until(app.vertx, BEATS + " PINGs, or the stream's end", () -> pings.get() >= BEATS || events.size() > 0);
      assertThat(events.size()).as("the quiet stream neither ended nor failed").isZero();
      User user = create(tag);
      assertThat(events.next().getUser().getId()).isEqualTo(user.getId());
    } finally {
      client.close().await();
    }
  }

  @Test
  void aQuietFeedSessionOnGrpcJavaOutlivesThreeIdleTimeoutsAndThenDelivers() {
    String tag = "quietfeed" + unique();
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", app.port()).usePlaintext().build();
    try {
      EventQueue<FeedResponse> responses = new EventQueue<>();
      StreamObserver<FeedRequest> requests = UserServiceGrpc.newStub(channel).feed(new StreamObserver<>() {
        public void onNext(FeedResponse value) {
          responses.add(value);
        }

        public void onError(Throwable t) {
          responses.fail(t);
        }

        public void onCompleted() {
          responses.end();
        }
      });
      requests.onNext(FeedRequest.newBuilder().setRequestId("w").setWatch(WatchUsersRequest.newBuilder().setTag(tag)).build());
      assertThat(responses.next().getResult().getCode()).isZero();

      app.vertx.timer(3, TimeUnit.SECONDS).await(); // three idle timeouts without a message either way
      assertThat(responses.size()).as("the quiet session neither ended nor failed").isZero();
      User user = create(tag);
      assertThat(responses.next().getEvent().getUser().getId()).isEqualTo(user.getId());
      requests.onError(io.grpc.Status.CANCELLED.asRuntimeException());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aQuietGrpcWebWatchOverHttp11OutlivesThreeIdleTimeoutsAndThenDelivers() throws Exception {
    String tag = "quietweb" + unique();
    var http = app.vertx.createHttpClient();
    try {
      Buffer received = Buffer.buffer();
      AtomicReference<String> over = new AtomicReference<>();
      var request = http.request(HttpMethod.POST, app.port(), "127.0.0.1",
          "/" + UserServiceGrpcClient.WatchUsers.fullMethodName()).await();
      request.putHeader("content-type", "application/grpc-web+proto").putHeader("x-grpc-web", "1");
      var response = request.send(GrpcWebFrames.frame(WatchUsersRequest.newBuilder().setTag(tag).build().toByteArray()))
          .await();
      assertThat(response.statusCode()).isEqualTo(200);
      response.handler(chunk -> {
        synchronized (received) {
          received.appendBuffer(chunk);
        }
      });
      response.endHandler(v -> over.compareAndSet(null, "ended"));
      response.exceptionHandler(e -> over.compareAndSet(null, "failed: " + e));

      app.vertx.timer(3, TimeUnit.SECONDS).await(); // three idle timeouts without a byte either way
      assertThat(over.get()).as("the quiet stream neither ended nor failed").isNull();
      User user = create(tag);
      Await.until(app.vertx, "the event's frame", () -> {
        synchronized (received) {
          return received.length() >= 5 && received.length() >= 5 + received.getInt(1);
        }
      });
      List<GrpcWebFrames.Frame> frames;
      synchronized (received) {
        frames = GrpcWebFrames.parse(received.getBuffer(0, 5 + received.getInt(1)));
      }
      assertThat(UserEvent.parseFrom(frames.get(0).payload()).getUser().getId()).isEqualTo(user.getId());
      request.reset();
    } finally {
      http.close().await();
    }
  }

  @Test
  void onceItsFeedsEndAConnectionIsClosedAsIdleAgain() {
    GrpcClient client = GrpcClient.client(app.vertx);
    try {
      var watch = client.request(server(), UserServiceGrpcClient.WatchUsers).await();
      var connection = watch.connection();
      AtomicInteger pings = new AtomicInteger();
      Promise<Void> closed = Promise.promise();
      connection.pingHandler(ping -> pings.incrementAndGet());
      connection.closeHandler(closed::tryComplete);
      watch.send(WatchUsersRequest.newBuilder().setTag("quietend" + unique()).build()).await();
      var feed = client.request(server(), UserServiceGrpcClient.Feed).await();
      assertThat(feed.connection()).as("both calls on one connection").isSameAs(connection);
      EventQueue<FeedResponse> results = new EventQueue<>();
      feed.response().onSuccess(response -> response.handler(results::add));
      feed.write(FeedRequest.newBuilder().setRequestId("w").setWatch(WatchUsersRequest.newBuilder().setTag("quietend")).build());
      assertThat(results.next().getResult().getCode()).isZero();
      Await.until(app.vertx, "a PING while the feeds are open", () -> pings.get() >= 2);

      watch.cancel();
      feed.cancel();
      closed.future().timeout(20, TimeUnit.SECONDS).await();
    } finally {
      client.close().await();
    }
  }
}
