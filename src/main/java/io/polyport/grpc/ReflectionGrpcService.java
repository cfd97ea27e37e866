package io.polyport.grpc;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.polyport.domain.ServiceException;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.reflection.v1.ServerReflectionRequest;
import io.vertx.grpc.reflection.v1.ServerReflectionResponse;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.List;

/**
 * gRPC server reflection, {@code grpc.reflection.v1} and {@code grpc.reflection.v1alpha} (same wire format,
 * so the same messages serve both): one answer per request, as many requests as the client sends on the
 * stream (grpcurl and grpc-java's tools send several), until the client half-closes. Open to every caller:
 * it tells no more than the published contract.
 */
public final class ReflectionGrpcService {
  static final ServiceMethod<ServerReflectionRequest, ServerReflectionResponse> V1 = method("grpc.reflection.v1");
  static final ServiceMethod<ServerReflectionRequest, ServerReflectionResponse> V1ALPHA =
      method("grpc.reflection.v1alpha");

  private final ReflectionIndex index;
  private final long maxMessageBytes;

  /** Reflection over {@code served}: the services listed, and the files and symbols they need. */
  public ReflectionGrpcService(List<ServiceDescriptor> served, long maxMessageBytes) {
    this.index = new ReflectionIndex(served);
    this.maxMessageBytes = maxMessageBytes;
  }

  public void bind(GrpcServer server) {
    server.callHandler(V1, this::session);
    server.callHandler(V1ALPHA, this::session);
  }

  private static ServiceMethod<ServerReflectionRequest, ServerReflectionResponse> method(String pkg) {
    return ServiceMethod.server(ServiceName.create(pkg, "ServerReflection"), "ServerReflectionInfo",
        GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(ServerReflectionRequest.newBuilder()));
  }

  private void session(GrpcServerRequest<ServerReflectionRequest, ServerReflectionResponse> request) {
    GrpcServerResponse<ServerReflectionRequest, ServerReflectionResponse> response = request.response();
    if (!GrpcInput.admit(request, maxMessageBytes)) {
      return;
    }
    request.messageHandler(message -> {
      ServerReflectionRequest query;
      try {
        query = GrpcInput.decode(message, ServerReflectionRequest.parser(), maxMessageBytes);
      } catch (ServiceException e) {
        request.pause();
        GrpcErrors.fail(response, e, request.fullMethodName());
        return;
      }
      try {
        response.write(index.answer(query));
      } catch (IllegalStateException alreadyOver) {
        return; // cancelled or past the deadline
      }
      if (response.writeQueueFull()) {
        request.pause();
        response.drainHandler(v -> request.resume());
      }
    });
    request.endHandler(v -> {
      try {
        response.end();
      } catch (IllegalStateException alreadyOver) {
        // cancelled or past the deadline
      }
    });
  }
}
