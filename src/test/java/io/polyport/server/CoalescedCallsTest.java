package io.polyport.server;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.polyport.persistence.embedded.EmbeddedMongo;
import io.polyport.testing.Await;
import io.polyport.testing.TestApp;
import io.polyport.testing.VertxGrpc;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * By-id reads and creates that arrive while the database is busy leave together as one find / one insert per
 * event loop, and each caller still gets its own answer (its user, NOT_FOUND / 404, ALREADY_EXISTS / 409 for an
 * email taken before or earlier in the same insert), on every protocol; with coalescing off, every read is its
 * own find.
 */
class CoalescedCallsTest {

  static JsonObject config(EmbeddedMongo db, int inFlightPerLoop) {
    return new JsonObject().put("mongo", new JsonObject().put("uri", db.connectionString()).put("timeoutMs", 20_000)
        .put("inFlightPerLoop", inFlightPerLoop));
  }

  static List<User> createUsers(TestApp app, String prefix, int count) {
    List<User> users = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      users.add(app.blocking().createUser(CreateUserRequest.newBuilder().setName("Reader " + i)
          .setEmail(prefix + i + "@example.com").build()));
    }
    return users;
  }

  /** What a grpc-java unary call answered: {@code ok} of its user, or the name of the status it failed with. */
  static CompletableFuture<Object> grpcJava(Consumer<StreamObserver<User>> call, Function<User, Object> ok) {
    CompletableFuture<Object> answer = new CompletableFuture<>();
    call.accept(new StreamObserver<>() {
      public void onNext(User user) {
        answer.complete(ok.apply(user));
      }

      public void onError(Throwable t) {
        answer.complete(t instanceof StatusRuntimeException e ? e.getStatus().getCode().name() : t);
      }

      public void onCompleted() {
      }
    });
    return answer;
  }

  static CompletableFuture<Object> grpcJavaGet(TestApp app, String id) {
    return grpcJava(o -> app.async().getUser(GetUserRequest.newBuilder().setId(id).build(), o), user -> user);
  }

  @Test
  void readsWaitingOnTheDatabaseLeaveTogetherAndEachGetsItsOwnAnswer() throws Exception {
    EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
    TestApp app = TestApp.start(config(db, 1));
    try {
      List<User> users = createUsers(app, "coalesced", 10);
      List<String> ids = new ArrayList<>(users.stream().map(User::getId).toList());
      ids.add(users.get(0).getId()); // the same id twice in one find
      String missing = new ObjectId().toHexString();
      ids.add(missing);
      var rest = app.h2c(false); // one multiplexed connection: every request reaches the server at once

      long readsBefore = app.app.reads().calls();
      long findsBefore = app.app.reads().commands();
      db.stall();
      List<CompletableFuture<Object>> viaGrpcJava = new ArrayList<>();
      List<Future<Object>> viaVertxGrpc = new ArrayList<>();
      List<Future<Object>> viaRest = new ArrayList<>();
      for (String id : ids) {
        viaGrpcJava.add(grpcJavaGet(app, id));
        viaVertxGrpc.add(app.grpc.unary(UserServiceGrpcClient.GetUser, GetUserRequest.newBuilder().setId(id).build())
            .map(u -> (Object) u).otherwise(e -> e instanceof VertxGrpc.Failure f ? f.status.name() : e));
        viaRest.add(rest.get("/users/" + id).send()
            .map(r -> r.statusCode() == 200 ? r.bodyAsJsonObject().getString("id") : (Object) r.statusCode()));
      }
      int asked = 3 * ids.size();
      Await.until(app.vertx, "every read reached the repository",
          () -> app.app.reads().calls() - readsBefore >= asked);
      db.unstall();

      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        boolean exists = !id.equals(missing);
        User expected = exists ? users.stream().filter(u -> u.getId().equals(id)).findFirst().orElseThrow() : null;
        assertThat(viaGrpcJava.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(exists ? expected : "NOT_FOUND");
        assertThat(viaVertxGrpc.get(i).await()).isEqualTo(exists ? expected : "NOT_FOUND");
        assertThat(viaRest.get(i).await()).isEqualTo(exists ? id : 404);
      }
      // per event loop (two): the one find sent before the stall was noticed, then one for all that waited
      long finds = app.app.reads().commands() - findsBefore;
      assertThat(app.app.reads().calls() - readsBefore).isEqualTo(asked);
      assertThat(finds).as("finds for %d reads", asked).isBetween(2L, 4L);
      rest.close();
    } finally {
      app.close();
      db.close();
    }
  }

  @Test
  void createsWaitingOnTheDatabaseLeaveTogetherAndEachGetsItsOwnAnswer() throws Exception {
    EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
    TestApp app = TestApp.start(config(db, 1));
    try {
      createUsers(app, "taken", 1); // taken0@example.com is stored before
      var rest = app.h2c(false);
      long callsBefore = app.app.creates().calls();
      long batchesBefore = app.app.creates().commands();
      db.stall();
      // per protocol: five new emails, one taken before, and the first new email again (a duplicate inside the batch)
      List<CompletableFuture<Object>> viaGrpcJava = new ArrayList<>();
      List<Future<Object>> viaVertxGrpc = new ArrayList<>();
      List<Future<Object>> viaRest = new ArrayList<>();
      for (String email : emails("gj")) {
        viaGrpcJava.add(grpcJava(o -> app.async().createUser(create(email), o), User::getEmail));
      }
      for (String email : emails("vx")) {
        viaVertxGrpc.add(app.grpc.unary(UserServiceGrpcClient.CreateUser, create(email))
            .map(u -> (Object) u.getEmail()).otherwise(e -> e instanceof VertxGrpc.Failure f ? f.status.name() : e));
      }
      for (String email : emails("rs")) {
        viaRest.add(rest.post("/users").sendJsonObject(new JsonObject().put("name", "Writer").put("email", email)
            .put("tags", List.of("coalesced-create")))
            .map(r -> r.statusCode() == 201 ? r.bodyAsJsonObject().getString("email") : (Object) r.bodyAsJsonObject().getString("code")));
      }
      Await.until(app.vertx, "every create reached the repository", () -> app.app.creates().calls() - callsBefore >= 21);
      db.unstall();

      assertAnswers("gj", viaGrpcJava.stream().map(CompletableFuture::join).toList());
      assertAnswers("vx", viaVertxGrpc.stream().map(f -> f.await()).toList());
      assertAnswers("rs", viaRest.stream().map(f -> f.await()).toList());
      assertThat(app.app.creates().commands() - batchesBefore).as("inserts for 21 creates").isBetween(2L, 4L);
      List<String> stored = new ArrayList<>();
      app.blocking().listUsers(ListUsersRequest.newBuilder().setTag("coalesced-create").build())
          .forEachRemaining(u -> stored.add(u.getEmail()));
      assertThat(stored).containsExactlyInAnyOrder(
          Stream.of("gj", "vx", "rs").flatMap(p -> IntStream.range(0, 5).mapToObj(i -> p + i + "@example.com")).toArray(String[]::new));
      rest.close();
    } finally {
      app.close();
      db.close();
    }
  }

  static List<String> emails(String prefix) {
    List<String> emails = new ArrayList<>();
    IntStream.range(0, 5).forEach(i -> emails.add(prefix + i + "@example.com"));
    emails.add("taken0@example.com");
    emails.add(prefix.toUpperCase() + "0@example.com");
    return emails;
  }

  static CreateUserRequest create(String email) {
    return CreateUserRequest.newBuilder().setName("Writer").setEmail(email).addTags("coalesced-create").build();
  }

  /** The five new emails stored; the taken one and the repeated one ALREADY_EXISTS. */
  static void assertAnswers(String prefix, List<Object> answers) {
    List<Object> expected = new ArrayList<>();
    IntStream.range(0, 5).forEach(i -> expected.add(prefix + i + "@example.com"));
    expected.add("ALREADY_EXISTS");
    expected.add("ALREADY_EXISTS");
    assertThat(answers).isEqualTo(expected);
  }

  @Test
  void withCoalescingOffEveryReadIsItsOwnFind() {
    EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
    TestApp app = TestApp.start(config(db, 0));
    try {
      List<User> users = createUsers(app, "single", 5);
      long readsBefore = app.app.reads().calls();
      long findsBefore = app.app.reads().commands();
      List<CompletableFuture<Object>> answers = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        users.forEach(u -> answers.add(grpcJavaGet(app, u.getId())));
      }
      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).join()).isEqualTo(users.get(i % users.size()));
      }
      assertThat(app.app.reads().calls() - readsBefore).isEqualTo(20);
      assertThat(app.app.reads().commands() - findsBefore).isEqualTo(20);
    } finally {
      app.close();
      db.close();
    }
  }
}
