package io.polyport.persistence;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.vertx.core.Future;

/** Driver failures as domain errors: the only place that reads MongoDB error codes. */
final class MongoErrors {
  static final int DUPLICATE_KEY = 11000;

  private MongoErrors() {
  }

  static boolean isDuplicateKey(Throwable e) {
    return e instanceof MongoException me && me.getCode() == DUPLICATE_KEY;
  }

  static ServiceException duplicateEmail(String email) {
    return new ServiceException(ErrorCode.ALREADY_EXISTS, "a user with email " + email + " already exists");
  }

  static ServiceException translate(Throwable e) {
    if (e instanceof ServiceException se) {
      return se;
    }
    if (e instanceof MongoTimeoutException || e instanceof MongoSocketException
        || e instanceof MongoConnectionPoolClearedException
        || e instanceof MongoServerUnavailableException || e instanceof MongoNotPrimaryException
        || e instanceof MongoNodeIsRecoveringException
        || e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("state should be: open")) {
      return new ServiceException(ErrorCode.UNAVAILABLE, "the database is unavailable");
    }
    return null;
  }

  /** Maps known driver failures; leaves anything else as is (it becomes INTERNAL at the adapter). */
  static <T> Future<T> mapped(Future<T> f) {
    return f.recover(e -> {
      ServiceException se = translate(e);
      return Future.failedFuture(se != null ? se : e);
    });
  }
}
