package io.polyport.server;

import io.polyport.AppConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The request timeout bounds server selection and the pool wait; connects (and heartbeats) get at least 10 s. */
class MongoSettingsTest {
  @Test
  void aShortRequestTimeoutDoesNotShortenConnectsAndHeartbeats() {
    JsonObject fast = Polyport.mongoConfig(AppConfig.from(new JsonObject(), Map.of("MONGO_TIMEOUT_MS", "2000")), "mongodb://h");
    assertThat(fast.getLong("serverSelectionTimeoutMS")).isEqualTo(2000);
    assertThat(fast.getLong("waitQueueTimeoutMS")).isEqualTo(2000);
    assertThat(fast.getLong("connectTimeoutMS")).isEqualTo(Polyport.MIN_CONNECT_TIMEOUT_MS);

    JsonObject slow = Polyport.mongoConfig(AppConfig.from(new JsonObject(), Map.of("MONGO_TIMEOUT_MS", "30000")), "mongodb://h");
    assertThat(slow.getLong("connectTimeoutMS")).isEqualTo(30000);
  }
}
