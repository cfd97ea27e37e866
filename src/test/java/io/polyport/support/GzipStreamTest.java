package io.polyport.support;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GzipResponse on real connections: on HTTP/2 each write can be decoded as it arrives (a live stream is not held
 * back), and a stream the client resets before its end frees the deflater; on HTTP/1.1 an answer whose handler
 * gave the uncompressed Content-Length goes chunked instead.
 */
class GzipStreamTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void eachWriteLeavesDecodableAndAResetStreamFreesItsDeflater() throws Exception {
    Promise<GzipResponse> serving = Promise.promise();
    Promise<Void> closed = Promise.promise();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
        .requestHandler(request -> {
          var response = new GzipResponse(request.response(), vertx.getOrCreateContext(), 1024, 1);
          response.closeHandler(v -> closed.tryComplete());
          response.setChunked(true);
          response.write("first line of the stream\n".repeat(100)); // 2,500 bytes: compressed
          serving.complete(response);
        })
        .listen(0, "127.0.0.1").await();
    var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDecompressionSupported(false));
    var request = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/").await();
    Promise<Buffer> firstChunk = Promise.promise();
    // the body handler is set up before the request leaves: a chunk that came before it would be dropped
    var head = request.response().map(r -> r.handler(firstChunk::tryComplete));
    request.end();
    var response = head.await();
    assertThat(response.getHeader("content-encoding")).isEqualTo("gzip");
    // the first write alone inflates to its text, before the stream has ended: it was sync-flushed
    Buffer chunk = firstChunk.future().await(10, TimeUnit.SECONDS);
    var inflater = new Inflater(true);
    inflater.setInput(chunk.getBytes(), 10, chunk.length() - 10); // past the gzip header
    var text = new ByteArrayOutputStream();
    byte[] out = new byte[8192];
    int n;
    while ((n = inflater.inflate(out)) > 0) {
      text.write(out, 0, n);
    }
    assertThat(text.toString()).isEqualTo("first line of the stream\n".repeat(100));
    GzipResponse served = serving.future().await();
    assertThat(served.compressing()).isTrue();
    request.reset(8).await();
    closed.future().await(10, TimeUnit.SECONDS);
    Promise<Boolean> compressing = Promise.promise();
    vertx.runOnContext(v -> compressing.complete(served.compressing()));
    assertThat(compressing.future().await()).as("the deflater after the reset").isFalse();
  }

  @Test
  void anHttp11AnswerWithItsUncompressedLengthGoesChunked() throws Exception {
    String text = "a line of a known length\n".repeat(100);
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      var response = new GzipResponse(request.response(), vertx.getOrCreateContext(), 1024, 1);
      response.putHeader("content-length", String.valueOf(text.length()));
      response.write(text.substring(0, 1300));
      response.end(text.substring(1300));
    }).listen(0, "127.0.0.1").await();
    var client = vertx.createHttpClient(new HttpClientOptions().setDecompressionSupported(false));
    Buffer[] body = new Buffer[1];
    var response = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
        .compose(request -> request.send())
        .compose(r -> r.body().map(b -> {
          body[0] = b;
          return r;
        })).await(10, TimeUnit.SECONDS); // a handler whose write failed would leave the request unanswered
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-encoding")).isEqualTo("gzip");
    assertThat(response.getHeader("content-length")).isNull();
    assertThat(response.getHeader("transfer-encoding")).isEqualTo("chunked");
    assertThat(new String(new GZIPInputStream(new ByteArrayInputStream(body[0].getBytes())).readAllBytes(),
        StandardCharsets.UTF_8)).isEqualTo(text);
  }
}
