package io.polyport.bench;

import io.polyport.support.FlushBatching;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.GetUserRequest;
import io.polyport.users.v1.ImportUsersResponse;
import io.polyport.users.v1.ListUsersRequest;
import io.polyport.users.v1.User;
import io.polyport.users.v1.UserEvent;
import io.polyport.users.v1.WatchUsersRequest;
import io.polyport.users.v1.UserServiceGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The gRPC scenarios over the Vert.x gRPC client (h2c prior knowledge), one client (one HTTP/2 connection)
 * per connection slot; worker w uses slot w % connections. A call counts as a success only when its
 * status is OK (and, for an import, when every record was created).
 */
final class GrpcWorkloads {
  private final SocketAddress server;
  private final List<GrpcClient> clients = new ArrayList<>();
  private final List<HttpClient> transports = new ArrayList<>();

  GrpcWorkloads(Vertx vertx, SocketAddress server, int connections, int windowBytes) {
    this.server = server;
    var http = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
        .setTcpNoDelay(true).setHttp2ConnectionWindowSize(windowBytes)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(windowBytes));
    for (int i = 0; i < connections; i++) {
      // the writes of one event-loop turn (an import's records, requests of many workers) leave in one flush,
      // as grpc-java's client does; Vert.x alone flushes every message
      HttpClient transport = vertx.httpClientBuilder().with(http)
          .withConnectHandler(connection -> FlushBatching.install(connection, FlushBatching.DEFAULT_MAX_FLUSHES)).build();
      transports.add(transport);
      clients.add(GrpcClient.client(vertx, transport));
    }
  }

  private GrpcClient client(int worker) {
    return clients.get(worker % clients.size());
  }

  /** The HTTP/2 connections under {@link #client}, for the same worker. */
  private HttpClient transport(int worker) {
    return transports.get(worker % transports.size());
  }

  /** A non-OK status as a failure carrying the status and message. */
  static Throwable failure(GrpcClientResponse<?, ?> resp, Throwable cause) {
    GrpcStatus status = resp.status();
    return new IllegalStateException("grpc-status " + (status == null ? "none" : status.name())
        + (resp.statusMessage() == null ? "" : " " + resp.statusMessage())
        + (status == null && cause != null ? " " + cause : ""));
  }

  Workload create(String name, Users users, int workers) {
    Users.Source[] sources = new Users.Source[workers];
    for (int w = 0; w < workers; w++) {
      sources[w] = users.source();
    }
    return unary(name, w -> client(w).request(server, UserServiceGrpcClient.CreateUser)
        .compose(req -> req.send(sources[w].proto())).compose(GrpcWorkloads::single));
  }

  Workload get(String name, List<String> ids, int workers) {
    long[] next = new long[workers];
    return unary(name, w -> {
      String id = ids.get((int) ((next[w]++ * workers + w) % ids.size()));
      return client(w).request(server, UserServiceGrpcClient.GetUser)
          .compose(req -> req.send(GetUserRequest.newBuilder().setId(id).build())).compose(GrpcWorkloads::single);
    });
  }

  private static Future<Long> single(GrpcClientResponse<?, User> resp) {
    return resp.last().transform(ar -> ar.succeeded() && resp.status() == GrpcStatus.OK
        ? Future.succeededFuture(1L) : Future.failedFuture(failure(resp, ar.cause())));
  }

  /**
   * One whole ListUsers stream; the units are the messages received, counted by their length prefixes on the
   * raw HTTP/2 response (not decoded). Vert.x 5.0.7's gRPC client copies the rest of a DATA frame for every
   * message it takes out of it, so with the server's 16 KiB frames of ~150 users the tool, not the server,
   * became the limit (58-64 % of a core for 135-158k users/s, where grpc-java's client read the same
   * server at 156-178k on 45-48 %).
   */
  Workload list(String name, int limit) {
    Buffer request = framed(ListUsersRequest.newBuilder().setLimit(limit).build().toByteArray());
    return stream(name, w -> transport(w).request(new RequestOptions().setMethod(HttpMethod.POST)
            .setServer(server).setURI("/" + UserServiceGrpcClient.ListUsers.fullMethodName())
            .putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
        .compose(req -> req.send(request))
        .compose(resp -> {
          MessageCounter counter = new MessageCounter();
          resp.handler(counter::accept);
          return resp.end().compose(v -> {
            String status = status(resp, "grpc-status");
            return resp.statusCode() == 200 && "0".equals(status) && counter.whole()
                ? Future.succeededFuture(counter.messages())
                : Future.failedFuture(new IllegalStateException("grpc-status " + status + " "
                    + status(resp, "grpc-message") + " (HTTP " + resp.statusCode()
                    + (counter.whole() ? "" : ", the body ends inside a message") + ")"));
          });
        }));
  }

  /** A status field: in the trailers, or in the headers of a trailers-only answer. */
  private static String status(HttpClientResponse resp, String name) {
    String trailer = resp.getTrailer(name);
    return trailer != null ? trailer : resp.getHeader(name);
  }

  private static Buffer framed(byte[] message) {
    return Buffer.buffer(5 + message.length).appendByte((byte) 0).appendInt(message.length).appendBytes(message);
  }

  /** One ImportUsers stream of {@code records} new users, written as fast as the stream accepts them. */
  Workload importUsers(String name, Users users, long records) {
    return stream(name, w -> importOnce(client(w), users.source(), records));
  }

  Future<Long> importOnce(GrpcClient client, Users.Source source, long records) {
    return client.request(server, UserServiceGrpcClient.ImportUsers).compose(req -> {
      long[] sent = {0};
      boolean[] over = {false};
      Future<GrpcClientResponse<CreateUserRequest, ImportUsersResponse>> response = req.response();
      response.onComplete(ar -> over[0] = true);
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        while (!over[0] && sent[0] < records && !req.writeQueueFull()) {
          req.write(source.proto());
          sent[0]++;
        }
        if (sent[0] == records) {
          req.end();
        } else if (!over[0]) {
          req.drainHandler(v -> pump[0].run());
        }
      };
      pump[0].run();
      return response.compose(resp -> resp.last().transform(ar -> ar.succeeded() && resp.status() == GrpcStatus.OK
          ? checked(ar.result(), records) : Future.failedFuture(failure(resp, ar.cause()))));
    });
  }

  static Future<Long> checked(ImportUsersResponse r, long records) {
    if (r.getCreated() == records && r.getFailed() == 0) {
      return Future.succeededFuture(records);
    }
    return Future.failedFuture(new IllegalStateException("import created " + r.getCreated() + " of " + records
        + ", failed " + r.getFailed() + (r.getErrorsCount() > 0 ? " (" + r.getErrors(0).getMessage() + ")" : "")));
  }

  /** The ids of the first {@code limit} users in id order (for the get scenarios). */
  Future<List<String>> ids(int limit) {
    return clients.get(0).request(server, UserServiceGrpcClient.ListUsers)
        .compose(req -> req.send(ListUsersRequest.newBuilder().setLimit(limit).build()))
        .compose(resp -> {
          List<String> ids = new ArrayList<>();
          resp.handler(user -> ids.add(user.getId()));
          return resp.end().transform(ar -> ar.succeeded() && resp.status() == GrpcStatus.OK
              ? Future.succeededFuture(ids) : Future.failedFuture(failure(resp, ar.cause())));
        });
  }

  /** Opens one WatchUsers stream on connection slot {@code slot}: the request, to cancel it, with its response. */
  Future<GrpcClientRequest<WatchUsersRequest, UserEvent>> watch(int slot, WatchUsersRequest request) {
    return client(slot).request(server, UserServiceGrpcClient.WatchUsers).map(req -> {
      req.end(request);
      return req;
    });
  }

  GrpcClient first() {
    return clients.get(0);
  }

  private static Workload unary(String name, IntFunction<Future<Long>> op) {
    return workload(name, true, op);
  }

  private static Workload stream(String name, IntFunction<Future<Long>> op) {
    return workload(name, false, op);
  }

  static Workload workload(String name, boolean unary, IntFunction<Future<Long>> op) {
    return new Workload() {
      public String name() {
        return name;
      }

      public boolean unary() {
        return unary;
      }

      public Future<Long> call(int worker) {
        return op.apply(worker);
      }
    };
  }

  Future<Void> close() {
    return Future.all(clients.stream().map(GrpcClient::close).toList())
        .eventually(() -> Future.all(transports.stream().map(HttpClient::close).toList())).mapEmpty();
  }
}
