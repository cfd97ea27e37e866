package io.polyport.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.polyport.persistence.embedded.EmbeddedMongo;
import io.polyport.testing.Await;
import io.polyport.testing.TestApp;
import io.polyport.testing.Watchers;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The database goes away under a running server and comes back: requests answer UNAVAILABLE / 503 within
 * the configured bound (never hang), live streams end with UNAVAILABLE / a final SSE event, readiness
 * turns NOT_SERVING / 503 (liveness stays), and everything recovers by itself when the database returns.
 * At shutdown readiness turns not ready for good and lets its watchers go.
 */
class DatabaseDownTest {

  @Test
  void requestsFailFastStreamsEndReadinessFollowsAndAllRecovers() throws Exception {
    EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
    TestApp app = null;
    try {
      app = TestApp.start(new JsonObject()
          .put("mongo", new JsonObject().put("uri", db.connectionString()).put("timeoutMs", 1000))
          .put("health", new JsonObject().put("intervalMs", 50).put("timeoutMs", 300)));
      HttpClientAgent http = app.vertx.createHttpClient();
      User user = app.blocking().createUser(CreateUserRequest.newBuilder().setName("Up").setEmail("up@example.com").build());
      var health = HealthTest.Watch.open(app.channel, "");
      assertThat(health.next()).isEqualTo(ServingStatus.SERVING);
      var watch = Watchers.grpcJava(app, WatchUsersRequest.getDefaultInstance(), null);
      var sse = Watchers.sse(app, http, "", null);

      db.suspend();
      TestApp server = app;

      // unary calls: UNAVAILABLE within the bound, on both protocols
      assertThatThrownBy(() -> server.blocking().getUser(GetUserRequest.newBuilder().setId(user.getId()).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).isEqualTo("the database is unavailable");
          });
      var rest = app.web.get("/users/" + user.getId()).send().await();
      assertThat(rest.statusCode()).isEqualTo(503);
      assertThat(rest.bodyAsJsonObject().getString("code")).isEqualTo("UNAVAILABLE");
      // live streams end so clients reconnect (elsewhere) and resume
      assertThat(Status.fromThrowable(watch.failure()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(sse.nextMatching(e -> !e.event().equals("CREATED")).event()).isEqualTo("unavailable");
      // readiness
      assertThat(health.next()).isEqualTo(ServingStatus.NOT_SERVING);
      var ready = app.web.get("/health/ready").send().await();
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getString("code")).isEqualTo("UNAVAILABLE");
      assertThat(app.web.get("/health/live").send().await().statusCode()).isEqualTo(200);

      db.resume();

      assertThat(health.next()).isEqualTo(ServingStatus.SERVING);
      assertThat(app.web.get("/health/ready").send().await().statusCode()).isEqualTo(200);
      assertThat(app.blocking().getUser(GetUserRequest.newBuilder().setId(user.getId()).build())).isEqualTo(user);
      // feeds work again (the hub reopened its change stream)
      Await.until(app.vertx, "live feeds are back", () -> server.app.hub().available());
      var again = Watchers.grpcJava(app, WatchUsersRequest.getDefaultInstance(), null);
      User later = app.blocking().createUser(CreateUserRequest.newBuilder().setName("Back").setEmail("back@example.com").build());
      assertThat(again.nextMatching(e -> e.getUser().getId().equals(later.getId())).getUser()).isEqualTo(later);

      // the first step of a shutdown: not ready any more, and health watchers are told and let go
      app.app.readiness().stop();
      assertThat(health.next()).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(health.received.poll(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(StatusRuntimeException.class,
          e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(app.web.get("/health/ready").send().await().statusCode()).isEqualTo(503);
      http.close();
    } finally {
      if (app != null) {
        app.close();
      }
      db.close();
    }
  }



}
