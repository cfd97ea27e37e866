package io.polyport.server;

import io.polyport.testing.GrpcProtocols;
import io.polyport.testing.Outcome;
import io.polyport.testing.Protocol;
import io.polyport.testing.RestProtocol;
import io.polyport.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every unary operation and every rule, on every transport against the same port: REST over HTTP/1.1,
 * REST over h2c, gRPC through the Vert.x client and through grpc-java. Each case must give the same
 * status and the same message everywhere.
 */
class UnaryAcrossProtocolsTest {
  static TestApp app;
  static List<Protocol> protocols;

  @BeforeAll
  static void start() {
    app = TestApp.start();
    protocols = List.of(
        new RestProtocol(app.web, "rest-http1"),
        new RestProtocol(app.h2c(false), "rest-h2c"),
        GrpcProtocols.vertx(app.grpc),
        GrpcProtocols.grpcJava(app));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static Stream<Protocol> protocols() {
    return protocols.stream();
  }

  static String uniqueEmail() {
    return "u" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
  }

  static JsonObject valid() {
    return new JsonObject().put("name", "Ada Lovelace").put("email", uniqueEmail()).put("age", 36)
        .put("tags", new JsonArray().add("math").add("poet"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protocols")
  void lifecycle(Protocol p) {
    JsonObject body = valid().put("email", "Mixed.Case" + uniqueEmail());
    Outcome created = p.create(body);
    assertThat(created.code()).isEqualTo("OK");
    JsonObject user = new JsonObject(created.userJson());
    String id = user.getString("id");
    assertThat(id).matches("[0-9a-f]{24}");
    assertThat(user.getString("name")).isEqualTo("Ada Lovelace");
    assertThat(user.getString("email")).isEqualTo(body.getString("email").toLowerCase());
    assertThat(user.getInteger("age")).isEqualTo(36);
    assertThat(user.getJsonArray("tags")).containsExactly("math", "poet");
    assertThat(user.getInteger("version")).isEqualTo(1);
    assertThat(user.getString("createTime")).isEqualTo(user.getString("updateTime")).endsWith("Z");

    assertThat(p.get(id)).isEqualTo(created);

    Outcome renamed = p.update(id, new JsonObject().put("name", "  Countess  "), 1);
    JsonObject after = new JsonObject(renamed.userJson());
    assertThat(after.getString("name")).isEqualTo("Countess");
    assertThat(after.getInteger("version")).isEqualTo(2);
    assertThat(after.getInteger("age")).isEqualTo(36);
    assertThat(after.getString("createTime")).isEqualTo(user.getString("createTime"));

    Outcome stale = p.update(id, new JsonObject().put("name", "Stale"), 1);
    assertThat(stale.code()).isEqualTo("FAILED_PRECONDITION");
    assertThat(stale.message()).isEqualTo("user " + id + " is at version 2, not the expected version 1");
    assertThat(p.get(id).userJson()).isEqualTo(renamed.userJson());

    Outcome cleared = p.update(id, new JsonObject().putNull("age").put("tags", new JsonArray()), 0);
    JsonObject clearedUser = new JsonObject(cleared.userJson());
    assertThat(clearedUser.containsKey("age")).isFalse();
    assertThat(clearedUser.getJsonArray("tags")).isEmpty();
    assertThat(clearedUser.getInteger("version")).isEqualTo(3);

    assertThat(p.delete(id, 2).code()).isEqualTo("FAILED_PRECONDITION");
    assertThat(p.get(id).ok()).isTrue();
    assertThat(p.delete(id, 3).code()).isEqualTo("OK");
    assertThat(p.get(id)).isEqualTo(Outcome.error("NOT_FOUND", "user " + id + " not found"));
    assertThat(p.delete(id, 0)).isEqualTo(Outcome.error("NOT_FOUND", "user " + id + " not found"));
    assertThat(p.update(id, new JsonObject().put("name", "x"), 0))
        .isEqualTo(Outcome.error("NOT_FOUND", "user " + id + " not found"));
  }

  record Case(String what, JsonObject body, String message) {
    @Override
    public String toString() {
      return what;
    }
  }

  static Stream<Case> invalidCreates() {
    String tags33 = IntStream.range(0, 33).mapToObj(i -> "t" + i).reduce((a, b) -> a + "," + b).orElseThrow();
    return Stream.of(
        new Case("no name", valid().put("name", ""), "name must be 1-200 characters after trimming"),
        new Case("blank name", valid().put("name", "   "), "name must be 1-200 characters after trimming"),
        new Case("name of 201", valid().put("name", "x".repeat(201)), "name must be 1-200 characters after trimming"),
        new Case("no email", valid().put("email", ""), "email is required"),
        new Case("bad email", valid().put("email", "not-an-address"), "email is not a valid address"),
        new Case("email without domain dot", valid().put("email", "a@localhost"), "email is not a valid address"),
        new Case("email of 255", valid().put("email", "a".repeat(243) + "@example.com"), "email must be at most 254 characters"),
        new Case("age -1", valid().put("age", -1), "age must be 0-150"),
        new Case("age 151", valid().put("age", 151), "age must be 0-150"),
        new Case("33 tags", valid().put("tags", new JsonArray(List.of(tags33.split(",")))), "at most 32 tags are allowed"),
        new Case("bad tag", valid().put("tags", new JsonArray().add("Upper")), "tags must be 1-64 characters of [a-z0-9_-]"),
        new Case("empty tag", valid().put("tags", new JsonArray().add("")), "tags must be 1-64 characters of [a-z0-9_-]"),
        new Case("tag of 65", valid().put("tags", new JsonArray().add("a".repeat(65))), "tags must be 1-64 characters of [a-z0-9_-]"),
        new Case("operator-looking tag", valid().put("tags", new JsonArray().add("$ne")), "tags must be 1-64 characters of [a-z0-9_-]"),
        new Case("repeated tag", valid().put("tags", new JsonArray().add("a").add("a")), "tag 'a' is repeated"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCreates")
  void invalidCreateIsRejectedIdenticallyEverywhere(Case c) {
    for (Protocol p : protocols) {
      assertThat(p.create(c.body().copy())).as(p.name())
          .isEqualTo(Outcome.error("INVALID_ARGUMENT", c.message()));
    }
  }

  static Stream<Case> boundaryCreates() {
    String tags32 = IntStream.range(0, 32).mapToObj(i -> "t" + i).reduce((a, b) -> a + "," + b).orElseThrow();
    return Stream.of(
        new Case("name of 200", valid().put("name", "é".repeat(200)), null),
        new Case("age 0", valid().put("age", 0), null),
        new Case("age 150", valid().put("age", 150), null),
        new Case("no age", valid().put("age", null), null),
        new Case("32 tags", valid().put("tags", new JsonArray(List.of(tags32.split(",")))), null),
        new Case("tag of 64", valid().put("tags", new JsonArray().add("a-_9".repeat(16))), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("boundaryCreates")
  void boundaryValuesAreAccepted(Case c) {
    for (Protocol p : protocols) {
      JsonObject body = c.body().copy().put("email", uniqueEmail());
      if (body.getValue("age") == null) {
        body.remove("age");
      }
      Outcome created = p.create(body);
      assertThat(created.code()).as(p.name()).isEqualTo("OK");
      assertThat(new JsonObject(created.userJson()).containsKey("age")).isEqualTo(body.containsKey("age"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protocols")
  void malformedIdsAreInvalidArgument(Protocol p) {
    for (String id : List.of("123", "ABCDEFABCDEFABCDEFABCDEF", "zzzzzzzzzzzzzzzzzzzzzzzz", "0123456789abcdef01234567x")) {
      Outcome expected = Outcome.error("INVALID_ARGUMENT", "id must be 24 lowercase hex digits");
      assertThat(p.get(id)).as("get %s", id).isEqualTo(expected);
      assertThat(p.update(id, new JsonObject().put("name", "n"), 0)).as("update %s", id).isEqualTo(expected);
      assertThat(p.delete(id, 0)).as("delete %s", id).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protocols")
  void duplicateEmailIsAlreadyExistsCaseInsensitively(Protocol p) {
    String email = uniqueEmail();
    assertThat(p.create(valid().put("email", email)).ok()).isTrue();
    assertThat(p.create(valid().put("email", email.toUpperCase())))
        .isEqualTo(Outcome.error("ALREADY_EXISTS", "a user with email " + email + " already exists"));

    String other = new JsonObject(p.create(valid()).userJson()).getString("id");
    assertThat(p.update(other, new JsonObject().put("email", email.toUpperCase()), 0))
        .isEqualTo(Outcome.error("ALREADY_EXISTS", "a user with email " + email + " already exists"));
    assertThat(new JsonObject(p.get(other).userJson()).getInteger("version")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protocols")
  void invalidUpdatesChangeNothing(Protocol p) {
    Outcome created = p.create(valid());
    String id = new JsonObject(created.userJson()).getString("id");
    assertThat(p.update(id, new JsonObject().put("age", 200), 0))
        .isEqualTo(Outcome.error("INVALID_ARGUMENT", "age must be 0-150"));
    assertThat(p.update(id, new JsonObject().put("name", ""), 0))
        .isEqualTo(Outcome.error("INVALID_ARGUMENT", "name must be 1-200 characters after trimming"));
    assertThat(p.update(id, new JsonObject(), 0))
        .isEqualTo(Outcome.error("INVALID_ARGUMENT", "the update names no field to change"));
    assertThat(p.get(id)).isEqualTo(created);
  }

  /** A negative expected version (gRPC's int32, REST's If-Match: "-1") is the same mistake with the same message. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("protocols")
  void aNegativeExpectedVersionIsInvalidEverywhere(Protocol p) {
    Outcome created = p.create(valid());
    String id = new JsonObject(created.userJson()).getString("id");
    Outcome negative = Outcome.error("INVALID_ARGUMENT", "expected version must not be negative");
    assertThat(p.update(id, new JsonObject().put("name", "Other"), -1)).isEqualTo(negative);
    assertThat(p.delete(id, -1)).isEqualTo(negative);
    assertThat(p.get(id)).isEqualTo(created);
  }
}
