package io.polyport.server;

import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.polyport.testing.GrpcWebFrames;
import io.polyport.testing.Seed;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.UserServiceGrpc;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compressed answers on the one port: REST answers gzipped for clients that accept it, by the same rule on HTTP/1.1
 * and HTTP/2 (GzipResponse); gRPC streams compressed per message when the client accepts it; no HTTP coding on
 * anything gRPC.
 */
class CompressedAnswersTest {
  static TestApp app;
  static WebClient web;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("http", new JsonObject().put("grpcCompression", true)));
    Seed.users(app, 200, i -> CreateUserRequest.newBuilder().setName("gzip user " + i)
        .setEmail("gzip" + i + "@example.com").addTags("same-tag-for-everyone").build());
    web = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port())
        .setDecompressionSupported(false));
  }

  @AfterAll
  static void stop() {
    web.close();
    app.close();
  }

  /**
   * Sends the request and reads its whole answer into {@code received[0]}; the reading is set up before the request
   * leaves (a body that arrived before its handler was set would be dropped by the client).
   */
  static Future<HttpClientResponse> exchange(HttpClientRequest request, Buffer body, Buffer[] received) {
    Future<HttpClientResponse> answer = request.response().compose(r -> r.body().map(b -> {
      received[0] = b;
      return r;
    }));
    request.end(body);
    return answer;
  }

  static String gunzip(Buffer body) throws IOException {
    return new String(new GZIPInputStream(new ByteArrayInputStream(body.getBytes())).readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void restAnswersOverHttp11AreGzippedForClientsThatAcceptIt() throws Exception {
    var plain = web.get("/users").send().await();
    var compressed = web.get("/users").putHeader("accept-encoding", "gzip, deflate, br").send().await();
    assertThat(plain.getHeader("content-encoding")).isNull();
    assertThat(compressed.getHeader("content-encoding")).isEqualTo("gzip");
    assertThat(compressed.getHeader("vary")).isEqualToIgnoringCase("accept-encoding");
    assertThat(compressed.body().length()).isLessThan(plain.body().length() / 3);
    assertThat(new JsonArray(gunzip(compressed.body()))).isEqualTo(new JsonArray(plain.bodyAsString())).hasSize(200);
    var ndjson = web.get("/users").putHeader("accept", "application/x-ndjson").putHeader("accept-encoding", "gzip")
        .send().await();
    assertThat(ndjson.getHeader("content-encoding")).isEqualTo("gzip");
    assertThat(gunzip(ndjson.body()).lines().map(JsonObject::new)).hasSize(200);
    // only gzip is produced: a client that refuses it, or names only deflate, gets the answer as it is
    for (String refused : List.of("deflate", "gzip;q=0", "gzip;q=0, *", "identity")) {
      var answer = web.get("/users").putHeader("accept-encoding", refused).send().await();
      assertThat(answer.getHeader("content-encoding")).as(refused).isNull();
      assertThat(new JsonArray(answer.bodyAsString())).as(refused).hasSize(200);
    }
    // one user is a few hundred bytes: below the threshold, gzip would cost more than it saves
    String id = new JsonArray(plain.bodyAsString()).getJsonObject(0).getString("id");
    var small = web.get("/users/" + id).putHeader("accept-encoding", "gzip").send().await();
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.getHeader("content-encoding")).isNull();
    assertThat(small.bodyAsJsonObject().getString("id")).isEqualTo(id);
    var head = web.head("/users").putHeader("accept-encoding", "gzip").send().await();
    assertThat(head.getHeader("content-encoding")).isNull();
    // HTTP/1.0 has no chunked coding: a compressed answer of several writes could only end with the connection
    var http10 = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(app.port()).setProtocolVersion(HttpVersion.HTTP_1_0).setKeepAlive(false)
        .setDecompressionSupported(false));
    try {
      var old = http10.get("/users").putHeader("accept-encoding", "gzip").send().await();
      assertThat(old.statusCode()).isEqualTo(200);
      assertThat(old.getHeader("content-encoding")).isNull();
      assertThat(new JsonArray(old.bodyAsString())).hasSize(200);
    } finally {
      http10.close();
    }
  }

  /**
   * Static files (the Swagger UI, 1.6 MB of JavaScript) are gzipped as they are read, on both HTTP versions; a
   * range request gets its bytes of the file as they are, and a file under the threshold goes plain.
   */
  @Test
  void staticFilesAreGzippedOnBothVersionsAndRangesGoAsTheyAre() throws Exception {
    Matcher m = Pattern.compile("src=\"(/docs/swagger-ui/[^\"]+/swagger-ui-bundle\\.js)\"")
        .matcher(web.get("/docs").send().await().bodyAsString());
    assertThat(m.find()).isTrue();
    String bundle = m.group(1);
    var plain = web.get(bundle).send().await();
    assertThat(plain.getHeader("content-encoding")).isNull();
    assertThat(plain.body().length()).isGreaterThan(1_000_000);
    var compressed = web.get(bundle).putHeader("accept-encoding", "gzip").send().await();
    assertThat(compressed.getHeader("content-encoding")).isEqualTo("gzip");
    assertThat(compressed.body().length()).isLessThan(plain.body().length() / 2);
    assertThat(gunzip(compressed.body())).isEqualTo(plain.bodyAsString());
    var h2 = app.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDecompressionSupported(false));
    try {
      Buffer[] body = new Buffer[1];
      var overH2 = h2.request(HttpMethod.GET, app.port(), "127.0.0.1", bundle)
          .compose(request -> request.putHeader("accept-encoding", "gzip").send())
          .compose(r -> r.body().map(b -> {
            body[0] = b;
            return r;
          })).await();
      assertThat(overH2.getHeader("content-encoding")).isEqualTo("gzip");
      assertThat(gunzip(body[0])).isEqualTo(plain.bodyAsString());
    } finally {
      h2.close().await();
    }
    var range = web.get(bundle).putHeader("accept-encoding", "gzip").putHeader("range", "bytes=0-99").send().await();
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.getHeader("content-encoding")).isNull();
    assertThat(range.body()).isEqualTo(plain.body().slice(0, 100));
    String icon = bundle.substring(0, bundle.lastIndexOf('/') + 1) + "favicon-32x32.png";
    var small = web.get(icon).putHeader("accept-encoding", "gzip").send().await();
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.getHeader("content-encoding")).isNull();
  }

  /** gRPC-Web answers are compressed per message if at all, never by HTTP; a WebSocket handshake is not an answer. */
  @Test
  void grpcWebAnswersAndWebSocketHandshakesCarryNoCoding() {
    var answer = web.post("/polyport.users.v1.UserService/ListUsers")
        .putHeader("content-type", "application/grpc-web+proto").putHeader("x-grpc-web", "1")
        .putHeader("accept-encoding", "gzip")
        .sendBuffer(GrpcWebFrames.frame(ListUsersRequest.newBuilder().setLimit(50).build().toByteArray())).await();
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.getHeader("content-encoding")).isNull();
    var frames = GrpcWebFrames.parse(answer.body());
    assertThat(frames.stream().filter(f -> f.flag() == GrpcWebFrames.MESSAGE)).hasSize(50);
    assertThat(GrpcWebFrames.trailers(frames, answer.headers())).containsEntry("grpc-status", "0");
    var ws = app.vertx.createWebSocketClient();
    try {
      var socket = ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port())
          .setURI("/users/feed").addHeader("accept-encoding", "gzip")).await();
      assertThat(socket.isClosed()).isFalse();
      socket.close().await();
    } finally {
      ws.close().await();
    }
  }

  /**
   * Vert.x 5.0.7's HTTP/2 compression (eclipse-vertx/vert.x#5896) switches a connection to its plain encoder for
   * good at the first answer it does not compress, yet goes on labelling gzip-accepting answers as gzip: on a
   * connection shared by REST and gRPC (a proxy's, a browser's) every REST answer after the first gRPC one was
   * sent as plain JSON under content-encoding: gzip. Each answer must carry the coding its bytes have; REST
   * answers are gzipped on their own stream when the client accepts it, as on HTTP/1.1.
   */
  @Test
  void http2AnswersCarryTheCodingTheirBytesHaveWhateverWentBeforeOnTheConnection() throws Exception {
    var client = app.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDecompressionSupported(false), new PoolOptions().setHttp2MaxSize(1));
    try {
      Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
      for (String step : List.of("rest", "grpc", "rest", "plain", "rest")) {
        var request = step.equals("grpc")
            ? client.request(HttpMethod.POST, app.port(), "127.0.0.1", "/polyport.users.v1.UserService/ListUsers").await()
                .putHeader("content-type", "application/grpc").putHeader("te", "trailers")
            : client.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users?limit=50").await();
        if (!step.equals("plain")) {
          request.putHeader("accept-encoding", "gzip");
        }
        connections.add(request.connection());
        Buffer[] received = new Buffer[1];
        var response = exchange(request, step.equals("grpc")
            ? GrpcWebFrames.frame(ListUsersRequest.newBuilder().setLimit(5).build().toByteArray()) : Buffer.buffer(),
            received).await();
        Buffer body = received[0];
        assertThat(response.statusCode()).as(step).isEqualTo(200);
        if (step.equals("grpc")) {
          assertThat(response.trailers().get("grpc-status")).isEqualTo("0");
          assertThat(response.trailers().get("content-encoding")).as("a coding in the trailers").isNull();
          continue;
        }
        byte[] bytes = body.getBytes();
        String coding = response.getHeader("content-encoding");
        String json = "gzip".equals(coding)
            ? new String(new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes(), StandardCharsets.UTF_8)
            : new String(bytes, StandardCharsets.UTF_8);
        assertThat(new JsonArray(json)).as(step + " answer, content-encoding " + coding).hasSize(50);
        assertThat(coding).as(step).isEqualTo(step.equals("plain") ? null : "gzip");
        assertThat(response.getHeader("vary")).as(step).isEqualTo(step.equals("plain") ? null : "accept-encoding");
      }
      assertThat(connections).as("one connection for every step").hasSize(1);
      var small = exchange(client.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users?limit=1").await()
          .putHeader("accept-encoding", "gzip"), Buffer.buffer(), new Buffer[1]).await();
      assertThat(small.getHeader("content-encoding")).as("one user, below the threshold").isNull();
    } finally {
      client.close().await();
    }
  }

  @Test
  void grpcStreamsAreCompressedWhenTheClientAcceptsGzip() {
    CompletableFuture<Metadata> headers = new CompletableFuture<>();
    var channel = ClientInterceptors.intercept(app.channel, new io.grpc.ClientInterceptor() {
      public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> m, io.grpc.CallOptions o, io.grpc.Channel next) {
        return new io.grpc.ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(m, o)) {
          public void start(Listener<R> listener, Metadata md) {
            super.start(new io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              public void onHeaders(Metadata h) {
                headers.complete(h);
                super.onHeaders(h);
              }
            }, md);
          }
        };
      }
    });
    var users = UserServiceGrpc.newBlockingStub(channel).listUsers(ListUsersRequest.newBuilder().setLimit(50).build());
    int count = 0;
    while (users.hasNext()) {
      users.next();
      count++;
    }
    assertThat(count).isEqualTo(50);
    assertThat(headers.join().get(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("gzip");
  }
}
