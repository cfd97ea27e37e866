package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.bson.Document;
import io.polyport.persistence.embedded.ChangeEntry.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Turns recorded changes into change events in MongoDB's documented format. */
final class ChangeEvents {
  private final long epoch;
  private final ChangeStreamSpec spec;

  ChangeEvents(long epoch, ChangeStreamSpec spec) {
    this.epoch = epoch;
    this.spec = spec;
  }

  Document resumeToken(long position) {
    return ResumeToken.of(epoch, position);
  }

  Document event(ChangeEntry entry) {
    Document event = header(entry, entry.kind().operationType())
        .append("ns", new Document("db", entry.database()).append("coll", entry.collection()));
    if (entry.kind() == Kind.DROP) {
      return event;
    }
    event.append("documentKey", new Document("_id", entry.id()));
    if (entry.kind() == Kind.UPDATE) {
      event.append("updateDescription", updateDescription(entry.before(), entry.after()));
    }
    if (entry.kind() == Kind.INSERT || entry.kind() == Kind.REPLACE
        || entry.kind() == Kind.UPDATE && spec.postImageOnUpdate()) {
      event.append("fullDocument", entry.after());
    }
    if (entry.before() != null && spec.preImage()) {
      event.append("fullDocumentBeforeChange", entry.before());
    }
    return event;
  }

  /** The event that closes a collection's stream after the collection was dropped. */
  Document invalidate(ChangeEntry drop) {
    return header(drop, "invalidate");
  }

  private Document header(ChangeEntry entry, String operationType) {
    return new Document("_id", resumeToken(entry.position()))
        .append("operationType", operationType)
        .append("clusterTime", entry.clusterTime())
        .append("wallTime", entry.wallTime());
  }

  /** The top-level fields that changed (MongoDB names nested paths; this names their top-level field). */
  private static Document updateDescription(Document before, Document after) {
    Document updated = new Document();
    for (Map.Entry<String, Object> field : after.entrySet()) {
      if (!before.containsKey(field.getKey()) || !Objects.equals(before.get(field.getKey()), field.getValue())) {
        updated.append(field.getKey(), field.getValue());
      }
    }
    List<String> removed = new ArrayList<>();
    for (String field : before.keySet()) {
      if (!after.containsKey(field)) {
        removed.add(field);
      }
    }
    return new Document("updatedFields", updated)
        .append("removedFields", removed)
        .append("truncatedArrays", List.of());
  }
}
