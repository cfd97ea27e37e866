package io.polyport.persistence;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ImportError;
import io.polyport.domain.ListQuery;
import io.polyport.domain.NewUser;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.domain.UserPatch;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import org.bson.types.ObjectId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.polyport.persistence.UserDocuments.*;

/** {@link UserRepository} over vertx-mongo-client: every call is asynchronous, lists stream from a batched cursor. */
public final class MongoUserRepository implements UserRepository {
  static final String COLLECTION = "users";
  private static final int MAX_ATTEMPTS = 5;
  private final MongoClient mongo;
  private final int listBatchSize;
  private final CursorStats cursorStats = new CursorStats();

  public MongoUserRepository(MongoClient mongo, int listBatchSize) {
    this.mongo = mongo;
    this.listBatchSize = listBatchSize;
  }

  public CursorStats cursorStats() {
    return cursorStats;
  }

  /**
   * The unique email index, and (on MongoDB 6+) pre-images for change streams so that delete events carry
   * the deleted user's tags; servers without that option just keep delete events id-only.
   */
  @Override
  public Future<Void> ensureIndexes() {
    Future<Void> index = mongo.createIndexWithOptions(COLLECTION, new JsonObject().put(EMAIL, 1),
        new IndexOptions().unique(true).name("email_unique"));
    return MongoErrors.mapped(index.compose(v -> mongo.runCommand("collMod", new JsonObject()
            .put("collMod", COLLECTION)
            .put("changeStreamPreAndPostImages", new JsonObject().put("enabled", true)))
        .otherwiseEmpty()
        .mapEmpty()));
  }

  @Override
  public Future<User> insert(NewUser user, Instant now) {
    String id = new ObjectId().toHexString();
    JsonObject doc = newDocument(id, user, now);
    return MongoErrors.mapped(mongo.insert(COLLECTION, doc)
        .recover(e -> Future.failedFuture(MongoErrors.isDuplicateKey(e) ? MongoErrors.duplicateEmail(user.email()) : e))
        .map(v -> toUser(doc)));
  }

  @Override
  public Future<User> findById(String id) {
    return MongoErrors.mapped(mongo.findOne(COLLECTION, byId(id), null).map(doc -> doc == null ? null : toUser(doc)));
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
    return current(patch.id(), patch.expectedVersion()).compose(current -> {
      JsonObject change = UserDocuments.change(patch, now);
      return mongo.updateCollectionWithOptions(COLLECTION, versioned(current), change, new UpdateOptions())
          .recover(e -> Future.failedFuture(MongoErrors.isDuplicateKey(e) ? MongoErrors.duplicateEmail(patch.email()) : e))
          .compose(result -> {
            if (result.getDocMatched() == 1) {
              return Future.succeededFuture(UserDocuments.applied(current, patch, now));
            }
            return attemptsLeft > 1 ? updateAttempt(patch, now, attemptsLeft - 1) : Future.failedFuture(contended(patch.id()));
          });
    });
  }

  @Override
  public Future<User> delete(String id, int expectedVersion) {
    return MongoErrors.mapped(deleteAttempt(id, expectedVersion, MAX_ATTEMPTS));
  }

  private Future<User> deleteAttempt(String id, int expectedVersion, int attemptsLeft) {
    return current(id, expectedVersion).compose(current -> mongo.removeDocument(COLLECTION, versioned(current))
        .compose(result -> {
          if (result.getRemovedCount() == 1) {
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

  private static JsonObject versioned(User current) {
    return byId(current.id()).put(VERSION, current.version());
  }

  private static ServiceException contended(String id) {
    return new ServiceException(ErrorCode.UNAVAILABLE, "user " + id + " is being changed concurrently; retry");
  }

  @Override
  public ClosableReadStream<User> list(ListQuery query) {
    var filter = new JsonObject();
    if (!query.afterId().isEmpty()) {
      filter.put(ID, new JsonObject().put("$gt", oid(query.afterId())));
    }
    if (!query.tag().isEmpty()) {
      filter.put(TAGS, query.tag());
    }
    var options = new FindOptions().setSort(new JsonObject().put(ID, 1)).setBatchSize(listBatchSize);
    if (query.limit() > 0) {
      options.setLimit(query.limit());
    }
    return new DocumentStream(mongo.findBatchWithOptions(COLLECTION, filter, options), cursorStats, listBatchSize);
  }

  @Override
  public Future<List<ImportError>> insertBatch(List<NewUser> users, Instant now) {
    List<BulkOperation> inserts = new ArrayList<>(users.size());
    for (NewUser u : users) {
      inserts.add(BulkOperation.createInsert(newDocument(new ObjectId().toHexString(), u, now)));
    }
    return mongo.bulkWriteWithOptions(COLLECTION, inserts, new BulkWriteOptions(false))
        .map(ok -> List.<ImportError>of())
        .recover(e -> {
          if (e instanceof MongoBulkWriteException bulk) {
            List<ImportError> errors = new ArrayList<>();
            for (BulkWriteError error : bulk.getWriteErrors()) {
              errors.add(error.getCode() == MongoErrors.DUPLICATE_KEY
                  ? new ImportError(error.getIndex(), ErrorCode.ALREADY_EXISTS,
                      MongoErrors.duplicateEmail(users.get(error.getIndex()).email()).getMessage())
                  : new ImportError(error.getIndex(), ErrorCode.INTERNAL, "the database refused the record"));
            }
            return Future.succeededFuture(errors);
          }
          return MongoErrors.mapped(Future.failedFuture(e));
        });
  }

  @Override
  public Future<Void> ping() {
    return MongoErrors.mapped(mongo.runCommand("ping", new JsonObject().put("ping", 1)).mapEmpty());
  }

  @Override
  public Future<Void> close() {
    return mongo.close();
  }

  private static JsonObject byId(String id) {
    return new JsonObject().put(ID, oid(id));
  }

}
