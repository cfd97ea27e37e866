package io.polyport.rest;

import io.polyport.testing.Seed;
import io.polyport.testing.TestApp;
import io.polyport.testing.VertxGrpc;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text that is not well-formed Unicode is refused, never stored altered: a name with an unpaired surrogate (a JSON
 * "\ud800" escape) and a body or NDJSON line that is not UTF-8 are INVALID_ARGUMENT naming what was wrong, as gRPC
 * refuses a message that is not UTF-8; an import rejects such a line at its index. Well-formed text, U+FFFD and
 * characters beyond the BMP included, reads back exactly as sent.
 */
class TextEncodingTest {
  static final String UNPAIRED = "name is not well-formed Unicode: it has an unpaired surrogate";
  /** An overlong '/' and a surrogate in UTF-8 form (CESU-8): the contract's JSON parser lets both through. */
  static final byte[] NOT_UTF8 = {(byte) 0xC0, (byte) 0xAF, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  /** {"name":"<name bytes>","email":..., "tags":[tag]} with the name's bytes as they are. */
  static Buffer json(String tag, byte[] name) {
    return Buffer.buffer("{\"name\":\"").appendBytes(name)
        .appendString("\",\"email\":\"" + tag + "-" + name.length + "@example.com\",\"tags\":[\"" + tag + "\"]}");
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String detail(HttpResponse<Buffer> resp) {
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(400);
    assertThat(resp.bodyAsJsonObject().getString("code")).isEqualTo("INVALID_ARGUMENT");
    return resp.bodyAsJsonObject().getString("detail");
  }

  static HttpResponse<Buffer> post(Buffer body) {
    return app.web.post("/users").putHeader("content-type", "application/json").sendBuffer(body).await();
  }

  static HttpResponse<Buffer> patch(String id, Buffer body) {
    return app.web.patch("/users/" + id).putHeader("content-type", "application/json").sendBuffer(body).await();
  }

  static List<String> names(String tag) {
    return Seed.namesTagged(app, tag);
  }

  @Test
  void restRefusesWhatIsNotUnicodeAndStoresTheRestExactly() {
    String tag = "text";
    assertThat(detail(post(json(tag, utf8("x\\ud800"))))).isEqualTo(UNPAIRED);
    assertThat(detail(post(json(tag, utf8("\\udc00x"))))).isEqualTo(UNPAIRED);
    assertThat(detail(post(json(tag, NOT_UTF8)))).isEqualTo("the body is not valid UTF-8");

    String wellFormed = "a\uFFFDb\uD83D\uDE00";
    var created = post(json(tag, utf8("a\uFFFDb\\ud83d\\ude00")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(detail(patch(id, Buffer.buffer("{\"name\":\"x\\ud800\"}")))).isEqualTo(UNPAIRED);
    assertThat(detail(patch(id, Buffer.buffer("{\"name\":\"").appendBytes(NOT_UTF8).appendString("\"}"))))
        .isEqualTo("the body is not valid UTF-8");
    assertThat(app.web.get("/users/" + id).send().await().bodyAsJsonObject().getString("name")).isEqualTo(wellFormed);
    assertThat(names(tag)).containsExactly(wellFormed);
  }

  @Test
  void anImportRejectsSuchLinesAtTheirIndex() {
    String tag = "lines";
    Buffer body = json(tag, utf8("Good")).appendString("\n")
        .appendBuffer(json(tag, NOT_UTF8)).appendString("\n")
        .appendBuffer(json(tag, utf8("x\\ud800"))).appendString("\n")
        .appendBuffer(json(tag, new byte[] {'x', (byte) 0xFF})).appendString("\n")
        .appendBuffer(json(tag, utf8("\uFFFD\uD83D\uDE00"))).appendString("\n");
    var resp = app.web.post("/users/import").putHeader("content-type", "application/x-ndjson").sendBuffer(body).await();
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    JsonObject result = resp.bodyAsJsonObject();
    assertThat(result.getInteger("created")).isEqualTo(2);
    assertThat(result.getJsonArray("errors")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("index", 1).put("code", 3).put("message", "the line is not valid UTF-8"))
        .add(new JsonObject().put("index", 2).put("code", 3).put("message", UNPAIRED))
        .add(new JsonObject().put("index", 3).put("code", 3).put("message", "the line is not valid UTF-8")));
    assertThat(names(tag)).containsExactlyInAnyOrder("Good", "\uFFFD\uD83D\uDE00");
  }

  /** The same bytes in a gRPC message: refused as not UTF-8 (protobuf's check), nothing stored. */
  @Test
  void grpcRefusesTheSameBytes() {
    Buffer message = Buffer.buffer(new byte[] {0x0a, (byte) NOT_UTF8.length}).appendBytes(NOT_UTF8)
        .appendBytes(new byte[] {0x12, 15}).appendString("grpc@example.com".substring(0, 15));
    var resp = app.grpc.request(UserServiceGrpcClient.CreateUser)
        .compose(req -> req.endMessage(GrpcMessage.message("identity", message)).compose(v -> req.response())).await();
    resp.end().otherwiseEmpty().await();
    assertThat(resp.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(VertxGrpc.failure(resp).description()).contains("invalid UTF-8");
  }
}
