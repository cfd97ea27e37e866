package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;

/** The errors a change stream answers with, as MongoDB names and numbers them, and their reply documents. */
final class ChangeStreamErrors {
  static final int BAD_VALUE = 2;
  static final int CHANGE_STREAM_HISTORY_LOST = 286;

  private ChangeStreamErrors() {
  }

  static MongoServerError historyLost() {
    return new MongoServerError(CHANGE_STREAM_HISTORY_LOST, "ChangeStreamHistoryLost",
        "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
  }

  static MongoServerError badValue(String message) {
    return new MongoServerError(BAD_VALUE, "BadValue", message);
  }

  /** The reply to a failed command; returned rather than thrown so that the server does not log it as a fault. */
  static Document reply(MongoServerError error) {
    return new Document("ok", 0.0)
        .append("errmsg", error.getMessageWithoutErrorCode())
        .append("code", error.getCode())
        .append("codeName", error.getCodeName());
  }
}
