package io.polyport.rest;

import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * openapi.yaml as packaged in the jar: the text served at GET /openapi.yaml and the JSON tree the
 * validating router is built from.
 */
public record RestContract(String yaml, JsonObject json) {
  /** Operations that stream their request or answer by upgrading/SSE: mounted by hand, never validated whole. */
  static final Set<String> STREAMING_OPERATIONS = Set.of("importUsers", "watchUsers", "feed");

  public static RestContract load() {
    try (InputStream in = RestContract.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is not on the classpath");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Map<String, Object> tree = new Yaml(new LoaderOptions()).load(text);
      return new RestContract(text, new JsonObject(tree));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The contract as the validating router needs it: without the streaming operations (mounted by hand,
   * their bodies must stream unbuffered), with only the media types the contract loader accepts
   * (problem+json and NDJSON are written by our own handlers), and with an absolute server URL.
   */
  JsonObject forRouter() {
    JsonObject copy = json.copy();
    copy.put("servers", new io.vertx.core.json.JsonArray().add(new JsonObject().put("url", "http://localhost")));
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : Set.copyOf(paths.fieldNames())) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : Set.copyOf(item.fieldNames())) {
        if (!(item.getValue(method) instanceof JsonObject operation) || !operation.containsKey("operationId")) {
          continue;
        }
        if (STREAMING_OPERATIONS.contains(operation.getString("operationId"))) {
          item.remove(method);
          continue;
        }
        // authentication is enforced before the router, from the same requirements (see RestAuth)
        operation.remove("security");
        onlyJson(operation.getJsonObject("requestBody"));
        JsonObject responses = operation.getJsonObject("responses", new JsonObject());
        for (String status : responses.fieldNames()) {
          onlyJson(responses.getJsonObject(status));
        }
      }
      if (item.fieldNames().stream().noneMatch(m -> item.getValue(m) instanceof JsonObject o && o.containsKey("operationId"))) {
        paths.remove(path);
      }
    }
    JsonObject shared = copy.getJsonObject("components", new JsonObject()).getJsonObject("responses", new JsonObject());
    for (String name : shared.fieldNames()) {
      onlyJson(shared.getJsonObject(name));
    }
    return copy;
  }

  private static void onlyJson(JsonObject withContent) {
    if (withContent == null || withContent.getJsonObject("content") == null) {
      return;
    }
    JsonObject content = withContent.getJsonObject("content");
    content.fieldNames().removeIf(type -> !type.equals("application/json"));
    if (content.isEmpty()) {
      withContent.remove("content");
    }
  }
}
