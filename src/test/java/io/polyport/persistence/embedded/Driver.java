package io.polyport.persistence.embedded;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.reactivestreams.client.ChangeStreamPublisher;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import io.polyport.AppConfig;
import io.polyport.persistence.MongoConnections;
import org.bson.Document;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The real reactive driver, made blocking for tests: every wait is bounded. */
final class Driver {
  static final long TIMEOUT_SECONDS = 30;

  private Driver() {
  }

  /** A client that fails fast when the server is gone, and tells {@code commands} what it sends. */
  static MongoClient client(String connectionString, Commands commands) {
    // the transport setting of the product's clients, which holds for the whole process once its first client starts
    MongoConnections.completeWherePolled(AppConfig.Mongo.DEFAULT_IO_THREADS);
    return MongoClients.create(MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(connectionString))
        .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(3, TimeUnit.SECONDS))
        .addCommandListener(commands)
        .build());
  }

  static MongoClient client(String connectionString) {
    return client(connectionString, new Commands());
  }

  /** All elements of a finite publisher. */
  static <T> List<T> all(Publisher<T> publisher) {
    CompletableFuture<List<T>> done = new CompletableFuture<>();
    List<T> items = new ArrayList<>();
    publisher.subscribe(new Subscriber<T>() {
      @Override
      public void onSubscribe(Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(T item) {
        items.add(item);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        done.complete(items);
      }
    });
    try {
      return done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("the driver did not answer within " + TIMEOUT_SECONDS + " s", e);
    }
  }

  /** The single result of a publisher (null if none). */
  static <T> T one(Publisher<T> publisher) {
    List<T> items = all(publisher);
    return items.isEmpty() ? null : items.get(0);
  }

  /**
   * Subscribes to a change stream and waits until the server has answered its opening (with a cursor or an
   * error); events are queued as they come.
   * Closing the returned events cancels the stream and waits until the driver has killed its cursor, so that
   * the client can then be closed cleanly.
   */
  static Events watch(ChangeStreamPublisher<Document> publisher, Commands commands) {
    int opened = commands.finished("aggregate");
    Events events = new Events(commands);
    publisher.subscribe(events);
    commands.awaitFinished("aggregate", opened + 1);
    return events;
  }

  /** The events of one change stream subscription. */
  static final class Events implements Subscriber<ChangeStreamDocument<Document>>, AutoCloseable {
    private final LinkedBlockingQueue<ChangeStreamDocument<Document>> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<Subscription> subscription = new CompletableFuture<>();
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private final Commands commands;

    Events(Commands commands) {
      this.commands = commands;
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription.complete(s);
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ChangeStreamDocument<Document> event) {
      queue.add(event);
    }

    @Override
    public void onError(Throwable t) {
      failure.complete(t);
    }

    @Override
    public void onComplete() {
      completion.complete(null);
    }

    /** The next event, failing if none comes within the timeout. */
    ChangeStreamDocument<Document> next() {
      try {
        ChangeStreamDocument<Document> event = queue.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (event == null) {
          throw new AssertionError("no change event within " + TIMEOUT_SECONDS + " s"
              + (failure.isDone() ? "; the stream failed: " + failure.join() : ""));
        }
        return event;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** The error that ended the stream. */
    Throwable failure() {
      try {
        return failure.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the stream did not fail within " + TIMEOUT_SECONDS + " s; events: " + queue, e);
      }
    }

    /** Waits for the stream to complete (as it does after an invalidate event). */
    void awaitCompletion() {
      try {
        completion.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("the stream did not complete within " + TIMEOUT_SECONDS + " s", e);
      }
    }

    boolean hasQueued() {
      return !queue.isEmpty();
    }

    @Override
    public void close() {
      if (failure.isDone() || completion.isDone()) {
        return;
      }
      // until the killCursors has answered, not only started: a client closed under it (the tests close theirs
      // next) fails its callback on the closed session pool, and the driver logs that as an ERROR
      int killed = commands.started("killCursors");
      subscription.thenAccept(Subscription::cancel);
      commands.awaitFinished("killCursors", killed + 1);
    }
  }
}
