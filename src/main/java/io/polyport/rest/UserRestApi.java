package io.polyport.rest;

import io.polyport.api.CreateUserJson;
import io.polyport.api.UserJson;
import io.polyport.api.UserProtos;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ListQuery;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.domain.UserField;
import io.polyport.domain.UserPatch;
import io.polyport.service.UserRules;
import io.polyport.service.UserService;
import io.polyport.support.StrictUtf8;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST face of the unary operations and the list stream: translates HTTP requests to domain calls
 * and answers with the proto3 JSON of the same messages gRPC sends. No rule lives here.
 */
public final class UserRestApi {
  private static final String JSON = "application/json";
  private final UserService users;

  public UserRestApi(UserService users) {
    this.users = users;
  }

  /**
   * Attaches the handlers to the operations of the contract. GET and DELETE of one user carry only the id and
   * If-Match, which the service and {@link #ifMatch} check with the same rules and messages as on gRPC; the
   * contract library's request validation would check them again and, in vertx-json-schema 5.0.7, copy the
   * contract's whole schema table for every parameter of every request (a sixth of the server's CPU on
   * GET /users/{id}), so it is off for those two.
   */
  public void mount(RouterBuilder builder) {
    builder.getRoute("createUser").addHandler(this::create);
    builder.getRoute("getUser").setDoValidation(false).addHandler(this::get);
    builder.getRoute("updateUser").addHandler(this::update);
    builder.getRoute("deleteUser").setDoValidation(false).addHandler(this::delete);
    builder.getRoute("listUsers").addHandler(new UserListStreamer(users)::handle);
  }

  private void create(RoutingContext ctx) {
    respond(ctx, () -> users.create(UserProtos.fromProto(CreateUserJson.parse(text(ctx)))), user -> {
          ctx.response().setStatusCode(201).putHeader("location", "/users/" + user.id());
          return user;
        });
  }

  private void get(RoutingContext ctx) {
    respond(ctx, () -> users.get(ctx.pathParam("id")), Function.identity());
  }

  private void update(RoutingContext ctx) {
    respond(ctx, () -> users.update(patch(ctx)), Function.identity());
  }

  private void delete(RoutingContext ctx) {
    Future<Void> deleted;
    try {
      deleted = users.delete(ctx.pathParam("id"), ifMatch(ctx));
    } catch (ServiceException e) {
      deleted = Future.failedFuture(e);
    }
    deleted.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(e -> RestErrors.send(ctx, e));
  }

  private interface Call {
    Future<User> run();
  }

  /** Runs the call and answers the user as proto3 JSON with its version as ETag, or the error as a problem. */
  private static void respond(RoutingContext ctx, Call call, Function<User, User> beforeSend) {
    Future<User> result;
    try {
      result = call.run();
    } catch (ServiceException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(user -> {
      beforeSend.apply(user);
      ctx.response()
          .putHeader("content-type", JSON)
          .putHeader("etag", "\"" + user.version() + "\"")
          .end(UserJson.toBuffer(user));
    }).onFailure(e -> RestErrors.send(ctx, e));
  }

  /** The PATCH body as a patch: the properties present are the mask; {@code "age": null} clears the age. */
  static UserPatch patch(RoutingContext ctx) {
    JsonObject body;
    try {
      String text = text(ctx);
      body = text == null ? null : new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw ServiceException.invalid("the body is not a JSON object");
    }
    if (body == null) {
      throw ServiceException.invalid("the body is not a JSON object");
    }
    var mask = EnumSet.noneOf(UserField.class);
    for (String key : body.fieldNames()) {
      mask.add(UserField.byFieldName(key)
          .orElseThrow(() -> ServiceException.invalid("the body has unknown or immutable property '" + key + "'")));
    }
    try {
      return new UserPatch(ctx.pathParam("id"), ifMatch(ctx), mask, body.getString("name"),
          body.getString("email"), body.getInteger("age"), strings(body.getJsonArray("tags")));
    } catch (ClassCastException e) {
      throw ServiceException.invalid("a property of the body has the wrong type");
    }
  }

  /** The body as text, refused when it is not UTF-8 (null when there is none). */
  private static String text(RoutingContext ctx) {
    var body = ctx.body().buffer();
    return body == null ? null : StrictUtf8.decode(body, "the body");
  }

  private static List<String> strings(JsonArray array) {
    var out = new ArrayList<String>();
    if (array != null) {
      for (Object o : array) {
        if (!(o instanceof String s)) {
          throw ServiceException.invalid("tags must be strings");
        }
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The version named by If-Match: one strong entity tag holding a decimal version with no sign and no leading zero
   * ({@code "3"}); 0 when absent or {@code *}. A negative or too large version gets the service's message for it, as
   * gRPC's expected version does; {@code "0"} names a version no user has (412).
   */
  static int ifMatch(RoutingContext ctx) {
    String header = ctx.request().getHeader("if-match");
    if (header == null || header.isBlank() || header.trim().equals("*")) {
      return 0;
    }
    Matcher tag = VERSION_TAG.matcher(header.trim());
    if (!tag.matches()) {
      throw ServiceException.invalid("If-Match must be one version as a quoted entity tag, such as \"3\"");
    }
    String number = tag.group(1);
    boolean negative = number.startsWith("-");
    long magnitude = number.length() > 11 ? Long.MAX_VALUE : Math.abs(Long.parseLong(number));
    int version = UserRules.expectedVersion(negative ? -magnitude : magnitude);
    if (version == 0) { // a precondition that can never hold (the answer used to name version 2147483647)
      throw new ServiceException(ErrorCode.FAILED_PRECONDITION, "If-Match \"0\" names no version: versions start at 1");
    }
    return version;
  }

  /** A quoted decimal version; a minus sign is matched only to be refused with the service's own message. */
  private static final Pattern VERSION_TAG = Pattern.compile("\"(0|-?[1-9][0-9]*)\"");
}
