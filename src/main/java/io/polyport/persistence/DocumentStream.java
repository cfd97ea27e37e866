package io.polyport.persistence;

import io.polyport.domain.User;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A cursor of user documents as users, read one batch ahead. vertx-mongo-client asks the driver for the next
 * batch only once the previous one has been taken from it, so a consumer that converts and writes each user as
 * it arrives leaves the database idle while it works, and then waits for the next getMore. Here arriving
 * documents are only queued; they are handed on in a task of their own, so the next batch is already being
 * fetched while this one is written. The queue is bounded: past {@code highWater} documents (two batches) the
 * cursor is paused, and it resumes below one batch. Pausing this stream stops the hand-over, and with it, once
 * the queue is full, the cursor. Closing it unsubscribes from the driver's publisher, which kills the
 * server-side cursor.
 */
final class DocumentStream implements ClosableReadStream<User> {
  private final ReadStream<JsonObject> cursor;
  private final CursorStats stats;
  private final Context context;
  private final int lowWater;
  private final int highWater;
  private final ArrayDeque<JsonObject> queue = new ArrayDeque<>();
  private Handler<User> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean cursorPaused;
  private boolean cursorEnded;
  private boolean drainScheduled;
  private boolean opened;
  private boolean closed;

  DocumentStream(ReadStream<JsonObject> cursor, CursorStats stats, int batchSize) {
    this.cursor = cursor;
    this.stats = stats;
    this.context = Objects.requireNonNull(Vertx.currentContext(), "a list is opened on a Vert.x context");
    this.lowWater = batchSize;
    this.highWater = 2 * batchSize;
  }

  @Override
  public ReadStream<User> handler(Handler<User> handler) {
    if (closed) {
      return this;
    }
    if (handler == null) {
      close();
      return this;
    }
    this.handler = handler;
    if (!opened) {
      opened = true;
      stats.opened();
      cursor.exceptionHandler(this::failed);
      cursor.endHandler(v -> {
        cursorEnded = true;
        scheduleDrain();
      });
      cursor.handler(this::arrived);
    }
    return this;
  }

  private void arrived(JsonObject doc) {
    if (closed) {
      return;
    }
    stats.read();
    queue.add(doc);
    if (queue.size() >= highWater && !cursorPaused) {
      cursorPaused = true;
      cursor.pause();
    }
    scheduleDrain();
  }

  private void scheduleDrain() {
    if (!drainScheduled && !closed) {
      drainScheduled = true;
      context.runOnContext(v -> drain());
    }
  }

  /** Hands queued users on while there is demand; then the end, once the cursor has ended and all went out. */
  private void drain() {
    drainScheduled = false;
    while (!closed && demand > 0 && !queue.isEmpty()) {
      JsonObject doc = queue.poll();
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(UserDocuments.toUser(doc));
    }
    if (closed) {
      return;
    }
    if (cursorPaused && queue.size() <= lowWater) {
      cursorPaused = false;
      cursor.resume();
    }
    if (cursorEnded && queue.isEmpty()) {
      Handler<Void> end = endHandler;
      finished();
      if (end != null) {
        end.handle(null);
      }
    }
  }

  private void failed(Throwable e) {
    if (closed) {
      return;
    }
    Handler<Throwable> onError = exceptionHandler;
    finished();
    queue.clear();
    if (onError != null) {
      Throwable translated = MongoErrors.translate(e);
      onError.handle(translated != null ? translated : e);
    }
  }

  @Override
  public ReadStream<User> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<User> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<User> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<User> fetch(long amount) {
    if (amount > 0) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
      scheduleDrain();
    }
    return this;
  }

  @Override
  public ReadStream<User> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public void close() {
    if (!closed) {
      cursor.exceptionHandler(null);
      cursor.endHandler(null);
      cursor.handler(null);
      queue.clear();
      finished();
    }
  }

  private void finished() {
    if (!closed) {
      closed = true;
      if (opened) {
        stats.closed();
      }
    }
  }
}
