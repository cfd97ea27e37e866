package io.polyport.server;

import io.polyport.testing.TestApp;
import io.polyport.testing.Watchers;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.EventType;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Polyport processes' worth of servers on one database: the second reaches the first one's embedded
 * database by MONGO_URI (its port fixed by embedded.port); each sees the other's writes live.
 */
class TwoInstancesTest {

  @Test
  void writesOnOneInstanceAreSeenLiveOnTheOtherOnBothProtocols() throws Exception {
    int dbPort;
    try (ServerSocket s = new ServerSocket(0)) {
      dbPort = s.getLocalPort();
    }
    var first = TestApp.start(new JsonObject()
        .put("embedded", new JsonObject().put("dataDir", "memory").put("port", dbPort))
        .put("mongo", new JsonObject().put("database", "shared")));
    var second = TestApp.start(new JsonObject()
        .put("mongo", new JsonObject().put("uri", "mongodb://127.0.0.1:" + dbPort).put("database", "shared")));
    HttpClientAgent http = second.vertx.createHttpClient();
    try {
      assertThat(first.app.mongoUri()).isEqualTo("mongodb://127.0.0.1:" + dbPort);
      var onSecond = Watchers.grpcJava(second, WatchUsersRequest.newBuilder().setTag("shared").build(), null);
      var sseOnSecond = Watchers.sse(second, http, "?tag=shared", null);
      var onFirst = Watchers.vertx(first, WatchUsersRequest.newBuilder().setTag("shared").build());

      User viaFirst = first.blocking().createUser(CreateUserRequest.newBuilder()
          .setName("From first").setEmail("first@example.com").addTags("shared").build());
      UserEvent seen = onSecond.next();
      assertThat(seen.getType()).isEqualTo(EventType.EVENT_TYPE_CREATED);
      assertThat(seen.getUser()).isEqualTo(viaFirst);
      assertThat(sseOnSecond.next().json().getJsonObject("user").getString("id")).isEqualTo(viaFirst.getId());

      var rest = second.web.post("/users").sendJsonObject(new JsonObject()
          .put("name", "From second").put("email", "second@example.com").put("tags", java.util.List.of("shared"))).await();
      assertThat(rest.statusCode()).isEqualTo(201);
      String secondId = rest.bodyAsJsonObject().getString("id");
      assertThat(onFirst.nextMatching(e -> e.getUser().getId().equals(secondId)).getType()).isEqualTo(EventType.EVENT_TYPE_CREATED);
      // both read the one collection
      assertThat(first.web.get("/users/" + secondId).send().await().statusCode()).isEqualTo(200);
    } finally {
      http.close();
      second.close();
      first.close();
    }
  }
}
