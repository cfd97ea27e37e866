package io.polyport.observe;

import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.polyport.testing.Await;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.GetUserRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A W3C traceparent sent on REST and on gRPC continues its trace on the server: a server span, child of
 * the caller's span and named after the operation, and under it a client span for the MongoDB call.
 * Spans go to an in-memory exporter given to the same factory that sets up OTLP in production.
 */
class TracingTest {
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  static TestApp app;
  static String userId;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject(), SPANS);
    userId = app.web.post("/users").sendJsonObject(new JsonObject().put("name", "Traced").put("email", "t@example.com"))
        .await().bodyAsJsonObject().getString("id");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  /** The spans of one trace, once its server span and a database span under it have been exported. */
  static List<SpanData> trace(String traceId) {
    Observability observability = Observability.of(app.vertx);
    Await.until(app.vertx, "the server and database spans of " + traceId, () -> {
      observability.flushTraces();
      List<SpanData> spans = spansOf(traceId);
      return spans.stream().anyMatch(s -> s.getKind() == SpanKind.SERVER)
          && spans.stream().anyMatch(s -> s.getKind() == SpanKind.CLIENT);
    });
    return spansOf(traceId);
  }

  static List<SpanData> spansOf(String traceId) {
    return SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
  }

  static void assertContinued(List<SpanData> spans, String callerSpan, String name) {
    SpanData server = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertThat(server.getParentSpanId()).isEqualTo(callerSpan);
    assertThat(server.getName()).isEqualTo(name);
    SpanData database = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
    assertThat(database.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(database.getName()).isEqualTo("find users");
    assertThat(database.getAttributes().get(AttributeKey.stringKey("db.system"))).isEqualTo("mongodb");
  }

  @Test
  void aRestRequestContinuesTheCallersTraceDownToMongo() {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String caller = "b7ad6b7169203331";
    var response = app.web.get("/users/" + userId).putHeader("traceparent", "00-" + traceId + "-" + caller + "-01")
        .putHeader("x-request-id", "traced-rest").send().await();
    assertThat(response.statusCode()).isEqualTo(200);
    List<SpanData> spans = trace(traceId);
    assertContinued(spans, caller, "GET /users/{id}");
    SpanData server = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertThat(server.getAttributes().get(AttributeKey.stringKey("polyport.request_id"))).isEqualTo("traced-rest");
  }

  @Test
  void aGrpcCallContinuesTheCallersTraceDownToMongo() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String caller = "00f067aa0ba902b7";
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), "00-" + traceId + "-" + caller + "-01");
    var user = app.blocking().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .getUser(GetUserRequest.newBuilder().setId(userId).build());
    assertThat(user.getId()).isEqualTo(userId);
    assertContinued(trace(traceId), caller, "polyport.users.v1.UserService/GetUser");
  }

  @Test
  void untracedRequestsStartTheirOwnTrace() {
    SPANS.reset();
    assertThat(app.web.get("/users/" + userId).send().await().statusCode()).isEqualTo(200);
    Observability observability = Observability.of(app.vertx);
    Await.until(app.vertx, "a root server span", () -> {
      observability.flushTraces();
      return SPANS.getFinishedSpanItems().stream().anyMatch(s -> s.getKind() == SpanKind.SERVER && !s.getParentSpanContext().isValid());
    });
  }
}
