package io.polyport.support;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The Netty channel under a Vert.x connection. Vert.x exposes none publicly; this is the one place that
 * reaches into its internal connection base class (5.0.7), for the few things only the channel can do or tell.
 */
public final class VertxChannels {
  private VertxChannels() {
  }

  /** The channel of {@code connection}, or null for a connection of another kind. */
  public static Channel of(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel() : null;
  }
}
