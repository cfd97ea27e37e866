package io.polyport.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.polyport.testing.EventQueue;
import io.polyport.testing.ServerProcess;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.UserServiceGrpc;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only a real process shows: SIGTERM ends live streams with UNAVAILABLE / a final SSE event and closes
 * the database cleanly (calls in flight finishing within the grace period: see GracefulShutdownTest), and
 * acknowledged writes survive kill -9.
 */
class ProcessLifecycleTest {

  @Test
  void sigtermEndsLiveStreamsWithUnavailableAndClosesTheDatabaseCleanly(@TempDir Path data) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ServerProcess server = ServerProcess.start(Map.of("DATA_DIR", data.toString(), "SHUTDOWN_GRACE_MS", "10000"))) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        // a live gRPC stream and an SSE stream
        EventQueue<UserEvent> watch = new EventQueue<>();
        CompletableFuture<Void> watching = new CompletableFuture<>();
        UserServiceGrpc.newStub(channel).withInterceptors(io.polyport.testing.Watchers.onHeaders(watching))
            .watchUsers(WatchUsersRequest.getDefaultInstance(), new StreamObserver<>() {
              public void onNext(UserEvent v) {
                watch.add(v);
              }

              public void onError(Throwable t) {
                watch.fail(t);
              }

              public void onCompleted() {
                watch.end();
              }
            });
        watching.get(20, TimeUnit.SECONDS);
        var http = vertx.createHttpClient();
        StringBuilder sse = new StringBuilder();
        Promise<Void> sseEnded = Promise.promise();
        http.request(HttpMethod.GET, server.port(), "127.0.0.1", "/users/events").compose(r -> r.send())
            .map(resp -> resp.handler(b -> sse.append(b.toString())).endHandler(sseEnded::tryComplete)
                .exceptionHandler(sseEnded::tryFail)).await();

        User created = UserServiceGrpc.newBlockingStub(channel).createUser(
            CreateUserRequest.newBuilder().setName("Last").setEmail("last@example.com").build());
        assertThat(server.terminate()).isIn(0, 143);

        // live streams end with UNAVAILABLE / a final SSE event
        assertThat(Status.fromThrowable(watch.failure()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        sseEnded.future().timeout(20, TimeUnit.SECONDS).otherwise(e -> null).await();
        assertThat(sse.toString()).contains("event: unavailable");
        // the database was closed last, cleanly: what the last call wrote is there after a restart
        try (ServerProcess again = ServerProcess.start(Map.of("DATA_DIR", data.toString()))) {
          ManagedChannel check = ManagedChannelBuilder.forAddress("127.0.0.1", again.port()).usePlaintext().build();
          assertThat(UserServiceGrpc.newBlockingStub(check).getUser(GetUserRequest.newBuilder().setId(created.getId()).build()))
              .isEqualTo(created);
          check.shutdownNow();
        }
      } finally {
        channel.shutdownNow();
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void acknowledgedWritesSurviveKillMinus9(@TempDir Path data) throws Exception {
    Map<String, String> env = Map.of("DATA_DIR", data.toString());
    Vertx vertx = Vertx.vertx();
    Set<String> acknowledged = new HashSet<>();
    try {
      try (ServerProcess server = ServerProcess.start(env)) {
        WebClient web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
        for (int i = 0; i < 20; i++) {
          var resp = web.post("/users").sendJsonObject(new JsonObject().put("name", "k" + i).put("email", "k" + i + "@example.com")).await();
          assertThat(resp.statusCode()).isEqualTo(201);
          acknowledged.add(resp.bodyAsJsonObject().getString("id"));
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        CompletableFuture<ImportUsersResponse> imported = new CompletableFuture<>();
        var requests = UserServiceGrpc.newStub(channel).importUsers(new StreamObserver<>() {
          public void onNext(ImportUsersResponse v) {
            imported.complete(v);
          }

          public void onError(Throwable t) {
            imported.completeExceptionally(t);
          }

          public void onCompleted() {
          }
        });
        for (int i = 0; i < 2500; i++) {
          requests.onNext(CreateUserRequest.newBuilder().setName("bulk" + i).setEmail("bulk" + i + "@example.com").addTags("bulk").build());
        }
        requests.onCompleted();
        assertThat(imported.get(60, TimeUnit.SECONDS).getCreated()).isEqualTo(2500);
        server.kill();
        channel.shutdownNow();
      }
      try (ServerProcess again = ServerProcess.start(env)) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", again.port()).usePlaintext().build();
        var stub = UserServiceGrpc.newBlockingStub(channel);
        for (String id : acknowledged) {
          assertThat(stub.getUser(GetUserRequest.newBuilder().setId(id).build()).getId()).isEqualTo(id);
        }
        List<User> bulk = new ArrayList<>();
        stub.listUsers(ListUsersRequest.newBuilder().setTag("bulk").build()).forEachRemaining(bulk::add);
        assertThat(bulk).hasSize(2500);
        channel.shutdownNow();
      }
    } finally {
      vertx.close().await();
    }
  }
}
