package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;

import java.util.Set;

/**
 * The options of a {@code $changeStream} stage, as the driver sends them.
 *
 * @param fullDocument "default", "updateLookup", "whenAvailable" or "required"
 * @param beforeChange "off", "whenAvailable" or "required"
 * @param resumeToken the {@code resumeAfter} or {@code startAfter} token, or null
 * @param startAtOperationTime or null
 */
record ChangeStreamSpec(String fullDocument, String beforeChange, Object resumeToken,
                        BsonTimestamp startAtOperationTime) {
  private static final Set<String> FULL_DOCUMENT =
      Set.of("default", "updateLookup", "whenAvailable", "required");
  private static final Set<String> BEFORE_CHANGE = Set.of("off", "whenAvailable", "required");

  /**
   * Parses and checks the stage's document.
   *
   * @throws de.bwaldvogel.mongo.exception.MongoServerError BadValue for an option it cannot honour
   */
  static ChangeStreamSpec parse(Object stage) {
    if (!(stage instanceof Document options)) {
      throw ChangeStreamErrors.badValue("$changeStream must be an object");
    }
    String fullDocument = option(options, "fullDocument", "default", FULL_DOCUMENT);
    String beforeChange = option(options, "fullDocumentBeforeChange", "off", BEFORE_CHANGE);
    Object resumeAfter = options.get("resumeAfter");
    Object startAfter = options.get("startAfter");
    Object startAt = options.get("startAtOperationTime");
    int starts = (resumeAfter != null ? 1 : 0) + (startAfter != null ? 1 : 0) + (startAt != null ? 1 : 0);
    if (starts > 1) {
      throw ChangeStreamErrors.badValue("only one of resumeAfter, startAfter and startAtOperationTime may be given");
    }
    if (startAt != null && !(startAt instanceof BsonTimestamp)) {
      throw ChangeStreamErrors.badValue("startAtOperationTime must be a timestamp");
    }
    return new ChangeStreamSpec(fullDocument, beforeChange, resumeAfter != null ? resumeAfter : startAfter,
        (BsonTimestamp) startAt);
  }

  private static String option(Document options, String name, String absent, Set<String> allowed) {
    Object value = options.getOrDefault(name, absent);
    if (!(value instanceof String text) || !allowed.contains(text)) {
      throw ChangeStreamErrors.badValue("unsupported " + name + ": " + value + " (one of " + allowed + ")");
    }
    return text;
  }

  /** Whether update events carry the document after the update. */
  boolean postImageOnUpdate() {
    return !"default".equals(fullDocument);
  }

  /** Whether update, replace and delete events carry the document before the change. */
  boolean preImage() {
    return !"off".equals(beforeChange);
  }
}
