package io.polyport.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.polyport.testing.EventQueue;
import io.polyport.testing.TestApp;
import io.polyport.testing.Watchers;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.DeleteUserRequest;
import io.polyport.users.v1.EventType;
import io.polyport.users.v1.UpdateUserRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.http.HttpClientAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Each event type on gRPC WatchUsers (both clients) and SSE, with tag filters, resumes and bad requests. */
class WatchUsersTest {
  static TestApp app;
  static HttpClientAgent http;

  @BeforeAll
  static void start() {
    app = TestApp.start();
    http = app.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    http.close();
    app.close();
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static User create(String name, String... tags) {
    return app.blocking().createUser(CreateUserRequest.newBuilder().setName(name)
        .setEmail(name.replace(' ', '.') + "-" + unique() + "@example.com").addAllTags(List.of(tags)).build());
  }

  static User rename(User u, String name) {
    return app.blocking().updateUser(UpdateUserRequest.newBuilder()
        .setUser(User.newBuilder().setId(u.getId()).setName(name)).build());
  }

  static void delete(User u) {
    app.blocking().deleteUser(DeleteUserRequest.newBuilder().setId(u.getId()).build());
  }

  static void assertEvent(UserEvent e, EventType type, User user) {
    assertThat(e.getType()).isEqualTo(type);
    assertThat(e.getUser().getId()).isEqualTo(user.getId());
    assertThat(e.getResumeToken()).isNotEmpty();
    assertThat(e.hasTime()).isTrue();
    if (type != EventType.EVENT_TYPE_DELETED) {
      assertThat(e.getUser()).isEqualTo(user);
    }
  }

  @Test
  void everyEventTypeOnBothGrpcClientsFilteredByTag() {
    String tag = "t" + unique();
    var all = Watchers.grpcJava(app, WatchUsersRequest.getDefaultInstance(), null);
    var tagged = Watchers.vertx(app, WatchUsersRequest.newBuilder().setTag(tag).build());

    User other = create("other user", "elsewhere");
    User blue = create("blue user", tag);
    User renamed = rename(blue, "bluer user");
    delete(blue);

    assertEvent(all.nextMatching(e -> e.getUser().getId().equals(other.getId())), EventType.EVENT_TYPE_CREATED, other);
    assertEvent(all.next(), EventType.EVENT_TYPE_CREATED, blue);
    assertEvent(all.next(), EventType.EVENT_TYPE_UPDATED, renamed);
    assertEvent(all.next(), EventType.EVENT_TYPE_DELETED, renamed);

    List<UserEvent> onlyBlue = tagged.next(3);
    assertEvent(onlyBlue.get(0), EventType.EVENT_TYPE_CREATED, blue);
    assertEvent(onlyBlue.get(1), EventType.EVENT_TYPE_UPDATED, renamed);
    assertEvent(onlyBlue.get(2), EventType.EVENT_TYPE_DELETED, renamed);
    // the delete carries the tags, so the tag filter applies to it
    assertThat(onlyBlue.get(2).getUser().getTagsList()).containsExactly(tag);
  }

  @Test
  void everyEventTypeOverSseWithTagFilter() {
    String tag = "s" + unique();
    var events = Watchers.sse(app, http, "?tag=" + tag, null);
    create("not me", "other");
    User u = create("sse user", tag);
    User renamed = rename(u, "sse user 2");
    delete(u);
    List<Watchers.Sse> got = events.next(3);
    assertThat(got).extracting(Watchers.Sse::event).containsExactly("CREATED", "UPDATED", "DELETED");
    assertThat(got).allSatisfy(e -> {
      assertThat(e.id()).isNotEmpty().isEqualTo(e.json().getString("resumeToken"));
      assertThat(e.json().getJsonObject("user").getString("id")).isEqualTo(u.getId());
    });
    assertThat(got.get(0).json().getString("type")).isEqualTo("EVENT_TYPE_CREATED");
    assertThat(got.get(1).json().getJsonObject("user").getString("name")).isEqualTo(renamed.getName());
  }

  @Test
  void resumingAfterATokenDeliversExactlyTheMissedEventsOnGrpcAndSse() {
    String tag = "r" + unique();
    var first = Watchers.grpcJava(app, WatchUsersRequest.newBuilder().setTag(tag).build(), null);
    User a = create("resume a", tag);
    UserEvent seen = first.next();
    assertEvent(seen, EventType.EVENT_TYPE_CREATED, a);
    app.channel.resetConnectBackoff();

    // "disconnected": these happen while nobody listens
    User b = create("resume b", tag);
    User a2 = rename(a, "resume a2");
    delete(b);

    var resumed = Watchers.grpcJava(app, WatchUsersRequest.newBuilder().setTag(tag).setResumeToken(seen.getResumeToken()).build(), null);
    List<UserEvent> missed = resumed.next(3);
    assertEvent(missed.get(0), EventType.EVENT_TYPE_CREATED, b);
    assertEvent(missed.get(1), EventType.EVENT_TYPE_UPDATED, a2);
    assertEvent(missed.get(2), EventType.EVENT_TYPE_DELETED, b);
    assertThat(resumed.size()).as("nothing more than the missed events").isZero();

    var sse = Watchers.sse(app, http, "?tag=" + tag, seen.getResumeToken());
    assertThat(sse.next(3)).extracting(Watchers.Sse::id)
        .containsExactly(missed.get(0).getResumeToken(), missed.get(1).getResumeToken(), missed.get(2).getResumeToken());
    // and live afterwards
    User c = create("resume c", tag);
    assertEvent(resumed.next(), EventType.EVENT_TYPE_CREATED, c);
    assertThat(sse.next().json().getJsonObject("user").getString("id")).isEqualTo(c.getId());
  }

  @Test
  void unknownTokenIsOutOfRangeAndMalformedOneInvalid() {
    var unknown = Watchers.grpcJava(app, WatchUsersRequest.newBuilder().setResumeToken("8263" + "0".repeat(60)).build(), null);
    assertThat(((StatusRuntimeException) unknown.failure()).getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
    var malformed = Watchers.grpcJava(app, WatchUsersRequest.newBuilder().setResumeToken("not a token").build(), null);
    assertThat(((StatusRuntimeException) malformed.failure()).getStatus())
        .satisfies(s -> {
          assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(s.getDescription()).isEqualTo("the resume token is malformed");
        });
    var rest = app.web.get("/users/events").putHeader("last-event-id", "8263" + "0".repeat(60)).send().await();
    assertThat(rest.statusCode()).isEqualTo(410);
    assertThat(rest.bodyAsJsonObject().getString("code")).isEqualTo("OUT_OF_RANGE");
    var bad = app.web.get("/users/events?tag=Not-A-Tag").send().await();
    assertThat(bad.statusCode()).isEqualTo(400);
  }

}
