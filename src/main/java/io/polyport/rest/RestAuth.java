package io.polyport.rest;

import io.polyport.auth.Authenticator;
import io.polyport.auth.OperationScopes;
import io.polyport.auth.Principal;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Authentication of every REST operation of the contract, mounted before the routes that serve them: the
 * request is paused while the token is checked, then continues with the caller in the context. The
 * scope comes from the operation's security requirement in openapi.yaml.
 */
final class RestAuth {
  static final String PRINCIPAL = "polyport.principal";

  private RestAuth() {
  }

  static void mount(Router root, JsonObject contract, OperationScopes scopes, Authenticator auth) {
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.containsKey("operationId")) {
          String scope = scopes.of(op.getString("operationId"));
          String vertxPath = path.replaceAll("\\{([^}]+)}", ":$1");
          root.route(HttpMethod.valueOf(method.toUpperCase()), vertxPath).handler(ctx -> check(ctx, auth, scope));
        }
      }
    }
  }

  private static void check(RoutingContext ctx, Authenticator auth, String scope) {
    if (!auth.enabled()) {
      ctx.put(PRINCIPAL, Principal.ANONYMOUS);
      ctx.next();
      return;
    }
    ctx.request().pause();
    auth.authorize(ctx.request().getHeader("authorization"), scope).onComplete(result -> {
      if (result.succeeded()) {
        ctx.put(PRINCIPAL, result.result());
        ctx.next();
        return;
      }
      ServiceException error = (ServiceException) result.cause();
      if (error.code() == ErrorCode.UNAUTHENTICATED) {
        ctx.response().putHeader("www-authenticate", Authenticator.CHALLENGE);
      } else {
        ctx.response().putHeader("www-authenticate",
            "Bearer realm=\"polyport\", error=\"insufficient_scope\", scope=\"" + scope + "\"");
      }
      ctx.request().resume();
      RestErrors.send(ctx, error);
    });
  }

  /** The caller of this exchange (set by the authentication handler). */
  static Principal principal(RoutingContext ctx) {
    Principal p = ctx.get(PRINCIPAL);
    return p == null ? Principal.ANONYMOUS : p;
  }
}
