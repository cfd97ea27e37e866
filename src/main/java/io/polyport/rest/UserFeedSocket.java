package io.polyport.rest;

import io.polyport.api.FeedProtos;
import io.polyport.api.ProtoJson;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.FeedCommand;
import io.polyport.domain.FeedOutput;
import io.polyport.domain.ServiceException;
import io.polyport.observe.RestObservation;
import io.polyport.service.UserService;
import io.polyport.users.v1.FeedRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/**
 * GET /users/feed, upgraded to a WebSocket: text frames carry the proto3 JSON of FeedRequest (in) and
 * FeedResponse (out), with the semantics of the gRPC Feed. A consumer that falls behind is closed with
 * 1008 after a last frame {"error": {code, message, resumeToken}}; a lost source or shutdown with 1001. A ping
 * every {@code keepAlive} ({@code AppConfig.feedKeepAlive}) keeps a quiet session from being closed as idle.
 */
final class UserFeedSocket {
  private static final Buffer PING = Buffer.buffer("polyport");
  private final UserService users;
  private final Duration keepAlive;

  UserFeedSocket(UserService users, Duration keepAlive) {
    this.users = users;
    this.keepAlive = keepAlive;
  }

  void mount(Router router) {
    router.get("/users/feed").handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    String upgrade = ctx.request().getHeader("upgrade");
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      RestErrors.write(ctx, 400, ErrorCode.INVALID_ARGUMENT, "GET /users/feed must be a WebSocket upgrade (HTTP/1.1)");
      return;
    }
    boolean mayWrite = RestAuth.principal(ctx).may(io.polyport.auth.Principal.WRITE);
    Runnable observed = RestObservation.webSocketSession();
    ctx.request().toWebSocket().onSuccess(ws -> session(ctx.vertx(), ws, mayWrite, observed))
        .onFailure(e -> RestErrors.send(ctx, e));
  }

  private void session(Vertx vertx, ServerWebSocket ws, boolean mayWrite, Runnable ended) {
    var commands = new Commands(ws);
    var output = new Output(ws);
    long pings = keepAlive(vertx, ws);
    users.session(commands, output, mayWrite).onComplete(done -> {
      vertx.cancelTimer(pings);
      ended.run();
      if (done.succeeded()) {
        ws.close((short) 1000, "done");
        return;
      }
      ServiceException error = done.cause() instanceof ServiceException se ? se
          : new ServiceException(ErrorCode.INTERNAL, "internal error");
      if (ws.isClosed()) {
        return;
      }
      var last = new JsonObject().put("error", new JsonObject().put("code", error.code().name())
          .put("message", error.getMessage()).put("resumeToken", error.resumeToken()));
      ws.writeTextMessage(last.encode());
      ws.close(error.code() == ErrorCode.RESOURCE_EXHAUSTED ? (short) 1008 : (short) 1001,
          error.code() == ErrorCode.RESOURCE_EXHAUSTED ? "consumer too slow" : "going away");
    });
  }

  /**
   * A ping every keep-alive while the socket is open, unless the last one is unanswered: a quiet session is not
   * closed as idle, and one whose client answers no ping (gone without closing its socket) still is.
   */
  private long keepAlive(Vertx vertx, ServerWebSocket ws) {
    boolean[] unanswered = {false};
    ws.pongHandler(pong -> unanswered[0] = false);
    return vertx.setPeriodic(keepAlive.toMillis(), id -> {
      if (ws.isClosed()) {
        vertx.cancelTimer(id);
      } else if (!unanswered[0]) {
        unanswered[0] = true;
        ws.writePing(PING);
      }
    });
  }

  /** Text frames as commands; the socket closing ends the session (the client is gone). */
  private static final class Commands implements ReadStream<FeedCommand> {
    private final ServerWebSocket ws;
    private Handler<Throwable> exceptionHandler;

    Commands(ServerWebSocket ws) {
      this.ws = ws;
      ws.closeHandler(v -> {
        if (exceptionHandler != null) {
          exceptionHandler.handle(new ServiceException(ErrorCode.UNAVAILABLE, "the client closed the socket"));
        }
      });
    }

    @Override
    public ReadStream<FeedCommand> exceptionHandler(Handler<Throwable> handler) {
      this.exceptionHandler = handler;
      return this;
    }

    @Override
    public ReadStream<FeedCommand> handler(Handler<FeedCommand> handler) {
      ws.textMessageHandler(handler == null ? null : text -> handler.handle(decode(text)));
      ws.binaryMessageHandler(handler == null ? null : b -> handler.handle(FeedCommand.invalid("",
          ServiceException.invalid("frames must be text: the proto3 JSON of FeedRequest"))));
      return this;
    }

    private static FeedCommand decode(String text) {
      try {
        return FeedProtos.fromProto(ProtoJson.parse(text, FeedRequest.newBuilder()).build());
      } catch (ServiceException e) {
        return FeedCommand.invalid("", e);
      }
    }

    @Override
    public ReadStream<FeedCommand> pause() {
      ws.pause();
      return this;
    }

    @Override
    public ReadStream<FeedCommand> resume() {
      ws.resume();
      return this;
    }

    @Override
    public ReadStream<FeedCommand> fetch(long amount) {
      ws.fetch(amount);
      return this;
    }

    @Override
    public ReadStream<FeedCommand> endHandler(Handler<Void> endHandler) {
      return this;
    }
  }

  /** Outputs as text frames, with the socket's backpressure. */
  private static final class Output implements WriteStream<FeedOutput> {
    private final ServerWebSocket ws;

    Output(ServerWebSocket ws) {
      this.ws = ws;
    }

    @Override
    public WriteStream<FeedOutput> exceptionHandler(Handler<Throwable> handler) {
      ws.exceptionHandler(handler);
      return this;
    }

    @Override
    public Future<Void> write(FeedOutput data) {
      if (ws.isClosed()) {
        return Future.succeededFuture();
      }
      return ws.writeTextMessage(ProtoJson.print(FeedProtos.toProto(data)));
    }

    @Override
    public Future<Void> end() {
      return ws.close();
    }

    @Override
    public WriteStream<FeedOutput> setWriteQueueMaxSize(int maxSize) {
      ws.setWriteQueueMaxSize(maxSize);
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return ws.writeQueueFull();
    }

    @Override
    public WriteStream<FeedOutput> drainHandler(Handler<Void> handler) {
      ws.drainHandler(handler);
      return this;
    }
  }

}
