package io.polyport.server;

import io.polyport.testing.Await;
import io.polyport.testing.EventQueue;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.User;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live feed never ends on its own: with an idle timeout of 1 s (and the SSE heartbeat at its 15 s default), a
 * quiet SSE stream and a quiet WebSocket session get a keep-alive every third of the timeout, outlive three idle
 * timeouts and then deliver the next event.
 */
class QuietWebFeedsTest {
  /** Keep-alives in three idle timeouts: a third of the 1 s timeout each. */
  static final int BEATS = 9;
  static final String HEARTBEAT = ": heartbeat\n\n";
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("http", new JsonObject().put("idleTimeoutSeconds", 1)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void aQuietSseStreamGetsHeartbeatsBelowTheIdleTimeoutAndThenDelivers() {
    String tag = "quietsse" + QuietFeedsTest.unique();
    var http = app.vertx.createHttpClient();
    try {
      StringBuilder text = new StringBuilder();
      AtomicReference<String> over = new AtomicReference<>();
      var response = http.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users/events?tag=" + tag)
          .compose(request -> request.send()).await();
      assertThat(response.statusCode()).isEqualTo(200);
      response.handler(chunk -> {
        synchronized (text) {
          text.append(chunk.toString());
        }
      });
      response.endHandler(v -> over.compareAndSet(null, "ended"));
      response.exceptionHandler(e -> over.compareAndSet(null, "failed: " + e));

      Await.until(app.vertx, BEATS + " heartbeats, or the stream's end", () -> heartbeats(text) >= BEATS || over.get() != null);
      assertThat(over.get()).as("the quiet stream neither ended nor failed").isNull();
      User user = QuietFeedsTest.create(app, tag);
      Await.until(app.vertx, "the event", () -> {
        synchronized (text) {
          return text.indexOf("event: CREATED\n") >= 0;
        }
      });
      String data;
      synchronized (text) {
        int at = text.indexOf("data: ", text.indexOf("event: CREATED\n")) + "data: ".length();
        data = text.substring(at, text.indexOf("\n", at));
      }
      assertThat(new JsonObject(data).getJsonObject("user").getString("id")).isEqualTo(user.getId());
    } finally {
      http.close().await();
    }
  }

  static int heartbeats(StringBuilder text) {
    synchronized (text) {
      int count = 0;
      for (int at = text.indexOf(HEARTBEAT); at >= 0; at = text.indexOf(HEARTBEAT, at + 1)) {
        count++;
      }
      return count;
    }
  }

  @Test
  void aQuietWebSocketSessionGetsPingsBelowTheIdleTimeoutAndThenDelivers() {
    String tag = "quietws" + QuietFeedsTest.unique();
    var client = app.vertx.createWebSocketClient();
    try {
      AtomicInteger pings = new AtomicInteger();
      EventQueue<JsonObject> frames = new EventQueue<>();
      WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port())
          .setURI("/users/feed")).map(s -> {
            s.frameHandler(frame -> {
              if (frame.type() == WebSocketFrameType.PING) {
                pings.incrementAndGet();
              }
            });
            s.textMessageHandler(text -> frames.add(new JsonObject(text)));
            s.closeHandler(v -> frames.end());
            return s;
          }).await();
      socket.writeTextMessage(new JsonObject().put("requestId", "w").put("watch", new JsonObject().put("tag", tag))
          .encode()).await();
      assertThat(frames.next().getJsonObject("result").getInteger("code")).isZero();

      Await.until(app.vertx, BEATS + " pings, or the socket's close", () -> pings.get() >= BEATS || frames.size() > 0);
      assertThat(frames.size()).as("the quiet socket was not closed").isZero();
      User user = QuietFeedsTest.create(app, tag);
      assertThat(frames.next().getJsonObject("event").getJsonObject("user").getString("id")).isEqualTo(user.getId());
      socket.close().await();
    } finally {
      client.close().await();
    }
  }
}
