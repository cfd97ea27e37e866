package io.polyport.persistence;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ImportError;
import io.polyport.domain.ListQuery;
import io.polyport.domain.NewUser;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.domain.UserPatch;
import io.polyport.persistence.UserCodecs.NewDocument;
import io.polyport.support.ClosableReadStream;
import io.polyport.support.Publishers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.polyport.persistence.UserDocuments.*;

/**
 * {@link UserRepository} over the MongoDB reactive-streams driver: every call is asynchronous (answers come
 * back on the caller's context), users go straight between BSON and the domain ({@link UserCodecs}), lists
 * stream from a batched cursor read two batches ahead ({@link CursorStream}).
 */
public final class MongoUserRepository implements UserRepository {
  static final String COLLECTION = "users";
  private static final int MAX_ATTEMPTS = 5;
  /** Calls in one coalesced find or insert, at most. */
  private static final int MAX_COALESCED = 256;
  /** The longest a close waits for the commands in flight: the change stream's await (1 s) and a margin. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);
  private final Vertx vertx;
  private final MongoClient client;
  private final ConnectionsInUse connections;
  private final MongoDatabase db;
  private final MongoCollection<User> users;
  private final MongoCollection<RawBsonDocument> newUsers;
  private final int listBatchSize;
  private final CursorStats cursorStats = new CursorStats();
  private final UserBatches batches;
  private final Coalescer<String, User> reads;
  private final Coalescer<NewDocument, User> creates;

  /**
   * {@code inFlightPerLoop}: the by-id finds, and the inserts of new users, each event loop runs at once before it
   * coalesces the calls waiting into one ({@link Coalescer}); 0 = never.
   */
  public MongoUserRepository(Vertx vertx, MongoClient client, ConnectionsInUse connections, String database,
                             int listBatchSize, int inFlightPerLoop) {
    this.vertx = vertx;
    this.client = client;
    this.connections = connections;
    this.db = client.getDatabase(database).withCodecRegistry(UserCodecs.REGISTRY);
    this.users = db.getCollection(COLLECTION, User.class);
    this.newUsers = db.getCollection(COLLECTION, RawBsonDocument.class);
    this.listBatchSize = listBatchSize;
    this.batches = new UserBatches(users, newUsers);
    this.reads = new Coalescer<>(vertx, inFlightPerLoop, MAX_COALESCED, batches::find);
    this.creates = new Coalescer<>(vertx, inFlightPerLoop, MAX_COALESCED, batches::insert);
  }

  public CursorStats cursorStats() {
    return cursorStats;
  }

  /** The by-id reads and the finds that served them. */
  public Coalescer<String, User> reads() {
    return reads;
  }

  /** The creates and the inserts that served them. */
  public Coalescer<?, User> creates() {
    return creates;
  }

  /**
   * Creates the unique email index on {@code users} (a no-op when it exists): here, and in the bench tool's
   * driver baseline, which must make the database do the same index work per insert as this repository does.
   */
  public static org.reactivestreams.Publisher<String> emailIndex(MongoCollection<?> users) {
    return users.createIndex(Indexes.ascending(EMAIL), new IndexOptions().unique(true).name("email_unique"));
  }

  /**
   * The unique email index, and (on MongoDB 6+) pre-images for change streams so that delete events carry
   * the deleted user's tags; servers without that option just keep delete events id-only.
   */
  @Override
  public Future<Void> ensureIndexes() {
    Future<String> index = first(emailIndex(users));
    return MongoErrors.mapped(index.compose(v -> first(db.runCommand(new Document("collMod", COLLECTION)
            .append("changeStreamPreAndPostImages", new Document("enabled", true))))
        .otherwiseEmpty()
        .mapEmpty()));
  }

  @Override
  public Future<User> insert(NewUser user, Instant now) {
    return MongoErrors.mapped(creates.call(new NewDocument(new ObjectId(), user, now)));
  }

  @Override
  public Future<User> findById(String id) {
    return MongoErrors.mapped(reads.call(id));
  }

