package io.polyport.observe;

import io.polyport.auth.Authenticator;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.polyport.rest.RestErrors;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /metrics: the Prometheus text format. Open, unless an authenticator is given
 * ({@code auth.protectMetrics}): then a bearer token with the users:read scope is required.
 */
final class MetricsRoute implements Handler<RoutingContext> {
  static final String SCOPE = "users:read";
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final Observability observability;
  private final Authenticator auth;

  MetricsRoute(Observability observability, Authenticator auth) {
    this.observability = observability;
    this.auth = auth;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Exchange exchange = Exchange.current();
    if (exchange != null) {
      exchange.operation("metrics", false);
    }
    Future<?> allowed = auth == null ? Future.succeededFuture()
        : auth.authorize(ctx.request().getHeader("authorization"), SCOPE);
    allowed.compose(ok -> observability.scrape()).onComplete(scraped -> {
      if (scraped.succeeded()) {
        ctx.response().putHeader("content-type", CONTENT_TYPE).end(scraped.result());
        return;
      }
      if (scraped.cause() instanceof ServiceException denied && denied.code() == ErrorCode.UNAUTHENTICATED) {
        ctx.response().putHeader("www-authenticate", Authenticator.CHALLENGE);
      }
      RestErrors.send(ctx, scraped.cause());
    });
  }
}
