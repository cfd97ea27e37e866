package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The order of unique-index keys is total, and equal exactly when the keys are equal. */
class IndexKeyTypeTest {
  private static final List<Object> VALUES = List.of(1, 2, 1L, 2L, 1.0, 1.5, -0.0, 0.0, Double.NaN, "a", "A", "b", "",
      true, false, Instant.ofEpochMilli(5), new ObjectId("0123456789abcdef01234567"),
      new ObjectId("0123456789abcdef01234568"), new Document("x", 1), new Document("x", 1).append("y", 2),
      new Document("y", 2).append("x", 1), List.of(1, 2), List.of(2), Missing.getInstance());

  private static List<KeyValue> keys() {
    List<KeyValue> keys = new ArrayList<>();
    keys.add(new KeyValue((Object) null));
    for (Object value : VALUES) {
      keys.add(new KeyValue(value));
      keys.add(new KeyValue(value, "tail"));
      keys.add(new KeyValue(value, null));
    }
    return keys;
  }

  @Test
  void theOrderIsTotalAndAgreesWithEquality() {
    List<KeyValue> keys = keys();
    IndexKeyType type = IndexKeyType.INSTANCE;
    for (KeyValue a : keys) {
      for (KeyValue b : keys) {
        int ab = Integer.signum(type.compare(a, b));
        assertThat(ab).as("%s vs %s", a, b).isEqualTo(-Integer.signum(type.compare(b, a)));
        assertThat(ab == 0).as("%s equals %s", a, b).isEqualTo(a.equals(b));
        for (KeyValue c : keys) {
          if (ab <= 0 && type.compare(b, c) <= 0) {
            assertThat(type.compare(a, c)).as("%s <= %s <= %s", a, b, c).isLessThanOrEqualTo(0);
          }
        }
      }
    }
  }

  @Test
  void equalKeysCompareEqualAcrossInstances() {
    assertThat(IndexKeyType.INSTANCE.compare(new KeyValue("a@x", 1L), new KeyValue("a@x", 1L))).isZero();
    assertThat(IndexKeyType.INSTANCE.compare(new KeyValue(new Document("x", List.of(1))),
        new KeyValue(new Document("x", List.of(1))))).isZero();
  }
}
