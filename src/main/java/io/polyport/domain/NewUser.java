package io.polyport.domain;

import java.util.List;

/** What a client supplies to create a user; {@code age} null when not given, {@code tags} never null. */
public record NewUser(String name, String email, Integer age, List<String> tags) {
  public NewUser {
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
