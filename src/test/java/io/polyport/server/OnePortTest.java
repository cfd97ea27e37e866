package io.polyport.server;

import com.google.protobuf.util.JsonFormat;
import io.polyport.testing.GrpcWebFrames;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** REST over HTTP/1.1 and HTTP/2 and gRPC, on the one port, answering the same bytes for the same user. */
class OnePortTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void restBodyIsTheProto3JsonOfTheGrpcAnswer() throws Exception {
    User created = app.blocking().createUser(CreateUserRequest.newBuilder().setName("Grace")
        .setEmail("grace@example.com").addTags("navy").build());
    User viaGrpcJava = app.blocking().getUser(GetUserRequest.newBuilder().setId(created.getId()).build());
    User viaVertx = app.grpc.unary(UserServiceGrpcClient.GetUser, GetUserRequest.newBuilder().setId(created.getId()).build()).await();
    String rest = app.web.get("/users/" + created.getId()).send().await().bodyAsString();

    String proto3Json = JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace().print(viaGrpcJava);
    assertThat(rest).isEqualTo(proto3Json);
    assertThat(viaVertx).isEqualTo(viaGrpcJava);
    // fields without presence are printed at their default; age (optional) is left out when unset
    assertThat(new JsonObject(rest).fieldNames())
        .containsExactlyInAnyOrder("id", "name", "email", "tags", "createTime", "updateTime", "version");
  }

  @Test
  void http1AndH2cPriorKnowledgeAndH2cUpgradeAllServeRestOnTheGrpcPort() {
    String id = app.blocking().createUser(CreateUserRequest.newBuilder().setName("Linus")
        .setEmail("linus@example.com").build()).getId();
    var http1 = app.web.get("/users/" + id).send().await();
    var prior = app.h2c(false).get("/users/" + id).send().await();
    var upgrade = app.h2c(true).get("/users/" + id).send().await();
    assertThat(http1.version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(prior.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(upgrade.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(List.of(http1.statusCode(), prior.statusCode(), upgrade.statusCode())).containsOnly(200);
    assertThat(prior.bodyAsString()).isEqualTo(http1.bodyAsString()).isEqualTo(upgrade.bodyAsString());
  }

  @Test
  void concurrentCreatesWithOneEmailYieldExactlyOneUser() {
    List<Future<String>> outcomes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      var body = new JsonObject().put("name", "racer " + i).put("email", (i % 2 == 0 ? "RACE" : "race") + "@example.com");
      if (i % 2 == 0) {
        outcomes.add(app.web.post("/users").sendJsonObject(body).map(r -> String.valueOf(r.statusCode())));
      } else {
        outcomes.add(app.grpc.unary(UserServiceGrpcClient.CreateUser, CreateUserRequest.newBuilder()
                .setName(body.getString("name")).setEmail(body.getString("email")).build())
            .map(u -> "201").recover(e -> Future.succeededFuture(e.getMessage())));
      }
    }
    List<String> results = Future.all(outcomes).await().list();
    assertThat(results.stream().filter("201"::equals)).hasSize(1);
    assertThat(results.stream().filter(r -> r.equals("409") || r.startsWith("ALREADY_EXISTS"))).hasSize(19);
  }

  /**
   * HTTP/1.0 has no chunked coding: a streamed answer (a list) ends only when the connection closes. A client that
   * asked for keep-alive (ApacheBench's -k) waited for ever on one; answers with a length keep the connection.
   */
  @Test
  void http10KeepAliveClientsGetStreamedListsWhole() throws Exception {
    String id = app.blocking().createUser(CreateUserRequest.newBuilder().setName("Old").setEmail("old-client@example.com")
        .build()).getId();
    app.blocking().createUser(CreateUserRequest.newBuilder().setName("Older").setEmail("older-client@example.com").build());
    var client = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port())
        .setProtocolVersion(HttpVersion.HTTP_1_0).setKeepAlive(true));
    try {
      var one = client.get("/users/" + id).send().await(20, TimeUnit.SECONDS);
      assertThat(one.statusCode()).isEqualTo(200);
      assertThat(one.getHeader("content-length")).isNotNull();
      assertThat(one.getHeader("connection")).isEqualToIgnoringCase("keep-alive");
      var list = client.get("/users?limit=2").send().await(20, TimeUnit.SECONDS);
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.getHeader("connection")).isEqualToIgnoringCase("close");
      assertThat(new JsonArray(list.bodyAsString())).hasSize(2);
      var lines = client.get("/users?limit=2").putHeader("accept", "application/x-ndjson").send().await(20, TimeUnit.SECONDS);
      assertThat(lines.bodyAsString().lines()).hasSize(2);
    } finally {
      client.close();
    }
  }

  /** gRPC-Web over HTTP/1.0 keep-alive: its stream (messages, then the trailers in the body) arrives whole too. */
  @Test
  void grpcWebOverHttp10KeepAliveGetsItsWholeStream() throws Exception {
    app.blocking().createUser(CreateUserRequest.newBuilder().setName("Web").setEmail("web-10@example.com").build());
    var client = WebClient.create(app.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port())
        .setProtocolVersion(HttpVersion.HTTP_1_0).setKeepAlive(true));
    try {
      var answer = client.post("/polyport.users.v1.UserService/ListUsers")
          .putHeader("content-type", "application/grpc-web+proto").putHeader("x-grpc-web", "1")
          .sendBuffer(GrpcWebFrames.frame(ListUsersRequest.newBuilder().setLimit(1).build().toByteArray()))
          .await(20, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      var frames = GrpcWebFrames.parse(answer.body());
      assertThat(frames.stream().filter(f -> f.flag() == GrpcWebFrames.MESSAGE)).hasSize(1);
      assertThat(GrpcWebFrames.trailers(frames, answer.headers())).containsEntry("grpc-status", "0");
    } finally {
      client.close();
    }
  }
}
