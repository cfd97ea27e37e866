package io.polyport.observe;

import ch.qos.logback.classic.Level;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.polyport.grpc.GrpcErrors;
import io.polyport.persistence.embedded.EmbeddedMongo;
import io.polyport.rest.RestErrors;
import io.polyport.testing.Await;
import io.polyport.testing.LogCapture;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.FeedRequest;
import io.polyport.users.v1.FeedResponse;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.WatchUsersRequest;
import io.polyport.testing.GrpcWebFrames;
import io.polyport.users.v1.UserServiceGrpcService;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.UserServiceGrpcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that ends its call half-way (a gRPC cancel of a client stream, a REST upload cut off) is not a
 * failure of the server: it is counted (CANCELLED / 499) and logged at debug, never as an ERROR with a stack
 * trace, and nothing is sent.
 */
class ClientGoneTest {
  static TestApp app;
  LogCapture everything;
  LogCapture grpcDebug;
  LogCapture restDebug;

  @BeforeAll
  static void start() {
    app = TestApp.start();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @BeforeEach
  void capture() {
    grpcDebug = new LogCapture(GrpcErrors.class.getName(), Level.DEBUG);
    restDebug = new LogCapture(RestErrors.class.getName(), Level.DEBUG);
    everything = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @AfterEach
  void release() {
    everything.close();
    grpcDebug.close();
    restDebug.close();
  }

  @Test
  void aCancelledGrpcImportIsNoError() {
    String tag = "gone" + UUID.randomUUID().toString().substring(0, 8);
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<CreateUserRequest> records = app.async().importUsers(new StreamObserver<ImportUsersResponse>() {
      public void onNext(ImportUsersResponse value) {
      }

      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      public void onCompleted() {
        ended.complete(Status.OK);
      }
    });
    records.onNext(CreateUserRequest.newBuilder().setName("Gone").setEmail(tag + "@example.com").build());
    // cancelled only once the server has the call (a call cancelled before it leaves the client never reaches it)
    Map<String, String> open = Map.of("protocol", "grpc", "operation", "ImportUsers");
    Scrapes.until(app, "the import open", t -> Scrapes.valueOrZero(t, "polyport_active_streams", open) == 1);
    records.onError(Status.CANCELLED.withDescription("changed my mind").asRuntimeException());
    assertThat(ended.orTimeout(20, TimeUnit.SECONDS).join().getCode()).isEqualTo(Status.Code.CANCELLED);

    assertLoggedAsDebugOnly("the client ended the call: CANCELLED in polyport.users.v1.UserService/ImportUsers");
    Scrapes.until(app, "the import counted as cancelled", t -> Scrapes.valueOrZero(t, "polyport_active_streams", open) == 0
        && Scrapes.valueOrZero(t, Scrapes.REQUESTS, Scrapes.call("grpc", "ImportUsers", "CANCELLED")) == 1);
  }

  @Test
  void aCancelledGrpcFeedIsNoError() {
    CompletableFuture<FeedResponse> subscribed = new CompletableFuture<>();
    StreamObserver<FeedRequest> requests = app.async().feed(new StreamObserver<>() {
      public void onNext(FeedResponse value) {
        subscribed.complete(value);
      }

      public void onError(Throwable t) {
        subscribed.completeExceptionally(t);
      }

      public void onCompleted() {
      }
    });
    requests.onNext(FeedRequest.newBuilder().setRequestId("w").setWatch(WatchUsersRequest.getDefaultInstance()).build());
    assertThat(subscribed.orTimeout(20, TimeUnit.SECONDS).join().getResult().getCode()).isZero();
    requests.onError(Status.CANCELLED.withDescription("done").asRuntimeException());

    assertLoggedAsDebugOnly("the client ended the call: CANCELLED in polyport.users.v1.UserService/Feed");
  }

  /**
   * A REST body cut off by the client closing its connection: an import's NDJSON upload, and the JSON bodies of a
   * create and an update (Content-Length 100, 12 bytes sent). Each is counted as 499 and logged at debug only.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"importUsers", "createUser", "updateUser"})
  void aRestBodyCutOffIsNoError(String operation) {
    String tag = "cut" + UUID.randomUUID().toString().substring(0, 8);
    String line = "{\"name\":\"Cut\",\"email\":\"" + tag + "@example.com\"}\n";
    String request = switch (operation) {
      case "importUsers" -> "POST /users/import HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-ndjson\r\n"
          + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(line.length()) + "\r\n" + line + "\r\n";
      case "createUser" -> "POST /users HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n"
          + "content-length: 100\r\n\r\n" + line.substring(0, 12);
      default -> "PATCH /users/0123456789abcdef01234567 HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n"
          + "content-length: 100\r\n\r\n" + line.substring(0, 12);
    };
    NetClient net = app.vertx.createNetClient();
    NetSocket socket = net.connect(app.port(), "127.0.0.1").await();
    socket.write(Buffer.buffer(request)).await();
    socket.close().await();
    net.close().await();

    assertLoggedAsDebugOnly(operation.equals("importUsers") ? "the client ended the upload" : "the client ended the call");
    Scrapes.until(app, "the upload counted as cancelled",
        t -> Scrapes.valueOrZero(t, Scrapes.REQUESTS, Scrapes.call("rest", operation, "499")) == 1);
  }

  /** The same cut off by a reset (SO_LINGER 0: RST, not FIN): the server's read fails with "Connection reset". */
  @Test
  void aRestBodyCutOffByAResetIsNoError() {
    double before = Scrapes.valueOrZero(Scrapes.scrape(app), Scrapes.REQUESTS, Scrapes.call("rest", "createUser", "499"));
    NetClient net = app.vertx.createNetClient(new NetClientOptions().setSoLinger(0));
    NetSocket socket = net.connect(app.port(), "127.0.0.1").await();
    // the 100 says the server is reading this request's body when the reset comes
    Promise<Void> continued = Promise.promise();
    socket.handler(received -> continued.tryComplete());
    socket.write(Buffer.buffer("POST /users HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n"
        + "expect: 100-continue\r\ncontent-length: 100\r\n\r\n")).await();
    continued.future().await();
    socket.write(Buffer.buffer("{\"name\":\"Res")).await();
    socket.close().await();
    net.close().await();

    Scrapes.until(app, "the reset upload counted as cancelled",
        t -> Scrapes.valueOrZero(t, Scrapes.REQUESTS, Scrapes.call("rest", "createUser", "499")) == before + 1);
    assertThat(everything.errors()).isEmpty();
  }

  @Test
  void aDroppedConnectionEndsItsStreamsAndSubscriptions() {
    GrpcClient client = GrpcClient.client(app.vertx);
    SocketAddress server = SocketAddress.inetSocketAddress(app.port(), "127.0.0.1");
    Map<String, String> open = Map.of("protocol", "grpc", "operation", "WatchUsers");
    GrpcClientRequest<WatchUsersRequest, UserEvent> request = client.request(server, UserServiceGrpcClient.WatchUsers).await();
    GrpcClientResponse<WatchUsersRequest, UserEvent> watching = request.send(WatchUsersRequest.getDefaultInstance()).await();
    assertThat(watching.status()).isNull();
    // and a feed session that watches, its client done sending (the request ended, as a watch's has)
    Map<String, String> feed = Map.of("protocol", "grpc", "operation", "Feed");
    GrpcClientRequest<FeedRequest, FeedResponse> session = client.request(server, UserServiceGrpcClient.Feed).await();
    CompletableFuture<FeedResponse> subscribed = new CompletableFuture<>();
    // the handler is in place when the response arrives, before its first message can
    session.response().onSuccess(response -> response.handler(subscribed::complete));
    session.end(FeedRequest.newBuilder().setRequestId("w").setWatch(WatchUsersRequest.getDefaultInstance()).build());
    assertThat(subscribed.orTimeout(20, TimeUnit.SECONDS).join().getResult().getCode()).isZero();
    Scrapes.until(app, "both open", t -> Scrapes.valueOrZero(t, "polyport_active_streams", open) == 1
        && Scrapes.valueOrZero(t, "polyport_active_streams", feed) == 1
        && Scrapes.valueOrZero(t, "polyport_feed_subscribers", Map.of()) == 2);

    // the connections go away without a reset of the streams (a client process killed, a network cut)
    request.connection().close().await();
    session.connection().close().await();
    Scrapes.until(app, "both ended with their connection", t -> Scrapes.valueOrZero(t, "polyport_active_streams", open) == 0
        && Scrapes.valueOrZero(t, "polyport_active_streams", feed) == 0
        && Scrapes.valueOrZero(t, "polyport_feed_subscribers", Map.of()) == 0);
    client.close().await();
    assertThat(everything.errors()).isEmpty();
  }

  /**
   * Unary calls whose client is killed while the call is at the database (the connection closes, no reset):
   * each is counted as CANCELLED, and its late answer is dropped without an ERROR (Vert.x 5.0.7 logs a
   * NullPointerException for trailers written to a closed stream). The database is stalled, so every call is
   * still there when its connection closes (a fast database could otherwise answer first).
   */
  @Test
  void aUnaryAnswerAfterTheConnectionDroppedIsNoError() {
    String tag = "drop" + UUID.randomUUID().toString().substring(0, 8);
    int calls = 5;
    EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
    TestApp own = TestApp.start(new JsonObject().put("mongo", new JsonObject()
        .put("uri", db.connectionString()).put("timeoutMs", 20_000)));
    try {
      db.stall();
      Map<String, String> creates = Map.of("kind", "create");
      double before = Scrapes.valueOrZero(Scrapes.scrape(own), "polyport_db_calls_total", creates);
      List<HttpClient> clients = new ArrayList<>();
      List<HttpClientRequest> requests = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        // a client per call: a pooled connection closed by the call before would be reused
        HttpClient http = own.h2Client();
        HttpClientRequest request = own.grpcRequest(http, UserServiceGrpcService.CreateUser.fullMethodName());
        request.end(GrpcWebFrames.frame(newUser(tag, i).toByteArray())).await();
        clients.add(http);
        requests.add(request);
      }
      Scrapes.until(own, "every create waiting on the database",
          t -> Scrapes.valueOrZero(t, "polyport_db_calls_total", creates) == before + calls);
      for (int i = 0; i < calls; i++) {
        requests.get(i).connection().close().await();
        clients.get(i).close().await();
      }
      db.unstall();
      Map<String, String> cancelled = Scrapes.call("grpc", "CreateUser", "CANCELLED");
      Map<String, String> answered = Scrapes.call("grpc", "CreateUser", "OK");
      String counted = Scrapes.until(own, "every call counted", t -> Scrapes.valueOrZero(t, Scrapes.REQUESTS, cancelled)
          + Scrapes.valueOrZero(t, Scrapes.REQUESTS, answered) == calls);
      assertThat(Scrapes.valueOrZero(counted, Scrapes.REQUESTS, cancelled)).as("calls cut off before their answer")
          .isPositive();
      // every create has been stored (the list of their tag has them all); then round trips through the server
      // and the database, for the stored creates' answers (dropped or not) to have been handled meanwhile
      var tagged = ListUsersRequest.newBuilder().setTag(tag).build();
      Await.until(own.vertx, "every create stored", () -> count(own.blocking().listUsers(tagged)) == calls);
      for (int round = 0; round < 40; round++) {
        assertThat(count(own.blocking().listUsers(tagged))).isEqualTo(calls);
      }
      assertThat(everything.errors()).isEmpty();
    } finally {
      db.unstall();
      own.close();
      db.close();
    }
  }

  private static int count(Iterator<?> users) {
    int n = 0;
    for (; users.hasNext(); users.next()) {
      n++;
    }
    return n;
  }

  private static CreateUserRequest newUser(String tag, int i) {
    return CreateUserRequest.newBuilder().setName("Dropped").setEmail(tag + "-" + i + "@example.com")
        .addTags(tag).build();
  }

  /** Waits for the debug line the end of the call leaves, then checks that nothing logged an ERROR. */
  private void assertLoggedAsDebugOnly(String text) {
    Await.until(app.vertx, "the end of the call logged: " + text, () -> everything.find(text) != null);
    assertThat(everything.find(text).getLevel()).isEqualTo(Level.DEBUG);
    assertThat(everything.errors()).isEmpty();
  }
}
