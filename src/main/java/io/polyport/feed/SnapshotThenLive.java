package io.polyport.feed;

import io.polyport.domain.EventType;
import io.polyport.domain.User;
import io.polyport.domain.UserEvent;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A snapshot followed by the live events, with no gap and no duplicate: the live subscription is
 * registered (holding its events) before the snapshot is read; once the snapshot has been sent, held and
 * later events are delivered except those whose version the snapshot already showed.
 */
final class SnapshotThenLive implements ClosableReadStream<UserEvent> {
  /** Snapshot users changed this recently are remembered for de-duplication (covers clock skew between writers). */
  private static final Duration RECENT = Duration.ofSeconds(30);

  private final ClosableReadStream<User> snapshot;
  private final Subscription live;
  private final Instant started;
  private final String startToken;
  private final Map<String, Integer> shownVersions = new HashMap<>();
  private ReadStream<?> current;
  private Handler<UserEvent> handler;
  private Handler<Throwable> exceptionHandler;
  private boolean paused;

  SnapshotThenLive(ClosableReadStream<User> snapshot, Subscription live, Instant started) {
    this.snapshot = snapshot;
    this.live = live;
    this.started = started;
    this.startToken = live.lastToken();
    this.current = snapshot;
  }

  @Override
  public ReadStream<UserEvent> handler(Handler<UserEvent> handler) {
    this.handler = handler;
    if (handler == null) {
      close();
      return this;
    }
    snapshot.exceptionHandler(e -> fail(e));
    live.exceptionHandler(e -> fail(e));
    snapshot.endHandler(v -> goLive());
    snapshot.handler(user -> {
      if (!user.updateTime().isBefore(started.minus(RECENT))) {
        shownVersions.put(user.id(), user.version());
      }
      this.handler.handle(new UserEvent(EventType.SNAPSHOT, user, startToken, started));
    });
    return this;
  }

  private void goLive() {
    current = live;
    live.handler(event -> {
      Integer shown = shownVersions.get(event.user().id());
      if (shown != null && event.type() != EventType.DELETED && event.user().version() <= shown) {
        return;
      }
      if (shown != null) {
        shownVersions.remove(event.user().id());
      }
      handler.handle(event);
    });
    if (paused) {
      live.pause();
    }
    live.release();
  }

  private void fail(Throwable e) {
    close();
    if (exceptionHandler != null) {
      exceptionHandler.handle(e);
    }
  }

  @Override
  public ReadStream<UserEvent> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<UserEvent> pause() {
    paused = true;
    current.pause();
    return this;
  }

  @Override
  public ReadStream<UserEvent> resume() {
    paused = false;
    current.resume();
    return this;
  }

  @Override
  public ReadStream<UserEvent> fetch(long amount) {
    current.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<UserEvent> endHandler(Handler<Void> endHandler) {
    return this;
  }

  @Override
  public void close() {
    snapshot.close();
    live.close();
  }

  /** The token of the last live event delivered (the start position during the snapshot). */
  String lastToken() {
    return live.lastToken();
  }
}
