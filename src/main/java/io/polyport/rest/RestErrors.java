package io.polyport.rest;

import io.netty.handler.codec.http.HttpResponseStatus;

import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;

import io.vertx.core.Future;
import io.polyport.support.BodyInflater;
import io.polyport.support.ClientGone;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST error table: the only place that picks an HTTP status for an error, and the one writer of
 * RFC 9457 problem documents (type, title, status, detail, plus the gRPC status name as code).
 */
public final class RestErrors {
  private static final Logger LOG = LoggerFactory.getLogger(RestErrors.class);
  public static final String PROBLEM_JSON = "application/problem+json";

  private RestErrors() {
  }

  public static int status(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS -> 409;
      case OUT_OF_RANGE -> 410;
      case FAILED_PRECONDITION -> 412;
      case RESOURCE_EXHAUSTED -> 413;
      // raised by the service for a request body's coding (RFC 9110 15.5.16); a method a path is not served with is
      // also UNIMPLEMENTED but answered 405 by the router's own handler, with Allow
      case UNIMPLEMENTED -> 415;
      case INTERNAL -> 500;
      // nginx's "client closed request": never sent (nobody is listening), only counted
      case CANCELLED -> 499;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
    };
  }

  /** The error code that a status raised by the web framework itself (routing, body limits) stands for. */
  static ErrorCode codeOfStatus(int status) {
    return switch (status) {
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 403 -> ErrorCode.PERMISSION_DENIED;
      case 404 -> ErrorCode.NOT_FOUND;
      // no operation has this method on this path: what gRPC answers for a method the service does not have
      case 405 -> ErrorCode.UNIMPLEMENTED;
      case 413, 431 -> ErrorCode.RESOURCE_EXHAUSTED;
      case 503 -> ErrorCode.UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
    };
  }

  /**
   * A failure of the request's body stream as the error it stands for: a body that cannot be inflated is the client's
   * INVALID_ARGUMENT; a client that closed the connection or reset the stream ended the call, CANCELLED
   * ({@code what}: the call, the upload); anything else as it is.
   */
  static Throwable ofBody(Throwable failure, String what) {
    if (failure instanceof BodyInflater.Undecodable undecodable) {
      return ServiceException.invalid(undecodable.getMessage());
    }
    if (fromHttpDecoder(failure)) {
      return ServiceException.invalid("the request body's framing is malformed: " + failure.getMessage());
    }
    if (ClientGone.is(failure)) {
      return ServiceException.cancelled("the client ended the " + what + ": " + failure.getMessage());
    }
    return failure;
  }

  /**
   * Whether Netty's HTTP/1.x decoder failed on the body's framing (a chunk size that is not hex, say): the client's
   * mistake, which was logged as an unexpected failure. Vert.x closes the connection after it.
   */
  private static boolean fromHttpDecoder(Throwable failure) {
    StackTraceElement[] frames = failure.getStackTrace();
    return frames.length > 0 && frames[0].getClassName().equals("io.netty.handler.codec.http.HttpObjectDecoder");
  }

  /** Answers {@code failure} as a problem document, unless the response is already under way. */
  public static void send(RoutingContext ctx, Throwable error) {
    HttpServerResponse response = ctx.response();
    Throwable failure = ofBody(error, "call");
    if (failure instanceof ServiceException se && se.code() == ErrorCode.CANCELLED) {
      LOG.debug("{} on {} {} (request {})", se.getMessage(), ctx.request().method(), ctx.request().path(), RequestIds.of(ctx));
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (failure instanceof ServiceException se) {
      write(ctx, status(se.code()), se.code(), se.getMessage());
    } else if (failure instanceof HttpException he && he.getCause() instanceof SchemaValidationException invalid) {
      write(ctx, 400, ErrorCode.INVALID_ARGUMENT, schemaDetail(invalid, he.getPayload()));
    } else if (failure instanceof HttpException he && he.getCause() instanceof ValidatorException v
        && v.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      // the contract's parameters are all simple-style, so only a body of another media type gets here
      wrongMediaType(ctx, "the body must be application/json");
    } else if (failure instanceof HttpException he) {
      int status = he.getStatusCode();
      String detail = he.getPayload() != null ? he.getPayload() : HttpResponseStatus.valueOf(status).reasonPhrase();
      write(ctx, status, codeOfStatus(status), detail);
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      // the web framework judged the request bad (a form body its decoder could not read): the client's mistake
      write(ctx, ctx.statusCode(), codeOfStatus(ctx.statusCode()), "the request body cannot be decoded: " + failure.getMessage());
    } else {
      LOG.error("unexpected failure on {} {} (request {})", ctx.request().method(), ctx.request().path(),
          RequestIds.of(ctx), failure);
      write(ctx, 500, ErrorCode.INTERNAL, "internal error");
    }
  }

  /**
   * A body of another media type than the operation takes: 415, INVALID_ARGUMENT (a gRPC call of a media type the
   * server does not read is UNIMPLEMENTED instead: there the media type chooses the wire format, not the body).
   */
  static void wrongMediaType(RoutingContext ctx, String detail) {
    write(ctx, 415, ErrorCode.INVALID_ARGUMENT, detail);
  }

  private static final Pattern PARAMETER = Pattern.compile("The value of (\\w+) parameter (\\S+) is invalid");

  /**
   * The most specific schema error, in words: "the body is invalid at #/age: Instance type string is
   * invalid. Expected integer", "the query parameter limit is invalid: ...", or "the body has unknown property 'x'".
   */
  static String schemaDetail(SchemaValidationException invalid, String fallback) {
    List<OutputUnit> errors = invalid.getOutputUnit() == null || invalid.getOutputUnit().getErrors() == null
        ? List.of() : invalid.getOutputUnit().getErrors();
    OutputUnit deepest = null;
    for (OutputUnit e : errors) {
      String keyword = e.getKeywordLocation();
      if (keyword == null || keyword.equals("#/properties") || keyword.equals("#/additionalProperties") || keyword.endsWith("/items")) {
        continue;
      }
      boolean typeError = keyword.endsWith("/type");
      boolean deepestIsType = deepest != null && deepest.getKeywordLocation().endsWith("/type");
      if (deepest == null || typeError && !deepestIsType
          || typeError == deepestIsType && keyword.length() > deepest.getKeywordLocation().length()) {
        deepest = e;
      }
    }
    if (deepest != null) {
      Matcher parameter = PARAMETER.matcher(String.valueOf(invalid.getMessage()));
      if (parameter.lookingAt()) { // a parameter's value, whose location is always "#"
        return "the " + parameter.group(1) + " parameter " + parameter.group(2) + " is invalid: " + deepest.getError();
      }
      return "the body is invalid at " + deepest.getInstanceLocation() + ": " + deepest.getError();
    }
    for (OutputUnit e : errors) {
      if ("#/additionalProperties".equals(e.getKeywordLocation()) && e.getInstanceLocation() != null) {
        String location = e.getInstanceLocation();
        return "the body has unknown property '" + location.substring(location.lastIndexOf('/') + 1) + "'";
      }
    }
    return fallback;
  }

  static void write(RoutingContext ctx, int status, ErrorCode code, String detail) {
    refuse(ctx.response(), status, code, detail, RequestIds.of(ctx));
  }

  /** Answers with a problem document, for a request the router does not see (the front door's refusals). */
  public static Future<Void> refuse(HttpServerResponse response, int status, ErrorCode code, String detail, String requestId) {
    var body = new JsonObject()
        .put("type", "about:blank")
        .put("title", HttpResponseStatus.valueOf(status).reasonPhrase())
        .put("status", status)
        .put("detail", detail)
        .put("code", code.name());
    if (requestId != null) {
      body.put("requestId", requestId);
    }
    return response.setStatusCode(status).putHeader("content-type", PROBLEM_JSON).end(body.toBuffer());
  }
}
