package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;

import java.time.Instant;

/**
 * One recorded change, immutable once in the {@link ChangeLog}. The documents are private copies: nothing
 * mutates them after recording, so several cursors may encode them at the same time.
 *
 * @param position strictly increasing position in the log (the resume token encodes it)
 * @param clusterTime strictly increasing with the position
 * @param namespace "db.collection"
 * @param id the {@code _id} of the changed document (null for a drop)
 * @param after the document after the change (insert, update, replace), else null
 * @param before the document before the change (update, replace, delete), else null
 */
record ChangeEntry(long position, BsonTimestamp clusterTime, Instant wallTime, Kind kind, String namespace,
                   Object id, Document after, Document before) {

  /** What happened, with MongoDB's operationType name. */
  enum Kind {
    INSERT("insert"), UPDATE("update"), REPLACE("replace"), DELETE("delete"), DROP("drop");

    private final String operationType;

    Kind(String operationType) {
      this.operationType = operationType;
    }

    String operationType() {
      return operationType;
    }
  }

  String database() {
    return namespace.substring(0, namespace.indexOf('.'));
  }

  String collection() {
    return namespace.substring(namespace.indexOf('.') + 1);
  }
}
