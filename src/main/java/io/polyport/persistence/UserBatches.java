package io.polyport.persistence;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoCollection;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ImportError;
import io.polyport.domain.ServiceException;
import io.polyport.domain.User;
import io.polyport.persistence.UserCodecs.NewDocument;
import io.polyport.support.Publishers;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.polyport.persistence.UserDocuments.ID;

/**
 * The commands that serve many users at once: a find of several ids, and an unordered insert of several new
 * users with an answer per user. The coalesced reads and creates ({@link Coalescer}) and the import use them.
 */
final class UserBatches {
  private final MongoCollection<User> users;
  private final MongoCollection<RawBsonDocument> newUsers;

  UserBatches(MongoCollection<User> users, MongoCollection<RawBsonDocument> newUsers) {
    this.users = users;
    this.newUsers = newUsers;
  }

  /** A filter the driver sends as it is (a BsonDocument needs no codec lookup, unlike the Filters builders). */
  static BsonDocument byId(String id) {
    return new BsonDocument(ID, new BsonObjectId(new ObjectId(id)));
  }

  /** The user of each id (valid ObjectIds in hex), or null: one find of the distinct ids. */
  Future<List<AsyncResult<User>>> find(Context context, List<String> ids) {
    if (ids.size() == 1) {
      return Publishers.first(context, users.find(byId(ids.get(0))).first()).map(user -> List.of(Future.succeededFuture(user)));
    }
    Set<String> distinct = new LinkedHashSet<>(ids);
    BsonArray in = new BsonArray(distinct.size());
    distinct.forEach(id -> in.add(new BsonObjectId(new ObjectId(id))));
    return Publishers.all(context, users.find(new BsonDocument(ID, new BsonDocument("$in", in))).batchSize(in.size()))
        .map(found -> {
          Map<String, User> byId = new HashMap<>(found.size() * 2);
          found.forEach(user -> byId.put(user.id(), user));
          List<AsyncResult<User>> answers = new ArrayList<>(ids.size());
          ids.forEach(id -> answers.add(Future.succeededFuture(byId.get(id))));
          return answers;
        });
  }

  /** Each new user as stored, or ALREADY_EXISTS for an email taken (before, or earlier in the same batch). */
  Future<List<AsyncResult<User>>> insert(Context context, List<NewDocument> docs) {
    return insertMany(context, docs).map(errors -> {
      List<AsyncResult<User>> answers = new ArrayList<>(docs.size());
      docs.forEach(doc -> answers.add(Future.succeededFuture(doc.stored())));
      errors.forEach(error -> answers.set(error.index(), Future.failedFuture(new ServiceException(error.code(), error.message()))));
      return answers;
    });
  }

  /**
   * One unordered insert: the documents refused, by index (an email already taken is ALREADY_EXISTS, naming it);
   * a failure of the whole command (no per-document answer) fails the future.
   */
  Future<List<ImportError>> insertMany(Context context, List<NewDocument> docs) {
    List<RawBsonDocument> inserts = new ArrayList<>(docs.size());
    docs.forEach(doc -> inserts.add(doc.bson()));
    return Publishers.first(context, newUsers.insertMany(inserts, new InsertManyOptions().ordered(false)))
        .map(ok -> List.<ImportError>of())
        .recover(e -> {
          if (e instanceof MongoBulkWriteException bulk && bulk.getWriteConcernError() == null) {
            List<ImportError> errors = new ArrayList<>();
            for (BulkWriteError error : bulk.getWriteErrors()) {
              errors.add(error.getCode() == MongoErrors.DUPLICATE_KEY
                  ? new ImportError(error.getIndex(), ErrorCode.ALREADY_EXISTS,
                      MongoErrors.duplicateEmail(docs.get(error.getIndex()).user().email()).getMessage())
                  : new ImportError(error.getIndex(), ErrorCode.INTERNAL, "the database refused the record"));
            }
            return Future.succeededFuture(errors);
          }
          return Future.failedFuture(e);
        });
  }
}
