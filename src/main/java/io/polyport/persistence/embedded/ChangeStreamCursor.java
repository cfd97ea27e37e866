package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import io.polyport.persistence.embedded.ChangeEntry.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A tailable cursor over the {@link ChangeLog}: each batch is the next changes in its scope after its position.
 * It never ends by itself, except when its collection is dropped (drop, then invalidate, then closed).
 */
final class ChangeStreamCursor extends AbstractCursor {
  /** Events per batch when the driver names no batch size. */
  static final int DEFAULT_BATCH_SIZE = 1000;

  private final ChangeLog log;
  private final Scope scope;
  private final ChangeEvents events;
  private final Aggregation stages;
  private final BsonTimestamp notBefore;
  private long position;
  private boolean invalidated;

  /**
   * @param stages the pipeline stages after {@code $changeStream}, or null
   * @param notBefore skip changes before this cluster time (startAtOperationTime), or null
   */
  ChangeStreamCursor(long id, ChangeLog log, Scope scope, ChangeEvents events, Aggregation stages,
                     long position, BsonTimestamp notBefore) {
    super(id);
    this.log = log;
    this.scope = scope;
    this.events = events;
    this.stages = stages;
    this.position = position;
    this.notBefore = notBefore;
  }

  /** Which namespaces a stream watches; a collection's stream is invalidated when that collection is dropped. */
  record Scope(String namespace, Predicate<String> watches, boolean invalidatedByDrop) {
  }

  String namespace() {
    return scope.namespace();
  }

  @Override
  public synchronized boolean isEmpty() {
    return invalidated;
  }

  /**
   * The next events, at most {@code max} (0: up to {@value #DEFAULT_BATCH_SIZE}).
   *
   * @throws MongoServerError ChangeStreamHistoryLost if the ring no longer holds the changes after the position
   */
  @Override
  public synchronized List<Document> takeDocuments(int max) {
    if (invalidated) {
      return List.of();
    }
    List<ChangeEntry> entries = new ArrayList<>();
    long scanned = log.scan(position, max > 0 ? max : DEFAULT_BATCH_SIZE, this::matches, entries);
    List<Document> batch = new ArrayList<>(entries.size());
    ChangeEntry drop = null;
    for (ChangeEntry entry : entries) {
      batch.add(events.event(entry));
      if (entry.kind() == Kind.DROP && scope.invalidatedByDrop()) {
        drop = entry;
        break;
      }
    }
    if (stages != null) {
      batch = stages.runStagesAsStream(batch.stream()).collect(Collectors.toCollection(ArrayList::new));
    }
    if (drop != null) {
      batch.add(events.invalidate(drop));
      invalidated = true;
      position = drop.position();
    } else {
      position = scanned;
    }
    return batch;
  }

  /**
   * Whether a getMore would find something to answer now: a change in scope, the end of the stream, or the
   * error that the history is gone. Moves the position past changes out of scope.
   */
  synchronized boolean hasNext() {
    if (invalidated) {
      return true;
    }
    List<ChangeEntry> next = new ArrayList<>(1);
    try {
      long scanned = log.scan(position, 1, this::matches, next);
      if (next.isEmpty()) {
        position = scanned;
      }
    } catch (MongoServerError historyLost) {
      return true;
    }
    return !next.isEmpty();
  }

  /** The token to resume after everything this cursor has looked at so far. */
  synchronized Document postBatchResumeToken() {
    return events.resumeToken(position);
  }

  private boolean matches(ChangeEntry entry) {
    return scope.watches().test(entry.namespace())
        && (notBefore == null || entry.clusterTime().compareTo(notBefore) >= 0);
  }
}
