package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.bson.Document;

import java.util.function.Supplier;

/**
 * What a recording collection does around its writes, shared by the memory and the H2 collections: it tells
 * the {@link ChangeLog} about each document stored, changed or removed. One per collection, used under the
 * collection's lock.
 */
final class CollectionHooks {
  private final Supplier<ChangeLog> log;
  private boolean replacing;

  /** The log is looked up at each change: H2 opens its collections before the backend is fully built. */
  CollectionHooks(Supplier<ChangeLog> log) {
    this.log = log;
  }

  /** Runs an update (or findAndModify) whose changes are replacements when its spec has no operators. */
  <T> T updating(Object updateSpec, Supplier<T> update) {
    boolean outer = replacing;
    replacing = isReplacement(updateSpec);
    try {
      return update.get();
    } finally {
      replacing = outer;
    }
  }

  void stored(String namespace, Document document) {
    log.get().inserted(namespace, document);
  }

  void changed(String namespace, Document before, Document after) {
    log.get().updated(namespace, before, after, replacing);
  }

  void removed(String namespace, Document before) {
    log.get().deleted(namespace, before);
  }

  private static boolean isReplacement(Object updateSpec) {
    return updateSpec instanceof Document spec && spec.keySet().stream().noneMatch(key -> key.startsWith("$"));
  }
}
