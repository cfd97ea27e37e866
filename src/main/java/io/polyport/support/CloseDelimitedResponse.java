package io.polyport.support;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * An answer to an HTTP/1.0 request that asks to keep its connection alive. HTTP/1.0 has no chunked coding, so an
 * answer streamed without a Content-Length (a list of users) can end only by closing the connection; Vert.x 5.0.7
 * labels it keep-alive all the same and keeps the connection open, and the client waits for an end that never
 * comes (ApacheBench's -k, for one). Once such an answer has ended, the connection is closed; an answer with a
 * length keeps it alive.
 */
public final class CloseDelimitedResponse extends ForwardingHttpServerResponse {
  private final HttpConnection connection;

  public CloseDelimitedResponse(HttpServerRequest request) {
    super(request.response());
    this.connection = request.connection();
  }

  /**
   * Whether {@code request} is one whose streamed answers need this: HTTP/1.0 asking for keep-alive, for an answer
   * that can have a body (a HEAD answer has none to delimit).
   */
  public static boolean needed(HttpServerRequest request) {
    return request.version() == HttpVersion.HTTP_1_0 && request.method() != HttpMethod.HEAD
        && HttpHeaders.KEEP_ALIVE.toString().equalsIgnoreCase(request.getHeader(HttpHeaders.CONNECTION));
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
    if (!delegate.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      ended.onComplete(done -> connection.close());
    }
    return ended;
  }
}
