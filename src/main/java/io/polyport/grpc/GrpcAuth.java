package io.polyport.grpc;

import io.polyport.auth.Authenticator;
import io.polyport.auth.OperationScopes;
import io.polyport.auth.Principal;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.polyport.observe.GrpcObservation;
import io.vertx.core.Handler;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.function.BiConsumer;

/**
 * Authentication of every rpc, from the same table as REST: the call is paused while the token in the
 * {@code authorization} metadata is checked, then handled with the caller, or ended with
 * UNAUTHENTICATED (with a www-authenticate challenge) / PERMISSION_DENIED.
 */
final class GrpcAuth {
  private final Authenticator auth;
  private final OperationScopes scopes;

  GrpcAuth(Authenticator auth, OperationScopes scopes) {
    this.auth = auth;
    this.scopes = scopes;
  }

  <Q, R> Handler<GrpcServerRequest<Q, R>> guard(String method, BiConsumer<GrpcServerRequest<Q, R>, Principal> handler) {
    String scope = scopes.ofRpc(method);
    if (!auth.enabled()) {
      return request -> {
        GrpcObservation.call(request);
        handler.accept(request, Principal.ANONYMOUS);
      };
    }
    return request -> {
      GrpcObservation.call(request);
      request.pause();
      auth.authorize(request.headers().get("authorization"), scope).onComplete(result -> {
        if (result.failed()) {
          ServiceException error = (ServiceException) result.cause();
          if (error.code() == ErrorCode.UNAUTHENTICATED) {
            request.response().headers().set("www-authenticate", Authenticator.CHALLENGE);
          }
          GrpcErrors.fail(request.response(), error, request.fullMethodName());
          return;
        }
        handler.accept(request, result.result());
        request.resume();
      });
    };
  }
}
