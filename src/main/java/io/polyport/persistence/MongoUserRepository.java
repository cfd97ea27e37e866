package io.polyport.persistence;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ImportError;
import io.polyport.domain.ListQuery;
import io.polyport.domain.NewUser;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.domain.UserField;
import io.polyport.domain.UserPatch;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
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

  @Override
  public Future<Void> ensureIndexes() {
    return MongoErrors.mapped(mongo.createIndexWithOptions(COLLECTION, new JsonObject().put(EMAIL, 1),
        new IndexOptions().unique(true).name("email_unique")));
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

  @Override
  public Future<User> update(UserPatch patch, Instant now) {
    var set = new JsonObject().put(UPDATE_TIME, date(now));
    var unset = new JsonObject();
    for (UserField field : patch.mask()) {
      switch (field) {
        case NAME -> set.put(NAME, patch.name());
        case EMAIL -> set.put(EMAIL, patch.email());
        case TAGS -> set.put(TAGS, new JsonArray(new ArrayList<>(patch.tags())));
        case AGE -> {
          if (patch.age() == null) {
            unset.put(AGE, "");
          } else {
            set.put(AGE, patch.age());
          }
        }
      }
    }
    var change = new JsonObject().put("$set", set).put("$inc", new JsonObject().put(VERSION, 1));
    if (!unset.isEmpty()) {
      change.put("$unset", unset);
    }
    return MongoErrors.mapped(mongo.findOneAndUpdateWithOptions(COLLECTION, conditional(patch.id(), patch.expectedVersion()),
            change, new FindOptions(), new UpdateOptions().setReturningNewDocument(true))
        .recover(e -> Future.failedFuture(MongoErrors.isDuplicateKey(e) ? MongoErrors.duplicateEmail(patch.email()) : e))
        .compose(doc -> doc != null ? Future.succeededFuture(toUser(doc)) : whyNot(patch.id(), patch.expectedVersion())));
  }

  @Override
  public Future<User> delete(String id, int expectedVersion) {
    return MongoErrors.mapped(mongo.findOneAndDeleteWithOptions(COLLECTION, conditional(id, expectedVersion), new FindOptions())
        .compose(doc -> doc != null ? Future.succeededFuture(toUser(doc)) : whyNot(id, expectedVersion)));
  }

  /** After a conditional write matched nothing: was the user missing, or at another version? */
  private Future<User> whyNot(String id, int expectedVersion) {
    return findById(id).compose(current -> Future.failedFuture(current == null
        ? ServiceException.notFound(id)
        : new ServiceException(ErrorCode.FAILED_PRECONDITION, "user " + id + " is at version " + current.version()
            + ", not the expected version " + expectedVersion)));
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
    return new DocumentStream(mongo.findBatchWithOptions(COLLECTION, filter, options), cursorStats);
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

  private static JsonObject conditional(String id, int expectedVersion) {
    var query = byId(id);
    if (expectedVersion != 0) {
      query.put(VERSION, expectedVersion);
    }
    return query;
  }
}
