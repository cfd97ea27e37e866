package io.polyport.support;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the connection of an open gRPC live feed from being closed by the idle timeout, however quiet the feed.
 * Vert.x's idle timeout is a Netty IdleStateHandler between the socket and the HTTP codec: every byte read or
 * written restarts it. While at least one feed holds a connection, every {@code interval} an HTTP/2 connection
 * is sent a PING (the PING written and the client's ACK both restart the idle timer), unless the previous one is
 * still unanswered: a client that answers none (gone without closing its socket) is closed by the idle timeout as
 * before. An HTTP/1.x connection (gRPC-Web over HTTP/1.1, which has no frame that carries nothing) has its idle
 * timer restarted without a byte: its client is found gone only when a write to it fails.
 * One timer per held connection, on the connection's own event loop; it stops when the last feed lets go or
 * when the connection closes, whichever comes first. Connections that no feed holds close as idle as before.
 */
public final class ConnectionKeepAlive {
  private static final AttributeKey<Held> HELD = AttributeKey.valueOf("polyport.connectionKeepAlive");
  private static final Buffer PING = Buffer.buffer("polyport"); // an HTTP/2 PING carries 8 bytes
  private static final Runnable NOTHING = () -> {
  };
  private final long intervalNanos;

  public ConnectionKeepAlive(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Holds {@code connection} alive until the returned action is run (it may be run more than once, from any
   * thread; only the first run counts).
   */
  public Runnable hold(HttpConnection connection) {
    Channel channel = VertxChannels.of(connection);
    if (channel == null || intervalNanos <= 0) {
      return NOTHING;
    }
    onLoop(channel, () -> held(channel, connection).take());
    boolean[] released = {false};
    return () -> onLoop(channel, () -> {
      if (!released[0]) {
        released[0] = true;
        held(channel, connection).release();
      }
    });
  }

  private Held held(Channel channel, HttpConnection connection) {
    Held held = channel.attr(HELD).get();
    if (held == null) {
      held = new Held(channel, connection);
      channel.attr(HELD).set(held);
      Held created = held;
      channel.closeFuture().addListener(closed -> onLoop(channel, created::stop));
    }
    return held;
  }

  private static void onLoop(Channel channel, Runnable task) {
    if (channel.eventLoop().inEventLoop()) {
      task.run();
    } else {
      channel.eventLoop().execute(task);
    }
  }

  /** The holders of one connection and its timer; touched only on the connection's event loop. */
  private final class Held {
    private final Channel channel;
    private final HttpConnection connection;
    private final boolean http2;
    private int holders;
    private ScheduledFuture<?> timer;
    private boolean unanswered;

    Held(Channel channel, HttpConnection connection) {
      this.channel = channel;
      this.connection = connection;
      this.http2 = channel.pipeline().get(Http2ConnectionHandler.class) != null;
    }

    void take() {
      holders++;
      if (timer == null && channel.isActive()) {
        timer = channel.eventLoop().scheduleAtFixedRate(this::beat, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
      }
    }

    void release() {
      if (holders > 0 && --holders == 0) {
        stop();
      }
    }

    void stop() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    private void beat() {
      if (!channel.isActive()) {
        stop();
      } else if (http2) {
        if (!unanswered) {
          unanswered = true;
          // a failure means the connection is closing, and its close stops the timer
          connection.ping(PING).onSuccess(ack -> unanswered = false);
        }
      } else {
        IdleStateHandler idle = channel.pipeline().get(IdleStateHandler.class);
        if (idle != null) {
          idle.resetReadTimeout();
        }
      }
    }
  }
}
