package io.polyport.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * A response whose body writes of one event-loop turn go out as one write (up to {@code maxBytes}): a stream
 * of small messages (a gRPC message per user) then costs one HTTP/2 DATA frame per batch instead of one
 * frame, with its flow-control bookkeeping and buffers, per message. Whatever is pending is written before
 * the end, and at the latest when the current event-loop task is over. Backpressure is the underlying
 * response's: at most {@code maxBytes} wait here, and {@link #writeQueueFull()} is the delegate's.
 */
public final class CoalescingHttpServerResponse extends ForwardingHttpServerResponse {
  private final Context context;
  private final int maxBytes;
  private final int minFirstBytes;
  private boolean firstSent;
  private Buffer pending;
  private Promise<Void> pendingWritten;
  private boolean flushScheduled;

  /** Coalesces the writes made on {@code context} (the response's own event loop). */
  public CoalescingHttpServerResponse(HttpServerResponse delegate, Context context, int maxBytes) {
    this(delegate, context, maxBytes, 0);
  }

  /**
   * The same, holding the first write back until it has {@code minFirstBytes} (or the response ends): the
   * HTTP compressor decides on the first chunk's size whether to gzip the whole response. Only for writers
   * that do not wait for a write's future before the next write (they use writeQueueFull and drain).
   */
  public CoalescingHttpServerResponse(HttpServerResponse delegate, Context context, int maxBytes, int minFirstBytes) {
    super(delegate);
    this.context = context;
    this.maxBytes = maxBytes;
    this.minFirstBytes = minFirstBytes;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (pending == null) {
      pending = Buffer.buffer(Math.max(maxBytes, data.length()) + 64);
      pendingWritten = Promise.promise();
    }
    pending.appendBuffer(data);
    Future<Void> written = pendingWritten.future();
    if (pending.length() >= maxBytes) {
      writePending();
    } else if (!firstSent && pending.length() < minFirstBytes) {
      // the first chunk waits for more (or for the end)
    } else if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        writePending();
      });
    }
    return written;
  }

  private void writePending() {
    if (pending != null) {
      Buffer data = pending;
      Promise<Void> written = pendingWritten;
      firstSent = true;
      pending = null;
      pendingWritten = null;
      if (delegate.ended()) {
        written.fail("the response has ended");
        return;
      }
      try {
        delegate.write(data).onComplete(written);
      } catch (IllegalStateException closed) {
        written.tryFail(closed);
      }
    }
  }

  @Override
  public Future<Void> end(Buffer chunk) {
    writePending();
    return delegate.end(chunk);
  }

  @Override
  public Future<Void> end() {
    writePending();
    return delegate.end();
  }

  @Override
  public Future<Void> reset(long code) {
    if (pending != null) {
      pendingWritten.tryFail("the response was reset");
      pending = null;
      pendingWritten = null;
    }
    return delegate.reset(code);
  }
}
