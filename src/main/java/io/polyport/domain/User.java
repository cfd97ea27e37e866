package io.polyport.domain;

import java.time.Instant;
import java.util.List;

/**
 * A stored user. {@code age} is null when unknown; {@code tags} is never null.
 * Timestamps have millisecond precision (what the database keeps).
 */
public record User(String id, String name, String email, Integer age, List<String> tags,
                   Instant createTime, Instant updateTime, int version) {
  public User {
    tags = List.copyOf(tags);
  }
}
