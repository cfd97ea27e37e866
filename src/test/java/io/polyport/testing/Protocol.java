package io.polyport.testing;

import io.vertx.core.json.JsonObject;

/**
 * The unary operations, callable over any transport the tests exercise. Inputs use the REST shapes
 * (JSON bodies, If-Match versions); the gRPC implementations send the equivalent messages.
 */
public interface Protocol {
  String name();

  Outcome create(JsonObject body);

  Outcome get(String id);

  /** {@code patch} as a PATCH body: its properties are the mask; {@code version} 0 = no precondition. */
  Outcome update(String id, JsonObject patch, int version);

  Outcome delete(String id, int version);
}
