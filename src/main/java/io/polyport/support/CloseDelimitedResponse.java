package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * An answer to an HTTP/1.0 request that asks to keep its connection alive. HTTP/1.0 has no chunked coding, so an
 * answer streamed without a Content-Length (a list of users) can end only by closing the connection; Vert.x 5.0.7
 * labels it keep-alive all the same and keeps the connection open, and the client waits for an end that never
 * comes (ApacheBench's -k, for one). Such an answer is labelled Connection: close and the connection is closed
 * once it has ended; an answer with a length keeps it alive. (A request pipelined behind it loses its answer, as
 * on any connection that closes; HTTP/1.0 clients do not pipeline.)
 */
public final class CloseDelimitedResponse extends ForwardingHttpServerResponse {
  private final HttpConnection connection;
  /** The head is labelled as the connection will go (Vert.x has just labelled it keep-alive). */
  private final OwnedHandler headersEnd = new OwnedHandler(this::labelClose);

  /** {@code delegate}: the request's response, or a wrapper of it. */
  public CloseDelimitedResponse(HttpServerResponse delegate, HttpConnection connection) {
    super(delegate);
    this.connection = connection;
    delegate.headersEndHandler(headersEnd);
  }

  /** The response has one headers-end handler: the one given here runs after the Connection header is set. */
  @Override
  public HttpServerResponse headersEndHandler(Handler<Void> handler) {
    headersEnd.then(handler);
    return this;
  }

  private void labelClose() {
    if (undelimited()) {
      delegate.headers().set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
  }

  /**
   * Whether {@code request} is one whose streamed answers need this: HTTP/1.0 asking for keep-alive, for an answer
   * that can have a body (a HEAD answer has none to delimit).
   */
  public static boolean needed(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_1_0 && request.method() != HttpMethod.HEAD
        && request.headers().contains(HttpHeaders.CONNECTION, HttpHeaders.KEEP_ALIVE, true); // as Vert.x reads it
  }

  @Override
  public Future<Void> end(Buffer chunk) {
    return closeIfUndelimited(delegate.end(chunk));
  }

  @Override
  public Future<Void> end() {
    return closeIfUndelimited(delegate.end());
  }

  private Future<Void> closeIfUndelimited(Future<Void> ended) {
    // read after the end: an answer ended in one piece has had its Content-Length set by then
    if (undelimited()) {
      ended.onComplete(done -> connection.close());
    }
    return ended;
  }

  /** A body without a length (204 and 304 have none to delimit). */
  private boolean undelimited() {
    int status = delegate.getStatusCode();
    return !delegate.headers().contains(HttpHeaders.CONTENT_LENGTH) && status != 204 && status != 304;
  }
}
