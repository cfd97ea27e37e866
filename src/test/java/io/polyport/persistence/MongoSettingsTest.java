package io.polyport.persistence;

import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.event.ConnectionPoolListener;
import io.polyport.AppConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The driver's settings: the connection string's, then the configured pool size and timeouts over them; the
 * request timeout bounds server selection and the pool wait; connects (and heartbeats) get at least 10 s.
 */
class MongoSettingsTest {
  static MongoClientSettings settings(Map<String, String> env, String uri) {
    return MongoConnections.settings(AppConfig.from(new JsonObject(), env).mongo(), uri);
  }

  @Test
  void aShortRequestTimeoutDoesNotShortenConnectsAndHeartbeats() {
    var fast = settings(Map.of("MONGO_TIMEOUT_MS", "2000"), "mongodb://h");
    assertThat(fast.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS)).isEqualTo(2000);
    assertThat(fast.getConnectionPoolSettings().getMaxWaitTime(TimeUnit.MILLISECONDS)).isEqualTo(2000);
    assertThat(fast.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS))
        .isEqualTo(MongoConnections.MIN_CONNECT_TIMEOUT_MS);

    var slow = settings(Map.of("MONGO_TIMEOUT_MS", "30000"), "mongodb://h");
    assertThat(slow.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS)).isEqualTo(30000);
  }

  @Test
  void theClientListensToItsPoolOnlyNotToEveryCommand() {
    var config = AppConfig.from(new JsonObject(), Map.of()).mongo();
    var poolMetrics = new ConnectionPoolListener() {
    };
    var connections = new ConnectionsInUse();
    var client = MongoConnections.clientSettings(config, "mongodb://h", poolMetrics, connections);
    assertThat(client.getCommandListeners()).isEmpty();
    assertThat(client.getConnectionPoolSettings().getConnectionPoolListeners()).containsExactly(poolMetrics, connections);
  }

  @Test
  void aDriverThreadSettingThatWouldLeaveNoThreadPollingIsRefused() {
    String property = "java.nio.channels.DefaultThreadPool.initialSize";
    String before = System.getProperty(property);
    System.setProperty(property, "0");
    try {
      assertThatThrownBy(() -> MongoConnections.completeWherePolled(1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(property + "=0")
          .hasMessageContaining("unpolled");
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }

  @Test
  void theConnectionStringKeepsItsOptionsAndTheConfiguredPoolSizeWins() {
    var s = settings(Map.of("MONGO_POOL_SIZE", "7"),
        "mongodb://u:p@h1,h2/?replicaSet=rs0&w=majority&maxPoolSize=50&appName=ops-console&authSource=admin");
    assertThat(s.getConnectionPoolSettings().getMaxSize()).isEqualTo(7);
    assertThat(s.getWriteConcern()).isEqualTo(WriteConcern.MAJORITY);
    assertThat(s.getClusterSettings().getRequiredReplicaSetName()).isEqualTo("rs0");
    assertThat(s.getClusterSettings().getHosts()).hasSize(2);
    assertThat(s.getCredential()).isNotNull();
    assertThat(s.getCredential().getSource()).isEqualTo("admin");
    assertThat(s.getApplicationName()).isEqualTo("ops-console");

    assertThat(settings(Map.of(), "mongodb://h").getApplicationName()).isEqualTo("polyport");
  }
}
