package io.polyport.rest;

import io.polyport.testing.TestApp;
import io.polyport.testing.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs on the port, open while authentication is on: Swagger UI from the jar's webjar over
 * /openapi.yaml, and the gRPC page.
 */
class DocsTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(Tokens.authConfig());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void swaggerUiLoadsItsAssetsFromThisServerAndTheContractFromOpenapiYaml() {
    var page = app.web.get("/docs").send().await();
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("content-type")).isEqualTo("text/html; charset=utf-8");
    String html = page.bodyAsString();
    assertThat(html).contains("url: \"/openapi.yaml\"").doesNotContain("https://");

    List<String> assets = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)=\"(/docs/swagger-ui/[^\"]+)\"").matcher(html);
    while (m.find()) {
      assets.add(m.group(1));
    }
    assertThat(assets).anyMatch(a -> a.endsWith("/swagger-ui-bundle.js"))
        .anyMatch(a -> a.endsWith("/swagger-ui-standalone-preset.js")).anyMatch(a -> a.endsWith("/swagger-ui.css"));
    for (String asset : assets) {
      var file = app.web.get(asset).send().await();
      assertThat(file.statusCode()).as(asset).isEqualTo(200);
      assertThat(file.body().length()).as(asset).isGreaterThan(100);
      assertThat(file.getHeader("content-type")).as(asset).startsWith(
          asset.endsWith(".js") ? "text/javascript" : asset.endsWith(".css") ? "text/css" : "image/png");
    }
    String bundle = assets.stream().filter(a -> a.endsWith("/swagger-ui-bundle.js")).findFirst().orElseThrow();
    String dir = bundle.substring(0, bundle.lastIndexOf('/') + 1);
    // the webjar's own demo page (which loads a remote petstore) is not served
    assertThat(app.web.get(dir + "index.html").send().await().statusCode()).isEqualTo(404);
    assertThat(app.web.get(dir).send().await().statusCode()).isEqualTo(404);

    // the asset paths are absolute, so /docs/ works as well
    assertThat(app.web.get("/docs/").send().await().bodyAsString()).isEqualTo(html);

    var contract = app.web.get("/openapi.yaml").send().await();
    assertThat(contract.statusCode()).isEqualTo(200);
    assertThat(contract.bodyAsString()).startsWith("openapi: 3.1.0");
  }

  @Test
  void theGrpcPageDocumentsTheServiceWithoutAToken() {
    var page = app.web.get("/docs/grpc").send().await();
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(page.bodyAsString())
        .contains("<h4 id=\"polyport.users.v1.UserService\">service")
        .contains("/polyport.users.v1.UserService/ListUsers")
        .contains("server streaming")
        .contains("<h4 id=\"grpc.health.v1.Health\">service");
  }
}
