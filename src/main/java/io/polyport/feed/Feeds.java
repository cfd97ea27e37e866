package io.polyport.feed;

import io.polyport.domain.User;
import io.polyport.domain.UserEvent;
import io.polyport.domain.WatchQuery;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Future;

import java.time.Clock;
import java.util.function.Supplier;

/** Live feeds for the service: a subscription as a stream of events, optionally after a snapshot. */
public final class Feeds {
  private final FeedHub hub;
  private final Clock clock;

  public Feeds(FeedHub hub, Clock clock) {
    this.hub = hub;
    this.clock = clock;
  }

  /**
   * The events of {@code query} (already validated), on the calling context. {@code snapshot} supplies the
   * current matching users when a snapshot is asked for; it is read after the live subscription exists.
   */
  public Future<ClosableReadStream<UserEvent>> watch(WatchQuery query, Supplier<ClosableReadStream<User>> snapshot) {
    if (!query.snapshot()) {
      return hub.subscribe(query.tag(), query.resumeToken(), false).map(s -> s);
    }
    var started = clock.instant();
    return hub.subscribe(query.tag(), "", true).map(live -> new SnapshotThenLive(snapshot.get(), live, started));
  }

  /** The token to resume a stream from after it ended (the last event it delivered). */
  public static String lastToken(ClosableReadStream<UserEvent> stream) {
    if (stream instanceof Subscription s) {
      return s.lastToken();
    }
    if (stream instanceof SnapshotThenLive s) {
      return s.lastToken();
    }
    return "";
  }

  public FeedHub hub() {
    return hub;
  }
}
