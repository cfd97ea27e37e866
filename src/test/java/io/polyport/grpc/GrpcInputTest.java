package io.polyport.grpc;

import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.polyport.testing.TestApp;
import io.polyport.testing.VertxGrpc;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.UpdateUserRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What gRPC does with bad input: a proper status with a message, never UNKNOWN or a hang, nothing half-applied. */
class GrpcInputTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("limits", new JsonObject().put("grpcMaxMessageBytes", 64 * 1024)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  User create(String name, String email) {
    return app.blocking().createUser(CreateUserRequest.newBuilder().setName(name).setEmail(email).setAge(20).addTags("x").build());
  }

  static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void emptyMaskUpdatesOnlyTheFieldsThatAreSet() {
    User u = create("Dee", "dee@example.com");
    User updated = app.blocking().updateUser(UpdateUserRequest.newBuilder()
        .setUser(User.newBuilder().setId(u.getId()).setName("Dee Dee")).build());
    assertThat(updated.getName()).isEqualTo("Dee Dee");
    assertThat(updated.getEmail()).isEqualTo("dee@example.com");
    assertThat(updated.getAge()).isEqualTo(20);
    assertThat(updated.getTagsList()).containsExactly("x");
    assertThat(updated.getVersion()).isEqualTo(2);
  }

  @Test
  void maskNamingUnknownOrImmutableFieldsIsInvalidArgument() {
    User u = create("Eve", "eve@example.com");
    for (String path : new String[] {"nickname", "id", "version", "create_time", "update_time"}) {
      var req = UpdateUserRequest.newBuilder().setUser(User.newBuilder().setId(u.getId()).setName("X"))
          .setUpdateMask(FieldMask.newBuilder().addPaths("name").addPaths(path)).build();
      assertThatThrownBy(() -> app.blocking().updateUser(req))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("'" + path + "'");
          });
    }
    assertThat(app.blocking().getUser(GetUserRequest.newBuilder().setId(u.getId()).build())).isEqualTo(u);
  }

  @Test
  void undecodableMessageIsInvalidArgument() {
    var resp = app.grpc.request(UserServiceGrpcClient.GetUser).compose(req -> {
      // field 1 (id) declared as a string of 100 bytes, with only 2 following
      return req.endMessage(io.vertx.grpc.common.GrpcMessage.message("identity",
          Buffer.buffer(new byte[] {0x0a, 100, 'a', 'b'}))).compose(v -> req.response());
    }).await();
    resp.end().otherwiseEmpty().await();
    assertThat(resp.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(VertxGrpc.failure(resp).description()).startsWith("the request message is not valid protobuf");
  }

  @Test
  void unaryCallWithoutAMessageIsInvalidArgument() {
    var resp = app.grpc.request(UserServiceGrpcClient.GetUser).compose(req -> req.end().compose(v -> req.response())).await();
    resp.end().otherwiseEmpty().await();
    assertThat(resp.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(VertxGrpc.failure(resp).description()).isEqualTo("the call carries no request message");
  }

  @Test
  void oversizedMessageIsResourceExhaustedAndStoresNothing() {
    var big = CreateUserRequest.newBuilder().setName("n".repeat(100_000)).setEmail("big@example.com").build();
    assertThatThrownBy(() -> app.blocking().createUser(big))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.getStatus().getDescription()).isEqualTo("a message exceeds the limit of 65536 bytes");
        });
    assertThat(code(() -> app.blocking().createUser(big.toBuilder().setName("small").build()))).isEqualTo(Status.Code.OK);
  }
}
