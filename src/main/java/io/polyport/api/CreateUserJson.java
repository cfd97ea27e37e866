package io.polyport.api;

import io.polyport.users.v1.CreateUserRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * A CreateUserRequest from its proto3 JSON, for the REST create and every line of an NDJSON import. The
 * common shape (an object of name/email strings, an int age, a tags array of strings) is read with the
 * JSON parser Vert.x already has; anything else (other fields, other types, nulls, numbers as strings,
 * malformed JSON) goes to {@link ProtoJson#parse}, so accepted input and error messages stay the proto3
 * parser's. The reflective parser cost a large share of an import's CPU.
 */
public final class CreateUserJson {
  private CreateUserJson() {
  }

  public static CreateUserRequest parse(String json) {
    CreateUserRequest fast = common(json);
    return fast != null ? fast : ProtoJson.parse(json, CreateUserRequest.newBuilder()).build();
  }

  /** The request if {@code json} has the common shape, else null. */
  static CreateUserRequest common(String json) {
    if (json == null) {
      return null;
    }
    JsonObject object;
    try {
      object = new JsonObject(json);
    } catch (RuntimeException notAnObject) {
      return null;
    }
    var b = CreateUserRequest.newBuilder();
    for (Map.Entry<String, Object> field : object) {
      Object v = field.getValue();
      switch (field.getKey()) {
        case "name" -> {
          if (!(v instanceof String s)) {
            return null;
          }
          b.setName(s);
        }
        case "email" -> {
          if (!(v instanceof String s)) {
            return null;
          }
          b.setEmail(s);
        }
        case "age" -> {
          if (!(v instanceof Integer n)) {
            return null;
          }
          b.setAge(n);
        }
        case "tags" -> {
          if (!(v instanceof JsonArray tags)) {
            return null;
          }
          for (Object tag : tags) {
            if (!(tag instanceof String s)) {
              return null;
            }
            b.addTags(s);
          }
        }
        default -> {
          return null;
        }
      }
    }
    return b.build();
  }
}
