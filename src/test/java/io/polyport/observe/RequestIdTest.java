package io.polyport.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.polyport.testing.LogCapture;
import io.polyport.testing.Await;
import io.polyport.testing.GrpcWebFrames;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.GetUserRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The request id (the client's x-request-id, else a generated one) comes back in the response headers on
 * every protocol and is on the access-log line of that request, with protocol, operation, status,
 * duration and remote address.
 */
class RequestIdTest {
  static final String MISSING = "0123456789abcdef01234567";
  static TestApp app;
  static LogCapture access;

  @BeforeAll
  static void start() {
    access = new LogCapture(AccessLog.LOGGER);
    app = TestApp.start(new JsonObject().put("telemetry", new JsonObject().put("accessLog", true)));
  }

  @AfterAll
  static void stop() {
    app.close();
    access.close();
  }

  static ILoggingEvent accessLine(String requestId) {
    Await.until(app.vertx, "an access-log line for " + requestId, () -> access.find("request=" + requestId) != null);
    return access.find("request=" + requestId);
  }

  static Map<String, Object> fields(ILoggingEvent event) {
    return event.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, (KeyValuePair kv) -> kv.value));
  }

  @Test
  void restEchoesTheClientsIdAndLogsIt() {
    var response = app.web.get("/users/" + MISSING).putHeader("x-request-id", "rest-id-1").send().await();
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.getHeader("x-request-id")).isEqualTo("rest-id-1");
    assertThat(response.bodyAsJsonObject().getString("requestId")).isEqualTo("rest-id-1");
    var line = accessLine("rest-id-1");
    assertThat(line.getFormattedMessage()).startsWith("rest getUser 404 ");
    assertThat(fields(line)).containsEntry("protocol", "rest").containsEntry("operation", "getUser")
        .containsEntry("status", "404").containsEntry("requestId", "rest-id-1").containsKey("durationMs");
    assertThat((String) fields(line).get("remote")).startsWith("127.0.0.1:");
  }

  @Test
  void restGeneratesAnIdWhenTheClientSendsNone() {
    var response = app.web.get("/users/" + MISSING).send().await();
    String id = response.getHeader("x-request-id");
    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(app.web.get("/users/" + MISSING).send().await().getHeader("x-request-id")).isNotEqualTo(id);
    assertThat(accessLine(id).getFormattedMessage()).startsWith("rest getUser 404 ");
  }

  @Test
  void grpcEchoesTheClientsIdAndLogsIt() {
    Metadata sent = new Metadata();
    sent.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "grpc-id-1");
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    var stub = app.blocking().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sent),
        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    assertThatThrownBy(() -> stub.getUser(GetUserRequest.newBuilder().setId(MISSING).build()))
        .isInstanceOf(StatusRuntimeException.class);
    Metadata answered = headers.get() != null ? headers.get() : trailers.get();
    assertThat(answered.get(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("grpc-id-1");
    assertThat(accessLine("grpc-id-1").getFormattedMessage()).startsWith("grpc GetUser NOT_FOUND ");
  }

  @Test
  void grpcWebEchoesTheClientsIdAndLogsIt() {
    var response = app.web.post(MetricsTest.GET_USER_PATH).putHeader("content-type", "application/grpc-web+proto")
        .putHeader("x-request-id", "web-id-1")
        .sendBuffer(GrpcWebFrames.frame(GetUserRequest.newBuilder().setId(MISSING).build().toByteArray())).await();
    assertThat(response.getHeader("x-request-id")).isEqualTo("web-id-1");
    assertThat(response.getHeader("grpc-status")).isEqualTo("5");
    assertThat(accessLine("web-id-1").getFormattedMessage()).startsWith("grpc-web GetUser NOT_FOUND ");
  }
}
