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

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GzipResponse on a real HTTP/2 stream: each write can be decoded as it arrives (a live stream is not held back),
 * and a stream the client resets before its end frees the deflater.
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
          var response = new GzipResponse(request.response(), 1024, 1);
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
    var response = request.send().await();
    response.handler(firstChunk::tryComplete);
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
}
