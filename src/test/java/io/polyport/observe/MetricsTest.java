package io.polyport.observe;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.polyport.testing.GrpcWebFrames;
import io.polyport.testing.TestApp;
import io.polyport.testing.Watchers;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.polyport.observe.Scrapes.REQUESTS;
import static io.polyport.observe.Scrapes.call;
import static io.polyport.observe.Scrapes.value;
import static io.polyport.observe.Scrapes.valueOrZero;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GET /metrics counts each call under its protocol, operation and status (REST, gRPC and gRPC-Web
 * alike), follows open streams and feed subscribers, and shows the MongoDB pool.
 */
class MetricsTest {
  static final String GET_USER_PATH = "/polyport.users.v1.UserService/GetUser";
  static TestApp app;
  static String userId;

  @BeforeAll
  static void start() {
    app = TestApp.start();
    userId = app.web.post("/users").sendJsonObject(new JsonObject().put("name", "Metric").put("email", "m@example.com"))
        .await().bodyAsJsonObject().getString("id");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void eachProtocolIsCountedUnderItsOperationAndStatus() {
    String missing = "0123456789abcdef01234567";
    // REST over HTTP/2 (h2c): each stream has its own request context too
    var h2c = app.h2c(false);
    assertThat(h2c.get("/users/" + userId).send().await().statusCode()).isEqualTo(200);
    h2c.close();
    assertThat(app.web.get("/users/" + missing).send().await().statusCode()).isEqualTo(404);
    assertThat(app.blocking().getUser(GetUserRequest.newBuilder().setId(userId).build()).getId()).isEqualTo(userId);
    assertThatThrownBy(() -> app.blocking().getUser(GetUserRequest.newBuilder().setId(missing).build()))
        .isInstanceOf(StatusRuntimeException.class).hasMessageStartingWith("NOT_FOUND");
    assertThat(grpcWeb(userId).toString()).contains("grpc-status:0");
    assertThat(grpcWeb(missing).toString()).isEmpty();

    String text = Scrapes.until(app, "the six calls counted", t ->
        value(t, REQUESTS, call("rest", "getUser", "200")) != null
            && value(t, REQUESTS, call("rest", "getUser", "404")) != null
            && value(t, REQUESTS, call("grpc", "GetUser", "OK")) != null
            && value(t, REQUESTS, call("grpc", "GetUser", "NOT_FOUND")) != null
            && value(t, REQUESTS, call("grpc-web", "GetUser", "OK")) != null
            && value(t, REQUESTS, call("grpc-web", "GetUser", "NOT_FOUND")) != null);
    assertThat(value(text, REQUESTS, call("rest", "getUser", "404"))).isEqualTo(1.0);
    assertThat(value(text, REQUESTS, call("grpc", "GetUser", "NOT_FOUND"))).isEqualTo(1.0);
    assertThat(value(text, REQUESTS, call("grpc-web", "GetUser", "OK"))).isEqualTo(1.0);
    // a latency histogram, not just a count
    assertThat(text).contains("polyport_requests_seconds_bucket{operation=\"GetUser\",protocol=\"grpc\",status=\"OK\",le=");
    // no raw path or id in any label
    assertThat(text).doesNotContain(userId).doesNotContain(missing);
    // the database calls behind them, and the commands that served those
    assertThat(value(text, "polyport_db_calls_total", Map.of("kind", "read"))).isGreaterThanOrEqualTo(6.0);
    assertThat(value(text, "polyport_db_commands_total", Map.of("kind", "read")))
        .isPositive().isLessThanOrEqualTo(value(text, "polyport_db_calls_total", Map.of("kind", "read")));
    assertThat(value(text, "polyport_db_calls_total", Map.of("kind", "create"))).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void callsOutsideTheContractHaveABoundedName() {
    assertThat(app.web.get("/no/such/" + System.nanoTime()).send().await().statusCode()).isEqualTo(404);
    var unknown = app.web.post("/some.Service/Nope").putHeader("content-type", "application/grpc-web+proto")
        .sendBuffer(GrpcWebFrames.frame(new byte[0])).await();
    assertThat(unknown.getHeader("grpc-status")).isEqualTo("12");
    String text = Scrapes.until(app, "the unknown calls counted", t ->
        value(t, REQUESTS, call("rest", "other", "404")) != null
            && value(t, REQUESTS, call("grpc-web", "unknown", "UNIMPLEMENTED")) != null);
    assertThat(text).doesNotContain("/no/such").doesNotContain("Nope");
  }

  @Test
  void openStreamsAndFeedSubscribersAreGauged() {
    Map<String, String> open = Map.of("protocol", "grpc", "operation", "WatchUsers");
    Map<String, String> sse = Map.of("protocol", "rest", "operation", "watchUsers");
    ClientCallStreamObserver<?>[] grpcCall = new ClientCallStreamObserver<?>[1];
    Watchers.grpcJava(app, WatchUsersRequest.getDefaultInstance(), grpcCall);
    HttpClientAgent http = app.vertx.createHttpClient();
    Watchers.sse(app, http, "", null);

    String text = Scrapes.scrape(app);
    assertThat(value(text, "polyport_active_streams", open)).isEqualTo(1.0);
    assertThat(value(text, "polyport_active_streams", sse)).isEqualTo(1.0);
    assertThat(value(text, "polyport_feed_subscribers", Map.of())).isEqualTo(2.0);

    grpcCall[0].cancel("done watching", null);
    http.close().await();
    text = Scrapes.until(app, "both streams closed", t -> valueOrZero(t, "polyport_active_streams", open) == 0
        && valueOrZero(t, "polyport_active_streams", sse) == 0 && valueOrZero(t, "polyport_feed_subscribers", Map.of()) == 0);
    assertThat(value(text, REQUESTS, call("grpc", "WatchUsers", "CANCELLED"))).isEqualTo(1.0);
    assertThat(value(text, REQUESTS, call("rest", "watchUsers", "499"))).isEqualTo(1.0);
  }

  @Test
  void aWebSocketFeedSessionIsAnOpenStreamUntilItCloses() {
    Map<String, String> feed = Map.of("protocol", "rest", "operation", "feed");
    var socket = app.vertx.createWebSocketClient().connect(app.port(), "127.0.0.1", "/users/feed").await();
    assertThat(value(Scrapes.scrape(app), "polyport_active_streams", feed)).isEqualTo(1.0);
    socket.close().await();
    String text = Scrapes.until(app, "the session closed", t -> valueOrZero(t, "polyport_active_streams", feed) == 0);
    assertThat(value(text, REQUESTS, call("rest", "feed", "101"))).isEqualTo(1.0);
  }

  @Test
  void theDatabasePoolAndVertxItselfAreMeasured() {
    String text = Scrapes.scrape(app);
    assertThat(value(text, "mongodb_driver_pool_size", Map.of())).isNotNull();
    assertThat(value(text, "mongodb_driver_pool_checkedout", Map.of())).isNotNull();
    assertThat(text).contains("vertx_pool_").contains("jvm_memory_used_bytes");
    assertThat(text).as("calls are counted once, in polyport_requests_seconds").doesNotContain("vertx_http_server_");
    assertThat(Observability.of(app.vertx).tracing()).as("no OTLP endpoint: no tracing").isFalse();
  }

  @Test
  void connectionsAreCountedUntilTheyCloseWhateverTheirProtocol() {
    String before = Scrapes.scrape(app);
    double open = value(before, "polyport_connections", Map.of());
    double opened = value(before, "polyport_connections_opened_total", Map.of());
    // HTTP/1.1, HTTP/2 with prior knowledge, HTTP/1.1 upgraded to HTTP/2 (h2c), and a WebSocket (an HTTP/1.1
    // connection that Vert.x hands over to a WebSocket connection of its own)
    var http1 = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port()));
    var h2 = app.h2c(false);
    var upgraded = app.h2c(true);
    for (WebClient client : java.util.List.of(http1, h2, upgraded)) {
      assertThat(client.get("/health/live").send().await().statusCode()).isEqualTo(200);
    }
    var sockets = app.vertx.createWebSocketClient();
    var socket = sockets.connect(app.port(), "127.0.0.1", "/users/feed").await();
    String text = Scrapes.scrape(app);
    // connections of other tests may close meanwhile: the gauge is checked on the way down
    assertThat(value(text, "polyport_connections", Map.of())).isGreaterThanOrEqualTo(4);
    assertThat(value(text, "polyport_connections_opened_total", Map.of())).isGreaterThanOrEqualTo(opened + 4);

    http1.close();
    h2.close();
    upgraded.close();
    socket.close().await();
    sockets.close().await();
    Scrapes.until(app, "the four connections closed", t -> value(t, "polyport_connections", Map.of()) <= open);
  }

  /** GetUser over gRPC-Web (HTTP/1.1); returns the trailer frame's text (empty when the status came in the headers). */
  static Buffer grpcWeb(String id) {
    var response = app.web.post(GET_USER_PATH)
        .putHeader("content-type", "application/grpc-web+proto").putHeader("x-grpc-web", "1")
        .sendBuffer(GrpcWebFrames.frame(GetUserRequest.newBuilder().setId(id).build().toByteArray())).await();
    assertThat(response.statusCode()).isEqualTo(200);
    Buffer body = response.body() == null ? Buffer.buffer() : response.body();
    return GrpcWebFrames.parse(body).stream().filter(f -> (f.flag() & GrpcWebFrames.TRAILERS) != 0)
        .findFirst().map(f -> Buffer.buffer(f.payload())).orElse(Buffer.buffer());
  }

}
