package io.polyport.bench;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The database baselines, without Polyport: the users collection read in _id order with the server's batch
 * size, and unordered bulk inserts of the server's import batch size, one batch in flight per worker.
 * {@code driver-*} use the MongoDB reactive-streams driver directly (demand unbounded: the fastest the
 * driver can go); {@code vertx-mongo-*} go through vertx-mongo-client (the way Polyport did before it used
 * the driver directly).
 */
final class DriverWorkloads implements AutoCloseable {
  private static final String COLLECTION = "users";
  private final com.mongodb.reactivestreams.client.MongoClient driver;
  private final MongoCollection<Document> users;
  private final MongoClient vertxMongo;
  private final int batchSize;

  DriverWorkloads(Vertx vertx, String uri, String database, int batchSize) {
    this.driver = MongoClients.create(MongoClientSettings.builder().applyConnectionString(new ConnectionString(uri))
        .applicationName("polyport-bench").build());
    this.users = driver.getDatabase(database).getCollection(COLLECTION);
    this.vertxMongo = MongoClient.createShared(vertx, new JsonObject().put("connection_string", uri)
        .put("db_name", database), "polyport-bench");
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

  /** The same read through vertx-mongo-client's findBatch (how Polyport read before it used the driver). */
  Workload vertxRead(String name, int limit) {
    return GrpcWorkloads.workload(name, false, w -> {
      Promise<Long> done = Promise.promise();
      long[] count = {0};
      var options = new FindOptions().setSort(new JsonObject().put("_id", 1)).setBatchSize(batchSize).setLimit(limit);
      vertxMongo.findBatchWithOptions(COLLECTION, new JsonObject(), options)
          .exceptionHandler(done::tryFail)
          .endHandler(v -> done.tryComplete(count[0]))
          .handler(doc -> count[0]++);
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

  /** The same inserts through vertx-mongo-client's bulkWrite (how Polyport imported before it used the driver). */
  Workload vertxInsert(String name, Users users, long records) {
    return GrpcWorkloads.workload(name, false, w -> emailIndex().compose(v -> batches(records, users.source(), this::vertxInsertBatch)));
  }

  /** The server's unique email index (same name and options; creating it again is a no-op). */
  private Future<String> emailIndex() {
    return first(users.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true).name("email_unique")));
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

  private Future<Void> vertxInsertBatch(Users.Source source, int n) {
    JsonObject now = new JsonObject().put("$date", Instant.now().toString());
    List<BulkOperation> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Document d = source.document(null);
      batch.add(BulkOperation.createInsert(new JsonObject()
          .put("_id", new JsonObject().put("$oid", ((ObjectId) d.get("_id")).toHexString()))
          .put("name", d.getString("name")).put("email", d.getString("email"))
          .put("tags", new JsonArray(d.getList("tags", String.class))).put("createTime", now).put("updateTime", now)
          .put("version", 1).put("age", d.getInteger("age"))));
    }
    return vertxMongo.bulkWriteWithOptions(COLLECTION, batch, new BulkWriteOptions(false))
        .compose(r -> r.getInsertedCount() == n ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("inserted " + r.getInsertedCount() + " of " + n)));
  }

  /** The single item of a publisher (such as insertMany's result). */
  static <T> Future<T> first(Publisher<T> publisher) {
    Promise<T> result = Promise.promise();
    publisher.subscribe(new Subscriber<T>() {
      public void onSubscribe(Subscription s) {
        s.request(1);
      }

      public void onNext(T t) {
        result.tryComplete(t);
      }

      public void onError(Throwable t) {
        result.tryFail(t);
      }

      public void onComplete() {
        result.tryFail(new IllegalStateException("no result"));
      }
    });
    return result.future();
  }

  @Override
  public void close() {
    vertxMongo.close();
    driver.close();
  }
}
