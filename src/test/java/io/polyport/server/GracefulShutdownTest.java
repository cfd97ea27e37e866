package io.polyport.server;

import io.polyport.persistence.embedded.EmbeddedMongo;
import io.polyport.testing.Await;
import io.polyport.testing.LogCapture;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.User;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The graceful stop: calls in flight when it begins (here: waiting on a database that is briefly away)
 * still complete on both protocols, HTTP/2 clients get a GOAWAY, and no new connection is accepted; and a stop
 * logs no error.
 */
class GracefulShutdownTest {

  @Test
  void callsInFlightFinishWithinTheGracePeriod() throws Exception {
    EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
    TestApp app = TestApp.start(new JsonObject()
        .put("mongo", new JsonObject().put("uri", db.connectionString()).put("timeoutMs", 20_000))
        .put("http", new JsonObject().put("shutdownGraceMs", 20_000)));
    try {
      User user = app.blocking().createUser(CreateUserRequest.newBuilder().setName("Grace").setEmail("grace@example.com").build());
      var h2 = app.h2Client();
      Promise<Void> goAway = Promise.promise();
      // open the HTTP/2 connection first, so it is there when the stop begins
      var warm = h2.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users/" + user.getId()).await();
      warm.connection().goAwayHandler(g -> goAway.tryComplete());
      assertThat(warm.send().compose(r -> r.body().map(b -> r.statusCode())).await()).isEqualTo(200);

      db.stall();
      // both calls reach the server and wait on the (slow) database: counted by the reads they make, not by the
      // commands the database holds (the live feed's getMore, sent every second, and a new driver connection's
      // handshake are held too, so two held commands do not mean that both calls have reached the server)
      long before = app.app.reads().calls();
      CompletableFuture<User> grpcCall = CompletableFuture.supplyAsync(
          () -> app.blocking().getUser(GetUserRequest.newBuilder().setId(user.getId()).build()));
      Future<Integer> restCall = h2.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users/" + user.getId())
          .compose(req -> req.send()).compose(r -> r.body().map(b -> r.statusCode()));
      Await.until(app.vertx, "both calls wait on the database", () -> app.app.reads().calls() >= before + 2);

      Future<Void> stopping = app.app.stop();
      goAway.future().timeout(20, TimeUnit.SECONDS).await();
      // no new connections are accepted any more
      var fresh = app.vertx.createHttpClient();
      assertThat(fresh.request(HttpMethod.GET, app.port(), "127.0.0.1", "/health/live").compose(r -> r.send())
          .map(r -> "answered").otherwise(e -> "refused").await()).isEqualTo("refused");
      fresh.close();

      db.unstall();
      assertThat(grpcCall.get(30, TimeUnit.SECONDS)).isEqualTo(user);
      assertThat(restCall.await()).isEqualTo(200);
      stopping.await();
      h2.close();
    } finally {
      app.close();
      db.close();
    }
  }

  /**
   * The live feed's change stream always has a getMore waiting on the database; the driver client is closed only
   * once it has answered (it used to be closed under it, and the driver logged an ERROR with a stack trace at
   * every stop, from its own callback on the closed session pool).
   */
  @Test
  void aStopLogsNoError() {
    TestApp app = TestApp.start();
    User user = app.blocking().createUser(CreateUserRequest.newBuilder().setName("Quiet").setEmail("quiet@example.com").build());
    assertThat(app.blocking().getUser(GetUserRequest.newBuilder().setId(user.getId()).build())).isEqualTo(user);
    try (LogCapture everything = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      app.close();
      assertThat(everything.errors()).isEmpty();
      assertThat(everything.find("stopped")).as("the stop completed").isNotNull();
    }
  }
}
