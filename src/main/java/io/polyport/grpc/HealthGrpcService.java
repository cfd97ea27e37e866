package io.polyport.grpc;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.MessageLite;
import com.google.protobuf.MessageOrBuilder;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.polyport.ops.ProtoCatalog;
import io.polyport.ops.Readiness;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.grpc.health.v1.HealthListRequest;
import io.vertx.grpc.health.v1.HealthListResponse;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code grpc.health.v1.Health}: the server as a whole ({@code ""}) and the API's services are SERVING
 * while {@link Readiness} says the database answers, else NOT_SERVING; the health and reflection services
 * themselves are always SERVING. Watch sends the status, then only its changes, until the client cancels
 * (or the deadline passes, or the server shuts down). Open to every caller, as probes carry no token.
 */
public final class HealthGrpcService {
  private static final ServiceName NAME = ServiceName.create("grpc.health.v1", "Health");
  static final ServiceMethod<HealthCheckRequest, HealthCheckResponse> CHECK =
      method("Check", HealthCheckRequest.getDefaultInstance());
  static final ServiceMethod<HealthCheckRequest, HealthCheckResponse> WATCH =
      method("Watch", HealthCheckRequest.getDefaultInstance());
  static final ServiceMethod<HealthListRequest, HealthListResponse> LIST =
      method("List", HealthListRequest.getDefaultInstance());

  private final Readiness readiness;
  private final Set<String> onDatabase = new LinkedHashSet<>();
  private final Set<String> independent = new LinkedHashSet<>();
  private final long maxMessageBytes;

  public HealthGrpcService(Readiness readiness, ProtoCatalog catalog, long maxMessageBytes) {
    this.readiness = readiness;
    this.maxMessageBytes = maxMessageBytes;
    onDatabase.add("");
    catalog.apiFiles().forEach(f -> f.getServices().forEach(s -> onDatabase.add(s.getFullName())));
    catalog.opsFiles().forEach(f -> f.getServices().stream().map(ServiceDescriptor::getFullName).forEach(independent::add));
  }

  public void bind(GrpcServer server) {
    server.callHandler(CHECK, request -> GrpcCalls.onMessage(request, HealthCheckRequest.parser(), maxMessageBytes,
        message -> check(request, message.getService())));
    server.callHandler(WATCH, request -> GrpcCalls.onMessage(request, HealthCheckRequest.parser(), maxMessageBytes,
        message -> watch(request, message.getService())));
    server.callHandler(LIST, request -> GrpcCalls.onMessage(request, HealthListRequest.parser(), maxMessageBytes,
        message -> list(request)));
  }

  private static <Q, R extends MessageLite> ServiceMethod<Q, R> method(String name, MessageOrBuilder prototype) {
    return ServiceMethod.server(NAME, name, GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(prototype));
  }

  private void check(GrpcServerRequest<HealthCheckRequest, HealthCheckResponse> request, String service) {
    Future<ServingStatus> status = onDatabase.contains(service)
        ? readiness.check().map(HealthGrpcService::of)
        : independent.contains(service) ? Future.succeededFuture(ServingStatus.SERVING)
        : Future.failedFuture(new ServiceException(ErrorCode.NOT_FOUND, "no service named '" + service + "'"));
    status.onComplete(result -> {
      if (result.failed()) {
        GrpcErrors.fail(request.response(), result.cause(), request.fullMethodName());
        return;
      }
      try {
        request.response().end(response(result.result()));
      } catch (IllegalStateException alreadyOver) {
        // cancelled or past the deadline
      }
    });
  }

  private void watch(GrpcServerRequest<HealthCheckRequest, HealthCheckResponse> request, String service) {
    GrpcServerResponse<HealthCheckRequest, HealthCheckResponse> response = request.response();
    if (!onDatabase.contains(service)) {
      // per the protocol an unknown service is not an error for Watch: it may appear later
      send(response, independent.contains(service) ? ServingStatus.SERVING : ServingStatus.SERVICE_UNKNOWN);
      return;
    }
    var sent = new ServingStatus[1];
    Readiness.Watch registration = readiness.watch(
        changed -> sendIfChanged(response, sent, of(changed)),
        stopped -> {
          sendIfChanged(response, sent, ServingStatus.NOT_SERVING);
          GrpcErrors.fail(response, new ServiceException(ErrorCode.UNAVAILABLE, "the server is shutting down"),
              request.fullMethodName());
        });
    GrpcCalls.onClientGone(request, gone -> registration.close());
    if (request.deadline() != null) {
      request.deadline().onComplete(fired -> registration.close());
    }
    if (!sendIfChanged(response, sent, of(readiness.current()))) {
      registration.close();
    }
  }

  /** Writes {@code status} unless it is what was sent last; false when the call is over. */
  private static boolean sendIfChanged(GrpcServerResponse<?, HealthCheckResponse> response, ServingStatus[] sent,
                                       ServingStatus status) {
    if (status == sent[0]) {
      return true;
    }
    sent[0] = status;
    return send(response, status);
  }

  private static boolean send(GrpcServerResponse<?, HealthCheckResponse> response, ServingStatus status) {
    try {
      response.write(response(status));
      return true;
    } catch (IllegalStateException alreadyOver) {
      return false;
    }
  }

  private void list(GrpcServerRequest<HealthListRequest, HealthListResponse> request) {
    var answer = HealthListResponse.newBuilder();
    onDatabase.forEach(name -> answer.putStatuses(name, response(of(readiness.current()))));
    independent.forEach(name -> answer.putStatuses(name, response(ServingStatus.SERVING)));
    try {
      request.response().end(answer.build());
    } catch (IllegalStateException alreadyOver) {
      // cancelled or past the deadline
    }
  }

  private static ServingStatus of(Readiness.Status status) {
    return status.ready() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }
}
