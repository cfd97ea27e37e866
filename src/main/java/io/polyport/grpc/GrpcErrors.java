package io.polyport.grpc;

import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.polyport.observe.Exchange;
import io.polyport.support.ClientGone;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.grpc.common.impl.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerResponse;


/** The gRPC error table: the only place that picks a gRPC status. */
public final class GrpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);
  /** Trailer of a live feed that ended early: the token of its last delivered event. */
  public static final String RESUME_TOKEN = "polyport-resume-token";

  private GrpcErrors() {
  }

  public static GrpcStatus status(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> GrpcStatus.INVALID_ARGUMENT;
      case NOT_FOUND -> GrpcStatus.NOT_FOUND;
      case ALREADY_EXISTS -> GrpcStatus.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> GrpcStatus.FAILED_PRECONDITION;
      case UNAUTHENTICATED -> GrpcStatus.UNAUTHENTICATED;
      case PERMISSION_DENIED -> GrpcStatus.PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED -> GrpcStatus.RESOURCE_EXHAUSTED;
      case OUT_OF_RANGE -> GrpcStatus.OUT_OF_RANGE;
      case UNIMPLEMENTED -> GrpcStatus.UNIMPLEMENTED;
      case UNAVAILABLE -> GrpcStatus.UNAVAILABLE;
      case DEADLINE_EXCEEDED -> GrpcStatus.DEADLINE_EXCEEDED;
      case INTERNAL -> GrpcStatus.INTERNAL;
      case CANCELLED -> GrpcStatus.CANCELLED;
    };
  }

  /** Any failure as a domain error: unexpected ones become INTERNAL (logged here, once, with the cause). */
  public static ServiceException domain(Throwable failure, String call) {
    if (failure instanceof ServiceException se) {
      return se;
    }
    if (ClientGone.is(failure)) {
      return ServiceException.cancelled("the client's connection or stream closed: " + failure);
    }
    LOG.error("unexpected failure in {} (request {})", call, Exchange.currentRequestId(), failure);
    return new ServiceException(ErrorCode.INTERNAL, "internal error");
  }

  /**
   * Answers a gRPC request that no rpc handler will see (a media type the server does not serve) with {@code error}
   * as a trailers-only response, so that the client reads a status, not an HTTP error.
   */
  public static void refuse(HttpServerResponse response, ServiceException error) {
    response.setStatusCode(200).putHeader("content-type", "application/grpc")
        .putHeader("grpc-status", String.valueOf(status(error.code()).code))
        .putHeader("grpc-message", Utils.utf8PercentEncode(error.getMessage()))
        .end();
  }

  /**
   * Ends the call with the status of {@code failure}, unless the call is already over (cancelled, deadline):
   * a client that ended the call is not a failure of the server, so it is logged at debug only.
   */
  public static void fail(GrpcServerResponse<?, ?> response, Throwable failure, String call) {
    ServiceException error = domain(failure, call);
    if (error.code() == ErrorCode.CANCELLED) {
      LOG.debug("{} in {} (request {})", error.getMessage(), call, Exchange.currentRequestId());
      return;
    }
    try {
      if (!error.resumeToken().isEmpty()) {
        response.trailers().set(RESUME_TOKEN, error.resumeToken());
      }
      response.status(status(error.code())).statusMessage(error.getMessage()).end();
    } catch (IllegalStateException alreadyOver) {
      // the client cancelled or the deadline fired first: nobody is listening any more
    }
  }
}
