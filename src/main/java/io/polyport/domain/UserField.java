package io.polyport.domain;

import java.util.Locale;
import java.util.Optional;

/** The fields of a user that an update may change, by their proto field names. */
public enum UserField {
  NAME, EMAIL, AGE, TAGS;

  /** The proto (and mask path) name: name, email, age, tags. */
  public String fieldName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<UserField> byFieldName(String name) {
    for (UserField f : values()) {
      if (f.fieldName().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
