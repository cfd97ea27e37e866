package io.polyport.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The unary operations over REST (HTTP/1.1 or h2c, by the WebClient given). Checks the HTTP status too. */
public final class RestProtocol implements Protocol {
  /** The REST error table, as the tests expect it. */
  public static final Map<String, Integer> STATUS = Map.ofEntries(
      Map.entry("INVALID_ARGUMENT", 400), Map.entry("UNAUTHENTICATED", 401), Map.entry("PERMISSION_DENIED", 403),
      Map.entry("NOT_FOUND", 404), Map.entry("ALREADY_EXISTS", 409), Map.entry("OUT_OF_RANGE", 410),
      Map.entry("FAILED_PRECONDITION", 412), Map.entry("RESOURCE_EXHAUSTED", 413), Map.entry("INTERNAL", 500),
      Map.entry("UNAVAILABLE", 503), Map.entry("DEADLINE_EXCEEDED", 504));

  private final WebClient web;
  private final String name;

  public RestProtocol(WebClient web, String name) {
    this.web = web;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Outcome create(JsonObject body) {
    var resp = web.post("/users").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer(body.encode())).await();
    return outcome(resp, 201);
  }

  @Override
  public Outcome get(String id) {
    return outcome(web.get("/users/" + id).send().await(), 200);
  }

  @Override
  public Outcome update(String id, JsonObject patch, int version) {
    HttpRequest<Buffer> req = web.patch("/users/" + id).putHeader("content-type", "application/json");
    if (version != 0) {
      req.putHeader("if-match", "\"" + version + "\"");
    }
    return outcome(req.sendBuffer(Buffer.buffer(patch.encode())).await(), 200);
  }

  @Override
  public Outcome delete(String id, int version) {
    HttpRequest<Buffer> req = web.delete("/users/" + id);
    if (version != 0) {
      req.putHeader("if-match", "\"" + version + "\"");
    }
    var resp = req.send().await();
    if (resp.statusCode() == 204) {
      return Outcome.ok(null);
    }
    return outcome(resp, 204);
  }

  static Outcome outcome(HttpResponse<Buffer> resp, int success) {
    if (resp.statusCode() == success) {
      assertThat(resp.getHeader("content-type")).startsWith("application/json");
      var body = resp.bodyAsJsonObject();
      assertThat(resp.getHeader("etag")).isEqualTo("\"" + body.getInteger("version") + "\"");
      return Outcome.ok(resp.bodyAsString());
    }
    assertThat(resp.getHeader("content-type")).isEqualTo("application/problem+json");
    var problem = resp.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(resp.statusCode());
    assertThat(STATUS.get(problem.getString("code")))
        .as("HTTP status of %s", problem.getString("code")).isEqualTo(resp.statusCode());
    return Outcome.error(problem.getString("code"), problem.getString("detail"));
  }
}
