package io.polyport.server;

import io.polyport.AppConfig;
import io.polyport.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Startup fails fast, with a message that says why, when the database cannot be reached. */
class StartupTest {

  @Test
  void unreachableDatabaseFailsStartWithinTheTimeout() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Vertx vertx = Vertx.vertx();
    try {
      var config = TestApp.defaults().put("mongo", new JsonObject().put("uri", "mongodb://127.0.0.1:" + closedPort)
          .put("database", "x").put("startTimeoutMs", 1500).put("timeoutMs", 500));
      assertThatThrownBy(() -> Polyport.start(vertx, AppConfig.from(config, Map.of())).await())
          .hasMessageStartingWith("cannot reach MongoDB at mongodb://127.0.0.1:" + closedPort + " within 1500 ms");
    } finally {
      vertx.close().await();
    }
  }
}
