package io.polyport.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.polyport.testing.GrpcWebFrames;
import io.polyport.testing.Seed;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.ImportError;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.polyport.users.v1.UserServiceGrpcService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ImportUsers / POST /users/import: exact counts and per-record errors for a mix of good, invalid, duplicate
 * and malformed records, across batch boundaries; limits end the import with RESOURCE_EXHAUSTED / 413 and
 * report what was stored; what `created` says is what the database holds.
 */
class ImportUsersTest {
  static TestApp app;
  static final AtomicInteger RUN = new AtomicInteger();

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("limits", new JsonObject()
        .put("importBatchSize", 3).put("importMaxRecords", 20).put("importMaxLineBytes", 512)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static CreateUserRequest user(String tag, String name, String email) {
    return CreateUserRequest.newBuilder().setName(name).setEmail(email).addTags(tag).build();
  }

  /** Ten records (indexes 0-9): six stored, four rejected for different reasons; spans four batches of three. */
  static List<CreateUserRequest> mix(String tag) {
    String existing = tag + "-existing@example.com";
    app.blocking().createUser(user("other", "Existing", existing));
    return List.of(
        user(tag, "Good 0", tag + "0@example.com"),
        user(tag, "Bad email", "nope"),
        user(tag, "Good 2", tag + "2@example.com"),
        user(tag, "Dup of 0", (tag + "0@EXAMPLE.com").toUpperCase()),
        user(tag, "Good 4", tag + "4@example.com"),
        user(tag, "", tag + "5@example.com"),
        user(tag, "Dup of db", existing),
        user(tag, "Good 7", tag + "7@example.com"),
        user(tag, "Good 8", tag + "8@example.com"),
        user(tag, "Good 9", tag + "9@example.com"));
  }

  static void assertMixResult(String tag, ImportUsersResponse r) {
    assertThat(r.getCreated()).isEqualTo(6);
    assertThat(r.getFailed()).isEqualTo(4);
    assertThat(r.getErrorsList()).containsExactlyInAnyOrder(
        ImportError.newBuilder().setIndex(1).setCode(3).setMessage("email is not a valid address").build(),
        ImportError.newBuilder().setIndex(3).setCode(6).setMessage("a user with email " + tag + "0@example.com already exists").build(),
        ImportError.newBuilder().setIndex(5).setCode(3).setMessage("name must be 1-200 characters after trimming").build(),
        ImportError.newBuilder().setIndex(6).setCode(6).setMessage("a user with email " + tag + "-existing@example.com already exists").build());
    assertThat(stored(tag)).isEqualTo(6);
  }

  static long stored(String tag) {
    List<String> names = new ArrayList<>();
    app.blocking().listUsers(ListUsersRequest.newBuilder().setTag(tag).build()).forEachRemaining(u -> names.add(u.getName()));
    return names.size();
  }

  static String tag() {
    return "imp" + RUN.incrementAndGet();
  }

  @Test
  void grpcJavaClientStream() {
    String tag = tag();
    assertMixResult(tag, importWithGrpcJava(mix(tag)));
  }

  @Test
  void vertxGrpcClientStream() {
    String tag = tag();
    List<CreateUserRequest> records = mix(tag);
    var response = app.grpc.request(UserServiceGrpcClient.ImportUsers).compose(req -> {
      records.forEach(req::write);
      return req.end().compose(v -> req.response());
    }).compose(resp -> resp.last()).await();
    assertMixResult(tag, response);
  }

  /**
   * The same mix as one gRPC body cut into DATA frames of 1 to 97 bytes (every split of a message and of its
   * 5-byte prefix, several messages in one frame), over a raw HTTP/2 request: the server reads it whole.
   */
  @Test
  void messagesSplitAcrossFramesAnyWay() {
    String tag = tag();
    Buffer body = Buffer.buffer();
    mix(tag).forEach(r -> body.appendBuffer(GrpcWebFrames.frame(r.toByteArray())));
    HttpClient http = app.h2Client();
    try {
      HttpClientRequest request = app.grpcRequest(http, UserServiceGrpcService.ImportUsers.fullMethodName()).setChunked(true);
      // the body is read from the moment the response arrives
      Future<Buffer> answer = request.response().compose(response -> response.body().map(b -> {
        assertThat(response.getTrailer("grpc-status")).isEqualTo("0");
        return b;
      }));
      int[] sizes = {1, 2, 3, 4, 5, 6, 7, 11, 97, 64, 33};
      int at = 0;
      for (int i = 0; at < body.length(); i++) {
        int end = Math.min(body.length(), at + sizes[i % sizes.length]);
        request.write(body.slice(at, end)).await();
        at = end;
      }
      request.end().await();
      assertMixResult(tag, ImportUsersResponse.parseFrom(GrpcWebFrames.parse(answer.await()).get(0).payload()));
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    } finally {
      http.close().await();
    }
  }

  @Test
  void restNdjsonWithAMalformedLine() {
    String tag = tag();
    StringBuilder body = new StringBuilder();
    for (CreateUserRequest r : mix(tag)) {
      body.append(new JsonObject().put("name", r.getName()).put("email", r.getEmail()).put("tags", List.of(tag)).encode()).append('\n');
    }
    body.append("{\"name\": \"broken\n");                     // index 10: not JSON
    body.append("\n");                                        // blank lines are skipped
    body.append("{\"name\":\"X\",\"email\":\"" + tag + "x@example.com\",\"role\":\"admin\"}\n"); // index 11: unknown field
    body.append("{\"name\":\"Last\",\"email\":\"" + tag + "last@example.com\",\"tags\":[\"" + tag + "\"]}"); // 12, no final newline
    var resp = app.web.post("/users/import").putHeader("content-type", "application/x-ndjson")
        .sendBuffer(Buffer.buffer(body.toString())).await();
    assertThat(resp.statusCode()).isEqualTo(200);
    JsonObject result = resp.bodyAsJsonObject();
    assertThat(result.getInteger("created")).isEqualTo(7);
    assertThat(result.getInteger("failed")).isEqualTo(6);
    var errors = result.getJsonArray("errors");
    assertThat(errors.stream().map(e -> ((JsonObject) e).getInteger("index")).toList()).containsExactlyInAnyOrder(1, 3, 5, 6, 10, 11);
    assertThat(errors.stream().map(e -> (JsonObject) e).filter(e -> e.getInteger("index") >= 10)
        .map(e -> e.getInteger("code")).toList()).containsOnly(3);
    // the malformed line's message is words, not the JSON parser's class names (it said com.google.gson...)
    assertThat(errors.stream().map(e -> (JsonObject) e).filter(e -> e.getInteger("index") == 10)
        .map(e -> e.getString("message")).findFirst().orElseThrow()).startsWith("the body is not a valid CreateUserRequest: ")
        .doesNotContain("Exception").doesNotContain("com.google");
    assertThat(stored(tag)).isEqualTo(7);
  }

  @Test
  void tooManyRecordsStopsTheImportAndReportsWhatWasStored() {
    String tag = tag();
    List<CreateUserRequest> records = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      records.add(user(tag, "n" + i, tag + "-" + i + "@example.com"));
    }
    assertThatThrownBy(() -> importWithGrpcJava(records))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).isEqualTo("the import is limited to 20 records; stored 20, rejected 0");
        });
    assertThat(stored(tag)).isEqualTo(20);

    String restTag = tag();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      body.append(new JsonObject().put("name", "n" + i).put("email", restTag + "-" + i + "@example.com").put("tags", List.of(restTag)).encode()).append('\n');
    }
    var resp = app.web.post("/users/import").putHeader("content-type", "application/x-ndjson").sendBuffer(Buffer.buffer(body.toString())).await();
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(resp.bodyAsJsonObject().getInteger("created")).isEqualTo(20);
    assertThat(stored(restTag)).isEqualTo(20);
  }

  @Test
  void aLineOverTheLimitStopsTheImportAndReportsWhatWasStored() {
    String tag = tag();
    String body = new JsonObject().put("name", "ok").put("email", tag + "1@example.com").put("tags", List.of(tag)).encode() + "\n"
        + new JsonObject().put("name", "x".repeat(600)).put("email", tag + "2@example.com").encode() + "\n";
    var resp = app.web.post("/users/import").putHeader("content-type", "application/x-ndjson").sendBuffer(Buffer.buffer(body)).await();
    assertThat(resp.statusCode()).isEqualTo(413);
    assertThat(resp.bodyAsJsonObject().getInteger("created")).isEqualTo(1);
    assertThat(resp.getHeader("x-import-stopped")).isEqualTo("a line exceeds the limit of 512 bytes");
    assertThat(stored(tag)).isEqualTo(1);
  }

  /** A line's CRLF (or LF) terminator is not part of the line: a line of exactly the limit is read either way. */
  @Test
  void aLineIsMeasuredWithoutItsTerminator() {
    String tag = tag();
    String body = line(tag, 1, 512) + "\r\n" + line(tag, 2, 512) + "\n" + line(tag, 3, 512) + "\r\n";
    var resp = app.web.post("/users/import").putHeader("content-type", "application/x-ndjson").sendBuffer(Buffer.buffer(body)).await();
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
    assertThat(resp.bodyAsJsonObject().getInteger("created")).isEqualTo(3);
    var over = app.web.post("/users/import").putHeader("content-type", "application/x-ndjson")
        .sendBuffer(Buffer.buffer(line(tag, 4, 513) + "\r\n")).await();
    assertThat(over.statusCode()).isEqualTo(413);
    assertThat(stored(tag)).isEqualTo(3);
  }

  /** A user's JSON padded with spaces to exactly {@code bytes} bytes. */
  static String line(String tag, int i, int bytes) {
    String json = new JsonObject().put("name", "n" + i).put("email", tag + "-" + i + "@example.com").put("tags", List.of(tag)).encode();
    return json.substring(0, json.length() - 1) + " ".repeat(bytes - json.length()) + "}";
  }

  /**
   * A client that sends Expect: 100-continue waits for the 100 before its body (curl does, for a while; others for
   * ever): the import streams its body, so no body handler sent it and such a client hung. The media type is read
   * whatever its case.
   */
  @Test
  void anImportAnswers100ContinueBeforeItsBodyComes() {
    String tag = tag();
    String line = new JsonObject().put("name", "Continued").put("email", tag + "@example.com").put("tags", List.of(tag)).encode() + "\n";
    var net = app.vertx.createNetClient();
    try {
      var socket = net.connect(app.port(), "127.0.0.1").await();
      Buffer received = Buffer.buffer();
      var continued = io.vertx.core.Promise.<Void>promise();
      var closed = io.vertx.core.Promise.<String>promise();
      socket.handler(chunk -> {
        received.appendBuffer(chunk);
        if (received.toString().startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
          continued.tryComplete();
        }
      });
      socket.closeHandler(v -> closed.tryComplete(received.toString()));
      socket.write("POST /users/import HTTP/1.1\r\nHost: x\r\nContent-Type: APPLICATION/X-NDJSON\r\n"
          + "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " + line.length() + "\r\n\r\n").await();
      continued.future().await();
      socket.write(line).await();
      assertThat(closed.future().await()).contains("HTTP/1.1 200").contains("\"created\":1");
    } finally {
      net.close().await();
    }
    assertThat(stored(tag)).isEqualTo(1);
  }

  @Test
  void wrongContentTypeIsRefused() {
    var resp = app.web.post("/users/import").putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{}")).await();
    assertThat(resp.statusCode()).isEqualTo(415);
    assertThat(resp.getHeader("content-type")).isEqualTo("application/problem+json");
  }

  static ImportUsersResponse importWithGrpcJava(List<CreateUserRequest> records) {
    return Seed.importAll(app, records);
  }


}
