package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;

import java.util.List;

/**
 * The backend's oplog, replacing mongo-java-server's collection-backed one. Inserts, updates and deletes are
 * not taken from these callbacks (they report failed inserts, and come too late for the deleted documents):
 * the collections record them into the {@link ChangeLog} as they store and remove documents. This records
 * drops, and opens change-stream cursors for callers that go through the {@link Oplog} interface.
 */
final class RingOplog implements Oplog {
  private final ChangeStreams streams;

  RingOplog(ChangeStreams streams) {
    this.streams = streams;
  }

  @Override
  public void handleInsert(String namespace, List<Document> documents) {
    // recorded by the collection, for the documents actually stored
  }

  @Override
  public void handleUpdate(String namespace, Document selector, Document query, List<Object> modifiedIds) {
    // recorded by the collection, with the documents before and after
  }

  @Override
  public void handleDelete(String namespace, Document query, List<Object> deletedIds) {
    // recorded by the collection, with the deleted document
  }

  @Override
  public void handleDropCollection(String namespace) {
    streams.log().dropped(namespace);
  }

  @Override
  public Cursor createCursor(Document changeStreamDocument, String namespace, Aggregation aggregation) {
    return streams.open(Utils.getDatabaseNameFromFullName(namespace), Utils.getCollectionNameFromFullName(namespace),
        changeStreamDocument, aggregation);
  }
}
