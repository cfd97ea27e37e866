package io.polyport.domain;

/**
 * One message a feed session sends: a live event, or the result of one request ({@code error} null on
 * success; {@code user} the resulting user for creates and updates).
 */
public record FeedOutput(UserEvent event, Result result) {

  /** The outcome of the request {@code requestId}. */
  public record Result(String requestId, ServiceException error, User user) {
  }

  public static FeedOutput event(UserEvent e) {
    return new FeedOutput(e, null);
  }

  public static FeedOutput result(String requestId, ServiceException error, User user) {
    return new FeedOutput(null, new Result(requestId, error, user));
  }
}
