package io.polyport.server;

import io.polyport.AppConfig;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.polyport.grpc.GrpcErrors;
import io.polyport.grpc.GrpcFraming;
import io.polyport.observe.Observability;
import io.polyport.support.CloseDelimitedResponse;
import io.polyport.support.CoalescingHttpServerResponse;
import io.polyport.support.ForwardingHttpServerResponse;
import io.polyport.support.GzipResponse;
import io.polyport.support.InflatedRequest;
import io.polyport.support.OpenStreamResponse;
import io.polyport.users.v1.UserServiceGrpcService;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.ext.web.Router;
import io.vertx.grpc.server.GrpcServer;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The one entry of every request on the port: gives it a request id (the client's x-request-id, else a
 * new one, echoed in the response) and starts observing it (metrics, access log, span name), refuses what no
 * handler must see (MalformedRequests; a gRPC media type the gRPC server does not read), then sends gRPC (and
 * gRPC-Web) to the GrpcServer with its message prefixes checked (GrpcFraming) and the rest to the router with a
 * compressed body inflated (InflatedRequest), gzipping REST answers for clients that accept it (GzipResponse, on
 * HTTP/1.1 and HTTP/2) and closing HTTP/1.0 keep-alive connections after a streamed answer (CloseDelimitedResponse).
 */
final class FrontDoor implements Handler<HttpServerRequest> {
  static final String REQUEST_ID = "x-request-id";
  private final GrpcServer grpc;
  private final Router router;
  private final Observability observability;
  private final boolean compression;
  private final MalformedRequests malformed = new MalformedRequests();

  FrontDoor(GrpcServer grpc, Router router, Observability observability, boolean compression) {
    this.grpc = grpc;
    this.router = router;
    this.observability = observability;
    this.compression = compression;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String id = request.getHeader(REQUEST_ID);
    if (id == null || id.isBlank() || id.length() > 128) {
      id = newRequestId();
    }
    request.response().putHeader(REQUEST_ID, id);
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    boolean grpcCall = isGrpc(type);
    observability.begin(request, id, grpcCall);
    if (malformed.refused(request, id, grpcCall)) {
      return;
    }
    if (!grpcCall && type != null) {
      lowerCaseMediaType(request, type);
    }
    String grpcType = grpcCall ? servedGrpcType(request, type) : null;
    if (grpcCall && grpcType == null) {
      GrpcErrors.refuse(request.response(), new ServiceException(ErrorCode.UNIMPLEMENTED, "content-type '"
          + type + "' is not served: use application/grpc, application/grpc+proto or "
          + "application/grpc+json, or their gRPC-Web forms (application/grpc-web, application/grpc-web-text)"));
      return;
    }
    HttpServerResponse response = request.response();
    if (grpcCall) {
      // an answer that comes after the client's connection closed is dropped, not written to the closed
      // stream, and a stream past its deadline whose client stopped reading is reset (OpenStreamResponse)
      response = new OpenStreamResponse(request);
      if (LIST_USERS.equals(request.path())) {
        response = new CoalescingHttpServerResponse(response, ((HttpServerRequestInternal) request).context(), STREAM_WRITE_BYTES);
      }
    } else if (compression && acceptsGzip(request)) {
      response = new GzipResponse(response, ((HttpServerRequestInternal) request).context(),
          AppConfig.Http.GZIP_MIN_BYTES, AppConfig.Http.GZIP_LEVEL);
    }
    if (CloseDelimitedResponse.needed(request)) {
      response = new CloseDelimitedResponse(response, request.connection()); // REST and gRPC-Web over HTTP/1.0
    }
    HttpServerRequest answered = response == request.response() ? request
        : ForwardingHttpServerResponse.answeredBy(request, response);
    if (grpcCall) {
      grpc.handle(GrpcFraming.checked(answered, grpcType)); // a malformed message prefix fails the call, not the deframer
    } else {
      router.handle(InflatedRequest.of(answered)); // a gzip or deflate body is read inflated
    }
  }

  /**
   * Whether a REST answer may be gzipped: the client accepts gzip, and the answer can have a body of its own (not
   * a HEAD answer, not a WebSocket handshake). Not on HTTP/1.0, which has no chunked coding: a compressed answer
   * of several writes could only end by closing the connection. gRPC never comes here: it compresses per message
   * (grpc-encoding).
   */
  private static boolean acceptsGzip(HttpServerRequest request) {
    var headers = request.headers();
    if (!headers.contains(HttpHeaders.ACCEPT_ENCODING) || request.method() == HttpMethod.HEAD
        || request.version() == HttpVersion.HTTP_1_0 || headers.contains(HttpHeaders.UPGRADE)) {
      return false;
    }
    return GzipResponse.acceptsGzip(String.join(",", headers.getAll(HttpHeaders.ACCEPT_ENCODING)));
  }

  /**
   * ListUsers writes thousands of small messages per database batch: their writes of one event-loop turn leave
   * as one HTTP/2 DATA frame of up to this many bytes instead of a frame (and its flow-control bookkeeping) each.
   */
  private static final String LIST_USERS = "/" + UserServiceGrpcService.ListUsers.fullMethodName();
  private static final int STREAM_WRITE_BYTES = 16 * 1024;

  /**
   * A random (version 4) UUID from the thread's generator: ids must be unique, not secret, and
   * UUID.randomUUID's SecureRandom cost more than the rest of the front door.
   */
  static String newRequestId() {
    var random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  static boolean isGrpc(String type) {
    return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16);
  }

  /**
   * A REST body's media type in lower case, its parameters as they are: media types are case-insensitive, and the
   * contract's checks compare them as written ({@code Application/JSON} was 415). gRPC's are read by servedGrpcType.
   */
  private static void lowerCaseMediaType(HttpServerRequest request, String type) {
    int parameters = type.indexOf(';');
    String mediaType = parameters < 0 ? type : type.substring(0, parameters);
    String lower = mediaType.toLowerCase(Locale.ROOT);
    if (!lower.equals(mediaType)) {
      request.headers().set(HttpHeaders.CONTENT_TYPE, lower + type.substring(mediaType.length()));
    }
  }

  /**
   * The gRPC media types Vert.x's gRPC server reads: proto and JSON, gRPC and gRPC-Web; gRPC-Web text as proto only
   * (Vert.x's text deframer labels every message proto, so a JSON one would be misread).
   */
  private static final Pattern GRPC_TYPES =
      Pattern.compile("application/grpc(-web)?(\\+(json|proto))?|application/grpc-web-text(\\+proto)?");

  /**
   * The call's media type {@code type} as the gRPC server reads it, or null if it reads no such type. Media types
   * are case-insensitive and may carry parameters; Vert.x's gRPC server takes only the bare lower-case form
   * (anything else was a bare HTTP 415 the client read as UNKNOWN), so such a type is rewritten to it.
   */
  private static String servedGrpcType(HttpServerRequest request, String type) {
    if (type.equals("application/grpc")) {
      return type;
    }
    int parameters = type.indexOf(';');
    String bare = (parameters < 0 ? type : type.substring(0, parameters)).strip().toLowerCase(Locale.ROOT);
    if (!GRPC_TYPES.matcher(bare).matches()) {
      return null;
    }
    if (!bare.equals(type)) {
      request.headers().set(HttpHeaders.CONTENT_TYPE, bare);
    }
    return bare;
  }
}
