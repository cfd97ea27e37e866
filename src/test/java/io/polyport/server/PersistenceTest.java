package io.polyport.server;

import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.User;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded database keeps its data in DATA_DIR across a stop and a start. */
class PersistenceTest {

  @Test
  void userSurvivesARestartOnTheSameDataDir(@TempDir Path dataDir) {
    var config = new JsonObject()
        .put("embedded", new JsonObject().put("dataDir", dataDir.toString()))
        .put("mongo", new JsonObject().put("database", "persist"));
    User created;
    try (TestApp first = TestApp.start(config)) {
      created = first.blocking().createUser(CreateUserRequest.newBuilder()
          .setName("Hedy").setEmail("hedy@example.com").setAge(40).addTags("radio").build());
    }
    try (TestApp second = TestApp.start(config)) {
      User read = second.blocking().getUser(GetUserRequest.newBuilder().setId(created.getId()).build());
      assertThat(read).isEqualTo(created);
      // the unique index came back too
      var dup = second.web.post("/users").sendJsonObject(new JsonObject().put("name", "H").put("email", "HEDY@example.com")).await();
      assertThat(dup.statusCode()).isEqualTo(409);
    }
  }
}
