package io.polyport.server;

import io.polyport.observe.Scrapes;
import io.polyport.testing.LogCapture;
import io.polyport.testing.TestApp;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the router must not see get a 400 problem at the front door: an HTTP/1.1 body whose length cannot be
 * known (its bytes were read as a second request, which was answered: request smuggling) also closes the
 * connection, dropping what was pipelined behind it; a missing Host and a broken query escape were 500s.
 */
class MalformedRequestsTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  /** Writes {@code raw} on a new connection and reads until the server closes it. */
  static String exchange(String raw) {
    NetClient net = app.vertx.createNetClient();
    try {
      NetSocket socket = net.connect(app.port(), "127.0.0.1").await();
      Buffer received = Buffer.buffer();
      Promise<String> closed = Promise.promise();
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> closed.tryComplete(received.toString()));
      socket.write(Buffer.buffer(raw)).await();
      return closed.future().await();
    } finally {
      net.close().await();
    }
  }

  static int answers(String received) {
    return (int) Pattern.compile("HTTP/1\\.1 \\d{3}").matcher(received).results().count();
  }

  static final String SMUGGLED = "GET /users/zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

  @Test
  void aTransferEncodingOtherThanChunkedIsRefusedAndNothingBehindItIsAnswered() {
    String received = exchange("POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: identity\r\n\r\n" + SMUGGLED);
    assertThat(received).startsWith("HTTP/1.1 400").contains("application/problem+json")
        .contains("Transfer-Encoding 'identity' is not supported");
    assertThat(answers(received)).isEqualTo(1);
  }

  @Test
  void soIsAGrpcWebCallsAndNothingBehindItIsAnswered() {
    String received = exchange("POST /polyport.users.v1.UserService/GetUser HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/grpc-web\r\nTransfer-Encoding: identity\r\n\r\n" + SMUGGLED);
    assertThat(received).startsWith("HTTP/1.1 400").contains("Transfer-Encoding 'identity' is not supported");
    assertThat(answers(received)).isEqualTo(1);
  }

  /**
   * A chunk size that is not hex: Netty's decoder fails and Vert.x closes the connection. The mistake is the client's:
   * it was logged as an unexpected failure (an ERROR with a stack trace).
   */
  @Test
  void aMalformedChunkedBodyIsTheClientsMistakeNotAnError() {
    try (var logs = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      String scrape = Scrapes.scrape(app);
      double before = Scrapes.valueOrZero(scrape, Scrapes.REQUESTS, Scrapes.call("rest", "createUser", "499"));
      double failed = Scrapes.valueOrZero(scrape, Scrapes.REQUESTS, Scrapes.call("rest", "createUser", "500"));
      String received = exchange("POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
      assertThat(received).isEmpty(); // Vert.x closes the connection before an answer can go
      // counted as a call the client never got an answer to, not as the server's failure
      String after = Scrapes.until(app, "the request counted",
          t -> Scrapes.valueOrZero(t, Scrapes.REQUESTS, Scrapes.call("rest", "createUser", "499")) == before + 1);
      assertThat(Scrapes.valueOrZero(after, Scrapes.REQUESTS, Scrapes.call("rest", "createUser", "500"))).isEqualTo(failed);
      assertThat(logs.errors()).isEmpty();
    }
  }

  @Test
  void aRequestWithoutHostOrWithABrokenQueryEscapeIsAProblem() {
    String noHost = exchange("GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n");
    assertThat(noHost).startsWith("HTTP/1.1 400").contains("the request has no Host header");
    // HTTP/1.0 needs no Host (load balancers' health checks send none)
    assertThat(exchange("GET /health/live HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 200");
    String query = exchange("GET /users?% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(query).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("percent-escape");
  }
}
