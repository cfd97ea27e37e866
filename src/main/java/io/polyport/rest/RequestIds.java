package io.polyport.rest;

import io.vertx.ext.web.RoutingContext;

/** The request id of a REST exchange (kept from x-request-id or generated at the front door). */
final class RequestIds {
  static final String HEADER = "x-request-id";

  private RequestIds() {
  }

  static String of(RoutingContext ctx) {
    return ctx.response().headers().get(HEADER);
  }
}
