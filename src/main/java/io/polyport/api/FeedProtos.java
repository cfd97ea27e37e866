package io.polyport.api;

import io.polyport.domain.FeedCommand;
import io.polyport.domain.FeedOutput;
import io.polyport.domain.ServiceException;
import io.polyport.domain.UserEvent;
import io.polyport.domain.WatchQuery;
import io.polyport.users.v1.EventType;
import io.polyport.users.v1.FeedRequest;
import io.polyport.users.v1.FeedResponse;
import io.polyport.users.v1.FeedResult;
import io.polyport.users.v1.WatchUsersRequest;

/** The live-feed messages to and from the domain, shared by the gRPC, SSE and WebSocket adapters. */
public final class FeedProtos {
  private FeedProtos() {
  }

  public static WatchQuery fromProto(WatchUsersRequest r) {
    return new WatchQuery(r.getTag(), r.getSnapshot(), r.getResumeToken());
  }

  public static io.polyport.users.v1.UserEvent toProto(UserEvent e) {
    return io.polyport.users.v1.UserEvent.newBuilder()
        .setType(switch (e.type()) {
          case SNAPSHOT -> EventType.EVENT_TYPE_SNAPSHOT;
          case CREATED -> EventType.EVENT_TYPE_CREATED;
          case UPDATED -> EventType.EVENT_TYPE_UPDATED;
          case DELETED -> EventType.EVENT_TYPE_DELETED;
        })
        .setUser(UserProtos.toProto(e.user()))
        .setResumeToken(e.resumeToken())
        .setTime(UserProtos.timestamp(e.time()))
        .build();
  }

  /** A request as a command; a request that breaks a rule becomes an invalid command (answered, not fatal). */
  public static FeedCommand fromProto(FeedRequest r) {
    String id = r.getRequestId();
    try {
      return switch (r.getActionCase()) {
        case WATCH -> FeedCommand.watch(id, fromProto(r.getWatch()));
        case CREATE -> FeedCommand.create(id, UserProtos.fromProto(r.getCreate()));
        case UPDATE -> FeedCommand.update(id, UserProtos.fromProto(r.getUpdate()));
        case DELETE -> FeedCommand.delete(id, r.getDelete().getId(), r.getDelete().getExpectedVersion());
        case ACTION_NOT_SET -> FeedCommand.invalid(id, ServiceException.invalid("the request names no action"));
      };
    } catch (ServiceException e) {
      return FeedCommand.invalid(id, e);
    }
  }

  public static FeedResponse toProto(FeedOutput o) {
    if (o.event() != null) {
      return FeedResponse.newBuilder().setEvent(toProto(o.event())).build();
    }
    var result = FeedResult.newBuilder().setRequestId(o.result().requestId());
    if (o.result().error() != null) {
      result.setCode(o.result().error().code().code()).setMessage(o.result().error().getMessage());
    }
    if (o.result().user() != null) {
      result.setUser(UserProtos.toProto(o.result().user()));
    }
    return FeedResponse.newBuilder().setResult(result).build();
  }
}
