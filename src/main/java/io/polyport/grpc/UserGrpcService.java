package io.polyport.grpc;

import com.google.protobuf.Empty;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.polyport.api.UserProtos;
import io.polyport.auth.Authenticator;
import io.polyport.auth.OperationScopes;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ImportRecord;
import io.polyport.domain.ListQuery;
import io.polyport.domain.ServiceException;
import io.polyport.service.UserService;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.DeleteUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.UpdateUserRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserServiceGrpcService;
import io.vertx.core.Future;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.function.Function;

/**
 * The gRPC face of {@link UserService}: translates messages to domain calls and results (or errors)
 * back. No rule lives here.
 */
public final class UserGrpcService {
  private final UserService users;
  private final long maxMessageBytes;
  private final boolean compress;
  private final GrpcAuth auth;

  public UserGrpcService(UserService users, long maxMessageBytes, boolean compress,
                        Authenticator auth, OperationScopes scopes) {
    this.users = users;
    this.maxMessageBytes = maxMessageBytes;
    this.compress = compress;
    this.auth = new GrpcAuth(auth, scopes);
  }

  public void bind(GrpcServer server) {
    unary(server, UserServiceGrpcService.CreateUser, CreateUserRequest.parser(),
        r -> users.create(UserProtos.fromProto(r)).map(UserProtos::toProto));
    unary(server, UserServiceGrpcService.GetUser, GetUserRequest.parser(),
        r -> users.get(r.getId()).map(UserProtos::toProto));
    unary(server, UserServiceGrpcService.UpdateUser, UpdateUserRequest.parser(),
        r -> users.update(UserProtos.fromProto(r)).map(UserProtos::toProto));
    unary(server, UserServiceGrpcService.DeleteUser, DeleteUserRequest.parser(),
        r -> users.delete(r.getId(), r.getExpectedVersion()).map(v -> Empty.getDefaultInstance()));
    server.callHandler(UserServiceGrpcService.ListUsers, auth.guard("ListUsers", (r, p) -> listUsers(r)));
    server.callHandler(UserServiceGrpcService.ImportUsers, auth.guard("ImportUsers", (r, p) -> importUsers(r)));
  }

  private <Q extends MessageLite, R> void unary(GrpcServer server, ServiceMethod<Q, R> method, Parser<Q> parser,
                                                Function<Q, Future<R>> call) {
    server.callHandler(method, auth.guard(method.methodName(), (request, principal) ->
        GrpcCalls.onMessage(request, parser, maxMessageBytes,
            message -> GrpcCalls.invoke(() -> call.apply(message)).onComplete(result -> {
              if (result.succeeded()) {
                end(request.response(), result.result());
              } else {
                GrpcErrors.fail(request.response(), result.cause(), request.fullMethodName());
              }
            }))));
  }

  private void listUsers(GrpcServerRequest<ListUsersRequest, User> request) {
    GrpcCalls.onMessage(request, ListUsersRequest.parser(), maxMessageBytes, message -> {
      var query = new ListQuery(message.getAfterId(), message.getTag(), message.getLimit());
      users.list(query).onComplete(listed -> {
        if (listed.failed()) {
          GrpcErrors.fail(request.response(), listed.cause(), request.fullMethodName());
          return;
        }
        GrpcCalls.compressStream(request.response(), compress);
        GrpcCalls.stream(request, listed.result(), UserProtos::toProto, null);
      });
    });
  }

  private void importUsers(GrpcServerRequest<CreateUserRequest, ImportUsersResponse> request) {
    if (!GrpcInput.admit(request, maxMessageBytes)) {
      return;
    }
    var records = new GrpcMessageStream<>(request, message -> {
      try {
        return ImportRecord.of(UserProtos.fromProto(GrpcInput.decode(message, CreateUserRequest.parser(), maxMessageBytes)));
      } catch (ServiceException e) {
        // a message inflating past the limit ends the import, as an over-long NDJSON line does
        return e.code() == ErrorCode.RESOURCE_EXHAUSTED ? ImportRecord.stop(e) : ImportRecord.rejected(e);
      }
    }, maxMessageBytes, ImportRecord::stop); // so does a message over the limit, or a malformed prefix
    users.importUsers(records).onComplete(result -> {
      if (result.failed()) {
        GrpcErrors.fail(request.response(), result.cause(), request.fullMethodName());
        return;
      }
      var summary = result.result();
      if (summary.stoppedBy() != null) {
        var response = request.response();
        response.trailers().set("polyport-import-result-bin",
            java.util.Base64.getEncoder().withoutPadding().encodeToString(UserProtos.toProto(summary).toByteArray()));
        GrpcErrors.fail(response, new ServiceException(summary.stoppedBy().code(),
            summary.stoppedBy().getMessage() + "; stored " + summary.created() + ", rejected " + summary.failed()),
            request.fullMethodName());
        request.response().cancel();
        return;
      }
      end(request.response(), UserProtos.toProto(summary));
    });
  }

  private static <R> void end(GrpcServerResponse<?, R> response, R message) {
    try {
      if (message == null) {
        response.end();
      } else {
        response.end(message);
      }
    } catch (IllegalStateException alreadyOver) {
      // the client cancelled or the deadline fired first
    }
  }
}
