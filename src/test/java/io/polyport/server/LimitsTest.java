package io.polyport.server;

import io.polyport.testing.Seed;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The limits of the port: header size, HTTP/2 streams, idle connections. */
class LimitsTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("http", new JsonObject()
        .put("maxHeaderBytes", 2048).put("maxConcurrentStreams", 7).put("idleTimeoutSeconds", 1)));
    Seed.users(app, 200, i -> CreateUserRequest.newBuilder().setName("limit user " + i)
        .setEmail("limit" + i + "@example.com").addTags("same-tag-for-everyone").build());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void headersOverTheLimitAreRefused() {
    var resp = app.web.get("/users?limit=1").putHeader("x-big", "x".repeat(4096)).send().await();
    assertThat(resp.statusCode()).isEqualTo(431);
  }

  @Test
  void http2ConnectionsAdvertiseTheStreamLimit() {
    var client = app.h2Client();
    try {
      long advertised = client.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users?limit=1")
          .map(req -> req.connection().remoteSettings().getMaxConcurrentStreams()).await();
      assertThat(advertised).isEqualTo(7);
    } finally {
      client.close();
    }
  }

  @Test
  void idleConnectionsAreClosed() {
    var client = app.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    try {
      Promise<Void> closed = Promise.promise();
      client.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users?limit=1").compose(req -> {
        req.connection().closeHandler(closed::tryComplete);
        return req.send();
      }).compose(r -> r.body()).await();
      closed.future().timeout(20, TimeUnit.SECONDS).await();
    } finally {
      client.close();
    }
  }
}
