package io.polyport.persistence.embedded;

import com.mongodb.MongoCommandException;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.reactivestreams.client.ChangeStreamPublisher;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Resuming change streams from tokens: exactly the later events, or MongoDB's errors when it cannot. */
class ResumeTest {
  private static final int OPLOG_SIZE = 20;

  private EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0, new EmbeddedOptions(OPLOG_SIZE));
  private final Commands commands = new Commands();
  private MongoClient client = Driver.client(db.connectionString(), commands);
  private MongoCollection<Document> users = client.getDatabase("resume").getCollection("users");

  @AfterEach
  void stop() {
    client.close();
    db.close();
  }

  private Driver.Events watch(UnaryOperator<ChangeStreamPublisher<Document>> options) {
    return Driver.watch(options.apply(users.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS)), commands);
  }

  private void insert(int from, int to) {
    List<Document> documents = new ArrayList<>();
    for (int id = from; id <= to; id++) {
      documents.add(new Document("_id", id));
    }
    Driver.one(users.insertMany(documents));
  }

  /** Inserts documents from..to while watching, and returns their events. */
  private List<ChangeStreamDocument<Document>> insertWatched(int from, int to) {
    try (Driver.Events events = watch(p -> p)) {
      insert(from, to);
      List<ChangeStreamDocument<Document>> seen = new ArrayList<>();
      for (int id = from; id <= to; id++) {
        seen.add(events.next());
      }
      return seen;
    }
  }

  private static Object id(ChangeStreamDocument<Document> event) {
    return event.getFullDocument().get("_id");
  }

  @Test
  void resumeAfterATokenDeliversExactlyTheLaterEventsThenLiveOnes() {
    List<ChangeStreamDocument<Document>> seen = insertWatched(1, 5);

    try (Driver.Events resumed = watch(p -> p.resumeAfter(seen.get(1).getResumeToken()))) {
      assertThat(List.of(id(resumed.next()), id(resumed.next()), id(resumed.next()))).containsExactly(3, 4, 5);
      insert(6, 6);
      assertThat(id(resumed.next())).isEqualTo(6);
    }
  }

  @Test
  void aSecondClientResumesWithTheTokensOfTheFirst() {
    List<ChangeStreamDocument<Document>> seen = insertWatched(1, 3);
    Commands otherCommands = new Commands();
    try (MongoClient other = Driver.client(db.connectionString(), otherCommands)) {
      MongoCollection<Document> sameUsers = other.getDatabase("resume").getCollection("users");
      try (Driver.Events resumed = Driver.watch(sameUsers.watch().startAfter(seen.get(0).getResumeToken())
          .maxAwaitTime(200, TimeUnit.MILLISECONDS), otherCommands)) {
        assertThat(List.of(id(resumed.next()), id(resumed.next()))).containsExactly(2, 3);
      }
    }
  }

  @Test
  void theNewestTokenResumesWithNothingMissedAndNothingRepeated() {
    List<ChangeStreamDocument<Document>> seen = insertWatched(1, 3);

    try (Driver.Events resumed = watch(p -> p.resumeAfter(seen.get(2).getResumeToken()))) {
      insert(4, 4);
      assertThat(id(resumed.next())).isEqualTo(4);
    }
  }

  @Test
  void startAtOperationTimeIncludesTheEventAtThatTime() {
    List<ChangeStreamDocument<Document>> seen = insertWatched(1, 4);

    try (Driver.Events resumed = watch(p -> p.startAtOperationTime(seen.get(2).getClusterTime()))) {
      assertThat(List.of(id(resumed.next()), id(resumed.next()))).containsExactly(3, 4);
    }
  }

  @Test
  void aTokenOlderThanTheOplogFailsWithChangeStreamHistoryLost() {
    List<ChangeStreamDocument<Document>> seen = insertWatched(1, 2);
    insert(3, 2 + OPLOG_SIZE);

    try (Driver.Events resumed = watch(p -> p.resumeAfter(seen.get(0).getResumeToken()))) {
      assertThat(resumed.failure()).isInstanceOfSatisfying(MongoCommandException.class,
          e -> assertThat(e.getErrorCode()).isEqualTo(286));
    }
    try (Driver.Events resumed = watch(p -> p.resumeAfter(seen.get(1).getResumeToken()))) {
      assertThat(id(resumed.next())).isEqualTo(3);
    }
  }

  @Test
  void aTokenFromBeforeARestartFailsWithChangeStreamHistoryLost() {
    BsonDocument token = insertWatched(1, 1).get(0).getResumeToken();
    client.close();
    db.close();
    db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
    client = Driver.client(db.connectionString(), commands);
    users = client.getDatabase("resume").getCollection("users");

    try (Driver.Events resumed = watch(p -> p.resumeAfter(token))) {
      assertThat(resumed.failure()).isInstanceOfSatisfying(MongoCommandException.class,
          e -> assertThat(e.getErrorCode()).isEqualTo(286));
    }
  }

  @Test
  void aMalformedTokenFailsWithBadValue() {
    for (BsonDocument token : List.of(new BsonDocument("_data", new BsonString("zz")),
        new BsonDocument("_data", new BsonString("g".repeat(32))), new BsonDocument("other", new BsonString("x")))) {
      try (Driver.Events resumed = watch(p -> p.resumeAfter(token))) {
        assertThat(resumed.failure()).as("token %s", token).isInstanceOfSatisfying(MongoCommandException.class,
            e -> assertThat(e.getErrorCode()).isEqualTo(2));
      }
    }
  }
}
