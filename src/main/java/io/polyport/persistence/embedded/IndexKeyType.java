package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.h2.mvstore.type.ObjectDataType;

import java.time.Instant;
import java.util.List;

/**
 * The key type of H2 unique-index maps. H2's {@link ObjectDataType} orders keys of classes it does not know (such
 * as {@link KeyValue}) by their Java-serialized bytes, serializing both keys at every comparison of every B-tree
 * search: most of the cost of an insert. This orders a key value by value: by the kind of each value first,
 * then by its natural order for the common scalar kinds, and by its serialized bytes only for other kinds
 * (documents, arrays, binary...). That is a total order in which two keys are equal exactly when they were equal
 * before (same class and value), so uniqueness is unchanged. Keys are still written as H2 writes them.
 */
final class IndexKeyType extends ObjectDataType {
  static final IndexKeyType INSTANCE = new IndexKeyType();
  /** Value kinds in key order; a value of none of these classes is of the kind "other". */
  private static final List<Class<?>> KINDS = List.of(Missing.class, Boolean.class, Integer.class, Long.class,
      Double.class, String.class, ObjectId.class, Instant.class);
  private static final int NULL_KIND = -1;
  private static final int OTHER_KIND = KINDS.size();

  private IndexKeyType() {
  }

  @Override
  public int compare(Object a, Object b) {
    if (a instanceof KeyValue left && b instanceof KeyValue right) {
      int common = Math.min(left.size(), right.size());
      for (int i = 0; i < common; i++) {
        int byValue = compareValues(left.get(i), right.get(i));
        if (byValue != 0) {
          return byValue;
        }
      }
      return Integer.compare(left.size(), right.size());
    }
    return super.compare(a, b);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Object a, Object b) {
    int kind = kind(a);
    int byKind = Integer.compare(kind, kind(b));
    if (byKind != 0 || kind == NULL_KIND || a == b) {
      return byKind;
    }
    if (kind == OTHER_KIND) {
      return compareNotNull(serialize(a), serialize(b));
    }
    if (kind == 0) {
      return 0;
    }
    return ((Comparable) a).compareTo(b);
  }

  private static int kind(Object value) {
    if (value == null) {
      return NULL_KIND;
    }
    int kind = KINDS.indexOf(value.getClass());
    return kind < 0 ? OTHER_KIND : kind;
  }
}
