package io.polyport.observe;

import io.polyport.AppConfig;
import io.polyport.auth.Authenticator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The REST side of the front door, mounted first on the root router: every request is recorded when its
 * response ends (or its connection closes first), named by the operationId of the contract route it
 * matches ("other" when none), and GET /metrics serves the Prometheus text (behind users:read when
 * {@code auth.protectMetrics}). The router may check a request between its recording and the first route that
 * matches a path (a malformed path is answered there).
 */
public final class RestObservation {
  /** The operations that stream (in either direction), as named by their rpc. */
  private static final Set<String> STREAMING_RPCS = streamingRpcs();

  private RestObservation() {
  }

  /** Mounts the recording of every request: first on the root router, before any route matches a path. */
  public static void observeEveryRequest(Vertx vertx, Router root) {
    Observability observability = Observability.of(vertx);
    root.route().handler(ctx -> begin(ctx, observability));
  }

  /** Mounts the naming of each request by its contract operation, and GET /metrics. */
  public static void mount(Vertx vertx, Router root, JsonObject contract, AppConfig config, Authenticator auth) {
    Observability observability = Observability.of(vertx);
    for (Operation op : operations(contract)) {
      root.route(op.method(), op.vertxPath()).handler(ctx -> {
        Exchange exchange = Exchange.current();
        if (exchange != null && exchange.operation(op.id(), op.streaming())) {
          Spans.rest(op.method().name(), op.path());
        }
        ctx.next();
      });
    }
    root.get("/metrics").handler(new MetricsRoute(observability, config.auth().protectMetrics() ? auth : null));
  }

  private static void begin(RoutingContext ctx, Observability observability) {
    Exchange exchange = Exchange.current();
    if (exchange == null) {
      // not through the front door (a router used on its own): observe it from here
      String id = ctx.response().headers().get("x-request-id");
      exchange = observability.begin(ctx.request(), id == null ? "-" : id, false);
    }
    Exchange observed = exchange;
    // whether the response ended, not how the end handler was called: on HTTP/2 the stream can close (and
    // report "Connection closed") inside the final write. A client gone before the end: 499, as proxies log it
    HttpServerResponse response = ctx.response();
    ctx.addEndHandler(ended -> observed.finish(response.ended() ? String.valueOf(response.getStatusCode()) : "499"));
    ctx.next();
  }

  /**
   * For a request about to become a WebSocket (call on its context): what to run when the session is
   * over. An upgraded connection no longer tells the HTTP response when it closes, so the session's owner
   * does; the request is then recorded with status 101.
   */
  public static Runnable webSocketSession() {
    Exchange exchange = Exchange.current();
    return exchange == null ? () -> { } : () -> exchange.finish("101");
  }

  private record Operation(HttpMethod method, String path, String vertxPath, String id, boolean streaming) {
  }

  /** The operations of the contract, literal paths first so that /users/events wins over /users/{id}. */
  private static List<Operation> operations(JsonObject contract) {
    List<Operation> ops = new ArrayList<>();
    JsonObject paths = contract.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.containsKey("operationId")) {
          String id = op.getString("operationId");
          ops.add(new Operation(HttpMethod.valueOf(method.toUpperCase()), path,
              path.replaceAll("\\{([^}]+)}", ":$1"), id, STREAMING_RPCS.contains(rpcName(id))));
        }
      }
    }
    ops.sort(Comparator.comparing((Operation op) -> op.path().contains("{")));
    return ops;
  }

  /** The contract names each operation like its rpc, with a lower-case first letter. */
  private static String rpcName(String operationId) {
    return Character.toUpperCase(operationId.charAt(0)) + operationId.substring(1);
  }

  private static Set<String> streamingRpcs() {
    Set<String> names = new java.util.HashSet<>();
    for (var service : io.polyport.users.v1.UsersProto.getDescriptor().getServices()) {
      for (var m : service.getMethods()) {
        if (m.isClientStreaming() || m.isServerStreaming()) {
          names.add(m.getName());
        }
      }
    }
    return names;
  }
}
