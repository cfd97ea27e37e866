package io.polyport.grpc;

import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.polyport.testing.Await;
import io.polyport.testing.GrpcWebFrames;
import io.polyport.testing.GrpcWebFrames.Frame;
import io.polyport.testing.TestApp;
import io.polyport.testing.Tokens;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.EventType;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.UserServiceGrpc;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.polyport.testing.GrpcWebFrames.MESSAGE;
import static io.polyport.testing.GrpcWebFrames.TRAILERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * gRPC-Web on the one port, as a browser library speaks it: plain HTTP/1.1 POSTs whose bodies are framed
 * by hand, through the front door, the authentication guard and the error table; binary and text modes.
 */
class GrpcWebTest {
  static final String BINARY = "application/grpc-web+proto";
  static final String TEXT = "application/grpc-web-text";
  static final String GET_USER = "/polyport.users.v1.UserService/GetUser";
  static final String LIST_USERS = "/polyport.users.v1.UserService/ListUsers";
  static TestApp app;
  static HttpClientAgent http;
  static String reader;
  static UserServiceGrpc.UserServiceBlockingStub grpc;

  @BeforeAll
  static void start() {
    app = TestApp.start(Tokens.authConfig());
    http = app.vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1));
    reader = Tokens.bearer(app.vertx, "users:read");
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        Tokens.bearer(app.vertx, "users:read users:write"));
    grpc = app.blocking().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @AfterAll
  static void stop() {
    http.close().await();
    app.close();
  }

  record Answer(int status, MultiMap headers, HttpVersion version, Buffer body) {
    List<Frame> frames() {
      return GrpcWebFrames.parse(body);
    }

    Map<String, String> trailers() {
      return GrpcWebFrames.trailers(frames(), headers);
    }
  }

  static Answer call(String path, String contentType, byte[] message, String authorization) {
    Buffer frame = GrpcWebFrames.frame(message);
    Buffer body = contentType.equals(TEXT) ? Buffer.buffer(Base64.getEncoder().encodeToString(frame.getBytes())) : frame;
    return http.request(HttpMethod.POST, app.port(), "127.0.0.1", path).compose(req -> {
      req.putHeader("content-type", contentType).putHeader("accept", contentType).putHeader("x-grpc-web", "1");
      if (authorization != null) {
        req.putHeader("authorization", authorization);
      }
      return req.send(body).compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(),
          resp.version(), contentType.equals(TEXT) ? GrpcWebFrames.decodeText(b.toString()) : b)));
    }).await();
  }

  @Test
  void unaryAnswersOneMessageFrameThenATrailerFrameWithStatusZero() throws Exception {
    User created = grpc.createUser(CreateUserRequest.newBuilder().setName("Ada").setEmail("ada@web.example").build());
    Answer answer = call(GET_USER, BINARY, GetUserRequest.newBuilder().setId(created.getId()).build().toByteArray(), reader);
    assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.headers().get("content-type")).startsWith("application/grpc-web");
    List<Frame> frames = answer.frames();
    assertThat(frames).extracting(Frame::flag).containsExactly(MESSAGE, TRAILERS);
    assertThat(User.parseFrom(frames.get(0).payload())).isEqualTo(created);
    assertThat(frames.get(1).text()).contains("grpc-status:0");
    assertThat(answer.trailers()).containsEntry("grpc-status", "0");
  }

  @Test
  void serverStreamingAnswersAFrameForEachUserThenTheTrailers() throws Exception {
    for (int i = 0; i < 3; i++) {
      grpc.createUser(CreateUserRequest.newBuilder().setName("Web " + i).setEmail("web" + i + "@stream.example")
          .addTags("webstream").build());
    }
    Answer answer = call(LIST_USERS, BINARY, ListUsersRequest.newBuilder().setTag("webstream").build().toByteArray(),
        reader);
    assertThat(answer.status()).isEqualTo(200);
    List<Frame> frames = answer.frames();
    assertThat(frames).extracting(Frame::flag).containsExactly(MESSAGE, MESSAGE, MESSAGE, TRAILERS);
    for (int i = 0; i < 3; i++) {
      User user = User.parseFrom(frames.get(i).payload());
      assertThat(user.getName()).isEqualTo("Web " + i);
      assertThat(user.getTagsList()).containsExactly("webstream");
    }
    assertThat(answer.trailers()).containsEntry("grpc-status", "0");
  }

  @Test
  void anErrorArrivesAsTrailersWithTheStatusAndTheMessageOfTheErrorTable() {
    String missing = "0".repeat(24);
    Answer answer = call(GET_USER, BINARY, GetUserRequest.newBuilder().setId(missing).build().toByteArray(), reader);
    assertThat(answer.status()).isEqualTo(200);
    // a trailers-only answer: no message, the trailers travel in the HTTP headers (gRPC-Web allows both forms)
    assertThat(answer.body().length()).isZero();
    assertThat(answer.headers().get("grpc-status")).isEqualTo("5");
    Map<String, String> trailers = answer.trailers();
    assertThat(trailers).containsEntry("grpc-status", "5");
    String message = URLDecoder.decode(trailers.get("grpc-message"), StandardCharsets.UTF_8);
    var viaGrpc = catchThrowableOfType(StatusRuntimeException.class,
        () -> grpc.getUser(GetUserRequest.newBuilder().setId(missing).build()));
    assertThat(message).isNotBlank().isEqualTo(viaGrpc.getStatus().getDescription());
  }

  @Test
  void textModeIsTheBase64OfTheSameFrames() {
    User created = grpc.createUser(CreateUserRequest.newBuilder().setName("Text").setEmail("text@web.example")
        .addTags("webtext").build());
    byte[] get = GetUserRequest.newBuilder().setId(created.getId()).build().toByteArray();
    Answer text = call(GET_USER, TEXT, get, reader);
    assertThat(text.status()).isEqualTo(200);
    assertThat(text.headers().get("content-type")).startsWith(TEXT);
    assertThat(text.body()).isEqualTo(call(GET_USER, BINARY, get, reader).body());

    byte[] list = ListUsersRequest.newBuilder().setTag("webtext").build().toByteArray();
    Answer listed = call(LIST_USERS, TEXT, list, reader);
    assertThat(listed.frames()).extracting(Frame::flag).containsExactly(MESSAGE, TRAILERS);
    assertThat(listed.body()).isEqualTo(call(LIST_USERS, BINARY, list, reader).body());

    Answer missing = call(GET_USER, TEXT, GetUserRequest.newBuilder().setId("0".repeat(24)).build().toByteArray(),
        reader);
    assertThat(missing.trailers()).containsEntry("grpc-status", "5");
  }

  @Test
  void aLiveStreamDeliversEachEventAsItHappensEvenToAClientAcceptingGzip() throws Exception {
    // browsers always send accept-encoding: gzip; the HTTP compression must not hold events back
    HttpClientAgent gzip = app.vertx.createHttpClient(new HttpClientOptions().setDecompressionSupported(true));
    try {
      Buffer received = Buffer.buffer();
      var request = gzip.request(HttpMethod.POST, app.port(), "127.0.0.1", "/polyport.users.v1.UserService/WatchUsers")
          .await();
      request.putHeader("content-type", BINARY).putHeader("x-grpc-web", "1").putHeader("authorization", reader);
      var response = request.send(GrpcWebFrames.frame(
          WatchUsersRequest.newBuilder().setTag("weblive").build().toByteArray())).await();
      response.handler(chunk -> {
        synchronized (received) {
          received.appendBuffer(chunk);
        }
      });
      assertThat(response.statusCode()).isEqualTo(200);
      User created = grpc.createUser(CreateUserRequest.newBuilder().setName("Live").setEmail("live@web.example")
          .addTags("weblive").build());
      Await.until(app.vertx, "the event frame", () -> {
        synchronized (received) {
          return received.length() >= 5 && received.length() >= 5 + received.getInt(1);
        }
      });
      List<Frame> frames;
      synchronized (received) {
        frames = GrpcWebFrames.parse(received.getBuffer(0, 5 + received.getInt(1)));
      }
      assertThat(frames).extracting(Frame::flag).containsExactly(MESSAGE);
      UserEvent event = UserEvent.parseFrom(frames.get(0).payload());
      assertThat(event.getType()).isEqualTo(EventType.EVENT_TYPE_CREATED);
      assertThat(event.getUser().getId()).isEqualTo(created.getId());
      request.reset();
    } finally {
      gzip.close().await();
    }
  }

  @Test
  void theAuthenticationGuardAppliesToGrpcWebToo() {
    byte[] get = GetUserRequest.newBuilder().setId("0".repeat(24)).build().toByteArray();
    Answer anonymous = call(GET_USER, BINARY, get, null);
    assertThat(anonymous.trailers()).containsEntry("grpc-status", "16");
    assertThat(anonymous.headers().get("www-authenticate")).startsWith("Bearer");
    Answer writerOnly = call(GET_USER, BINARY, get, Tokens.bearer(app.vertx, "users:write"));
    assertThat(writerOnly.trailers()).containsEntry("grpc-status", "7");
  }
}
