package io.polyport.domain;

/**
 * A subscription: events for users carrying {@code tag} (every user when empty), preceded by a snapshot of
 * the matching users when {@code snapshot}, starting after {@code resumeToken} when it is not empty.
 */
public record WatchQuery(String tag, boolean snapshot, String resumeToken) {
  public WatchQuery {
    tag = tag == null ? "" : tag;
    resumeToken = resumeToken == null ? "" : resumeToken;
  }
}
