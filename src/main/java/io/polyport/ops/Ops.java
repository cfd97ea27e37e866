package io.polyport.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The operational parts shared by every server verticle: readiness (database reachability), the proto
 * descriptors that reflection and the docs are made from, the gRPC docs page rendered from them, and the
 * version of the Swagger UI webjar on the classpath (its files live under a versioned path).
 */
public record Ops(Readiness readiness, ProtoCatalog protos, String grpcDocs, String swaggerUiVersion) {

  /** Loads the descriptors, renders the docs page and finds the webjar, off the event loop. */
  public static Future<Ops> create(Vertx vertx, Readiness readiness) {
    return vertx.executeBlocking(() -> {
      ProtoCatalog protos = ProtoCatalog.load();
      return new Ops(readiness, protos, GrpcDocsPage.render(protos), webjarVersion("swagger-ui"));
    }, false);
  }

  static String webjarVersion(String artifact) {
    String path = "/META-INF/maven/org.webjars/" + artifact + "/pom.properties";
    try (InputStream in = Ops.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the " + artifact + " webjar is not on the classpath");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
