package io.polyport.persistence.embedded;

import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.polyport.testing.Await;
import io.vertx.core.Vertx;
import org.bson.BsonDocument;
import org.bson.Document;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Data on H2 across close and start; suspend, resume and stall as fault tests use them. */
class LifecycleTest {
  @TempDir
  Path dataDir;

  @Test
  void dataAndUniqueIndexesSurviveCloseAndStartOnTheSameDirectory() {
    try (EmbeddedMongo db = EmbeddedMongo.start(dataDir.toString(), 0);
         MongoClient client = Driver.client(db.connectionString())) {
      MongoCollection<Document> users = client.getDatabase("life").getCollection("users");
      Driver.one(users.createIndex(new Document("email", 1), new IndexOptions().unique(true)));
      Driver.one(users.insertOne(new Document("_id", 1).append("email", "a@x").append("v", 1)));
      Driver.one(users.insertOne(new Document("_id", 2).append("email", "b@x")));
      Driver.one(users.updateOne(eq("_id", 1), set("v", 2)));
      Driver.one(users.deleteOne(eq("_id", 2)));
    }
    assertThat(dataDir.resolve("polyport.mv.db")).isRegularFile();

    try (EmbeddedMongo db = EmbeddedMongo.start(dataDir.toString(), 0);
         MongoClient client = Driver.client(db.connectionString())) {
      MongoCollection<Document> users = client.getDatabase("life").getCollection("users");
      assertThat(Driver.all(users.find())).containsExactly(new Document("_id", 1).append("email", "a@x").append("v", 2));
      assertThatThrownBy(() -> Driver.one(users.insertOne(new Document("_id", 3).append("email", "a@x"))))
          .isInstanceOfSatisfying(MongoWriteException.class, e -> assertThat(e.getCode()).isEqualTo(11000));
      assertThat(Driver.all(client.listDatabaseNames())).doesNotContain("local");
    }
  }

  @Test
  void aFileWrittenByThePlainH2BackendOpensWithItsIndexesRebuilt() {
    Path file = dataDir.resolve("polyport.mv.db");
    MongoServer previous = new MongoServer(new H2Backend(file.toString()));
    previous.enableOplog();
    try (MongoClient client = Driver.client(previous.bindAndGetConnectionString())) {
      MongoCollection<Document> users = client.getDatabase("life").getCollection("users");
      Driver.one(users.createIndex(new Document("email", 1), new IndexOptions().unique(true)));
      Driver.one(users.insertMany(List.of(new Document("_id", 1).append("email", "a@x"),
          new Document("_id", 2).append("email", "b@x"))));
    } finally {
      previous.shutdownNow();
    }

    try (EmbeddedMongo db = EmbeddedMongo.start(dataDir.toString(), 0);
         MongoClient client = Driver.client(db.connectionString())) {
      MongoCollection<Document> users = client.getDatabase("life").getCollection("users");
      assertThat(Driver.all(users.find())).hasSize(2);
      for (Document duplicate : List.of(new Document("_id", 3).append("email", "b@x"), new Document("_id", 2))) {
        assertThatThrownBy(() -> Driver.one(users.insertOne(duplicate)))
            .isInstanceOfSatisfying(MongoWriteException.class, e -> assertThat(e.getCode()).isEqualTo(11000));
      }
      assertThat(Driver.all(client.listDatabaseNames())).doesNotContain("local");
    }
    MVStore store = MVStore.open(file.toString());
    try {
      assertThat(store.getMapNames())
          .contains("life.users._index_by_value__id_", "life.users._index_by_value_email_1")
          .doesNotContain("life.users._index__id_", "life.users._index_email_1");
    } finally {
      store.close();
    }
  }

  @Test
  void whileSuspendedTheDriverFailsAndAfterResumeItWorksAndResumesItsStream() {
    Commands commands = new Commands();
    try (EmbeddedMongo db = EmbeddedMongo.start(dataDir.toString(), 0);
         MongoClient client = Driver.client(db.connectionString(), commands)) {
      MongoCollection<Document> users = client.getDatabase("life").getCollection("users");
      BsonDocument lastSeen;
      try (Driver.Events events = Driver.watch(users.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS), commands)) {
        Driver.one(users.insertOne(new Document("_id", "before")));
        lastSeen = events.next().getResumeToken();

        db.suspend();
        assertThatThrownBy(() -> Driver.one(users.insertOne(new Document("_id", "during"))))
            .isInstanceOf(MongoException.class);
        assertThat(events.failure()).isInstanceOf(MongoException.class);
      }

      db.resume();
      Driver.one(users.insertOne(new Document("_id", "after")));
      assertThat(Driver.all(users.find()))
          .containsExactlyInAnyOrder(new Document("_id", "before"), new Document("_id", "after"));
      try (Driver.Events resumed = Driver.watch(users.watch().resumeAfter(lastSeen)
          .maxAwaitTime(200, TimeUnit.MILLISECONDS), commands)) {
        assertThat(resumed.next().getDocumentKey().getString("_id").getValue()).isEqualTo("after");
      }
    }
  }

  @Test
  void anOpenStreamResumesByItselfAcrossAShortSuspension() {
    Commands commands = new Commands();
    try (EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
         MongoClient client = Driver.client(db.connectionString(), commands)) {
      MongoCollection<Document> users = client.getDatabase("life").getCollection("users");
      try (Driver.Events events = Driver.watch(users.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS), commands)) {
        Driver.one(users.insertOne(new Document("_id", "before")));
        assertThat(events.next().getDocumentKey().getString("_id").getValue()).isEqualTo("before");
        int opened = commands.finished("aggregate");

        db.suspend();
        db.resume();
        commands.awaitFinished("aggregate", opened + 1);
        Driver.one(users.insertOne(new Document("_id", "after")));

        assertThat(events.next().getDocumentKey().getString("_id").getValue()).isEqualTo("after");
      }
    }
  }

  /**
   * A stalled database is slow, not gone: a client that connects during the stall completes its handshake (the
   * driver follows hello with getlasterror, which the stall used to hold) and is answered a ping; its data
   * commands wait for the release.
   */
  @Test
  void whileStalledANewClientConnectsAndItsFindIsAnsweredOnRelease() throws Exception {
    try (EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
         MongoClient first = Driver.client(db.connectionString())) {
      Driver.one(first.getDatabase("stall").getCollection("users").insertOne(new Document("_id", 1)));
      db.stall();
      Vertx vertx = Vertx.vertx();
      try (MongoClient late = Driver.client(db.connectionString())) {
        Document pong = Driver.one(late.getDatabase("admin").runCommand(new Document("ping", 1)));
        assertThat(((Number) pong.get("ok")).doubleValue()).isEqualTo(1.0);
        long held = db.heldCommands();
        CompletableFuture<Document> find = CompletableFuture.supplyAsync(
            () -> Driver.one(late.getDatabase("stall").getCollection("users").find().first()));
        Await.until(vertx, "the find is held", () -> db.heldCommands() > held);
        assertThat(find).isNotDone();
        db.unstall();
        assertThat(find.get(Driver.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(new Document("_id", 1));
      } finally {
        vertx.close().await();
      }
    }
  }
}
