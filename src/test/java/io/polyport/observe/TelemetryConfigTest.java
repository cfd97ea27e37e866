package io.polyport.observe;

import io.polyport.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The telemetry keys: tracing exists only with an endpoint; a malformed endpoint fails at start, naming the key. */
class TelemetryConfigTest {

  static AppConfig config(Map<String, String> env) {
    return AppConfig.from(new JsonObject(), env);
  }

  @Test
  void theEndpointIsTheCollectorsBaseUrl() {
    assertThat(Tracing.tracesUrl("http://collector:4318")).isEqualTo("http://collector:4318/v1/traces");
    assertThat(Tracing.tracesUrl("http://collector:4318/")).isEqualTo("http://collector:4318/v1/traces");
    assertThat(Tracing.tracesUrl("https://c.example/v1/traces")).isEqualTo("https://c.example/v1/traces");
  }

  @Test
  void aMalformedEndpointIsRefused() {
    assertThatThrownBy(() -> config(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")))
        .hasMessageContaining("telemetry.otlpEndpoint").hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT");
  }

  @Test
  void tracingIsOnOnlyWithAnEndpoint() {
    Vertx off = Observability.vertx(config(Map.of()));
    Vertx on = Observability.vertx(config(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318",
        "OTEL_SERVICE_NAME", "polyport-test")));
    try {
      assertThat(Observability.of(off).tracing()).isFalse();
      assertThat(Observability.of(on).tracing()).isTrue();
    } finally {
      off.close().await();
      on.close().await();
    }
  }

  @Test
  void aVertxNotBuiltByTheFactoryStillCountsTheApplicationsMeters() {
    Vertx plain = Vertx.vertx();
    try {
      Observability observability = Observability.of(plain);
      assertThat(Observability.of(plain)).isSameAs(observability);
      assertThat(observability.tracing()).isFalse();
      assertThat(observability.registry().scrape()).contains("polyport_feed_subscribers");
    } finally {
      plain.close().await();
    }
  }
}
