package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;

/**
 * A REST request whose body came gzip- or deflate-compressed, as its handlers should see it: the body inflated
 * ({@link BodyInflater}), without its Content-Encoding and Content-Length (it goes as chunked, as Netty's decompressor
 * labelled it), so the body limits count inflated bytes. Vert.x's own request decompression is not used: a body that
 * failed to inflate there failed inside Netty's pipeline, and the request got no answer at all (HTTP/1.1: the
 * connection closed; HTTP/2: RST_STREAM), while a truncated one ended as if whole. Here a body that cannot be inflated
 * (not gzip, corrupt, truncated) fails the request's stream with {@link BodyInflater.Undecodable}, after the bytes
 * inflated before it, so the handler that reads the body answers it.
 *
 * <p>Backpressure holds through the inflating: while the reader is paused, nothing is inflated and the socket is not
 * read; each compressed chunk is inflated in pieces of at most {@value #PIECE_BYTES} bytes as the reader asks for
 * them (a small chunk that inflates to a lot is not inflated whole). Once the answer is sent, or the stream failed,
 * the rest of the body is read and dropped, not inflated (a gzip bomb over the body limit costs no more work).
 */
public final class InflatedRequest extends HttpServerRequestWrapper {
  static final int PIECE_BYTES = 32 * 1024;
  private final BodyInflater inflater;
  private final MultiMap headers;
  private final Promise<Void> ended = Promise.promise();
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean hooked;
  private boolean bodyEnded;
  private boolean done;
  private boolean pumping;
  private boolean pumpAgain;
  private boolean socketPaused;

  private InflatedRequest(HttpServerRequestInternal delegate, BodyInflater.Coding coding) {
    super(delegate);
    this.inflater = new BodyInflater(coding);
    this.headers = decodedHeaders(delegate);
    delegate.exceptionHandler(this::fail); // the client gone, a reset stream
  }

  /** {@code request} as REST handlers should read it: inflated when it came gzip or deflate, else as it is. */
  public static HttpServerRequest of(HttpServerRequest request) {
    BodyInflater.Coding coding = BodyInflater.coding(request.getHeader(HttpHeaders.CONTENT_ENCODING));
    return coding == null ? request : new InflatedRequest((HttpServerRequestInternal) request, coding);
  }

  private static MultiMap decodedHeaders(HttpServerRequest request) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    headers.remove(HttpHeaders.CONTENT_ENCODING);
    if (headers.contains(HttpHeaders.CONTENT_LENGTH)) {
      headers.remove(HttpHeaders.CONTENT_LENGTH);
      if (request.version() != HttpVersion.HTTP_2) {
        headers.set(HttpHeaders.TRANSFER_ENCODING, "chunked");
      }
    }
    return headers;
  }

  @Override
  public MultiMap headers() {
    return headers;
  }

  @Override
  public HttpServerRequest handler(Handler<Buffer> handler) {
    this.handler = handler;
    hook();
    return this;
  }

  @Override
  public HttpServerRequest endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    hook();
    return this;
  }

  @Override
  public HttpServerRequest exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public HttpServerRequest pause() {
    demand = 0;
    if (!done) {
      pauseSocket(true);
    }
    return this;
  }

  @Override
  public HttpServerRequest resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public HttpServerRequest fetch(long amount) {
    demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    pump();
    return this;
  }

  @Override
  public boolean isEnded() {
    return hooked ? ended.future().isComplete() : delegate.isEnded();
  }

  @Override
  public Future<Void> end() {
    hook();
    return ended.future();
  }

  @Override
  public Future<Buffer> body() {
    Buffer body = Buffer.buffer();
    handler(body::appendBuffer);
    resume();
    return end().map(body);
  }

  /** Forms are not read from a compressed body (their decoder would read the compressed bytes). */
  @Override
  public HttpServerRequest setExpectMultipart(boolean expect) {
    return this;
  }

  @Override
  public boolean isExpectMultipart() {
    return false;
  }

  /** The body's bytes reach this wrapper once someone reads it (as on the request itself). */
  private void hook() {
    if (!hooked) {
      hooked = true;
      delegate.handler(this::received);
      delegate.endHandler(v -> {
        bodyEnded = true;
        pump();
      });
    }
  }

  private void received(Buffer chunk) {
    answeredYet();
    if (!done) {
      inflater.add(chunk);
      pump();
    }
  }

  /** Hands on inflated pieces while the reader wants them; reads the socket only when the inflater needs input. */
  private void pump() {
    if (pumping) {
      pumpAgain = true; // a chunk came while handing on a piece (or from the resume below)
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        pumpOnce();
      } while (pumpAgain && !done);
    } catch (BodyInflater.Undecodable e) {
      fail(e);
    } finally {
      pumping = false;
    }
  }

  /** Whether the answer went before the body ended (a body limit, say): then the rest is dropped, not inflated. */
  private boolean answeredYet() {
    if (!done && delegate.response().ended()) {
      done = true;
      inflater.release();
    }
    return done;
  }

  private void pumpOnce() {
    while (demand > 0 && !answeredYet()) {
      Buffer piece = inflater.next(PIECE_BYTES);
      if (piece == null) {
        break;
      }
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      if (handler != null) {
        handler.handle(piece);
      }
    }
    if (done) {
      return;
    }
    if (demand == 0) {
      pauseSocket(true);
    } else if (bodyEnded) {
      inflater.finish();
      done = true;
      ended.tryComplete();
      if (endHandler != null) {
        endHandler.handle(null);
      }
    } else {
      pauseSocket(false); // the inflater needs more
    }
  }

  private void pauseSocket(boolean pause) {
    if (pause != socketPaused) {
      socketPaused = pause;
      if (pause) {
        delegate.pause();
      } else {
        delegate.resume();
      }
    }
  }

  private void fail(Throwable failure) {
    if (done) {
      return;
    }
    done = true;
    inflater.release();
    ended.tryFail(failure);
    pauseSocket(false); // the rest of the body is read and dropped
    if (exceptionHandler != null) {
      exceptionHandler.handle(failure);
    }
  }
}
