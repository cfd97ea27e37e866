package io.polyport.testing;

import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.DeleteUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.UpdateUserRequest;
import io.polyport.users.v1.User;

import io.polyport.users.v1.UserServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;

/** The unary operations over gRPC: through the Vert.x client and through grpc-java. */
public final class GrpcProtocols {
  private GrpcProtocols() {
  }

  public static CreateUserRequest createRequest(JsonObject body) {
    var b = CreateUserRequest.newBuilder();
    try {
      JsonFormat.parser().merge(body.encode(), b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
    return b.build();
  }

  /** The gRPC equivalent of a PATCH: the body's properties are the mask paths. */
  public static UpdateUserRequest updateRequest(String id, JsonObject patch, int version) {
    var user = User.newBuilder().setId(id).setVersion(version);
    var mask = FieldMask.newBuilder();
    for (String key : patch.fieldNames()) {
      mask.addPaths(key);
      Object v = patch.getValue(key);
      switch (key) {
        case "name" -> user.setName((String) v);
        case "email" -> user.setEmail((String) v);
        case "age" -> {
          if (v != null) {
            user.setAge(((Number) v).intValue());
          }
        }
        case "tags" -> patch.getJsonArray(key).forEach(t -> user.addTags((String) t));
        default -> { }
      }
    }
    return UpdateUserRequest.newBuilder().setUser(user).setUpdateMask(mask).build();
  }

  static String json(User u) {
    try {
      return JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace().print(u);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Through the Vert.x gRPC client. */
  public static Protocol vertx(VertxGrpc grpc) {
    return new Protocol() {
      public String name() {
        return "grpc-vertx";
      }

      public Outcome create(JsonObject body) {
        return call(() -> grpc.unary(UserServiceGrpcClient.CreateUser, createRequest(body)).map(GrpcProtocols::json));
      }

      public Outcome get(String id) {
        return call(() -> grpc.unary(UserServiceGrpcClient.GetUser, GetUserRequest.newBuilder().setId(id).build())
            .map(GrpcProtocols::json));
      }

      public Outcome update(String id, JsonObject patch, int version) {
        return call(() -> grpc.unary(UserServiceGrpcClient.UpdateUser, updateRequest(id, patch, version))
            .map(GrpcProtocols::json));
      }

      public Outcome delete(String id, int version) {
        return call(() -> grpc.unary(UserServiceGrpcClient.DeleteUser,
            DeleteUserRequest.newBuilder().setId(id).setExpectedVersion(version).build()).map(e -> (String) null));
      }

      private Outcome call(Supplier<Future<String>> f) {
        try {
          return Outcome.ok(f.get().await());
        } catch (VertxGrpc.Failure e) {
          return Outcome.error(e.status.name(), e.description());
        }
      }
    };
  }

  /** Through grpc-java over Netty. */
  public static Protocol grpcJava(TestApp app) {
    return new Protocol() {
      public String name() {
        return "grpc-java";
      }

      public Outcome create(JsonObject body) {
        return call(() -> json(app.blocking().createUser(createRequest(body))));
      }

      public Outcome get(String id) {
        return call(() -> json(app.blocking().getUser(GetUserRequest.newBuilder().setId(id).build())));
      }

      public Outcome update(String id, JsonObject patch, int version) {
        return call(() -> json(app.blocking().updateUser(updateRequest(id, patch, version))));
      }

      public Outcome delete(String id, int version) {
        return call(() -> {
          app.blocking().deleteUser(DeleteUserRequest.newBuilder().setId(id).setExpectedVersion(version).build());
          return null;
        });
      }

      private Outcome call(Supplier<String> f) {
        try {
          return Outcome.ok(f.get());
        } catch (StatusRuntimeException e) {
          return Outcome.error(e.getStatus().getCode().name(), e.getStatus().getDescription());
        }
      }
    };
  }

}
