package io.polyport.rest;

import io.polyport.testing.LogCapture;
import io.polyport.testing.TestApp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What REST does with bad input: a problem document with the right status, and nothing stored. */
class RestInputTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("limits", new JsonObject().put("restMaxBodyBytes", 4096)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static JsonObject problem(HttpResponse<Buffer> resp, int status, String code) {
    assertThat(resp.statusCode()).isEqualTo(status);
    assertThat(resp.getHeader("content-type")).isEqualTo("application/problem+json");
    JsonObject p = resp.bodyAsJsonObject();
    assertThat(p.getString("code")).isEqualTo(code);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(p.getString("detail")).isNotBlank();
    return p;
  }

  HttpResponse<Buffer> post(String path, String contentType, String body) {
    return app.web.post(path).putHeader("content-type", contentType).sendBuffer(Buffer.buffer(body)).await();
  }

  long stored() {
    return app.web.get("/users").send().await().bodyAsJsonArray().size();
  }

  @Test
  void createAnswersLocationAndEtag() {
    var resp = post("/users", "application/json", "{\"name\":\"Ann\",\"email\":\"ann@example.com\"}");
    assertThat(resp.statusCode()).isEqualTo(201);
    String id = resp.bodyAsJsonObject().getString("id");
    assertThat(resp.getHeader("location")).isEqualTo("/users/" + id);
    assertThat(resp.getHeader("etag")).isEqualTo("\"1\"");
  }

  @Test
  void mediaTypesAreReadWhateverTheirCase() {
    var resp = post("/users", "Application/JSON; charset=UTF-8", "{\"name\":\"Case\",\"email\":\"case@example.com\"}");
    assertThat(resp.statusCode()).isEqualTo(201);
  }

  @Test
  void aBadQueryParameterIsNamedAsSuch() {
    var resp = app.web.get("/users?limit=abc").send().await();
    assertThat(problem(resp, 400, "INVALID_ARGUMENT").getString("detail"))
        .isEqualTo("the query parameter limit is invalid: Instance type string is invalid. Expected integer");
  }

  @Test
  void malformedBodiesAreBadRequestsAndStoreNothing() {
    long before = stored();
    assertThat(problem(post("/users", "application/json", "{\"name\":\"A\",\"email\":\"a@b.cd\",\"role\":\"admin\"}"), 400, "INVALID_ARGUMENT")
        .getString("detail")).isEqualTo("the body has unknown property 'role'");
    assertThat(problem(post("/users", "application/json", "{\"name\":\"A\",\"email\":\"a@b.cd\",\"$where\":\"1\"}"), 400, "INVALID_ARGUMENT")
        .getString("detail")).contains("$where");
    problem(post("/users", "application/json", "{\"name\":{\"$gt\":\"\"},\"email\":\"a@b.cd\"}"), 400, "INVALID_ARGUMENT");
    assertThat(problem(post("/users", "application/json", "{\"name\":\"A\",\"email\":\"a@b.cd\",\"age\":\"old\"}"), 400, "INVALID_ARGUMENT")
        .getString("detail")).isEqualTo("the body is invalid at #/age: Instance type string is invalid. Expected integer");
    problem(post("/users", "application/json", "{\"name\":\"A\","), 400, "INVALID_ARGUMENT");
    problem(post("/users", "application/json", "[]"), 400, "INVALID_ARGUMENT");
    assertThat(problem(post("/users", "text/plain", "name=A"), 415, "INVALID_ARGUMENT").getString("detail"))
        .isEqualTo("the body must be application/json");
    // a form body the web framework's decoder cannot read (it was a 500 with an ERROR)
    assertThat(problem(post("/users", "application/x-www-form-urlencoded", "name=%zz"), 400, "INVALID_ARGUMENT")
        .getString("detail")).startsWith("the request body cannot be decoded: ");
    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void bodyOverTheLimitIs413() {
    problem(post("/users", "application/json", "{\"name\":\"" + "x".repeat(5000) + "\",\"email\":\"big@example.com\"}"),
        413, "RESOURCE_EXHAUSTED");
  }

  @Test
  void ifMatchMustBeOneQuotedVersion() {
    String id = post("/users", "application/json", "{\"name\":\"Bo\",\"email\":\"bo@example.com\"}").bodyAsJsonObject().getString("id");
    for (String bad : new String[] {"1", "\"x\"", "\"\"", "\"+1\"", "\"01\"", "\"-0\"", "\" 1\"", "\"1.0\""}) {
      var resp = app.web.patch("/users/" + id).putHeader("if-match", bad).sendJsonObject(new JsonObject().put("name", "B")).await();
      assertThat(problem(resp, 400, "INVALID_ARGUMENT").getString("detail"))
          .isEqualTo("If-Match must be one version as a quoted entity tag, such as \"3\"");
    }
    for (String undecodable : new String[] {"\"1\", \"2\"", "W/\"1\""}) {
      var resp = app.web.patch("/users/" + id).putHeader("if-match", undecodable).sendJsonObject(new JsonObject().put("name", "B")).await();
      problem(resp, 400, "INVALID_ARGUMENT");
    }
    for (String outOfRange : new String[] {"\"2147483648\"", "\"99999999999999999999\""}) {
      var resp = app.web.delete("/users/" + id).putHeader("if-match", outOfRange).send().await();
      assertThat(problem(resp, 400, "INVALID_ARGUMENT").getString("detail")).isEqualTo("expected version must be at most 2147483647");
    }
    var star = app.web.patch("/users/" + id).putHeader("if-match", "*").sendJsonObject(new JsonObject().put("name", "B")).await();
    assertThat(star.statusCode()).isEqualTo(200);
    var zero = app.web.delete("/users/" + id).putHeader("if-match", "\"0\"").send().await();
    assertThat(problem(zero, 412, "FAILED_PRECONDITION").getString("detail"))
        .isEqualTo("If-Match \"0\" names no version: versions start at 1");
  }

  @Test
  void patchRejectsImmutableAndUnknownProperties() {
    String id = post("/users", "application/json", "{\"name\":\"Cy\",\"email\":\"cy@example.com\"}").bodyAsJsonObject().getString("id");
    for (String prop : new String[] {"id", "version", "createTime", "nickname"}) {
      var resp = app.web.patch("/users/" + id).sendJsonObject(new JsonObject().put(prop, "x")).await();
      problem(resp, 400, "INVALID_ARGUMENT");
    }
    assertThat(app.web.get("/users/" + id).send().await().bodyAsJsonObject().getInteger("version")).isEqualTo(1);
  }

  @Test
  void badPercentEscapesAreProblemsNotErrors() {
    try (var everything = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      Map<String, String> details = Map.of(
          "/users/%", "the path has an invalid percent-escape: '%'",
          "/users/%zz", "the path has an invalid percent-escape: '%zz'",
          "/%zz", "the path has an invalid percent-escape: '%zz'",
          "/users/import%4", "the path has an invalid percent-escape: '%4'",
          "/users?tag=%zz", "the query has an invalid percent-escape: '%zz'",
          "/users?tag=a%2", "the query has an invalid percent-escape: '%2'");
      details.forEach((uri, detail) ->
          assertThat(problem(app.web.get(uri).send().await(), 400, "INVALID_ARGUMENT").getString("detail")).as(uri).isEqualTo(detail));
      assertThat(everything.errors()).isEmpty();
    }
    // a well-formed escape is decoded as before
    assertThat(problem(app.web.get("/users/%41").send().await(), 400, "INVALID_ARGUMENT").getString("detail"))
        .isEqualTo("id must be 24 lowercase hex digits");
  }

  @Test
  void unknownRoutesAndMethodsAreProblems() {
    assertThat(problem(app.web.get("/nope").send().await(), 404, "NOT_FOUND").getString("detail"))
        .isEqualTo("no route for GET /nope");
  }

  /** A method the path is not served with: 405 UNIMPLEMENTED, Allow listing the methods the path has. */
  @Test
  void methodsNotAllowedSayWhichAre() {
    var one = app.web.put("/users/0123456789abcdef01234567").sendJsonObject(new JsonObject()).await();
    assertThat(problem(one, 405, "UNIMPLEMENTED").getString("detail"))
        .isEqualTo("method PUT is not allowed on /users/0123456789abcdef01234567 (allowed: DELETE, GET, PATCH)");
    assertThat(one.getHeader("allow")).isEqualTo("DELETE, GET, PATCH");
    var h2 = app.h2c(false);
    Map<String, String> allow = Map.of("/users", "GET, POST", "/users/import", "POST", "/users/events", "GET",
        "/users/feed", "GET");
    allow.forEach((path, methods) -> {
      var resp = h2.put(path).send().await();
      problem(resp, 405, "UNIMPLEMENTED");
      assertThat(resp.getHeader("allow")).as(path).isEqualTo(methods);
    });
    h2.close();
  }
}
