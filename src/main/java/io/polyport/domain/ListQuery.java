package io.polyport.domain;

/** Which users to list, in ascending id order: after {@code afterId} (or from the start when empty),
 * carrying {@code tag} (any when empty), at most {@code limit} (0 = no limit). */
public record ListQuery(String afterId, String tag, int limit) {
  public ListQuery {
    afterId = afterId == null ? "" : afterId;
    tag = tag == null ? "" : tag;
  }
}
