package io.polyport.feed;

import io.polyport.domain.ErrorCode;
import io.polyport.domain.EventType;
import io.polyport.domain.ServiceException;
import io.polyport.domain.UserEvent;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One subscriber's live events, on the subscriber's own context: a bounded queue between the hub and the
 * consumer. A consumer that falls more than {@code maxLag} events behind is ended with RESOURCE_EXHAUSTED
 * (its last delivered token in the message), so it never slows the hub, the writers or the others.
 */
final class Subscription implements ClosableReadStream<UserEvent> {
  final Context context;
  private final FeedHub hub;
  private final String tag;
  private final int maxLag;
  private final int holdLimit;
  private final ArrayDeque<UserEvent> queue = new ArrayDeque<>();
  private Handler<UserEvent> handler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private int backlog;
  private boolean holding;
  private boolean closed;
  private String lastToken = "";

  Subscription(Context context, FeedHub hub, String tag, int maxLag, int holdLimit, boolean holding) {
    this.context = context;
    this.hub = hub;
    this.tag = tag;
    this.maxLag = maxLag;
    this.holdLimit = holdLimit;
    this.holding = holding;
  }

  /** Called first, on this context, with the events to replay before the live ones. */
  void start(List<UserEvent> replay, String resumedFrom) {
    lastToken = resumedFrom;
    for (UserEvent e : replay) {
      if (matches(e)) {
        queue.add(e);
      }
    }
    backlog = queue.size();
    drain();
  }

  /** Events from the hub, in order (on this context). */
  void offer(List<UserEvent> events) {
    if (closed) {
      return;
    }
    for (UserEvent e : events) {
      if (matches(e)) {
        queue.add(e);
      }
    }
    if (holding && queue.size() > holdLimit) {
      fail(new ServiceException(ErrorCode.RESOURCE_EXHAUSTED, "more than " + holdLimit
          + " changes happened while the snapshot was being sent; subscribe again"));
      return;
    }
    if (!holding && queue.size() - backlog > maxLag) {
      fail(new ServiceException(ErrorCode.RESOURCE_EXHAUSTED, "the subscriber fell more than " + maxLag
          + " events behind; resume after its last event", lastToken));
      return;
    }
    drain();
  }

  /** While holding (a snapshot is being sent), events wait in the queue, up to the hub's history size. */
  void release() {
    holding = false;
    backlog = queue.size();
    drain();
  }

  boolean holding() {
    return holding;
  }

  private boolean matches(UserEvent e) {
    if (tag.isEmpty() || e.user().tags().contains(tag)) {
      return true;
    }
    // a delete whose pre-image the database did not keep: its tags are unknown, so every tag filter gets it
    return e.type() == EventType.DELETED && e.user().version() == 0;
  }

  private void drain() {
    while (!closed && !holding && demand > 0 && !queue.isEmpty() && handler != null) {
      UserEvent e = queue.poll();
      if (backlog > 0) {
        backlog--;
      }
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      lastToken = e.resumeToken();
      handler.handle(e);
    }
  }

  /** Ends the subscription with an error (overflow, source lost, shutdown). */
  void fail(ServiceException error) {
    if (closed) {
      return;
    }
    close();
    if (exceptionHandler != null) {
      exceptionHandler.handle(error.resumeToken().isEmpty() && !lastToken.isEmpty()
          ? new ServiceException(error.code(), error.getMessage(), lastToken) : error);
    }
  }

  /** The token of the last event handed to the consumer (where to resume). */
  String lastToken() {
    return lastToken;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      queue.clear();
      hub.unsubscribe(this);
    }
  }

  @Override
  public ReadStream<UserEvent> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<UserEvent> handler(Handler<UserEvent> handler) {
    this.handler = handler;
    if (handler == null) {
      close();
    } else {
      drain();
    }
    return this;
  }

  @Override
  public ReadStream<UserEvent> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<UserEvent> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<UserEvent> fetch(long amount) {
    demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    drain();
    return this;
  }

  @Override
  public ReadStream<UserEvent> endHandler(Handler<Void> endHandler) {
    // a live feed does not end by itself: it is closed, or fails
    return this;
  }
}
