package io.polyport.rest;

import io.polyport.AppConfig;
import io.polyport.api.ProtoJson;
import io.polyport.api.UserProtos;
import io.polyport.domain.ImportResult;
import io.polyport.domain.ServiceException;
import io.polyport.service.UserService;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * POST /users/import: the NDJSON body streams into the import without being buffered or validated
 * whole; the answer is the ImportUsersResponse JSON (413 with the same body when a limit ended it).
 */
final class UserImportRoute {
  private final UserService users;
  private final AppConfig.Limits limits;

  UserImportRoute(UserService users, AppConfig.Limits limits) {
    this.users = users;
    this.limits = limits;
  }

  void mount(Router router) {
    router.post("/users/import").handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    if (type == null || !type.startsWith(UserListStreamer.NDJSON)) { // lower case: the front door's
      RestErrors.wrongMediaType(ctx, "the import body must be " + UserListStreamer.NDJSON + ", one CreateUserRequest JSON per line");
      return;
    }
    if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("expect"))) {
      ctx.response().writeContinue(); // the body is streamed, so no body handler sends it (a waiting client hung)
    }
    var records = new NdjsonRecords(ctx.request(), limits.importMaxLineBytes());
    users.importUsers(records).onSuccess(result -> answer(ctx, result)).onFailure(e -> RestErrors.send(ctx, e));
  }

  private static void answer(RoutingContext ctx, ImportResult result) {
    var response = ctx.response().putHeader("content-type", "application/json");
    ServiceException stoppedBy = result.stoppedBy();
    if (stoppedBy != null) {
      response.setStatusCode(RestErrors.status(stoppedBy.code()));
      if (ctx.request().version() != HttpVersion.HTTP_2) {
        // the rest of the body is not read: the connection cannot be reused
        response.putHeader("connection", "close");
      }
      response.putHeader("x-import-stopped", stoppedBy.getMessage());
    }
    response.end(ProtoJson.print(UserProtos.toProto(result)));
  }
}
