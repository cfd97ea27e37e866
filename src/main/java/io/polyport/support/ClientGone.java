package io.polyport.support;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;

import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

/**
 * The one rule, for both protocols, of when a failure is the client gone rather than a failure of the server: the
 * call's connection closed, or its stream was reset or closed, under a read or a write (a killed client, a cancel, a
 * Feed client that closed its socket with answers unread; also a server that stopped under a call). Such a call is
 * CANCELLED, logged at debug, and nothing more is sent.
 */
public final class ClientGone {
  private ClientGone() {
  }

  /** Whether {@code failure}, or one of its causes, is the client gone. */
  public static boolean is(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpClosedException || t instanceof StreamResetException || t instanceof ClosedChannelException
          || t instanceof SocketException // "Connection reset": the client closed with a reset (RST), not a FIN
          || t instanceof Http2Exception.StreamException se && se.error() == Http2Error.STREAM_CLOSED) {
        return true;
      }
    }
    return false;
  }
}
