package io.polyport.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.polyport.persistence.EmbeddedMongo;
import io.polyport.testing.TestApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database stops under a running server and comes back: gRPC health turns NOT_SERVING (a Watch hears
 * it, once) and /health/ready 503 with a problem document, while /health/live stays 200; then both
 * recover; at shutdown it turns not ready for good and lets its watchers go. The server runs against a database of its own that the test stops and restarts on its port.
 */
class ReadinessDownTest {

  @Test
  void readinessFollowsTheDatabase() throws Exception {
    EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
    int port = db.port();
    TestApp app = null;
    try {
      app = TestApp.start(new JsonObject()
          .put("mongo", new JsonObject().put("uri", db.connectionString()).put("timeoutMs", 500))
          .put("health", new JsonObject().put("intervalMs", 50).put("timeoutMs", 300)));
      var watch = HealthTest.Watch.open(app.channel, "");
      assertThat(watch.next()).isEqualTo(ServingStatus.SERVING);
      assertThat(app.web.get("/health/ready").send().await().statusCode()).isEqualTo(200);

      db.close();
      assertThat(watch.next()).isEqualTo(ServingStatus.NOT_SERVING);
      var ready = app.web.get("/health/ready").send().await();
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.getHeader("content-type")).isEqualTo("application/problem+json");
      JsonObject problem = ready.bodyAsJsonObject();
      assertThat(problem.getInteger("status")).isEqualTo(503);
      assertThat(problem.getString("code")).isEqualTo("UNAVAILABLE");
      assertThat(problem.getString("detail")).startsWith("MongoDB");
      assertThat(HealthGrpc.newBlockingStub(app.channel).withDeadlineAfter(20, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService("polyport.users.v1.UserService").build()).getStatus())
          .isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(app.web.get("/health/live").send().await().statusCode()).isEqualTo(200);

      db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, port);
      assertThat(watch.next()).isEqualTo(ServingStatus.SERVING);
      assertThat(app.web.get("/health/ready").send().await().statusCode()).isEqualTo(200);

      // the first step of a shutdown: not ready any more, and watchers are told and let go
      app.app.readiness().stop();
      assertThat(watch.next()).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(watch.received.poll(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).isEqualTo("the server is shutting down");
      });
      assertThat(app.app.readiness().watchers()).isZero();
      var stopping = app.web.get("/health/ready").send().await();
      assertThat(stopping.statusCode()).isEqualTo(503);
      assertThat(stopping.bodyAsJsonObject().getString("detail")).isEqualTo("the server is shutting down");
    } finally {
      if (app != null) {
        app.close();
      }
      db.close();
    }
  }
}
