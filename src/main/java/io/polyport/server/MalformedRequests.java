package io.polyport.server;

import io.polyport.domain.ErrorCode;
import io.polyport.rest.RestErrors;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests the router (or the gRPC server) must not see, answered 400 at the front door:
 * <ul>
 *   <li>an HTTP/1.x body whose length cannot be known (a Transfer-Encoding other than chunked): Netty read
 *   "identity" as no body and parsed the body as the next request, so a body could
 *   smuggle a request past whatever fronts the server. RFC 9112 (6.1, 6.3) asks for a 400 and the connection closed;
 *   requests already pipelined behind it are dropped with it, unanswered (REST and gRPC-Web alike);</li>
 *   <li>a REST request without a Host (HTTP/1.1; HTTP/1.0 needs none) or :authority (HTTP/2), which the router
 *   failed on with a 500 and an ERROR (a broken percent-escape in the path or query is checked by the router, RestRouter).</li>
 * </ul>
 */
final class MalformedRequests {
  /** Connections being closed after a framing error: requests pipelined behind it are dropped, not answered. */
  private final Set<HttpConnection> closing = ConcurrentHashMap.newKeySet();

  /** Whether {@code request} (a REST one, or gRPC-Web over HTTP/1.x for the framing) was answered or dropped here. */
  boolean refused(HttpServerRequest request, String requestId, boolean grpc) {
    HttpConnection connection = request.connection();
    if (!closing.isEmpty() && closing.contains(connection)) {
      request.response().reset(); // pipelined behind a request whose body could not be delimited
      return true;
    }
    if (request.version() != HttpVersion.HTTP_2) {
      String framing = framing(request);
      if (framing != null) {
        closing.add(connection);
        RestErrors.refuse(request.response().putHeader(HttpHeaders.CONNECTION, "close"), 400, ErrorCode.INVALID_ARGUMENT,
            framing, requestId).onComplete(written -> connection.close().onComplete(closed -> closing.remove(connection)));
        return true;
      }
    }
    String malformed = grpc ? null : malformed(request); // gRPC names its call in its path, not its authority
    if (malformed != null) {
      RestErrors.refuse(request.response(), 400, ErrorCode.INVALID_ARGUMENT, malformed, requestId);
      return true;
    }
    return false;
  }

  private static String framing(HttpServerRequest request) {
    String coding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    if (coding == null) {
      return null;
    }
    // (a Content-Length beside chunked never gets here: Netty drops it and reads the body chunked, as RFC 9112 allows)
    if (!coding.strip().toLowerCase(Locale.ROOT).equals("chunked") || request.headers().getAll(HttpHeaders.TRANSFER_ENCODING).size() > 1) {
      return "Transfer-Encoding '" + coding + "' is not supported: send the body chunked or with a Content-Length";
    }
    return null;
  }

  private static String malformed(HttpServerRequest request) {
    if (request.authority() == null && request.version() != HttpVersion.HTTP_1_0) { // HTTP/1.0 needs no Host
      return request.version() == HttpVersion.HTTP_2 ? "the request has no :authority" : "the request has no Host header";
    }
    return null;
  }
}
