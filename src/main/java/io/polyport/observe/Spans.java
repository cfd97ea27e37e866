package io.polyport.observe;

import io.opentelemetry.api.trace.Span;

/**
 * Names and labels the server span Vert.x opened for the current request (it only knows the HTTP method):
 * {@code GET /users/{id}} for REST, {@code polyport.users.v1.UserService/GetUser} for gRPC, with the
 * request id. A no-op when tracing is off.
 */
final class Spans {
  private Spans() {
  }

  static void requestId(String id) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.setAttribute("polyport.request_id", id);
    }
  }

  static void rest(String method, String route) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.updateName(method + " " + route);
      span.setAttribute("http.route", route);
    }
  }

  static void grpc(String service, String method) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.updateName(service + "/" + method);
      span.setAttribute("rpc.system", "grpc");
      span.setAttribute("rpc.service", service);
      span.setAttribute("rpc.method", method);
    }
  }
}
