package io.polyport.rest;

import io.polyport.api.FeedProtos;
import io.polyport.api.ProtoJson;
import io.polyport.domain.ServiceException;
import io.polyport.domain.UserEvent;
import io.polyport.domain.WatchQuery;
import io.polyport.feed.Feeds;
import io.polyport.service.UserService;
import io.polyport.support.ClosableReadStream;
import io.polyport.support.Streams;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/**
 * GET /users/events: the live feed as Server-Sent Events. Each event's id is its resume token, its name
 * the type, its data the proto3 JSON of the UserEvent; Last-Event-ID resumes; a comment line every
 * {@code heartbeat} ({@code AppConfig.feedKeepAlive}: at most a third of the idle timeout) keeps the server's idle
 * timeout and proxies from closing a quiet stream. When the stream cannot go on, a final
 * {@code overflow} or {@code unavailable} event says why and where to resume.
 */
final class UserEventsRoute {
  static final String EVENT_STREAM = "text/event-stream";
  private final UserService users;
  private final Duration heartbeat;

  UserEventsRoute(UserService users, Duration heartbeat) {
    this.users = users;
    this.heartbeat = heartbeat;
  }

  void mount(Router router) {
    router.get("/users/events").handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    WatchQuery query;
    try {
      query = query(ctx);
    } catch (ServiceException e) {
      RestErrors.send(ctx, e);
      return;
    }
    users.watch(query).onSuccess(stream -> send(ctx, stream)).onFailure(e -> RestErrors.send(ctx, e));
  }

  private static WatchQuery query(RoutingContext ctx) {
    var params = ctx.queryParams();
    String snapshot = params.get("snapshot");
    if (snapshot != null && !snapshot.equals("true") && !snapshot.equals("false")) {
      throw ServiceException.invalid("snapshot must be true or false");
    }
    String token = params.get("resume_token");
    if (token == null || token.isEmpty()) {
      token = ctx.request().getHeader("last-event-id");
    }
    return new WatchQuery(params.get("tag"), "true".equals(snapshot), token);
  }

  private void send(RoutingContext ctx, ClosableReadStream<UserEvent> stream) {
    var response = ctx.response();
    response.setChunked(true)
        .putHeader("content-type", EVENT_STREAM)
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    response.write(": connected\n\n");
    long timer = ctx.vertx().setPeriodic(heartbeat.toMillis(), id -> {
      if (response.ended() || response.closed()) {
        ctx.vertx().cancelTimer(id);
      } else {
        response.write(": heartbeat\n\n");
      }
    });
    response.closeHandler(v -> {
      ctx.vertx().cancelTimer(timer);
      stream.close();
    });
    Streams.pump(stream, response, UserEventsRoute::frame).onFailure(e -> {
      ctx.vertx().cancelTimer(timer);
      stream.close();
      if (!response.ended() && !response.closed()) {
        response.end(finalFrame(e, e instanceof ServiceException se && !se.resumeToken().isEmpty()
            ? se.resumeToken() : Feeds.lastToken(stream)));
      }
    });
  }

  static Buffer frame(UserEvent e) {
    StringBuilder b = new StringBuilder(512);
    if (!e.resumeToken().isEmpty()) {
      b.append("id: ").append(e.resumeToken()).append('\n');
    }
    b.append("event: ").append(e.type().name()).append('\n');
    b.append("data: ").append(ProtoJson.print(FeedProtos.toProto(e))).append("\n\n");
    return Buffer.buffer(b.toString());
  }

  /** The last event of a stream that cannot go on: overflow (slow consumer) or unavailable (source lost, shutdown). */
  static Buffer finalFrame(Throwable e, String resumeToken) {
    ServiceException error = e instanceof ServiceException se ? se
        : new ServiceException(io.polyport.domain.ErrorCode.INTERNAL, "internal error");
    String name = switch (error.code()) {
      case RESOURCE_EXHAUSTED -> "overflow";
      case UNAVAILABLE -> "unavailable";
      default -> "error";
    };
    var data = new JsonObject().put("code", error.code().name()).put("message", error.getMessage())
        .put("resumeToken", resumeToken);
    return Buffer.buffer("event: " + name + "\ndata: " + data.encode() + "\n\n");
  }
}
