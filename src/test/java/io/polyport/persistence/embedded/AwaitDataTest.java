package io.polyport.persistence.embedded;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** An idle change stream waits on the server instead of polling it; a change answers the wait at once. */
class AwaitDataTest {
  /** Long enough to tell an answer to a change from a timeout; closing a stream waits for its getMore. */
  private static final long LONG_AWAIT_MS = 4000;
  private final EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0);
  private final Commands commands = new Commands();
  private final MongoClient client = Driver.client(db.connectionString(), commands);
  private final MongoCollection<Document> users = client.getDatabase("await").getCollection("users");

  @AfterEach
  void stop() {
    client.close();
    db.close();
  }

  @Test
  void anIdleStreamSendsOneGetMorePerMaxAwaitTime() {
    try (Driver.Events ignored = Driver.watch(users.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS), commands)) {
      int before = commands.started("getMore");
      long start = System.nanoTime();
      commands.awaitStarted("getMore", before + 6);
      Duration fiveWaits = Duration.ofNanos(System.nanoTime() - start);

      assertThat(fiveWaits).isGreaterThanOrEqualTo(Duration.ofMillis(5 * 200 - 50));
    }
  }

  @Test
  void withoutMaxAwaitTimeTheServerWaitsOneSecond() {
    try (Driver.Events ignored = Driver.watch(users.watch(), commands)) {
      int before = commands.started("getMore");
      long start = System.nanoTime();
      commands.awaitStarted("getMore", before + 3);
      Duration twoWaits = Duration.ofNanos(System.nanoTime() - start);

      assertThat(twoWaits).isGreaterThanOrEqualTo(Duration.ofMillis(2 * 1000 - 50));
    }
  }

  @Test
  void aChangeAnswersTheWaitingGetMoreAtOnce() {
    try (Driver.Events events = Driver.watch(users.watch().maxAwaitTime(LONG_AWAIT_MS, TimeUnit.MILLISECONDS),
        commands)) {
      commands.awaitStarted("getMore", 1);
      long start = System.nanoTime();
      Driver.one(users.insertOne(new Document("_id", 1)));
      events.next();
      Duration latency = Duration.ofNanos(System.nanoTime() - start);

      assertThat(latency).isLessThan(Duration.ofMillis(LONG_AWAIT_MS / 2));
      assertThat(commands.started("getMore")).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void changesElsewhereDoNotSpinTheStream() {
    MongoCollection<Document> others = client.getDatabase("await").getCollection("others");
    try (Driver.Events events = Driver.watch(users.watch().maxAwaitTime(LONG_AWAIT_MS, TimeUnit.MILLISECONDS),
        commands)) {
      commands.awaitStarted("getMore", 1);
      long start = System.nanoTime();
      for (int batch = 0; batch < 20; batch++) {
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          documents.add(new Document("batch", batch).append("i", i));
        }
        Driver.one(others.insertMany(documents));
      }
      Driver.one(users.insertOne(new Document("_id", "mine")));

      assertThat(events.next().getDocumentKey().getString("_id").getValue()).isEqualTo("mine");
      assertThat(events.hasQueued()).isFalse();
      long awaitsPassed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) / LONG_AWAIT_MS;
      assertThat(commands.started("getMore")).isLessThanOrEqualTo(3 + (int) awaitsPassed);
    }
  }
}
