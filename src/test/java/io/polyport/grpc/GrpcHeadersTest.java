package io.polyport.grpc;

import io.polyport.testing.GrpcWebFrames;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.UserServiceGrpcService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.polyport.grpc.GrpcFramingTest.call;
import static io.polyport.grpc.GrpcFramingTest.framed;
import static io.polyport.grpc.GrpcFramingTest.getUser;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call's headers a client got wrong or wrote in another legal form: every one gets a gRPC status saying what was
 * wrong (Vert.x alone ran a call with a malformed or sub-millisecond grpc-timeout as if it had none, and answered a
 * media type with parameters, capitals or an unknown subtype with a bare HTTP 415 that clients read as UNKNOWN), and
 * application/grpc+json is read as JSON, as it is answered.
 */
class GrpcHeadersTest {
  static final String GET_USER = UserServiceGrpcService.GetUser.fullMethodName();

  @BeforeAll
  static void start() {
    GrpcFramingTest.start();
  }

  @AfterAll
  static void stop() {
    GrpcFramingTest.stop();
  }

  @Test
  void aMalformedTimeoutIsInvalidArgumentAndOneUnderAMillisecondHasPassed() {
    var malformed = call(GET_USER, Map.of("grpc-timeout", "abc"), framed(0, getUser()));
    assertThat(malformed.status()).isEqualTo("3");
    assertThat(malformed.message()).isEqualTo("grpc-timeout 'abc' is malformed: 1 to 8 digits and a unit, one of H M S m u n");
    for (String passed : new String[] {"0S", "500u", "1n"}) {
      var answer = call(GET_USER, Map.of("grpc-timeout", passed), framed(0, getUser()));
      assertThat(answer.status()).isEqualTo("4");
      assertThat(answer.message()).isEqualTo("the call's deadline (grpc-timeout " + passed + ") had passed when it arrived");
    }
    assertThat(call(GET_USER, Map.of("grpc-timeout", "20S"), framed(0, getUser())).status()).isEqualTo("5");
  }

  @Test
  void mediaTypesAreReadWhateverTheirCaseAndParameters() {
    var answer = call(GET_USER, Map.of("content-type", "Application/GRPC; charset=utf-8"), framed(0, getUser()));
    assertThat(answer.status()).isEqualTo("5"); // NOT_FOUND: the call ran
  }

  @Test
  void anUnknownSubtypeIsUnimplementedWithAStatus() {
    var answer = call(GET_USER, Map.of("content-type", "application/grpc+xml"), framed(0, getUser()));
    assertThat(answer.status()).isEqualTo("12");
    assertThat(answer.message()).startsWith("content-type 'application/grpc+xml' is not served: use application/grpc");
    // Vert.x reads every gRPC-Web text message as proto, whatever the media type says
    assertThat(call(GET_USER, Map.of("content-type", "application/grpc-web-text+json"), framed(0, getUser())).status())
        .isEqualTo("12");
  }

  @Test
  void grpcJsonIsReadAsJson() {
    String email = "json-" + System.nanoTime() + "@example.com";
    byte[] json = new JsonObject().put("name", "Jay").put("email", email).encode().getBytes(StandardCharsets.UTF_8);
    var created = call(UserServiceGrpcService.CreateUser.fullMethodName(),
        Map.of("content-type", "application/grpc+json"), framed(0, json));
    assertThat(created.status()).isEqualTo("0");
    JsonObject user = new JsonObject(Buffer.buffer(GrpcWebFrames.parse(created.body()).get(0).payload()));
    assertThat(user.getString("email")).isEqualTo(email);
    var unknownField = call(UserServiceGrpcService.CreateUser.fullMethodName(), Map.of("content-type", "application/grpc+json"),
        framed(0, "{\"nick\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
    assertThat(unknownField.status()).isEqualTo("3");
    assertThat(CreateUserRequest.getDescriptor().findFieldByName("nick")).isNull();
    byte[] notUtf8 = "{\"name\":\"x?\",\"email\":\"ff@example.com\"}".getBytes(StandardCharsets.UTF_8);
    notUtf8[10] = (byte) 0xFF; // the '?' of the name: a byte UTF-8 never has
    var malformed = call(UserServiceGrpcService.CreateUser.fullMethodName(), Map.of("content-type", "application/grpc+json"),
        framed(0, notUtf8));
    assertThat(malformed.status()).isEqualTo("3");
    assertThat(malformed.message()).isEqualTo("the request message is not valid UTF-8");
  }
}
