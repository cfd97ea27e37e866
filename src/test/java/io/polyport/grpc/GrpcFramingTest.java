package io.polyport.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.polyport.testing.GrpcWebFrames;
import io.polyport.testing.Seed;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.UserServiceGrpcService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Message prefixes a client got wrong: each call ends at once with INVALID_ARGUMENT saying what was wrong (Vert.x's
 * deframer alone hung the call, or answered as if the message had not been sent), and an import that meets one, or
 * a message over the size limit, stops there and reports what it stored, storing nothing sent after it.
 */
class GrpcFramingTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("limits", new JsonObject().put("grpcMaxMessageBytes", 1024)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  /** The call's status and message, and the body's messages, of a raw HTTP/2 gRPC request carrying {@code body}. */
  record Answer(String status, String message, String importResult, Buffer body) {
  }

  static Answer call(String method, Map<String, String> headers, Buffer body) {
    HttpClient http = app.h2Client();
    try {
      var request = app.grpcRequest(http, method);
      headers.forEach(request::putHeader);
      var answer = request.response().compose(r -> r.body().map(b -> answer(r, b)));
      request.end(body).await();
      return answer.await();
    } finally {
      http.close().await();
    }
  }

  static Answer answer(HttpClientResponse response, Buffer body) {
    String status = response.getHeader("grpc-status") != null ? response.getHeader("grpc-status") : response.getTrailer("grpc-status");
    String message = response.getHeader("grpc-message") != null ? response.getHeader("grpc-message") : response.getTrailer("grpc-message");
    return new Answer(status, message == null ? null : URLDecoder.decode(message, StandardCharsets.UTF_8),
        response.getHeader("polyport-import-result-bin") != null ? response.getHeader("polyport-import-result-bin")
            : response.getTrailer("polyport-import-result-bin"), body);
  }

  static Buffer framed(int flags, byte[] message) {
    Buffer frame = GrpcWebFrames.frame(message);
    frame.setByte(0, (byte) flags);
    return frame;
  }

  static final String GET_USER = UserServiceGrpcService.GetUser.fullMethodName();
  static final String IMPORT = UserServiceGrpcService.ImportUsers.fullMethodName();

  static byte[] getUser() {
    return GetUserRequest.newBuilder().setId("0123456789abcdef01234567").build().toByteArray();
  }

  @Test
  void aMessageMarkedCompressedInACallWithoutGrpcEncodingIsInvalidArgument() {
    var answer = call(GET_USER, Map.of(), framed(1, getUser()));
    assertThat(answer.status()).isEqualTo("3");
    assertThat(answer.message()).isEqualTo("message 1 is marked compressed, but the call declares no grpc-encoding to inflate it with");
    var identity = call(GET_USER, Map.of("grpc-encoding", "identity"), framed(1, getUser()));
    assertThat(identity.status()).isEqualTo("3");
  }

  @Test
  void flagsOtherThanCompressedAreInvalidArgument() {
    var answer = call(GET_USER, Map.of(), framed(0x80, getUser()));
    assertThat(answer.status()).isEqualTo("3");
    assertThat(answer.message()).isEqualTo("message 1 has flags 0x80: only 0 (plain) and 1 (compressed) are defined");
  }

  @Test
  void aStreamEndingInsideAMessageIsInvalidArgument() {
    Buffer whole = framed(0, getUser());
    var cut = call(GET_USER, Map.of(), whole.slice(0, whole.length() - 3));
    assertThat(cut.status()).isEqualTo("3");
    assertThat(cut.message()).isEqualTo("the request stream ended inside message 1, 3 bytes short of the length its prefix gave");
    var inPrefix = call(UserServiceGrpcService.ListUsers.fullMethodName(), Map.of(),
        Buffer.buffer().appendBuffer(framed(0, ListUsersRequest.getDefaultInstance().toByteArray())).appendBytes(new byte[] {0, 0}));
    assertThat(inPrefix.status()).isEqualTo("3");
    assertThat(inPrefix.message()).isEqualTo("the request stream ended inside message 2, in its 5-byte prefix");
  }

  @Test
  void aUnaryCallWhoseFramingBreaksAfterItsMessageRunsNothing() {
    String tag = tag();
    Buffer body = Buffer.buffer().appendBuffer(framed(0, newUser(tag, 0))).appendBytes(new byte[] {0, 0, 0});
    var answer = call(UserServiceGrpcService.CreateUser.fullMethodName(), Map.of(), body);
    assertThat(answer.status()).isEqualTo("3");
    assertThat(answer.message()).isEqualTo("the request stream ended inside message 2, in its 5-byte prefix");
    var twice = call(UserServiceGrpcService.CreateUser.fullMethodName(), Map.of(),
        Buffer.buffer().appendBuffer(framed(0, newUser(tag, 1))).appendBuffer(framed(0, newUser(tag, 2))));
    assertThat(twice.status()).isEqualTo("3");
    assertThat(twice.message()).isEqualTo("the call carries more than one request message");
    assertThat(stored(tag)).isZero();
  }

  static byte[] newUser(String tag, int i) {
    return CreateUserRequest.newBuilder().setName("n" + i).setEmail(tag + "-" + i + "@example.com").addTags(tag).build().toByteArray();
  }

  static long stored(String tag) {
    return Seed.namesTagged(app, tag).size();
  }

  static String tag() {
    return "f" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void anImportCutShortInItsLastMessageStopsAndReportsWhatItStored() throws InvalidProtocolBufferException {
    String tag = tag();
    Buffer last = framed(0, newUser(tag, 2));
    Buffer body = Buffer.buffer().appendBuffer(framed(0, newUser(tag, 0))).appendBuffer(framed(0, newUser(tag, 1)))
        .appendBuffer(last.slice(0, last.length() - 5));
    var answer = call(IMPORT, Map.of(), body);
    assertThat(answer.status()).isEqualTo("3");
    assertThat(answer.message()).isEqualTo(
        "the request stream ended inside message 3, 5 bytes short of the length its prefix gave; stored 2, rejected 0");
    assertThat(stored(tag)).isEqualTo(2);
    assertThat(ImportUsersResponse.parseFrom(Base64.getDecoder().decode(answer.importResult())).getCreated()).isEqualTo(2);
  }

  @Test
  void anImportMeetingAMessageOverTheLimitStoresNothingSentAfterIt() throws InvalidProtocolBufferException {
    String tag = tag();
    byte[] big = CreateUserRequest.newBuilder().setName("x".repeat(2000)).setEmail(tag + "-big@example.com").build().toByteArray();
    Buffer body = Buffer.buffer().appendBuffer(framed(0, newUser(tag, 0))).appendBuffer(framed(0, big))
        .appendBuffer(framed(0, newUser(tag, 2))).appendBuffer(framed(0, newUser(tag, 3)));
    var answer = call(IMPORT, Map.of(), body);
    assertThat(answer.status()).isEqualTo("8");
    assertThat(answer.message()).startsWith("a message exceeds the limit of 1024 bytes; stored ");
    long stored = stored(tag);
    assertThat(answer.message()).endsWith("; stored " + stored + ", rejected 0");
    assertThat(stored).isLessThanOrEqualTo(1);
    var result = ImportUsersResponse.parseFrom(Base64.getDecoder().decode(answer.importResult()));
    assertThat(result.getCreated()).isEqualTo(stored);
  }

  /** A gRPC-Web text call over HTTP/1.1 carrying {@code body} as it is: its status and message. */
  static Map<String, String> webText(String body) {
    var http = app.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1));
    try {
      return http.request(HttpMethod.POST, app.port(), "127.0.0.1", "/" + GET_USER).compose(req -> req
          .putHeader("content-type", "application/grpc-web-text").putHeader("x-grpc-web", "1")
          .send(Buffer.buffer(body)).compose(resp -> resp.body().map(b ->
              GrpcWebFrames.trailers(GrpcWebFrames.parse(GrpcWebFrames.decodeText(b.toString())), resp.headers()))))
          .map(trailers -> {
            trailers.computeIfPresent("grpc-message", (k, v) -> URLDecoder.decode(v, StandardCharsets.UTF_8));
            return trailers;
          }).await();
    } finally {
      http.close().await();
    }
  }

  @Test
  void aGrpcWebTextBodyThatIsNotBase64OfAPrefixIsInvalidArgument() {
    assertThat(webText("not base64!!")).containsEntry("grpc-status", "3")
        .containsEntry("grpc-message", "the gRPC-Web text body is not base64: byte 4 is 0x20");
    assertThat(webText("AAAAAA")).containsEntry("grpc-status", "3")
        .containsEntry("grpc-message", "the gRPC-Web text body is cut short: its length is not a multiple of 4");
    assertThat(webText("AAAA")).containsEntry("grpc-status", "3")
        .containsEntry("grpc-message", "the gRPC-Web text body is shorter than one message's 5-byte prefix");
    assertThat(webText("AA=A")).containsEntry("grpc-status", "3")
        .containsEntry("grpc-message", "the gRPC-Web text body is not base64: byte 4 is 'A'");
    String valid = Base64.getEncoder().encodeToString(framed(0, getUser()).getBytes());
    assertThat(webText(valid)).containsEntry("grpc-status", "5");
  }
}
