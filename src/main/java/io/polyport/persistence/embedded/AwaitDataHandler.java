package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Makes change streams await data instead of being polled. A getMore on a change stream that has nothing to
 * answer is held here, in front of mongo-java-server's command handler, and passed on when a change in its
 * scope becomes visible or when its {@code maxTimeMS} (the driver's maxAwaitTime; 1 s when absent) has passed.
 * Nothing blocks: the wait is a timer and a callback, both on this channel's event loop. The wire protocol
 * answers one request at a time per connection, so holding one request holds up nothing else; should another
 * request arrive anyway, the held one is answered first.
 */
final class AwaitDataHandler extends ChannelInboundHandlerAdapter {
  static final long DEFAULT_AWAIT_MS = 1000;

  private final ChangeStreams streams;
  private Held held;

  AwaitDataHandler(ChangeStreams streams) {
    this.streams = streams;
  }

  /** A getMore waiting for data; runs (as the change log's waiter) on the thread that publishes a change. */
  private final class Held implements Runnable {
    final ChannelHandlerContext ctx;
    final MongoMessage request;
    final ChangeStreamCursor cursor;
    ScheduledFuture<?> timeout;

    Held(ChannelHandlerContext ctx, MongoMessage request, ChangeStreamCursor cursor) {
      this.ctx = ctx;
      this.request = request;
      this.cursor = cursor;
    }

    @Override
    public void run() {
      ctx.executor().execute(() -> onChange(this));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (held != null) {
      release(held);
    }
    ChangeStreamCursor cursor = awaitableCursor(message);
    if (cursor != null && !cursor.hasNext()) {
      hold(ctx, (MongoMessage) message, cursor);
    } else {
      ctx.fireChannelRead(message);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (held != null) {
      forget(held);
    }
    ctx.fireChannelInactive();
  }

  private ChangeStreamCursor awaitableCursor(Object message) {
    if (message instanceof MongoMessage request
        && request.getDocument().keySet().iterator().next().equalsIgnoreCase("getMore")
        && request.getDocument().get("getMore") instanceof Number cursorId) {
      return streams.find(cursorId.longValue());
    }
    return null;
  }

  private void hold(ChannelHandlerContext ctx, MongoMessage request, ChangeStreamCursor cursor) {
    Held waiting = new Held(ctx, request, cursor);
    held = waiting;
    waiting.timeout = ctx.executor().schedule(() -> release(waiting), awaitMillis(request.getDocument()),
        TimeUnit.MILLISECONDS);
    streams.log().await(waiting);
    if (cursor.hasNext()) {
      release(waiting);
    }
  }

  private void onChange(Held waiting) {
    if (held != waiting) {
      return;
    }
    if (waiting.cursor.hasNext()) {
      release(waiting);
    } else {
      streams.log().await(waiting);
      if (waiting.cursor.hasNext()) {
        release(waiting);
      }
    }
  }

  private void release(Held waiting) {
    if (held != waiting) {
      return;
    }
    forget(waiting);
    waiting.ctx.fireChannelRead(waiting.request);
  }

  private void forget(Held waiting) {
    held = null;
    waiting.timeout.cancel(false);
    streams.log().cancel(waiting);
  }

  private static long awaitMillis(Document getMore) {
    return getMore.get("maxTimeMS") instanceof Number millis && millis.longValue() > 0
        ? millis.longValue() : DEFAULT_AWAIT_MS;
  }
}
