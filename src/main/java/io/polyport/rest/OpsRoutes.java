package io.polyport.rest;

import io.polyport.domain.ErrorCode;
import io.polyport.ops.Ops;
import io.polyport.ops.Readiness;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.regex.Pattern;

/**
 * The open operational routes: liveness and readiness probes, Swagger UI over openapi.yaml (served from
 * the webjar in the jar, no CDN) and the gRPC docs page. None needs a token.
 */
public final class OpsRoutes {
  static final String SWAGGER_UI = "/docs/swagger-ui/";
  private static final String NO_STORE = "no-store";

  private final Ops ops;
  private final String swaggerPage;

  public OpsRoutes(Ops ops) {
    this.ops = ops;
    this.swaggerPage = swaggerPage(SWAGGER_UI + ops.swaggerUiVersion() + "/");
  }

  public void mount(Router root) {
    root.get("/health/live").handler(ctx -> ctx.response().putHeader("cache-control", NO_STORE)
        .putHeader("content-type", "application/json").end(new JsonObject().put("status", "UP").toBuffer()));
    root.get("/health/ready").handler(this::ready);
    root.get("/docs").handler(ctx -> html(ctx, swaggerPage));
    root.get("/docs/grpc").handler(ctx -> html(ctx, ops.grpcDocs()));
    String assets = SWAGGER_UI + ops.swaggerUiVersion() + "/";
    Pattern asset = Pattern.compile(Pattern.quote(assets) + "[\\w.-]+\\.(js|css|png)");
    root.get(assets + "*")
        // only the files the page loads (not the webjar's own demo page)
        .handler(ctx -> {
          if (asset.matcher(ctx.normalizedPath()).matches()) {
            ctx.next();
          } else {
            ctx.fail(404);
          }
        })
        .handler(StaticHandler.create("META-INF/resources/webjars/swagger-ui/" + ops.swaggerUiVersion())
            .setMaxAgeSeconds(365L * 24 * 3600)
            .setDirectoryListing(false));
  }

  /** 200 while MongoDB answers a ping in time, else 503 with a problem document saying why. */
  private void ready(RoutingContext ctx) {
    ops.readiness().check().onComplete(result -> {
      Readiness.Status status = result.result();
      ctx.response().putHeader("cache-control", NO_STORE);
      if (status.ready()) {
        ctx.response().putHeader("content-type", "application/json").end(new JsonObject()
            .put("status", "UP")
            .put("checks", new JsonObject().put("mongodb", new JsonObject()
                .put("status", "UP").put("checkedAt", status.checkedAt().toString())))
            .toBuffer());
      } else {
        RestErrors.write(ctx, 503, ErrorCode.UNAVAILABLE, status.detail());
      }
    });
  }

  private static void html(RoutingContext ctx, String page) {
    ctx.response().putHeader("content-type", "text/html; charset=utf-8").end(page);
  }

  private static String swaggerPage(String assets) {
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Polyport REST API</title>
          <link rel="stylesheet" href="%1$sswagger-ui.css">
          <link rel="icon" type="image/png" href="%1$sfavicon-32x32.png">
        </head>
        <body>
          <p style="font-family:sans-serif;margin:1rem">The same operations over gRPC: <a href="/docs/grpc">gRPC docs</a></p>
          <div id="swagger-ui"></div>
          <script src="%1$sswagger-ui-bundle.js"></script>
          <script src="%1$sswagger-ui-standalone-preset.js"></script>
          <script>
            window.ui = SwaggerUIBundle({
              url: "/openapi.yaml",
              dom_id: "#swagger-ui",
              deepLinking: true,
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
              layout: "StandaloneLayout"
            });
          </script>
        </body>
        </html>
        """.formatted(assets);
  }
}
