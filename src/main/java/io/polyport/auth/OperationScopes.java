package io.polyport.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * The one table of which scope each operation needs, read from the security requirements of openapi.yaml;
 * gRPC methods use the operation of the same name (CreateUser = createUser).
 */
public final class OperationScopes {
  private final Map<String, String> byOperation = new HashMap<>();

  public OperationScopes(JsonObject contract) {
    JsonObject paths = contract.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.containsKey("operationId")) {
          JsonArray security = op.getJsonArray("security", new JsonArray());
          for (Object requirement : security) {
            JsonArray scopes = ((JsonObject) requirement).getJsonArray("bearerAuth", new JsonArray());
            if (!scopes.isEmpty()) {
              byOperation.put(op.getString("operationId"), scopes.getString(0));
            }
          }
        }
      }
    }
  }

  /** The scope operation {@code operationId} needs, or null when it is open. */
  public String of(String operationId) {
    return byOperation.get(operationId);
  }

  /** The scope of a gRPC method by its simple name (CreateUser). */
  public String ofRpc(String method) {
    return of(Character.toLowerCase(method.charAt(0)) + method.substring(1));
  }

  public Map<String, String> all() {
    return Map.copyOf(byOperation);
  }
}
