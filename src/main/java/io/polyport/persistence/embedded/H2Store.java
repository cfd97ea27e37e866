package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * mongo-java-server's H2 backend, recording its changes for change streams, and committing the store after
 * every command that may have written, before the answer is sent: an acknowledged write survives kill -9.
 */
final class H2Store extends H2Backend implements EmbeddedBackend {
  private static final Logger LOG = LoggerFactory.getLogger(H2Store.class);
  /** The map names H2Database uses for a collection's documents and metadata (the same file layout). */
  private static final String DATA_MAP_PREFIX = "databases.";
  private static final String META_MAP_PREFIX = "meta.";
  /**
   * Unique indexes live in maps "db.collection._index_by_value_name", ordered by {@link IndexKeyType}. H2Database
   * named them "db.collection._index_name" and ordered them differently: those are dropped, and the indexes are
   * rebuilt from the documents when their collection is opened and they are found empty.
   */
  private static final String INDEX_MAP_INFIX = "._index_by_value_";
  private static final String OLD_INDEX_MAP_INFIX = "._index_";

  private final BackendCommands commands;

  H2Store(MVStore store, int oplogSize) {
    super(store);
    this.commands = new BackendCommands(
        new ChangeStreams(new ChangeLog(oplogSize), getCursorRegistry(), this::resolveDatabase), this::commit);
    dropCollectionBackedOplog();
    dropOldIndexMaps();
  }

  @Override
  public ChangeStreams changeStreams() {
    return commands.streams();
  }

  @Override
  protected MongoDatabase openOrCreateDatabase(String databaseName) {
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

  /**
   * Earlier versions kept mongo-java-server's oplog in the file, as the database "local" with the collection
   * "oplog.rs". It only costs space now: drop that database, unless it holds something else.
   */
  private void dropCollectionBackedOplog() {
    String prefix = DATA_MAP_PREFIX + "local.";
    List<String> collections = getMvStore().getMapNames().stream()
        .filter(name -> name.startsWith(prefix))
        .map(name -> name.substring(prefix.length()))
        .filter(name -> !name.startsWith("system."))
        .toList();
    if (collections.equals(List.of("oplog.rs"))) {
      dropDatabase("local");
      commit();
      LOG.info("dropped the old oplog (local.oplog.rs)");
    }
  }

  private void dropOldIndexMaps() {
    List<String> old = getMvStore().getMapNames().stream()
        .filter(name -> name.contains(OLD_INDEX_MAP_INFIX) && !name.contains(INDEX_MAP_INFIX))
        .toList();
    if (!old.isEmpty()) {
      old.forEach(getMvStore()::removeMap);
      commit();
      LOG.info("rebuilt {} unique indexes in the value-ordered layout", old.size());
    }
  }

  /** Called by collections at each change, never while the backend is being built. */
  private ChangeLog changeLog() {
    return commands.streams().log();
  }

  private final class Database extends H2Database {
    Database(String name) {
      super(name, getMvStore(), getCursorRegistry());
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                    boolean sparse) {
      MVMap<KeyValue, Object> positions = getMvStore().openMap(indexMapName(collectionName, indexName),
          new MVMap.Builder<KeyValue, Object>().keyType(IndexKeyType.INSTANCE));
      return new MapUniqueIndex(positions, indexName, keys, sparse);
    }

    @Override
    protected void dropIndex(MongoCollection<Object> collection, String indexName) {
      super.dropIndex(collection, indexName);
      getMvStore().removeMap(indexMapName(collection.getCollectionName(), indexName));
    }

    private String indexMapName(String collectionName, String indexName) {
      return getFullCollectionNamespace(collectionName) + INDEX_MAP_INFIX + indexName;
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
      String namespace = getFullCollectionNamespace(collectionName);
      MVMap<Object, Document> data = getMvStore().openMap(DATA_MAP_PREFIX + namespace);
      MVMap<String, Object> meta = getMvStore().openMap(META_MAP_PREFIX + namespace);
      return new Collection(this, collectionName, options, data, meta);
    }
  }

  /** Tells the change log about every document stored, changed or removed. */
  private final class Collection extends H2Collection {
    private final CollectionHooks hooks = new CollectionHooks(H2Store.this::changeLog);

    Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> data,
               MVMap<String, Object> meta) {
      super(database, name, options, data, meta, getCursorRegistry());
    }

    @Override
    public synchronized void addDocument(Document document) {
      super.addDocument(document);
      hooks.stored(getFullName(), document);
    }

    @Override
    protected void handleUpdate(Object position, Document before, Document after) {
      super.handleUpdate(position, before, after);
      hooks.changed(getFullName(), before, after);
    }

    @Override
    protected void removeDocument(Object position) {
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
