package io.polyport.auth;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.polyport.rest.RestContract;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.DeleteUserRequest;
import io.polyport.users.v1.FeedRequest;
import io.polyport.users.v1.FeedResponse;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.UpdateUserRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserServiceGrpc;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication and authorisation, operation by operation, on both protocols, from one table: no token,
 * a bad or expired token → UNAUTHENTICATED / 401 with a challenge; a token without the scope →
 * PERMISSION_DENIED / 403; the right scope → the operation runs.
 */
class AuthTest {
  static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  static TestApp app;
  static JWTAuth minter;
  static String existingId;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("auth", new JsonObject().put("secret", SECRET).put("issuer", "polyport-test")));
    minter = JWTAuth.create(app.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    existingId = app.blocking().withCallCredentials(null)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token("users:write"))))
        .createUser(CreateUserRequest.newBuilder().setName("Auth").setEmail("auth@example.com").build()).getId();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static String token(String scope) {
    return minter.generateToken(new JsonObject().put("scope", scope),
        new JWTOptions().setIssuer("polyport-test").setExpiresInSeconds(300).setSubject("tester"));
  }

  /** Every kind of token the table is run with, as the Authorization header (null = none). */
  static Map<String, String> tokens() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("none", null);
    t.put("garbage", "Bearer not.a.token");
    t.put("wrong signature", "Bearer " + JWTAuth.create(Vertx.vertx(), new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-another-secret-another")))
        .generateToken(new JsonObject().put("scope", "users:read users:write"), new JWTOptions().setIssuer("polyport-test")));
    t.put("expired", "Bearer " + minter.generateToken(new JsonObject().put("scope", "users:read users:write")
        .put("exp", System.currentTimeMillis() / 1000 - 3600), new JWTOptions().setIssuer("polyport-test").setNoTimestamp(true)));
    t.put("wrong issuer", "Bearer " + minter.generateToken(new JsonObject().put("scope", "users:read users:write"),
        new JWTOptions().setIssuer("someone-else")));
    t.put("users:read", "Bearer " + token("users:read"));
    t.put("users:write", "Bearer " + token("users:write"));
    return t;
  }

  static Metadata bearer(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return m;
  }

  /** One operation on each protocol, called with an Authorization header, answering the status seen. */
  record Op(String scope, Function<String, Integer> rest, Function<String, String> grpc) {
  }

  static Map<String, Op> operations() {
    Map<String, Op> ops = new LinkedHashMap<>();
    ops.put("createUser", new Op("users:write",
        h -> rest(h, r -> r.post("/users").sendJsonObject(new JsonObject().put("name", "N").put("email", unique()))),
        h -> grpc(h, s -> s.createUser(CreateUserRequest.newBuilder().setName("N").setEmail(unique()).build()))));
    ops.put("getUser", new Op("users:read",
        h -> rest(h, r -> r.get("/users/" + existingId).send()),
        h -> grpc(h, s -> s.getUser(GetUserRequest.newBuilder().setId(existingId).build()))));
    ops.put("updateUser", new Op("users:write",
        h -> rest(h, r -> r.patch("/users/" + existingId).sendJsonObject(new JsonObject().put("name", "U"))),
        h -> grpc(h, s -> s.updateUser(UpdateUserRequest.newBuilder().setUser(User.newBuilder().setId(existingId).setName("U")).build()))));
    ops.put("deleteUser", new Op("users:write",
        h -> rest(h, r -> r.delete("/users/" + "0".repeat(24)).send()),
        h -> grpc(h, s -> s.deleteUser(DeleteUserRequest.newBuilder().setId("0".repeat(24)).build()))));
    ops.put("listUsers", new Op("users:read",
        h -> rest(h, r -> r.get("/users?limit=1").send()),
        h -> grpc(h, s -> {
          Iterator<User> it = s.listUsers(ListUsersRequest.newBuilder().setLimit(1).build());
          it.forEachRemaining(u -> { });
          return null;
        })));
    ops.put("importUsers", new Op("users:write",
        h -> rest(h, r -> r.post("/users/import").putHeader("content-type", "application/x-ndjson")
            .sendBuffer(Buffer.buffer(new JsonObject().put("name", "I").put("email", unique()).encode()))),
        AuthTest::grpcImport));
    ops.put("watchUsers", new Op("users:read",
        h -> restStreamStatus(h, "/users/events"),
        h -> grpcFirstHeaders(h)));
    ops.put("feed", new Op("users:read",
        AuthTest::webSocketStatus,
        AuthTest::grpcFeed));
    return ops;
  }

  @Test
  void theTableCoversEveryOperationOfTheContractWithItsScope() {
    var scopes = new OperationScopes(RestContract.load().json());
    Map<String, String> expected = new LinkedHashMap<>();
    operations().forEach((name, op) -> expected.put(name, op.scope()));
    assertThat(scopes.all()).isEqualTo(expected);
  }

  @Test
  void everyOperationOnBothProtocols() {
    Map<String, String> tokens = tokens();
    operations().forEach((name, op) -> tokens.forEach((kind, header) -> {
      boolean authenticated = kind.startsWith("users:");
      boolean allowed = authenticated && kind.equals(op.scope());
      String expectedGrpc = !authenticated ? "UNAUTHENTICATED" : allowed ? "OK" : "PERMISSION_DENIED";
      int restStatus = op.rest().apply(header);
      String grpcCode = op.grpc().apply(header);
      if (allowed) {
        assertThat(restStatus).as("%s REST with %s", name, kind).isNotIn(401, 403);
        assertThat(grpcCode).as("%s gRPC with %s", name, kind).isNotIn("UNAUTHENTICATED", "PERMISSION_DENIED");
      } else {
        assertThat(restStatus).as("%s REST with %s", name, kind).isEqualTo(authenticated ? 403 : 401);
        assertThat(grpcCode).as("%s gRPC with %s", name, kind).isEqualTo(expectedGrpc);
      }
    }));
  }

  @Test
  void unauthenticatedAnswersCarryAChallengeAndAProblem() {
    var resp = app.web.get("/users/" + existingId).send().await();
    assertThat(resp.statusCode()).isEqualTo(401);
    assertThat(resp.getHeader("www-authenticate")).startsWith("Bearer");
    assertThat(resp.bodyAsJsonObject().getString("code")).isEqualTo("UNAUTHENTICATED");
    var forbidden = app.web.delete("/users/" + existingId).putHeader("authorization", "Bearer " + token("users:read")).send().await();
    assertThat(forbidden.bodyAsJsonObject().getString("code")).isEqualTo("PERMISSION_DENIED");
    assertThat(forbidden.getHeader("www-authenticate")).contains("insufficient_scope");
  }

  @Test
  void aReadOnlyFeedSessionMayWatchButNotWrite() {
    var responses = new java.util.concurrent.LinkedBlockingQueue<FeedResponse>();
    var requests = stub("Bearer " + token("users:read")).feed(new StreamObserver<>() {
      public void onNext(FeedResponse v) {
        responses.add(v);
      }

      public void onError(Throwable t) {
      }

      public void onCompleted() {
      }
    });
    requests.onNext(FeedRequest.newBuilder().setRequestId("w").setWatch(WatchUsersRequest.getDefaultInstance()).build());
    requests.onNext(FeedRequest.newBuilder().setRequestId("c").setCreate(CreateUserRequest.newBuilder().setName("x").setEmail(unique())).build());
    try {
      assertThat(responses.poll(20, TimeUnit.SECONDS).getResult().getCode()).isZero();
      FeedResponse denied = responses.poll(20, TimeUnit.SECONDS);
      assertThat(denied.getResult().getRequestId()).isEqualTo("c");
      assertThat(denied.getResult().getCode()).isEqualTo(7);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    requests.onError(Status.CANCELLED.asRuntimeException());
  }

  // ---- the calls

  static int counter;

  static String unique() {
    return "auth" + (++counter) + "-" + System.nanoTime() + "@example.com";
  }

  static int rest(String header, Function<io.vertx.ext.web.client.WebClient, io.vertx.core.Future<io.vertx.ext.web.client.HttpResponse<Buffer>>> call) {
    var web = io.vertx.ext.web.client.WebClient.wrap(app.vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(app.port())));
    try {
      return call.apply(header == null ? web : withHeader(web, header)).await().statusCode();
    } finally {
      web.close();
    }
  }

  static io.vertx.ext.web.client.WebClient withHeader(io.vertx.ext.web.client.WebClient web, String header) {
    var session = io.vertx.ext.web.client.WebClientSession.create(web);
    session.addHeader("authorization", header);
    return session;
  }

  static int restStreamStatus(String header, String path) {
    var http = app.vertx.createHttpClient();
    try {
      return http.request(io.vertx.core.http.HttpMethod.GET, app.port(), "127.0.0.1", path).compose(req -> {
        if (header != null) {
          req.putHeader("authorization", header);
        }
        return req.send();
      }).map(resp -> {
        // only the status is read: the client is closed under the rest of the stream
        resp.exceptionHandler(closedByTheTest -> { });
        return resp.statusCode();
      }).await();
    } finally {
      http.close();
    }
  }

  static int webSocketStatus(String header) {
    var ws = app.vertx.createWebSocketClient();
    try {
      var options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port()).setURI("/users/feed");
      if (header != null) {
        options.addHeader("authorization", header);
      }
      return ws.connect(options).map(s -> {
        s.close();
        return 101;
      }).otherwise(e -> e instanceof UpgradeRejectedException r ? r.getStatus() : 0).await();
    } finally {
      ws.close();
    }
  }

  static UserServiceGrpc.UserServiceBlockingStub blocking(String header) {
    Metadata m = new Metadata();
    if (header != null) {
      m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), header);
    }
    return UserServiceGrpc.newBlockingStub(app.channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  static UserServiceGrpc.UserServiceStub stub(String header) {
    Metadata m = new Metadata();
    if (header != null) {
      m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), header);
    }
    return UserServiceGrpc.newStub(app.channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
  }

  static String grpc(String header, Function<UserServiceGrpc.UserServiceBlockingStub, Object> call) {
    try {
      call.apply(blocking(header));
      return "OK";
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode().name();
    }
  }

  static String grpcImport(String header) {
    CompletableFuture<String> done = new CompletableFuture<>();
    var requests = stub(header).importUsers(new StreamObserver<ImportUsersResponse>() {
      public void onNext(ImportUsersResponse v) {
      }

      public void onError(Throwable t) {
        done.complete(Status.fromThrowable(t).getCode().name());
      }

      public void onCompleted() {
        done.complete("OK");
      }
    });
    requests.onNext(CreateUserRequest.newBuilder().setName("I").setEmail(unique()).build());
    requests.onCompleted();
    return done.join();
  }

  /** A WatchUsers call: its outcome once the server answered (headers = subscribed, or an error status). */
  static String grpcFirstHeaders(String header) {
    CompletableFuture<String> done = new CompletableFuture<>();
    CompletableFuture<Void> headers = new CompletableFuture<>();
    var call = new io.grpc.stub.ClientCallStreamObserver<?>[1];
    stub(header).withInterceptors(io.polyport.testing.Watchers.onHeaders(headers)).watchUsers(
        WatchUsersRequest.getDefaultInstance(), new io.grpc.stub.ClientResponseObserver<WatchUsersRequest, io.polyport.users.v1.UserEvent>() {
          public void beforeStart(io.grpc.stub.ClientCallStreamObserver<WatchUsersRequest> s) {
            call[0] = s;
          }

          public void onNext(io.polyport.users.v1.UserEvent v) {
          }

          public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t).getCode().name());
          }

          public void onCompleted() {
            done.complete("OK");
          }
        });
    CompletableFuture.anyOf(headers, done).join();
    if (done.isDone()) {
      return done.join();
    }
    call[0].cancel("done", null);
    return "OK";
  }

  static String grpcFeed(String header) {
    CompletableFuture<String> done = new CompletableFuture<>();
    var requests = stub(header).feed(new StreamObserver<FeedResponse>() {
      public void onNext(FeedResponse v) {
        done.complete("OK");
      }

      public void onError(Throwable t) {
        done.complete(Status.fromThrowable(t).getCode().name());
      }

      public void onCompleted() {
        done.complete("OK");
      }
    });
    requests.onNext(FeedRequest.newBuilder().setRequestId("w").setWatch(WatchUsersRequest.getDefaultInstance()).build());
    String outcome = done.join();
    requests.onError(Status.CANCELLED.asRuntimeException());
    return outcome;
  }
}
