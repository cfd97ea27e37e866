package io.polyport.persistence;

import io.polyport.domain.User;
import io.polyport.support.ClosableReadStream;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

/**
 * A cursor of user documents as users. Closing it unsubscribes from the driver's publisher, which kills
 * the server-side cursor; pausing it stops the driver from requesting more batches.
 */
final class DocumentStream implements ClosableReadStream<User> {
  private final ReadStream<JsonObject> cursor;
  private final CursorStats stats;
  private boolean opened;
  private boolean closed;

  DocumentStream(ReadStream<JsonObject> cursor, CursorStats stats) {
    this.cursor = cursor;
    this.stats = stats;
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
    if (!opened) {
      opened = true;
      stats.opened();
    }
    cursor.handler(doc -> {
      stats.read();
      handler.handle(UserDocuments.toUser(doc));
    });
    return this;
  }

  @Override
  public ReadStream<User> exceptionHandler(Handler<Throwable> handler) {
    cursor.exceptionHandler(handler == null ? null : e -> {
      finished();
      handler.handle(MongoErrors.translate(e) != null ? MongoErrors.translate(e) : e);
    });
    return this;
  }

  @Override
  public ReadStream<User> pause() {
    cursor.pause();
    return this;
  }

  @Override
  public ReadStream<User> resume() {
    cursor.resume();
    return this;
  }

  @Override
  public ReadStream<User> fetch(long amount) {
    cursor.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<User> endHandler(Handler<Void> endHandler) {
    cursor.endHandler(endHandler == null ? null : v -> {
      finished();
      endHandler.handle(null);
    });
    return this;
  }

  @Override
  public void close() {
    if (!closed) {
      cursor.exceptionHandler(null);
      cursor.endHandler(null);
      cursor.handler(null);
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
