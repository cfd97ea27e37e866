package io.polyport;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration: defaults, the file, the environment over the file, and bad values named clearly. */
class AppConfigTest {

  @Test
  void defaultsMatchTheDocumentedTable() {
    AppConfig c = AppConfig.from(new JsonObject(), Map.of());
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.mongo().uri()).isNull();
    assertThat(c.mongo().embedded()).isTrue();
    assertThat(c.mongo().database()).isEqualTo("polyport");
    assertThat(c.mongo().dataDir()).isEqualTo("./data");
    assertThat(c.mongo().embeddedPort()).isZero();
    assertThat(c.limits().grpcMaxMessageBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(c.limits().importBatchSize()).isEqualTo(1000);
    assertThat(c.health().interval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(c.health().timeout()).isEqualTo(java.time.Duration.ofSeconds(1));
  }

  @Test
  void environmentWinsOverTheFile() {
    var file = new JsonObject().put("http", new JsonObject().put("port", 9000).put("host", "0.0.0.0"))
        .put("mongo", new JsonObject().put("uri", "mongodb://db:27017"));
    AppConfig c = AppConfig.from(file, Map.of("PORT", "9100", "MONGO_DB", "other", "AUTH_MODE", "none",
        "HEALTH_INTERVAL_MS", "250"));
    assertThat(c.health().interval()).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(c.http().port()).isEqualTo(9100);
    assertThat(c.http().host()).isEqualTo("0.0.0.0");
    assertThat(c.mongo().uri()).isEqualTo("mongodb://db:27017");
    assertThat(c.mongo().embedded()).isFalse();
    assertThat(c.mongo().database()).isEqualTo("other");
  }

  @Test
  void feedKeepAliveIsTheHeartbeatCappedAtAThirdOfTheIdleTimeout() {
    assertThat(AppConfig.from(new JsonObject(), Map.of()).feedKeepAlive()).isEqualTo(Duration.ofSeconds(15));
    assertThat(AppConfig.from(new JsonObject(), Map.of("IDLE_TIMEOUT_SECONDS", "3")).feedKeepAlive())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(AppConfig.from(new JsonObject(), Map.of("IDLE_TIMEOUT_SECONDS", "3", "SSE_HEARTBEAT_MS", "500"))
        .feedKeepAlive()).isEqualTo(Duration.ofMillis(500));
    // no idle timeout: the heartbeat alone, for proxies
    assertThat(AppConfig.from(new JsonObject(), Map.of("IDLE_TIMEOUT_SECONDS", "0")).feedKeepAlive())
        .isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void badValuesNameTheKeyAndTheVariable() {
    assertThatThrownBy(() -> AppConfig.from(new JsonObject(), Map.of("PORT", "eighty")))
        .hasMessage("config http.port (env PORT) is 'eighty', expected a whole number from 0 to 65535");
    assertThatThrownBy(() -> AppConfig.from(new JsonObject().put("http", new JsonObject().put("port", 70000)), Map.of()))
        .hasMessageContaining("http.port");
    assertThatThrownBy(() -> AppConfig.from(new JsonObject(), Map.of("MONGO_DB", "bad name")))
        .hasMessageContaining("mongo.database (env MONGO_DB)");
  }

  @Test
  void secureByDefault() {
    AppConfig local = AppConfig.from(new JsonObject(), Map.of());
    assertThat(local.auth().enabled()).isFalse();
    assertThat(local.http().loopbackOnly()).isTrue();
    assertThatThrownBy(() -> AppConfig.from(new JsonObject(), Map.of("HOST", "0.0.0.0")))
        .hasMessageContaining("AUTH_MODE=none");
    assertThat(AppConfig.from(new JsonObject(), Map.of("HOST", "0.0.0.0", "AUTH_MODE", "none")).auth().enabled()).isFalse();
    assertThat(AppConfig.from(new JsonObject(), Map.of("HOST", "0.0.0.0", "JWT_SECRET", "s")).auth().enabled()).isTrue();
    assertThatThrownBy(() -> AppConfig.from(new JsonObject(), Map.of("AUTH_MODE", "jwt")))
        .hasMessageContaining("JWT_SECRET or JWT_PUBLIC_KEY");
    assertThatThrownBy(() -> AppConfig.from(new JsonObject(), Map.of("TLS_CERT", "/x.pem")))
        .hasMessageContaining("TLS_CERT / TLS_KEY");
  }
}
