package io.polyport.bench;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.polyport.AppConfig;
import io.polyport.persistence.MongoConnections;
import io.polyport.persistence.MongoUserRepository;
import io.polyport.support.Publishers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.bson.Document;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The database baselines, without Polyport: the users collection read in _id order with the server's batch
 * size, and unordered bulk inserts of the server's import batch size, one batch in flight per worker.
 * They use the MongoDB reactive-streams driver directly (demand unbounded: the fastest the driver can go).
 */
final class DriverWorkloads implements AutoCloseable {
  private static final String COLLECTION = "users";
  private final MongoClient driver;
  private final MongoCollection<Document> users;
  private final int batchSize;
  private final Vertx vertx;

  DriverWorkloads(Vertx vertx, String uri, String database, int batchSize) {
    this.vertx = vertx;
    // the driver alone gets the server's transport setting: a baseline it would beat by that alone says nothing
    MongoConnections.completeWherePolled(AppConfig.Mongo.DEFAULT_IO_THREADS);
    this.driver = MongoClients.create(MongoClientSettings.builder().applyConnectionString(new ConnectionString(uri))
        .applicationName("polyport-bench").build());
    this.users = driver.getDatabase(database).getCollection(COLLECTION);
    this.batchSize = batchSize;
  }

  /** One read of the collection in _id order ({@code limit} documents, 0 = all); units: documents decoded. */
  Workload read(String name, int limit) {
    return GrpcWorkloads.workload(name, false, w -> {
      Promise<Long> done = Promise.promise();
      users.find().sort(new Document("_id", 1)).batchSize(batchSize).limit(limit).subscribe(new Subscriber<>() {
        long count;

        public void onSubscribe(Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        public void onNext(Document d) {
          count++;
        }

        public void onError(Throwable t) {
          done.tryFail(t);
        }

        public void onComplete() {
          done.tryComplete(count);
        }
      });
      return done.future();
    });
  }

  /**
   * {@code records} new users inserted in unordered batches, one batch in flight, into a collection with the
   * server's unique email index (the database maintains it on every insert, as it does for Polyport's
   * collection); units: documents stored.
   */
  Workload insert(String name, Users users, long records) {
    return GrpcWorkloads.workload(name, false, w -> emailIndex().compose(v -> batches(records, users.source(), this::insertBatch)));
  }

  /** The server's unique email index (its own definition; creating it again is a no-op). */
  private Future<String> emailIndex() {
    return first(MongoUserRepository.emailIndex(users));
  }

  private interface BatchInsert {
    Future<Void> insert(Users.Source source, int n);
  }

  /** Inserts {@code records} in batches, the next one when the previous one is stored. */
  private Future<Long> batches(long records, Users.Source source, BatchInsert insert) {
    Promise<Long> result = Promise.promise();
    long[] done = {0};
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (done[0] >= records) {
        result.complete(done[0]);
        return;
      }
      int n = (int) Math.min(batchSize, records - done[0]);
      insert.insert(source, n).onSuccess(v -> {
        done[0] += n;
        next[0].run();
      }).onFailure(result::fail);
    };
    next[0].run();
    return result.future();
  }

  private Future<Void> insertBatch(Users.Source source, int n) {
    Date now = new Date();
    List<Document> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(source.document(now));
    }
    return first(users.insertMany(batch, new InsertManyOptions().ordered(false)))
        .compose(r -> r.getInsertedIds().size() == n ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("inserted " + r.getInsertedIds().size() + " of " + n)));
  }

  /** The publisher's single answer, as a future on the calling context. */
  private <T> Future<T> first(Publisher<T> publisher) {
    return Publishers.first(vertx.getOrCreateContext(), publisher);
  }

  @Override
  public void close() {
    driver.close();
  }
}
