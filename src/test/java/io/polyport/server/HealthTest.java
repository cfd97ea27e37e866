package io.polyport.server;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.polyport.testing.Await;
import io.polyport.testing.TestApp;
import io.polyport.testing.Tokens;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthListRequest;
import io.vertx.grpc.health.v1.HealthListResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * gRPC health (grpc-java's health stubs) and the REST probes, open while authentication is on, over a
 * database that answers; the database going away and coming back is in {@link ReadinessDownTest}.
 */
class HealthTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(Tokens.authConfig().put("health", new JsonObject().put("intervalMs", 20)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(app.channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  @Test
  void checkAnswersForTheServerTheApiAndTheOpsServicesWithoutAToken() {
    for (String service : new String[] {"", "polyport.users.v1.UserService", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}) {
      assertThat(health().check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
          .as(service).isEqualTo(ServingStatus.SERVING);
    }
    assertThatThrownBy(() -> health().check(HealthCheckRequest.newBuilder().setService("nope.Service").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).isEqualTo("no service named 'nope.Service'");
        });
    // List is newer than grpc-java's health stubs: called through the Vert.x client
    ServiceMethod<HealthListResponse, HealthListRequest> list = ServiceMethod.client(
        ServiceName.create("grpc.health.v1", "Health"), "List", GrpcMessageEncoder.encoder(),
        GrpcMessageDecoder.decoder(HealthListResponse.newBuilder()));
    var all = app.grpc.unary(list, HealthListRequest.getDefaultInstance()).await().getStatusesMap();
    assertThat(all).containsOnlyKeys("", "polyport.users.v1.UserService", "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    assertThat(all.values()).extracting(r -> r.getStatus().name()).containsOnly("SERVING");
  }

  @Test
  void watchSendsTheStatusThenNothingWhileItHoldsAndStopsWhenTheClientCancels() throws Exception {
    Watch watch = Watch.open(app.channel, "polyport.users.v1.UserService");
    assertThat(watch.next()).isEqualTo(ServingStatus.SERVING);
    assertThat(app.app.readiness().watchers()).isEqualTo(1);
    // many more pings, all answered: nothing is re-sent
    for (int i = 0; i < 5; i++) {
      Instant last = app.app.readiness().current().checkedAt();
      Await.until(app.vertx, "another ping", () -> app.app.readiness().current().checkedAt().isAfter(last));
    }
    assertThat(watch.received).isEmpty();

    watch.call.cancel("done", null);
    Await.until(app.vertx, "the watch is dropped", () -> app.app.readiness().watchers() == 0);
  }

  @Test
  void aWatchEndsWithItsConnection() throws Exception {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", app.port()).usePlaintext().build();
    Watch watch = Watch.open(channel, "");
    assertThat(watch.next()).isEqualTo(ServingStatus.SERVING);
    Await.until(app.vertx, "the watch is registered", () -> app.app.readiness().watchers() == 1);
    channel.shutdownNow();
    Await.until(app.vertx, "the watch is dropped", () -> app.app.readiness().watchers() == 0);
  }

  @Test
  void watchOfAnUnknownServiceSaysSoAndStaysOpen() throws Exception {
    Watch watch = Watch.open(app.channel, "nope.Service");
    assertThat(watch.next()).isEqualTo(ServingStatus.SERVICE_UNKNOWN);
    watch.call.cancel("done", null);
    assertThat(watch.received.poll(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
  }

  @Test
  void restProbesAnswerWithoutAToken() {
    var live = app.web.get("/health/live").send().await();
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    var ready = app.web.get("/health/ready").send().await();
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.getHeader("content-type")).isEqualTo("application/json");
    assertThat(ready.getHeader("cache-control")).isEqualTo("no-store");
    assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getJsonObject("mongodb").getString("status"))
        .isEqualTo("UP");
    // the API itself still wants a token
    assertThat(app.web.get("/users").send().await().statusCode()).isEqualTo(401);
  }

  /** A Watch call through grpc-java, its messages (or its error) queued as they come. */
  static final class Watch {
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    ClientCallStreamObserver<HealthCheckRequest> call;

    static Watch open(ManagedChannel channel, String service) {
      Watch watch = new Watch();
      HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService(service).build(),
          new ClientResponseObserver<HealthCheckRequest, HealthCheckResponse>() {
            public void beforeStart(ClientCallStreamObserver<HealthCheckRequest> requestStream) {
              watch.call = requestStream;
            }

            public void onNext(HealthCheckResponse value) {
              watch.received.add(value.getStatus());
            }

            public void onError(Throwable t) {
              watch.received.add(t);
            }

            public void onCompleted() {
              watch.received.add("completed");
            }
          });
      return watch;
    }

    /** The next status sent (failing on an error or the end of the call). */
    ServingStatus next() throws InterruptedException {
      Object next = received.poll(20, TimeUnit.SECONDS);
      assertThat(next).as("a status").isInstanceOf(ServingStatus.class);
      return (ServingStatus) next;
    }
  }
}