  /**
   * Read, then one conditional write on {@code {_id, version}} (update/delete commands, not findAndModify:
   * those produce change events on every MongoDB-compatible server). The result is computed from the
   * read document, which the version condition proves was the state the write applied to. Without an
   * expected version, a concurrent change makes it retry.
   */
  @Override
  public Future<User> update(UserPatch patch, Instant now) {
    return MongoErrors.mapped(updateAttempt(patch, now, MAX_ATTEMPTS));
  }

  private Future<User> updateAttempt(UserPatch patch, Instant now, int attemptsLeft) {
    return current(patch.id(), patch.expectedVersion()).compose(current -> first(users.updateOne(versioned(current),
            UserDocuments.change(patch, now)))
        .recover(e -> Future.failedFuture(MongoErrors.isDuplicateKey(e) ? MongoErrors.duplicateEmail(patch.email()) : e))
        .compose(result -> {
          if (result.getMatchedCount() == 1) {
            return Future.succeededFuture(UserDocuments.applied(current, patch, now));
          }
          return attemptsLeft > 1 ? updateAttempt(patch, now, attemptsLeft - 1) : Future.failedFuture(contended(patch.id()));
        }));
  }

  @Override
  public Future<User> delete(String id, int expectedVersion) {
    return MongoErrors.mapped(deleteAttempt(id, expectedVersion, MAX_ATTEMPTS));
  }

  private Future<User> deleteAttempt(String id, int expectedVersion, int attemptsLeft) {
    return current(id, expectedVersion).compose(current -> first(users.deleteOne(versioned(current)))
        .compose(result -> {
          if (result.getDeletedCount() == 1) {
            return Future.succeededFuture(current);
          }
          return attemptsLeft > 1 ? deleteAttempt(id, expectedVersion, attemptsLeft - 1) : Future.failedFuture(contended(id));
        }));
  }

  /** The stored user, NOT_FOUND when missing, FAILED_PRECONDITION when not at the expected version (0 = any). */
  private Future<User> current(String id, int expectedVersion) {
    return findById(id).compose(user -> {
      if (user == null) {
        return Future.failedFuture(ServiceException.notFound(id));
      }
      if (expectedVersion != 0 && user.version() != expectedVersion) {
        return Future.failedFuture(new ServiceException(ErrorCode.FAILED_PRECONDITION, "user " + id
            + " is at version " + user.version() + ", not the expected version " + expectedVersion));
      }
      return Future.succeededFuture(user);
    });
  }

  private static Bson versioned(User current) {
    return UserBatches.byId(current.id()).append(VERSION, new BsonInt32(current.version()));
  }

  private static ServiceException contended(String id) {
    return new ServiceException(ErrorCode.UNAVAILABLE, "user " + id + " is being changed concurrently; retry");
  }

  @Override
  public ClosableReadStream<User> list(ListQuery query) {
    var filter = new Document();
    if (!query.afterId().isEmpty()) {
      filter.append(ID, new Document("$gt", new ObjectId(query.afterId())));
    }
    if (!query.tag().isEmpty()) {
      filter.append(TAGS, query.tag());
    }
    var find = users.find(filter).sort(Sorts.ascending(ID)).batchSize(listBatchSize);
    if (query.limit() > 0) {
      find = find.limit(query.limit());
    }
    return new CursorStream(find, cursorStats, listBatchSize);
  }

  @Override
  public Future<List<ImportError>> insertBatch(List<NewUser> users, Instant now) {
    List<NewDocument> docs = new ArrayList<>(users.size());
    for (NewUser u : users) {
      docs.add(new NewDocument(new ObjectId(), u, now));
    }
    return MongoErrors.mapped(batches.insertMany(vertx.getOrCreateContext(), docs));
  }

  @Override
  public Future<Void> ping() {
    return MongoErrors.mapped(first(db.runCommand(new Document("ping", 1))).mapEmpty());
  }

  /**
   * Closes the client once the commands in flight have answered (at most the change stream's await time and a
   * margin), so that none is failed under it.
   */
  @Override
  public Future<Void> close() {
    return connections.drained(vertx, CLOSE_WAIT).eventually(() -> vertx.executeBlocking(() -> {
      client.close();
      return null;
    }));
  }

  private <T> Future<T> first(org.reactivestreams.Publisher<T> publisher) {
    return Publishers.first(vertx.getOrCreateContext(), publisher);
  }

}
