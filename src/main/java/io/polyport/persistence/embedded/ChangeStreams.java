package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.CursorNotFoundException;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.NoopOplog;
import io.polyport.persistence.embedded.ChangeStreamCursor.Scope;

import java.util.List;

/**
 * Answers the commands of change streams from the {@link ChangeLog}: an {@code aggregate} whose first stage is
 * {@code $changeStream} opens a {@link ChangeStreamCursor}; its {@code getMore}s take the next events. Replies
 * carry {@code postBatchResumeToken}, so the driver resumes from the newest position it has seen even when no
 * event was in scope. Errors are returned as replies, not thrown.
 */
final class ChangeStreams {
  private final ChangeLog log;
  private final CursorRegistry cursors;
  private final DatabaseResolver databases;

  ChangeStreams(ChangeLog log, CursorRegistry cursors, DatabaseResolver databases) {
    this.log = log;
    this.cursors = cursors;
    this.databases = databases;
  }

  ChangeLog log() {
    return log;
  }

  static boolean isChangeStream(Document aggregate) {
    return aggregate.get("pipeline") instanceof List<?> pipeline && !pipeline.isEmpty()
        && pipeline.get(0) instanceof Document first && first.containsKey("$changeStream");
  }

  /** Opens a stream and answers with its first batch (the events already after its start, if any). */
  Document aggregate(String database, Document command) {
    try {
      List<Document> pipeline = Aggregation.parse(command.get("pipeline"));
      ChangeStreamCursor cursor = open(database, command.get("aggregate"), pipeline);
      List<Document> batch = cursor.takeDocuments(batchSize(command.get("cursor")));
      return reply("firstBatch", cursor, batch);
    } catch (MongoServerError e) {
      return ChangeStreamErrors.reply(e);
    }
  }

  /** Answers a getMore on a change stream's cursor, or returns null if the cursor is not one. */
  Document getMore(Document command) {
    ChangeStreamCursor cursor = find(((Number) command.get("getMore")).longValue());
    if (cursor == null) {
      return null;
    }
    try {
      return reply("nextBatch", cursor, cursor.takeDocuments(batchSize(command)));
    } catch (MongoServerError e) {
      cursors.remove(cursor);
      return ChangeStreamErrors.reply(e);
    }
  }

  /** The change stream's cursor with this id, or null. */
  ChangeStreamCursor find(long cursorId) {
    try {
      Cursor cursor = cursors.getCursor(cursorId);
      return cursor instanceof ChangeStreamCursor stream ? stream : null;
    } catch (CursorNotFoundException e) {
      return null;
    }
  }

  private ChangeStreamCursor open(String database, Object target, List<Document> pipeline) {
    Aggregation stages = pipeline.size() == 1 ? null : Aggregation.fromPipeline(pipeline.subList(1, pipeline.size()),
        databases, databases.resolve(database), null, NoopOplog.get());
    return open(database, target, pipeline.get(0).get("$changeStream"), stages);
  }

  /**
   * Opens a stream on {@code database} and {@code target} (a collection name, or 1 for the whole database).
   *
   * @param stages the pipeline after {@code $changeStream}, or null
   */
  ChangeStreamCursor open(String database, Object target, Object options, Aggregation stages) {
    ChangeStreamSpec spec = ChangeStreamSpec.parse(options);
    Scope scope = scope(database, target, (Document) options);
    long start = startPosition(spec);
    ChangeStreamCursor cursor = new ChangeStreamCursor(cursors.generateCursorId(), log, scope,
        new ChangeEvents(log.epoch(), spec), stages, start, spec.startAtOperationTime());
    cursors.add(cursor);
    return cursor;
  }

  private long startPosition(ChangeStreamSpec spec) {
    if (spec.resumeToken() != null) {
      long position = ResumeToken.position(spec.resumeToken(), log.epoch());
      if (position > log.visible()) {
        throw ChangeStreamErrors.badValue("resume token " + spec.resumeToken() + " is ahead of the oplog");
      }
      if (position < log.evictedThrough()) {
        throw ChangeStreamErrors.historyLost();
      }
      return position;
    }
    if (spec.startAtOperationTime() != null) {
      return log.positionBefore(spec.startAtOperationTime());
    }
    return log.visible();
  }

  private static Scope scope(String database, Object target, Document options) {
    if (target instanceof String collection) {
      String namespace = database + "." + collection;
      return new Scope(namespace, namespace::equals, true);
    }
    String namespace = database + ".$cmd.aggregate";
    if ("admin".equals(database) && Boolean.TRUE.equals(options.get("allChangesForCluster"))) {
      return new Scope(namespace, ns -> true, false);
    }
    String prefix = database + ".";
    return new Scope(namespace, ns -> ns.startsWith(prefix), false);
  }

  private Document reply(String batchField, ChangeStreamCursor cursor, List<Document> batch) {
    boolean closed = cursor.isEmpty();
    if (closed) {
      cursors.remove(cursor);
    }
    Document body = new Document("id", closed ? 0L : cursor.getId())
        .append("ns", cursor.namespace())
        .append(batchField, batch)
        .append("postBatchResumeToken", cursor.postBatchResumeToken());
    return new Document("cursor", body).append("ok", 1.0);
  }

  private static int batchSize(Object options) {
    return options instanceof Document document && document.get("batchSize") instanceof Number size
        ? size.intValue() : 0;
  }
}
