package io.polyport.domain;

import java.util.List;
import java.util.Set;

/**
 * A change to the fields in {@code mask}; the other values are ignored. {@code age == null} with AGE in
 * the mask clears the age; empty {@code tags} with TAGS clears the tags. {@code expectedVersion} 0 means
 * "any version".
 */
public record UserPatch(String id, int expectedVersion, Set<UserField> mask,
                        String name, String email, Integer age, List<String> tags) {
  public UserPatch {
    mask = Set.copyOf(mask);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
