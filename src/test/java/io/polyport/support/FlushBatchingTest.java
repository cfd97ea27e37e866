package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.WriteStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flush batching on real sockets: it is installed on HTTP/2 connections of a server and of a client, not on
 * HTTP/1.1 ones, and thousands of small writes made outside a read (the case it batches) arrive whole and in
 * order in both directions, with the writer honouring backpressure.
 */
class FlushBatchingTest {
  private static final int LINES = 20_000;

  private Vertx vertx;
  private HttpServer server;
  private final List<Boolean> serverInstalled = new CopyOnWriteArrayList<>();
  private final List<Boolean> clientInstalled = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer()
        .connectionHandler(c -> {
          FlushBatching.install(c, 64);
          serverInstalled.add(FlushBatching.installed(c));
        })
        .requestHandler(this::echoThenStream);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Counts the request's lines, then answers that count and LINES numbered lines, each its own write. */
  private void echoThenStream(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      var response = request.response().setChunked(true);
      response.write(verdict(body) + "\n");
      // from a timer: outside the connection's read, where Vert.x flushes every write
      vertx.setTimer(1, t -> writeLines(response, 0).onComplete(v -> response.end()));
    });
  }

  private static String verdict(Buffer body) {
    return body.toString().equals(numbered(LINES)) ? "request ok" : "request damaged";
  }

  private static String numbered(int n) {
    var all = new StringBuilder();
    for (int i = 0; i < n; i++) {
      all.append("line ").append(i).append('\n');
    }
    return all.toString();
  }

  /** Writes lines from {@code from} on, one write each, pausing on a full queue. */
  private Future<Void> writeLines(WriteStream<Buffer> out, int from) {
    int i = from;
    while (i < LINES && !out.writeQueueFull()) {
      out.write(Buffer.buffer("line " + i + "\n"));
      i++;
    }
    if (i == LINES) {
      return Future.succeededFuture();
    }
    int next = i;
    Promise<Void> resumed = Promise.promise();
    out.drainHandler(v -> writeLines(out, next).onComplete(resumed));
    return resumed.future();
  }

  private String exchange(HttpVersion version) throws Exception {
    HttpClient client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setProtocolVersion(version).setHttp2ClearTextUpgrade(false))
        .withConnectHandler((HttpConnection c) -> {
          FlushBatching.install(c, 64);
          clientInstalled.add(FlushBatching.installed(c));
        })
        .build();
    try {
      return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(server.actualPort()).setURI("/"))
          .compose(request -> {
            request.setChunked(true);
            Future<HttpClientResponse> response = request.response();
            vertx.setTimer(1, t -> writeLines(request, 0).onComplete(v -> request.end()));
            return response;
          })
          .compose(HttpClientResponse::body)
          .map(Buffer::toString)
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  /** HTTP/2 connections of both ends batch, HTTP/1.1 ones are left alone; the bytes arrive whole either way. */
  @ParameterizedTest
  @CsvSource({"HTTP_2, true", "HTTP_1_1, false"})
  void batchesOnHttp2OnlyAndManySmallWritesArriveWholeAndInOrder(HttpVersion version, boolean batched) throws Exception {
    String body = exchange(version);

    assertThat(serverInstalled).containsExactly(batched);
    assertThat(clientInstalled).containsExactly(batched);
    assertThat(body).isEqualTo("request ok\n" + numbered(LINES));
  }

  @Test
  void zeroMeansOff() {
    assertThat(FlushBatching.install(null, 0)).isFalse();
  }
}
