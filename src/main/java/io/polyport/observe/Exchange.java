package io.polyport.observe;

import io.vertx.core.internal.ContextInternal;

/**
 * One request or call on the port, from the front door to its last byte: its request id, protocol,
 * operation and start time. It lives on the request's duplicated Vert.x context (a context local), so
 * code running for that request (adapters, error tables) finds it without it being passed along; when the
 * response ends, {@link #finish} records it once in the metrics and the access log.
 */
public final class Exchange {
  /** The protocol label of a REST request (HTTP/1.1 or HTTP/2). */
  public static final String REST = "rest";
  /** The protocol label of a gRPC call over HTTP/2. */
  public static final String GRPC = "grpc";
  /** The protocol label of a gRPC-Web call (HTTP/1.1 or HTTP/2). */
  public static final String GRPC_WEB = "grpc-web";

  private final Observability observability;
  private final String requestId;
  private final String protocol;
  private final String remote;
  private final long start = System.nanoTime();
  private volatile String operation;
  private boolean streaming;
  private boolean finished;
  Object grpcResponse;

  Exchange(Observability observability, String requestId, String protocol, String remote, String operation) {
    this.observability = observability;
    this.requestId = requestId;
    this.protocol = protocol;
    this.remote = remote;
    this.operation = operation;
  }

  /** The exchange of the request whose context the caller runs on, or null outside any request. */
  public static Exchange current() {
    ContextInternal context = ContextInternal.current();
    return context == null || !context.isDuplicate() ? null : context.getLocal(ExchangeLocal.KEY);
  }

  /** The request id of the current request, or "-" outside any request (for log lines). */
  public static String currentRequestId() {
    Exchange exchange = current();
    return exchange == null ? "-" : exchange.requestId;
  }

  /** Attaches this exchange to the request's (duplicated) context; a shared context is left alone. */
  void attach() {
    ContextInternal context = ContextInternal.current();
    if (context != null && context.isDuplicate()) {
      context.putLocal(ExchangeLocal.KEY, this);
    }
  }

  public String requestId() {
    return requestId;
  }

  public String protocol() {
    return protocol;
  }

  public String operation() {
    return operation;
  }

  String remote() {
    return remote;
  }

  /**
   * Names the operation (first name wins: a more specific route matches first); a streaming one counts
   * as an active stream until the exchange finishes.
   */
  synchronized boolean operation(String name, boolean streams) {
    if (finished || streaming || !Observability.OTHER.equals(operation)) {
      return false;
    }
    operation = name;
    if (streams) {
      streaming = true;
      observability.metrics().streamOpened(protocol, name);
    }
    return true;
  }

  /** Records the exchange with its final status (HTTP code or gRPC status name); only the first call counts. */
  void finish(String status) {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
    }
    long nanos = System.nanoTime() - start;
    CallMetrics metrics = observability.metrics();
    metrics.record(protocol, operation, status, nanos);
    if (streaming) {
      metrics.streamClosed(protocol, operation);
    }
    if (observability.accessLog()) {
      AccessLog.write(this, status, nanos);
    }
  }
}
