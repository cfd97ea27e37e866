package io.polyport.persistence.embedded;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoNamespace;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import com.mongodb.client.model.changestream.OperationType;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The events a change stream delivers, through the real reactive driver, on both backends. */
class ChangeEventsTest {
  @TempDir
  Path dataDir;
  private EmbeddedMongo db;
  private MongoClient client;
  private final Commands commands = new Commands();
  private MongoCollection<Document> users;

  private void start(String backend) {
    db = EmbeddedMongo.start("memory".equals(backend) ? EmbeddedMongo.MEMORY : dataDir.toString(), 0);
    client = Driver.client(db.connectionString(), commands);
    users = client.getDatabase("events").getCollection("users");
  }

  @AfterEach
  void stop() {
    client.close();
    db.close();
  }

  /** Watches with the options the live feeds use. */
  private Driver.Events watchUsers() {
    return Driver.watch(users.watch()
        .fullDocument(FullDocument.UPDATE_LOOKUP)
        .fullDocumentBeforeChange(FullDocumentBeforeChange.WHEN_AVAILABLE)
        .maxAwaitTime(200, TimeUnit.MILLISECONDS), commands);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2"})
  void insertUpdateAndDeleteCarryTheDocumentsAfterAndBefore(String backend) {
    start(backend);
    try (Driver.Events events = watchUsers()) {
      Driver.one(users.insertOne(new Document("_id", 1).append("name", "Ada").append("age", 36)));
      Driver.one(users.updateOne(eq("_id", 1), combine(set("age", 37), unset("name"))));
      Driver.one(users.deleteOne(eq("_id", 1)));

      ChangeStreamDocument<Document> insert = events.next();
      assertThat(insert.getOperationType()).isEqualTo(OperationType.INSERT);
      assertThat(insert.getNamespace()).isEqualTo(new MongoNamespace("events", "users"));
      assertThat(insert.getDocumentKey()).isEqualTo(new BsonDocument("_id", new BsonInt32(1)));
      assertThat(insert.getFullDocument()).isEqualTo(new Document("_id", 1).append("name", "Ada").append("age", 36));
      assertThat(insert.getFullDocumentBeforeChange()).isNull();
      assertThat(insert.getWallTime()).isNotNull();

      ChangeStreamDocument<Document> update = events.next();
      assertThat(update.getOperationType()).isEqualTo(OperationType.UPDATE);
      assertThat(update.getDocumentKey()).isEqualTo(new BsonDocument("_id", new BsonInt32(1)));
      assertThat(update.getFullDocument()).isEqualTo(new Document("_id", 1).append("age", 37));
      assertThat(update.getFullDocumentBeforeChange())
          .isEqualTo(new Document("_id", 1).append("name", "Ada").append("age", 36));
      assertThat(update.getUpdateDescription().getUpdatedFields()).isEqualTo(new BsonDocument("age", new BsonInt32(37)));
      assertThat(update.getUpdateDescription().getRemovedFields()).containsExactly("name");

      ChangeStreamDocument<Document> delete = events.next();
      assertThat(delete.getOperationType()).isEqualTo(OperationType.DELETE);
      assertThat(delete.getDocumentKey()).isEqualTo(new BsonDocument("_id", new BsonInt32(1)));
      assertThat(delete.getFullDocument()).isNull();
      assertThat(delete.getFullDocumentBeforeChange()).isEqualTo(new Document("_id", 1).append("age", 37));

      assertThat(List.of(insert.getClusterTime(), update.getClusterTime(), delete.getClusterTime()))
          .isSorted().doesNotHaveDuplicates();
      assertThat(List.of(insert.getResumeToken(), update.getResumeToken(), delete.getResumeToken()))
          .doesNotHaveDuplicates();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2"})
  void findAndModifyReplaceAndUpsertProduceTheirEvents(String backend) {
    start(backend);
    try (Driver.Events events = watchUsers()) {
      Driver.one(users.insertOne(new Document("_id", 1).append("v", 1)));
      Driver.one(users.findOneAndUpdate(eq("_id", 1), set("v", 2),
          new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)));
      Driver.one(users.replaceOne(eq("_id", 1), new Document("w", 3)));
      Driver.one(users.findOneAndDelete(eq("_id", 1)));
      Driver.one(users.updateOne(eq("_id", 2), set("v", 9), new UpdateOptions().upsert(true)));

      assertThat(events.next().getOperationType()).isEqualTo(OperationType.INSERT);
      ChangeStreamDocument<Document> update = events.next();
      assertThat(update.getOperationType()).isEqualTo(OperationType.UPDATE);
      assertThat(update.getFullDocument()).isEqualTo(new Document("_id", 1).append("v", 2));
      assertThat(update.getFullDocumentBeforeChange()).isEqualTo(new Document("_id", 1).append("v", 1));
      ChangeStreamDocument<Document> replace = events.next();
      assertThat(replace.getOperationType()).isEqualTo(OperationType.REPLACE);
      assertThat(replace.getFullDocument()).isEqualTo(new Document("_id", 1).append("w", 3));
      ChangeStreamDocument<Document> delete = events.next();
      assertThat(delete.getOperationType()).isEqualTo(OperationType.DELETE);
      assertThat(delete.getFullDocumentBeforeChange()).isEqualTo(new Document("_id", 1).append("w", 3));
      ChangeStreamDocument<Document> upsert = events.next();
      assertThat(upsert.getOperationType()).isEqualTo(OperationType.INSERT);
      assertThat(upsert.getFullDocument()).isEqualTo(new Document("_id", 2).append("v", 9));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2"})
  void failedInsertsOfAnUnorderedBulkProduceNoEvents(String backend) {
    start(backend);
    Driver.one(users.createIndex(new Document("email", 1), new IndexOptions().unique(true)));
    try (Driver.Events events = watchUsers()) {
      List<Document> batch = List.of(
          new Document("_id", 1).append("email", "a@x"),
          new Document("_id", 1).append("email", "b@x"),
          new Document("_id", 2).append("email", "a@x"),
          new Document("_id", 3).append("email", "c@x"));
      assertThatThrownBy(() -> Driver.one(users.insertMany(batch, new InsertManyOptions().ordered(false))))
          .isInstanceOf(MongoBulkWriteException.class);
      Driver.one(users.insertOne(new Document("_id", 4).append("email", "d@x")));

      assertThat(List.of(events.next(), events.next(), events.next()))
          .extracting(event -> event.getFullDocument().get("_id"))
          .containsExactly(1, 3, 4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2"})
  void onlyTheWatchedCollectionsChangesAndNoOpUpdatesAreLeftOut(String backend) {
    start(backend);
    MongoCollection<Document> others = client.getDatabase("events").getCollection("others");
    try (Driver.Events events = watchUsers()) {
      Driver.one(others.insertOne(new Document("_id", "elsewhere")));
      Driver.one(users.insertOne(new Document("_id", 1).append("v", 1)));
      Driver.one(users.updateOne(eq("_id", 1), set("v", 1)));
      Driver.one(users.insertOne(new Document("_id", 2)));

      assertThat(events.next().getDocumentKey().get("_id")).isEqualTo(new BsonInt32(1));
      assertThat(events.next().getDocumentKey().get("_id")).isEqualTo(new BsonInt32(2));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2"})
  void withoutOptionsUpdatesCarryNoDocumentsAndDeletesNoPreImage(String backend) {
    start(backend);
    try (Driver.Events events = Driver.watch(users.watch(), commands)) {
      Driver.one(users.insertOne(new Document("_id", 1).append("v", 1)));
      Driver.one(users.updateOne(eq("_id", 1), set("v", 2)));
      Driver.one(users.deleteOne(eq("_id", 1)));

      assertThat(events.next().getFullDocument()).isEqualTo(new Document("_id", 1).append("v", 1));
      ChangeStreamDocument<Document> update = events.next();
      assertThat(update.getFullDocument()).isNull();
      assertThat(update.getFullDocumentBeforeChange()).isNull();
      assertThat(events.next().getFullDocumentBeforeChange()).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2"})
  void aMatchStageFiltersTheEvents(String backend) {
    start(backend);
    try (Driver.Events events = Driver.watch(users.watch(List.of(Aggregates.match(eq("operationType", "delete"))))
        .fullDocumentBeforeChange(FullDocumentBeforeChange.REQUIRED), commands)) {
      Driver.one(users.insertOne(new Document("_id", 1)));
      Driver.one(users.insertOne(new Document("_id", 2)));
      Driver.one(users.deleteOne(eq("_id", 2)));

      ChangeStreamDocument<Document> delete = events.next();
      assertThat(delete.getOperationType()).isEqualTo(OperationType.DELETE);
      assertThat(delete.getFullDocumentBeforeChange()).isEqualTo(new Document("_id", 2));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "h2"})
  void droppingTheCollectionEndsTheStreamWithDropAndInvalidate(String backend) {
    start(backend);
    Driver.one(users.insertOne(new Document("_id", 1)));
    try (Driver.Events events = watchUsers()) {
      Driver.one(users.drop());

      assertThat(events.next().getOperationType()).isEqualTo(OperationType.DROP);
      assertThat(events.next().getOperationType()).isEqualTo(OperationType.INVALIDATE);
      events.awaitCompletion();
    }
  }
}
