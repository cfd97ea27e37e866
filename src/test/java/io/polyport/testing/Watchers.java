package io.polyport.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.polyport.users.v1.WatchUsersRequest;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.CompletableFuture;

/** Live-feed clients for tests: gRPC (grpc-java and Vert.x) and SSE, each collecting into an EventQueue. */
public final class Watchers {
  private Watchers() {
  }

  /** A WatchUsers call through grpc-java; returns once the server has answered the headers (subscribed). */
  public static EventQueue<UserEvent> grpcJava(TestApp app, WatchUsersRequest request, ClientCallStreamObserver<?>[] call) {
    EventQueue<UserEvent> queue = new EventQueue<>();
    CompletableFuture<Void> headers = new CompletableFuture<>();
    app.async().withInterceptors(onHeaders(headers)).watchUsers(request, new ClientResponseObserver<WatchUsersRequest, UserEvent>() {
      public void beforeStart(ClientCallStreamObserver<WatchUsersRequest> requestStream) {
        if (call != null) {
          call[0] = requestStream;
        }
      }

      public void onNext(UserEvent value) {
        queue.add(value);
      }

      public void onError(Throwable t) {
        queue.fail(t);
        headers.complete(null);
      }

      public void onCompleted() {
        queue.end();
        headers.complete(null);
      }
    });
    headers.join();
    return queue;
  }

  /** Completes {@code headers} when a call's response headers arrive. */
  public static ClientInterceptor onHeaders(CompletableFuture<Void> headers) {
    return new ClientInterceptor() {
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          public void start(Listener<R> listener, Metadata metadata) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              public void onHeaders(Metadata h) {
                headers.complete(null);
                super.onHeaders(h);
              }
            }, metadata);
          }
        };
      }
    };
  }

  /** A WatchUsers call through the Vert.x client; returns when the response headers arrived (subscribed). */
  public static EventQueue<UserEvent> vertx(TestApp app, WatchUsersRequest request) {
    EventQueue<UserEvent> queue = new EventQueue<>();
    app.grpc.request(UserServiceGrpcClient.WatchUsers).compose(req -> req.send(request)).map(resp -> {
      resp.handler(queue::add);
      resp.endHandler(v -> {
        if (resp.status() != null && resp.status().code != 0) {
          queue.fail(VertxGrpc.failure(resp));
        } else {
          queue.end();
        }
      });
      resp.exceptionHandler(queue::fail);
      return resp;
    }).otherwise(e -> {
      queue.fail(e);
      return null;
    }).await();
    return queue;
  }

  /** One Server-Sent Event: its id, name and data. */
  public record Sse(String id, String event, String data) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  /** GET /users/events?query with optional Last-Event-ID; completes when the stream is open. */
  public static EventQueue<Sse> sse(TestApp app, HttpClientAgent http, String query, String lastEventId) {
    EventQueue<Sse> queue = new EventQueue<>();
    CompletableFuture<Void> open = new CompletableFuture<>();
    http.request(HttpMethod.GET, app.port(), "127.0.0.1", "/users/events" + query).compose(req -> {
      if (lastEventId != null) {
        req.putHeader("last-event-id", lastEventId);
      }
      return req.send();
    }).onSuccess(resp -> {
      if (resp.statusCode() != 200) {
        resp.body().onSuccess(b -> queue.fail(new AssertionError(resp.statusCode() + " " + b)));
        open.complete(null);
        return;
      }
      var parser = new SseParser(queue::add);
      resp.handler(parser::feed);
      resp.endHandler(v -> queue.end());
      resp.exceptionHandler(queue::fail);
      open.complete(null);
    }).onFailure(e -> {
      queue.fail(e);
      open.complete(null);
    });
    open.join();
    return queue;
  }

  /** Splits an event stream into events (ignoring comments). */
  static final class SseParser {
    private final java.util.function.Consumer<Sse> sink;
    private final StringBuilder pending = new StringBuilder();

    SseParser(java.util.function.Consumer<Sse> sink) {
      this.sink = sink;
    }

    void feed(io.vertx.core.buffer.Buffer chunk) {
      pending.append(chunk.toString());
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String block = pending.substring(0, end);
        pending.delete(0, end + 2);
        String id = null;
        String event = "message";
        StringBuilder data = new StringBuilder();
        boolean any = false;
        for (String line : block.split("\n")) {
          if (line.startsWith(":")) {
            continue;
          }
          any = true;
          if (line.startsWith("id: ")) {
            id = line.substring(4);
          } else if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data.append(line.substring(6));
          }
        }
        if (any) {
          sink.accept(new Sse(id, event, data.toString()));
        }
      }
    }
  }
}
