package io.polyport.rest;

import io.polyport.AppConfig;
import io.polyport.auth.Authenticator;
import io.polyport.auth.OperationScopes;
import io.polyport.domain.ServiceException;
import io.polyport.ops.Ops;
import io.polyport.observe.RestObservation;
import io.polyport.service.UserService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;

/**
 * Builds the REST side: the streaming routes mounted by hand, then the operations of openapi.yaml
 * through the validating router, with one failure handler that answers problem documents.
 */
public final class RestRouter {
  private RestRouter() {
  }

  /** The validating contract, built once per process and shared by the verticles' routers. */
  public static Future<OpenAPIContract> openApi(Vertx vertx, RestContract contract) {
    return OpenAPIContract.from(vertx, contract.forRouter());
  }

  public static Future<Router> create(Vertx vertx, AppConfig config, RestContract contract, OpenAPIContract openApiContract,
                                      UserService users, Authenticator auth, Ops ops) {
    return Future.succeededFuture(openApiContract).map(openApi -> {
      Router root = Router.router(vertx);
      RestObservation.observeEveryRequest(vertx, root);
      root.route().handler(RestRouter::wellFormedUri);
      RestObservation.mount(vertx, root, contract.json(), config, auth);
      RestAuth.mount(root, contract.json(), new OperationScopes(contract.json()), auth);
      root.route().handler(RestRouter::decodedBodiesOnly);
      new OpsRoutes(ops).mount(root);
      new UserImportRoute(users, config.limits()).mount(root);
      new UserEventsRoute(users, config.feedKeepAlive()).mount(root);
      new UserFeedSocket(users, config.feedKeepAlive()).mount(root);
      root.get("/openapi.yaml").handler(ctx -> ctx.response()
          .putHeader("content-type", "application/yaml; charset=utf-8").end(contract.yaml()));

      RouterBuilder builder = RouterBuilder.create(vertx, openApi, RequestExtractor.withBodyHandler());
      builder.rootHandler(BodyHandler.create(false).setBodyLimit(config.limits().restMaxBodyBytes()));
      new UserRestApi(users).mount(builder);
      Router api = builder.createRouter();
      root.route().subRouter(api);

      AllowedMethods allowed = new AllowedMethods(root);
      root.route().failureHandler(ctx -> RestErrors.send(ctx, failure(ctx, allowed)));
      root.errorHandler(404, ctx -> RestErrors.send(ctx, new HttpException(404,
          "no route for " + ctx.request().method() + " " + ctx.request().path())));
      root.errorHandler(405, ctx -> RestErrors.send(ctx, methodNotAllowed(ctx, allowed)));
      return root;
    });
  }

  /**
   * A gzip or deflate body is read inflated, its content-encoding hidden (the front door's InflatedRequest); a coding
   * left on the request is one the server cannot read: 415 with Accept-Encoding, before any of the body is used.
   */
  private static void decodedBodiesOnly(RoutingContext ctx) {
    String coding = ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING);
    if (coding == null || coding.equalsIgnoreCase("identity")) {
      ctx.next();
    } else {
      ctx.response().putHeader(HttpHeaders.ACCEPT_ENCODING, "gzip, deflate");
      ctx.fail(ServiceException.unsupportedCoding("content-encoding", coding));
    }
  }

  /**
   * A path or query with a percent sign not followed by two hex digits is the client's mistake: 400, before any
   * route decodes it (the router's own decoding threw: a plain-text 400 for a path, a 500 for a query).
   */
  private static void wellFormedUri(RoutingContext ctx) {
    String bad = invalidEscape(ctx.request().path());
    String part = "path";
    if (bad == null && ctx.request().query() != null) {
      bad = invalidEscape(ctx.request().query());
      part = "query";
    }
    if (bad == null) {
      ctx.next();
    } else {
      ctx.fail(ServiceException.invalid("the " + part + " has an invalid percent-escape: '" + bad + "'"));
    }
  }

  /** The first percent-escape of {@code text} that is not '%' and two hex digits, or null. */
  static String invalidEscape(String text) {
    for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 3)) {
      if (i + 2 >= text.length() || !hex(text.charAt(i + 1)) || !hex(text.charAt(i + 2))) {
        return text.substring(i, Math.min(text.length(), i + 3));
      }
    }
    return null;
  }

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  private static Throwable failure(RoutingContext ctx, AllowedMethods allowed) {
    if (ctx.failure() != null) {
      return ctx.failure();
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    return status == 405 ? methodNotAllowed(ctx, allowed) : new HttpException(status);
  }

  /** A method the path is not served with: 405 with the Allow header RFC 9110 requires (UNIMPLEMENTED). */
  private static HttpException methodNotAllowed(RoutingContext ctx, AllowedMethods allowed) {
    String methods = allowed.of(ctx.request().path());
    ctx.response().putHeader(HttpHeaders.ALLOW, methods);
    return new HttpException(405, "method " + ctx.request().method() + " is not allowed on " + ctx.request().path()
        + (methods.isEmpty() ? "" : " (allowed: " + methods + ")"));
  }
}
