package io.polyport.observe;

import io.polyport.testing.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** With auth.protectMetrics, GET /metrics needs a bearer token with users:read; the openapi document stays open. */
class ProtectedMetricsTest {
  static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  static TestApp app;
  static JWTAuth minter;

  @BeforeAll
  static void start() {
    app = TestApp.start(new JsonObject().put("auth", new JsonObject().put("secret", SECRET).put("protectMetrics", true)));
    minter = JWTAuth.create(app.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static String token(String scope) {
    return minter.generateToken(new JsonObject().put("scope", scope), new JWTOptions().setExpiresInSeconds(300));
  }

  @Test
  void withoutATokenItIsUnauthorized() {
    var response = app.web.get("/metrics").send().await();
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("www-authenticate")).startsWith("Bearer");
    assertThat(response.getHeader("content-type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("UNAUTHENTICATED");
  }

  @Test
  void aTokenWithoutUsersReadIsForbidden() {
    var response = app.web.get("/metrics").bearerTokenAuthentication(token("users:write")).send().await();
    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void aTokenWithUsersReadGetsTheMetrics() {
    var response = app.web.get("/metrics").bearerTokenAuthentication(token("users:read")).send().await();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).startsWith("text/plain; version=0.0.4");
    assertThat(response.bodyAsString()).contains("polyport_feed_subscribers");
  }

  @Test
  void theContractDocumentStaysOpen() {
    assertThat(app.web.get("/openapi.yaml").send().await().statusCode()).isEqualTo(200);
  }
}
