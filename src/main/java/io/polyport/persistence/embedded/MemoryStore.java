package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;

/** mongo-java-server's memory backend, recording its changes for change streams. Nothing is kept on disk. */
final class MemoryStore extends MemoryBackend implements EmbeddedBackend {
  private final BackendCommands commands;

  MemoryStore(int oplogSize) {
    this.commands = new BackendCommands(
        new ChangeStreams(new ChangeLog(oplogSize), getCursorRegistry(), this::resolveDatabase), () -> { });
  }

  @Override
  public ChangeStreams changeStreams() {
    return commands.streams();
  }

  @Override
  public MemoryDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName);
  }

  @Override
  protected Oplog createOplog() {
    return commands.oplog();
  }

  @Override
  public Document handleCommand(Channel channel, String database, String command, Document query) {
    return commands.handle(channel, database, command, query, super::handleCommand);
  }

  private ChangeLog changeLog() {
    return commands.streams().log();
  }

  private final class Database extends MemoryDatabase {
    Database(String name) {
      super(name, getCursorRegistry());
    }

    @Override
    protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
      return new Collection(this, collectionName, options);
    }
  }

  /** Tells the change log about every document stored, changed or removed. */
  private final class Collection extends MemoryCollection {
    private final CollectionHooks hooks = new CollectionHooks(MemoryStore.this::changeLog);

    Collection(MongoDatabase database, String name, CollectionOptions options) {
      super(database, name, options, getCursorRegistry());
    }

    @Override
    public synchronized void addDocument(Document document) {
      super.addDocument(document);
      hooks.stored(getFullName(), document);
    }

    @Override
    protected void handleUpdate(Integer position, Document before, Document after) {
      super.handleUpdate(position, before, after);
      hooks.changed(getFullName(), before, after);
    }

    @Override
    protected void removeDocument(Integer position) {
      Document before = getDocument(position);
      super.removeDocument(position);
      hooks.removed(getFullName(), before);
    }

    @Override
    public synchronized Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters,
                                                 boolean multi, boolean upsert, Oplog oplog) {
      return hooks.updating(update, () -> super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog));
    }

    @Override
    public synchronized Document findAndModify(Document query) {
      return hooks.updating(query.get("update"), () -> super.findAndModify(query));
    }
  }
}
