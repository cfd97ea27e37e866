package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpFrame;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.StreamPriority;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.core.net.HostAndPort;

import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.util.Set;

/** An HttpServerResponse that forwards everything to another one; subclasses change what they need. */
public class ForwardingHttpServerResponse implements HttpServerResponse {
  protected final HttpServerResponse delegate;

  public ForwardingHttpServerResponse(HttpServerResponse delegate) {
    this.delegate = delegate;
  }

  /**
   * One of the delegate's single-handler slots (close, headers end) that a subclass uses itself: set it on the
   * delegate, and return this from the wrapper's setter after {@link #then}. The subclass's own action runs first,
   * then the handler given to the wrapper, if any.
   */
  static final class OwnedHandler implements Handler<Void> {
    private final Runnable first;
    private Handler<Void> then;

    OwnedHandler(Runnable first) {
      this.first = first;
    }

    void then(Handler<Void> handler) {
      this.then = handler;
    }

    @Override
    public void handle(Void v) {
      first.run();
      if (then != null) {
        then.handle(v);
      }
    }
  }

  /** {@code request} as its handlers should see it: the same, answered through {@code response}. */
  public static HttpServerRequest answeredBy(HttpServerRequest request, HttpServerResponse response) {
    return new HttpServerRequestWrapper((HttpServerRequestInternal) request) {
      @Override
      public HttpServerResponse response() {
        return response;
      }
    };
  }

  // @formatter:off
  @Override public HttpServerResponse exceptionHandler(Handler<Throwable> h) { delegate.exceptionHandler(h); return this; }
  @Override public Future<Void> write(Buffer data) { return delegate.write(data); }
  @Override public HttpServerResponse setWriteQueueMaxSize(int maxSize) { delegate.setWriteQueueMaxSize(maxSize); return this; }
  @Override public boolean writeQueueFull() { return delegate.writeQueueFull(); }
  @Override public HttpServerResponse drainHandler(Handler<Void> h) { delegate.drainHandler(h); return this; }
  @Override public int getStatusCode() { return delegate.getStatusCode(); }
  @Override public HttpServerResponse setStatusCode(int code) { delegate.setStatusCode(code); return this; }
  @Override public String getStatusMessage() { return delegate.getStatusMessage(); }
  @Override public HttpServerResponse setStatusMessage(String m) { delegate.setStatusMessage(m); return this; }
  @Override public HttpServerResponse setChunked(boolean chunked) { delegate.setChunked(chunked); return this; }
  @Override public boolean isChunked() { return delegate.isChunked(); }
  @Override public MultiMap headers() { return delegate.headers(); }
  @Override public HttpServerResponse putHeader(String n, String v) { delegate.putHeader(n, v); return this; }
  @Override public HttpServerResponse putHeader(CharSequence n, CharSequence v) { delegate.putHeader(n, v); return this; }
  @Override public HttpServerResponse putHeader(String n, Iterable<String> v) { delegate.putHeader(n, v); return this; }
  @Override public HttpServerResponse putHeader(CharSequence n, Iterable<CharSequence> v) { delegate.putHeader(n, v); return this; }
  @Override public MultiMap trailers() { return delegate.trailers(); }
  @Override public HttpServerResponse putTrailer(String n, String v) { delegate.putTrailer(n, v); return this; }
  @Override public HttpServerResponse putTrailer(CharSequence n, CharSequence v) { delegate.putTrailer(n, v); return this; }
  @Override public HttpServerResponse putTrailer(String n, Iterable<String> v) { delegate.putTrailer(n, v); return this; }
  @Override public HttpServerResponse putTrailer(CharSequence n, Iterable<CharSequence> v) { delegate.putTrailer(n, v); return this; }
  @Override public HttpServerResponse closeHandler(Handler<Void> h) { delegate.closeHandler(h); return this; }
  @Override public HttpServerResponse endHandler(Handler<Void> h) { delegate.endHandler(h); return this; }
  @Override public Future<Void> writeHead() { return delegate.writeHead(); }
  @Override public Future<Void> write(String chunk, String enc) { return write(Buffer.buffer(chunk, enc)); }
  @Override public Future<Void> write(String chunk) { return write(Buffer.buffer(chunk)); }
  @Override public Future<Void> writeContinue() { return delegate.writeContinue(); }
  @Override public Future<Void> writeEarlyHints(MultiMap headers) { return delegate.writeEarlyHints(headers); }
  @Override public Future<Void> end(String chunk) { return end(Buffer.buffer(chunk)); }
  @Override public Future<Void> end(String chunk, String enc) { return end(Buffer.buffer(chunk, enc)); }
  @Override public Future<Void> end(Buffer chunk) { return delegate.end(chunk); }
  @Override public Future<Void> end() { return delegate.end(); }
  @Override public Future<Void> sendFile(String file, long offset, long length) { return delegate.sendFile(file, offset, length); }
  @Override public Future<Void> sendFile(FileChannel ch, long offset, long length) { return delegate.sendFile(ch, offset, length); }
  @Override public Future<Void> sendFile(RandomAccessFile f, long offset, long length) { return delegate.sendFile(f, offset, length); }
  @Override public boolean ended() { return delegate.ended(); }
  @Override public boolean closed() { return delegate.closed(); }
  @Override public boolean headWritten() { return delegate.headWritten(); }
  @Override public HttpServerResponse headersEndHandler(Handler<Void> h) { delegate.headersEndHandler(h); return this; }
  @Override public HttpServerResponse bodyEndHandler(Handler<Void> h) { delegate.bodyEndHandler(h); return this; }
  @Override public long bytesWritten() { return delegate.bytesWritten(); }
  @Override public int streamId() { return delegate.streamId(); }
  @Override public Future<HttpServerResponse> push(HttpMethod m, HostAndPort a, String p, MultiMap h) { return delegate.push(m, a, p, h); }
  @Override public Future<Void> reset(long code) { return delegate.reset(code); }
  @Override public Future<Void> writeCustomFrame(int type, int flags, Buffer payload) { return delegate.writeCustomFrame(type, flags, payload); }
  @Override public Future<Void> writeCustomFrame(HttpFrame frame) { return delegate.writeCustomFrame(frame); }
  @Override public HttpServerResponse setStreamPriority(StreamPriority p) { delegate.setStreamPriority(p); return this; }
  @Override public HttpServerResponse addCookie(Cookie cookie) { delegate.addCookie(cookie); return this; }
  @Override public Cookie removeCookie(String name, boolean invalidate) { return delegate.removeCookie(name, invalidate); }
  @Override public Set<Cookie> removeCookies(String name, boolean invalidate) { return delegate.removeCookies(name, invalidate); }
  @Override public Cookie removeCookie(String name, String domain, String path, boolean invalidate) { return delegate.removeCookie(name, domain, path, invalidate); }
  // @formatter:on
}
