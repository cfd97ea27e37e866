package io.polyport.persistence;

import com.mongodb.event.ConnectionPoolListener;
import com.mongodb.reactivestreams.client.MongoClient;
import io.polyport.AppConfig;
import io.polyport.persistence.embedded.EmbeddedMongo;
import io.vertx.core.json.JsonObject;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver's sockets are polled only by threads that complete what they poll themselves
 * ({@link MongoConnections#completeWherePolled}): the JVM's default channel group otherwise also has an internal
 * poller thread, which hands every completion it picks up to another thread.
 */
class DriverThreadsTest {
  @Test
  void theDriversSocketsArePolledOnlyByThreadsThatCompleteWhatTheyPoll() throws Exception {
    var config = AppConfig.from(new JsonObject(), Map.of()).mongo();
    try (EmbeddedMongo db = EmbeddedMongo.start(EmbeddedMongo.MEMORY, 0)) {
      MongoClient client = MongoConnections.create(config, db.connectionString(), new ConnectionPoolListener() {
      }, new CommandsInFlight());
      try {
        ping(client);
        // the JDK's poller loop (EPollPort on Linux, KQueuePort on macOS): on its pool's threads it completes
        // what it polls; on an internal thread (no pool worker under it) it hands each completion over
        List<List<String>> pollers = Thread.getAllStackTraces().values().stream()
            .map(stack -> Arrays.stream(stack).map(StackTraceElement::getClassName).toList())
            .filter(stack -> stack.stream().anyMatch(c -> c.startsWith("sun.nio.ch.") && c.endsWith("Port$EventHandlerTask")))
            .toList();
        assertThat(pollers).hasSize(config.ioThreads());
        assertThat(pollers).allSatisfy(stack -> assertThat(stack).contains("java.util.concurrent.ThreadPoolExecutor$Worker"));
      } finally {
        client.close();
      }
    }
  }

  private static void ping(MongoClient client) throws Exception {
    CompletableFuture<Document> reply = new CompletableFuture<>();
    client.getDatabase("admin").runCommand(new Document("ping", 1)).subscribe(new Subscriber<>() {
      @Override
      public void onSubscribe(Subscription s) {
        s.request(1);
      }

      @Override
      public void onNext(Document document) {
        reply.complete(document);
      }

      @Override
      public void onError(Throwable t) {
        reply.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
      }
    });
    assertThat(reply.get(30, TimeUnit.SECONDS).get("ok", Number.class).intValue()).isEqualTo(1);
  }
}
