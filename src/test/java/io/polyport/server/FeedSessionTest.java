package io.polyport.server;

import io.grpc.stub.StreamObserver;
import io.polyport.testing.EventQueue;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.DeleteUserRequest;
import io.polyport.users.v1.FeedRequest;
import io.polyport.users.v1.FeedResponse;
import io.polyport.users.v1.UpdateUserRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bidirectional feed, on gRPC and on the WebSocket: writes answered by results with their request id,
 * events of the session's subscription interleaved, a failing write answered without ending the session.
 */
class FeedSessionTest {
  static TestApp app;
  static WebSocketClient ws;

  @BeforeAll
  static void start() {
    app = TestApp.start();
    ws = app.vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    ws.close().await();
    app.close();
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void grpcFeedInterleavesResultsAndEventsAndSurvivesAFailedWrite() {
    String tag = "f" + unique();
    EventQueue<FeedResponse> responses = new EventQueue<>();
    StreamObserver<FeedRequest> requests = app.async().feed(new StreamObserver<>() {
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
    requests.onNext(FeedRequest.newBuilder().setRequestId("w1").setWatch(WatchUsersRequest.newBuilder().setTag(tag)).build());
    assertThat(responses.next().getResult()).satisfies(r -> {
      assertThat(r.getRequestId()).isEqualTo("w1");
      assertThat(r.getCode()).isZero();
    });

    String email = "feed-" + unique() + "@example.com";
    requests.onNext(FeedRequest.newBuilder().setRequestId("c1")
        .setCreate(CreateUserRequest.newBuilder().setName("Feed one").setEmail(email).addTags(tag)).build());
    // the result and the event it causes come in whichever order they happen
    List<FeedResponse> pair = responses.next(2);
    FeedResponse created = pair.stream().filter(FeedResponse::hasResult).findFirst().orElseThrow();
    FeedResponse event = pair.stream().filter(FeedResponse::hasEvent).findFirst().orElseThrow();
    assertThat(created.getResult().getRequestId()).isEqualTo("c1");
    assertThat(created.getResult().getCode()).isZero();
    User user = created.getResult().getUser();
    assertThat(user.getName()).isEqualTo("Feed one");
    assertThat(event.getEvent().getUser()).isEqualTo(user);

    requests.onNext(FeedRequest.newBuilder().setRequestId("dup")
        .setCreate(CreateUserRequest.newBuilder().setName("Feed dup").setEmail(email.toUpperCase()).addTags(tag)).build());
    assertThat(responses.next().getResult()).satisfies(r -> {
      assertThat(r.getRequestId()).isEqualTo("dup");
      assertThat(r.getCode()).isEqualTo(6);
      assertThat(r.getMessage()).isEqualTo("a user with email " + email + " already exists");
      assertThat(r.hasUser()).isFalse();
    });

    requests.onNext(FeedRequest.newBuilder().setRequestId("u1").setUpdate(UpdateUserRequest.newBuilder()
        .setUser(User.newBuilder().setId(user.getId()).setName("Feed two").setVersion(1))).build());
    List<FeedResponse> updates = responses.next(2);
    FeedResponse updated = updates.stream().filter(FeedResponse::hasResult).findFirst().orElseThrow();
    assertThat(updated.getResult().getRequestId()).isEqualTo("u1");
    assertThat(updated.getResult().getUser().getVersion()).isEqualTo(2);
    assertThat(updates.stream().filter(FeedResponse::hasEvent).findFirst().orElseThrow().getEvent().getUser())
        .isEqualTo(updated.getResult().getUser());

    requests.onNext(FeedRequest.newBuilder().setRequestId("d1").setDelete(DeleteUserRequest.newBuilder().setId(user.getId())).build());
    List<FeedResponse> deletes = responses.next(2);
    assertThat(deletes.stream().filter(FeedResponse::hasResult).findFirst().orElseThrow().getResult().getRequestId()).isEqualTo("d1");
    assertThat(deletes.stream().filter(FeedResponse::hasEvent).findFirst().orElseThrow().getEvent().getType().name())
        .isEqualTo("EVENT_TYPE_DELETED");

    requests.onNext(FeedRequest.newBuilder().setRequestId("none").build());
    assertThat(responses.next().getResult()).satisfies(r -> {
      assertThat(r.getCode()).isEqualTo(3);
      assertThat(r.getMessage()).isEqualTo("the request names no action");
    });
    requests.onError(io.grpc.Status.CANCELLED.asRuntimeException());
  }

  @Test
  void websocketFeedCarriesTheSameMessagesAsJson() {
    String tag = "w" + unique();
    EventQueue<JsonObject> frames = new EventQueue<>();
    WebSocket socket = ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port()).setURI("/users/feed"))
        .map(s -> {
          s.textMessageHandler(text -> frames.add(new JsonObject(text)));
          s.closeHandler(v -> frames.end());
          return s;
        }).await();
    socket.writeTextMessage(new JsonObject().put("requestId", "w").put("watch", new JsonObject().put("tag", tag)).encode()).await();
    JsonObject watching = frames.next().getJsonObject("result");
    assertThat(watching.getString("requestId")).isEqualTo("w");
    assertThat(watching.getInteger("code")).isZero();
    String email = "ws-" + unique() + "@example.com";
    socket.writeTextMessage(new JsonObject().put("requestId", "c").put("create", new JsonObject()
        .put("name", "Socket").put("email", email).put("tags", new JsonArray().add(tag))).encode()).await();
    List<JsonObject> pair = frames.next(2);
    JsonObject result = pair.stream().filter(f -> f.containsKey("result")).findFirst().orElseThrow().getJsonObject("result");
    assertThat(result.getString("requestId")).isEqualTo("c");
    JsonObject event = pair.stream().filter(f -> f.containsKey("event")).findFirst().orElseThrow().getJsonObject("event");
    assertThat(event.getString("type")).isEqualTo("EVENT_TYPE_CREATED");
    assertThat(event.getJsonObject("user")).isEqualTo(result.getJsonObject("user"));

    socket.writeTextMessage(new JsonObject().put("requestId", "dup").put("create", new JsonObject()
        .put("name", "Socket 2").put("email", email)).encode()).await();
    assertThat(frames.next().getJsonObject("result").getInteger("code")).isEqualTo(6);

    socket.writeTextMessage("{not json").await();
    assertThat(frames.next().getJsonObject("result").getInteger("code")).isEqualTo(3);
    socket.close().await();
  }
}
