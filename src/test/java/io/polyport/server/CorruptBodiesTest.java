package io.polyport.server;

import io.polyport.observe.Scrapes;
import io.polyport.testing.LogCapture;
import io.polyport.testing.Seed;
import io.polyport.testing.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static io.polyport.server.CompressedRequestsTest.compressed;
import static io.polyport.server.CompressedRequestsTest.gzip;
import static io.polyport.server.CompressedRequestsTest.post;
import static io.polyport.server.CompressedRequestsTest.user;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compressed REST bodies that cannot be inflated (not gzip at all, corrupt, truncated, missing their trailer) are the
 * client's mistake, the same on HTTP/1.1 and HTTP/2: 400 problem+json saying why, nothing stored, nothing logged as
 * an ERROR; an import stops there like at an over-long line, keeping and reporting what it stored before. (Vert.x's
 * own decompressor gave them no answer at all, and took a truncated import for a whole one.)
 */
class CorruptBodiesTest {
  static final String CANNOT = "the request body cannot be decompressed: ";
  static final int RECORDS = 2000;
  static TestApp app;
  static final AtomicInteger RUN = new AtomicInteger();
  LogCapture everything;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("limits", new JsonObject().put("importBatchSize", 100)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @BeforeEach
  void capture() {
    everything = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @AfterEach
  void noErrors() {
    everything.close();
    assertThat(everything.errors()).isEmpty();
  }

  static String tag() {
    return "bad" + RUN.incrementAndGet();
  }

  static long stored(String tag) {
    return Seed.namesTagged(app, tag).size();
  }

  static WebClient rest(String transport) {
    return transport.equals("http1") ? app.web : app.h2c(false);
  }

  static Buffer cut(Buffer body, int length) {
    return body.getBuffer(0, length);
  }

  static Buffer flipped(Buffer body, int at) {
    Buffer copy = body.copy();
    copy.setByte(at, (byte) ~copy.getByte(at));
    return copy;
  }

  static String ndjson(String tag) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < RECORDS; i++) {
      lines.append(user(tag, i).encode()).append('\n');
    }
    return lines.toString();
  }

  static void assertProblem(HttpResponse<Buffer> resp, String detailStart) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    assertThat(resp.getHeader("content-type")).isEqualTo("application/problem+json");
    assertThat(resp.bodyAsJsonObject().getString("code")).isEqualTo("INVALID_ARGUMENT");
    assertThat(resp.bodyAsJsonObject().getString("detail")).startsWith(detailStart);
  }

  /** An import answered 400 because its body broke off: the answer says why and what was stored, which is stored. */
  static JsonObject assertStopped(HttpResponse<Buffer> resp, String tag, String whyStart) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    assertThat(resp.getHeader("content-type")).isEqualTo("application/json");
    assertThat(resp.getHeader("x-import-stopped")).startsWith(whyStart);
    JsonObject result = resp.bodyAsJsonObject();
    assertThat(stored(tag)).isEqualTo(result.getLong("created"));
    return result;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"http1", "h2c"})
  void aBodyThatCannotBeInflatedIs400AndStoresNothing(String transport) {
    WebClient web = rest(transport);
    String tag = tag();
    Buffer one = gzip(user(tag, 0).encode());
    Map<Buffer, String> bodies = Map.of(
        Buffer.buffer("not gzip at all"), CANNOT + "it is not gzip data",
        flipped(one, one.length() - 8), CANNOT + "the gzip data is corrupt (its CRC-32 does not match the data)",
        flipped(one, 10), CANNOT + "the gzip data is corrupt (",
        cut(one, one.length() / 2), CANNOT + "the gzip data is truncated",
        cut(one, one.length() - 8), CANNOT + "the gzip data is truncated");
    bodies.forEach((body, detail) -> {
      assertProblem(post(web, "/users", "gzip", body), detail);
      assertThat(assertStopped(post(web, "/users/import", "gzip", body), tag, detail).getInteger("created")).isZero();
    });
    assertProblem(post(web, "/users", "deflate", Buffer.buffer("not deflate either")), CANNOT + "the deflate data is corrupt (");
    assertThat(stored(tag)).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"http1", "h2c"})
  void anImportThatBreaksOffKeepsAndReportsWhatItStored(String transport) {
    WebClient web = rest(transport);
    String half = tag();
    Buffer body = gzip(ndjson(half));
    var result = assertStopped(post(web, "/users/import", "gzip", cut(body, body.length() / 2)), half,
        CANNOT + "the gzip data is truncated");
    assertThat(result.getInteger("created")).isBetween(1, RECORDS - 1);

    String noTrailer = tag();
    body = gzip(ndjson(noTrailer));
    result = assertStopped(post(web, "/users/import", "gzip", cut(body, body.length() - 8)), noTrailer,
        CANNOT + "the gzip data is truncated");
    assertThat(result.getInteger("created")).isEqualTo(RECORDS);

    String flipped = tag();
    body = gzip(ndjson(flipped));
    for (int i = 0; i < 8; i++) { // bytes flipped at 80 %: the stream breaks there, or at the latest at its CRC-32
      body = flipped(body, body.length() * 4 / 5 + i);
    }
    // (data that decodes as an unfinished block ends like a truncated stream: the inflater cannot tell them apart)
    var resp = post(web, "/users/import", "gzip", body);
    assertThat(resp.getHeader("x-import-stopped")).matches(CANNOT + "the gzip data is (corrupt \\(.*\\)|truncated)");
    assertStopped(resp, flipped, CANNOT + "the gzip data is");
    Scrapes.until(app, "the imports counted as 400, not as cancelled",
        t -> Scrapes.valueOrZero(t, Scrapes.REQUESTS, Scrapes.call("rest", "importUsers", "400")) >= 3
            && Scrapes.valueOrZero(t, Scrapes.REQUESTS, Scrapes.call("rest", "importUsers", "499")) == 0);
  }

  @Test
  void deflateIsReadZlibWrappedOrRaw() {
    String tag = tag();
    for (boolean zlib : new boolean[] {true, false}) {
      String json = user(tag, zlib ? 1 : 2).encode();
      var created = post(app.web, "/users", "deflate",
          compressed(json, out -> new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, !zlib))));
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    }
    assertThat(stored(tag)).isEqualTo(2);
  }

  @Test
  void aGzipBombIsRefusedWhereItPassesTheLimit() {
    // 32 MiB in one line compresses to about 32 KiB: the import stops at the line limit, the create at the body limit
    Buffer bomb = gzip(" ".repeat(32 << 20));
    var imported = post(app.web, "/users/import", "gzip", bomb);
    assertThat(imported.statusCode()).isEqualTo(413);
    assertThat(imported.getHeader("x-import-stopped")).isEqualTo("a line exceeds the limit of 65536 bytes");
    var created = post(app.h2c(false), "/users", "gzip", bomb);
    assertThat(created.statusCode()).isEqualTo(413);
    assertThat(created.bodyAsJsonObject().getString("code")).isEqualTo("RESOURCE_EXHAUSTED");
  }
}
