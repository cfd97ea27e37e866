package io.polyport.testing;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.polyport.AppConfig;
import io.polyport.observe.Observability;
import io.polyport.server.Polyport;
import io.polyport.users.v1.UserServiceGrpc;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.grpc.client.GrpcClient;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real server on a random port over its embedded database (in memory unless a data dir is given,
 * a fresh database name each time), with the three kinds of client the tests use: the Vert.x web client
 * (HTTP/1.1), the Vert.x gRPC client and grpc-java over Netty.
 */
public final class TestApp implements AutoCloseable {
  public final Vertx vertx;
  public final Polyport app;
  public final WebClient web;
  public final GrpcClient grpcClient;
  public final VertxGrpc grpc;
  public final ManagedChannel channel;

  private TestApp(Vertx vertx, Polyport app) {
    this.vertx = vertx;
    this.app = app;
    this.web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port()));
    this.grpcClient = GrpcClient.client(vertx);
    this.grpc = new VertxGrpc(grpcClient, SocketAddress.inetSocketAddress(app.port(), "127.0.0.1"));
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", app.port()).usePlaintext().build();
  }

  /** A server with default settings, in memory. */
  public static TestApp start() {
    return start(new JsonObject());
  }

  /**
   * A server with these config keys (as in conf/config.json) on top of the test defaults, on a Vertx built
   * the way Main builds it.
   */
  public static TestApp start(JsonObject overrides) {
    return start(overrides, null);
  }

  /** The same, its spans going to {@code spans} (e.g. an in-memory exporter). */
  public static TestApp start(JsonObject overrides, SpanExporter spans) {
    AppConfig config = AppConfig.from(defaults().mergeIn(overrides, true), Map.of());
    Vertx vertx = Observability.vertx(config, spans);
    try {
      return new TestApp(vertx, Polyport.start(vertx, config).await());
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }

  public static TestApp start(Vertx vertx, JsonObject overrides) {
    JsonObject config = defaults().mergeIn(overrides, true);
    Polyport app = Polyport.start(vertx, AppConfig.from(config, Map.of())).await();
    return new TestApp(vertx, app);
  }

  public static JsonObject defaults() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2))
        .put("mongo", new JsonObject().put("database", "t" + UUID.randomUUID().toString().replace("-", "")))
        .put("embedded", new JsonObject().put("dataDir", "memory"));
  }

  public int port() {
    return app.port();
  }

  public UserServiceGrpc.UserServiceBlockingStub blocking() {
    return UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  public UserServiceGrpc.UserServiceStub async() {
    return UserServiceGrpc.newStub(channel);
  }

  /** A WebClient speaking HTTP/2 (h2c): prior knowledge, or the HTTP/1.1 Upgrade dance when {@code upgrade}. */
  public WebClient h2c(boolean upgrade) {
    return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port())
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(upgrade));
  }

  /**
   * A plain HTTP client speaking HTTP/2 with prior knowledge (h2c): for requests written by hand, such as gRPC
   * calls as raw frames. A new client opens new connections (a pooled one closed by a test is not reused).
   */
  public HttpClient h2Client() {
    return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  /** A gRPC call to this server as a raw HTTP/2 request on {@code http}; the caller writes the framed body. */
  public HttpClientRequest grpcRequest(HttpClient http, String fullMethodName) {
    return http.request(HttpMethod.POST, port(), "127.0.0.1", "/" + fullMethodName).await()
        .putHeader("content-type", "application/grpc").putHeader("te", "trailers");
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    web.close();
    grpcClient.close().await();
    app.stop().await();
    vertx.close().await();
  }
}
