package io.polyport.domain;

/**
 * One request of a feed session, decoded by the adapter: exactly one of the actions is set, or
 * {@code invalid} says why the request could not be decoded.
 */
public record FeedCommand(String requestId, WatchQuery watch, NewUser create, UserPatch update,
                          DeleteRequest delete, ServiceException invalid) {

  /** A delete of {@code id}, only at {@code expectedVersion} when it is non-zero. */
  public record DeleteRequest(String id, int expectedVersion) {
  }

  public static FeedCommand watch(String requestId, WatchQuery q) {
    return new FeedCommand(requestId, q, null, null, null, null);
  }

  public static FeedCommand create(String requestId, NewUser u) {
    return new FeedCommand(requestId, null, u, null, null, null);
  }

  public static FeedCommand update(String requestId, UserPatch p) {
    return new FeedCommand(requestId, null, null, p, null, null);
  }

  public static FeedCommand delete(String requestId, String id, int expectedVersion) {
    return new FeedCommand(requestId, null, null, null, new DeleteRequest(id, expectedVersion), null);
  }

  public static FeedCommand invalid(String requestId, ServiceException why) {
    return new FeedCommand(requestId, null, null, null, null, why);
  }
}
